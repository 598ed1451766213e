"""One reported count against a number: at least one CCHC initiative in the year."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    applicable_units,
    period_closed,
    period_coverage,
    reported,
    rule_years,
    sign,
    uncovered,
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
                closed = period_closed(judged, as_of)
                yield uncovered(rule, unit.id, judged, closed, [measure.indicator], cover)


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
    closed = period_closed(judged, as_of)
    if chosen is not None:
        value = reported(chosen, measure.indicator) or 0
        if cover.complete or not closed or _settled(rule, measure, value):
            return _measured(rule, measure, unit_id, chosen, judged, as_of)
    return uncovered(rule, unit_id, judged, closed, [measure.indicator], cover)


def _settled(rule: Rule, measure: QuantityMeasure, value: int) -> bool:
    """Whether a partial cumulative count already decides: it can only grow, so a minimum
    reached stays reached and a cap broken stays broken."""
    assert rule.target is not None and rule.target.value is not None
    if not measure.cumulative:
        return False
    reached = sign(Fraction(value), rule.target.value) >= (1 if rule.target.op == ">" else 0)
    return reached if rule.target.op in (">=", ">") else not _within_cap(rule.target, value)


def _within_cap(target: Target, value: int) -> bool:
    assert target.value is not None
    return value < target.value if target.op == "<" else value <= target.value


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
    evidence = {
        "value": value,
        "source": str(report.period) if report.period != judged else None,
    }
    return Observation(
        rule.id,
        unit_id,
        str(judged),
        "measured",
        period_closed(judged, as_of),
        {"vs_target": sign(Fraction(value), target.value)},
        evidence,
    )


def gap(rule: Rule, observation: Observation) -> dict[str, int]:
    """More for a minimum, fewer for a cap: called only for a count the engine found unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    value = int(observation.evidence["value"])  # type: ignore[arg-type]
    if target.op in (">=", ">"):
        need = math.floor(target.value) + 1 if target.op == ">" else math.ceil(target.value)
        return {"more": need - value, "need": need}
    allowed = math.ceil(target.value) - 1 if target.op == "<" else math.floor(target.value)
    return {"fewer": value - allowed, "allowed": allowed}
