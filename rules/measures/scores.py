"""Index scores (PAR INDEX points, SIPAS percentages): against a target, within a maximum, and
parts that must add up to their parent."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.rules.measures.common import (
    SYMBOLS,
    applicable_units,
    compare_symbol,
    period_closed,
    sign,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import Rule, ScoreMeasure, ScoreSumMeasure


def decimal(value: Fraction) -> str:
    """8.424 as 8.424: scores are decimals, shown as written (up to 6 places)."""
    if value.denominator == 1:
        return str(value.numerator)
    text = f"{value.numerator / value.denominator:.6f}".rstrip("0")
    return text.rstrip(".")


def _latest_with(reports: list[Report], period_year: int, codes: list[str]) -> Report | None:
    candidates = [
        r
        for r in reports
        if r.period.year == period_year and all(code in r.scores for code in codes)
    ]
    return max(
        candidates, key=lambda r: (r.period.end, r.period.end - r.period.start), default=None
    )


def observe_score(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, ScoreMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    wanted = f"{SYMBOLS[rule.target.op]} {decimal(target)}"
    if measure.maximum is not None:
        wanted += f" (maximum {decimal(measure.maximum)})"
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            closed = period_closed(period, as_of)
            report = _latest_with(facts.reports_of(unit.id), period.year, [measure.code])
            if report is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"no report for {period} gives the score {measure.code}",
                )
                continue
            value = report.scores[measure.code]
            values: dict[str, int | bool] = {"vs_target": sign(value, target)}
            arithmetic = f"{decimal(value)} {compare_symbol(value, target)} {decimal(target)}"
            gap = None
            if measure.maximum is not None:
                values["vs_maximum"] = sign(value, measure.maximum)
                if value > measure.maximum:
                    arithmetic += f", above the maximum {decimal(measure.maximum)}"
                    gap = (
                        f"a score above the criterion's maximum {decimal(measure.maximum)} "
                        "is a reporting error"
                    )
            if gap is None and not _meets(rule.target.op, value, target):
                gap = (
                    f"{decimal(target - value)} more points needed"
                    if rule.target.op == ">="
                    else f"more than {decimal(target - value)} more points needed"
                )
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                values,
                actual=decimal(value),
                target=wanted,
                arithmetic=arithmetic,
                gap=gap,
                detail=None if report.period == period else f"from the {report.period} report",
                numbers={"score": str(value), "code": measure.code},
            )


def _meets(op: str, value: Fraction, target: Fraction) -> bool:
    return value > target if op == ">" else value >= target


def observe_sum(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, ScoreSumMeasure)
    codes = [measure.code, *measure.parts]
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            closed = period_closed(period, as_of)
            report = _latest_with(facts.reports_of(unit.id), period.year, codes)
            if report is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    f"{measure.code} = the sum of its parts",
                    f"no report for {period} gives {measure.code} and all "
                    f"of {', '.join(measure.parts)}",
                )
                continue
            parts_sum = sum((report.scores[code] for code in measure.parts), Fraction(0))
            whole = report.scores[measure.code]
            shown = " + ".join(decimal(report.scores[code]) for code in measure.parts)
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"parts_vs_total": sign(parts_sum, whole)},
                actual=f"parts add to {decimal(parts_sum)}",
                target=f"{measure.code} = {decimal(whole)}",
                arithmetic=f"{shown} = {decimal(parts_sum)} "
                f"{compare_symbol(parts_sum, whole)} {decimal(whole)}",
                gap=None
                if parts_sum == whole
                else (
                    f"the reported parts and {measure.code} differ by "
                    f"{decimal(abs(parts_sum - whole))}: one of them is misreported"
                ),
                numbers={"parts": str(parts_sum), "whole": str(whole)},
            )
