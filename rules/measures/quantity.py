"""One reported count against a number: at least one CCHC initiative in the year."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    Coverage,
    applicable_units,
    compare_symbol,
    integer,
    number,
    period_closed,
    period_coverage,
    reported,
    rule_years,
    sign,
    to_report,
    uncovered_detail,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import QuantityMeasure, Rule, Target


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, QuantityMeasure) and rule.target is not None
    for unit in applicable_units(rule.applies_to, facts):
        for year in sorted(rule_years(rule)):
            judged = Period(year)
            speaking = [
                r
                for r in facts.reports_of(unit.id)
                if r.period.year == year and reported(r, measure.indicator) is not None
            ]
            if measure.window == "year":
                yield _observe_year(rule, measure, unit.id, speaking, judged, as_of)
                continue
            for report in speaking:
                yield _measured(rule, measure, unit.id, report, report.period, as_of)
            cover = period_coverage([r.period for r in speaking], judged, additive=False)
            if not cover.complete:
                yield _without_data(rule, measure, unit.id, judged, as_of, cover)


def _observe_year(
    rule: Rule,
    measure: QuantityMeasure,
    unit_id: str,
    speaking: list[Report],
    judged: Period,
    as_of: date,
) -> Observation:
    """The annual figure; while the year runs, the latest cumulative one. Once the year is over,
    a report ending before it decides only what the rest of the year cannot undo: a cumulative
    count already at a minimum, or already over a cap."""
    chosen = year_report(speaking, judged.year, [measure.indicator])
    cover = period_coverage([chosen.period] if chosen else [], judged, additive=False)
    if chosen is None:
        return _without_data(rule, measure, unit_id, judged, as_of, cover)
    value = reported(chosen, measure.indicator) or 0
    if cover.complete or not period_closed(judged, as_of) or _settled(rule, measure, value):
        return _measured(rule, measure, unit_id, chosen, judged, as_of)
    return _without_data(rule, measure, unit_id, judged, as_of, cover)


def _settled(rule: Rule, measure: QuantityMeasure, value: int) -> bool:
    """Whether a partial cumulative count already decides: it can only grow."""
    assert rule.target is not None and rule.target.value is not None
    if not measure.cumulative:
        return False
    if rule.target.op in (">=", ">"):
        return _meets(rule.target, value)
    return not _meets(rule.target, value)


def _meets(target: Target, value: int) -> bool:
    assert target.value is not None
    return {
        ">=": value >= target.value,
        ">": value > target.value,
        "<=": value <= target.value,
        "<": value < target.value,
    }[target.op]


def _wanted(target: Target) -> str:
    assert target.value is not None
    return f"{SYMBOLS[target.op]} {number(target.value)}"


def _without_data(
    rule: Rule, measure: QuantityMeasure, unit_id: str, judged: Period, as_of: date, cover: Coverage
) -> Observation:
    assert rule.target is not None
    return Observation.without_data(
        rule.id,
        unit_id,
        str(judged),
        period_closed(judged, as_of),
        _wanted(rule.target),
        uncovered_detail(cover, measure.indicator),
        f"{to_report([measure.indicator], judged)}, in a report covering the whole of {judged}",
    )


def _gap(target: Target, value: int, counted: str) -> str | None:
    """What it takes to comply: more for a minimum, fewer for a cap."""
    assert target.value is not None
    if _meets(target, value):
        return None
    if target.op in (">=", ">"):
        need = math.floor(target.value) + 1 if target.op == ">" else math.ceil(target.value)
        return f"{integer(need - value)} more {counted} needed"
    allowed = math.ceil(target.value) - 1 if target.op == "<" else math.floor(target.value)
    return f"{integer(value - allowed)} fewer {counted} needed (at most {integer(allowed)})"


def _measured(
    rule: Rule,
    measure: QuantityMeasure,
    unit_id: str,
    report: Report,
    judged: Period,
    as_of: date,
) -> Observation:
    target = rule.target
    assert target is not None and target.value is not None
    value = reported(report, measure.indicator) or 0
    return Observation(
        rule.id,
        unit_id,
        str(judged),
        "measured",
        period_closed(judged, as_of),
        {"vs_target": sign(Fraction(value), target.value)},
        actual=integer(value),
        target=_wanted(target),
        arithmetic=f"{integer(value)} {compare_symbol(Fraction(value), target.value)} "
        f"{number(target.value)}",
        gap=_gap(target, value, measure.counted),
        detail=None if report.period == judged else f"from the {report.period} report",
        numbers={"value": value},
    )
