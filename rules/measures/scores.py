"""Index scores (PAR INDEX points, SIPAS percentages): against a target, and parts that must add
up to their parent. A score above its criterion's maximum is refused as input, never seen here."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    applicable_units,
    compare_symbol,
    decimal_text,
    period_closed,
    period_coverage,
    sign,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import Rule, ScoreMeasure, ScoreSumMeasure


def decimal(value: Fraction) -> str:
    """8.424 as 8.424: scores are decimals, shown as written (up to 6 places)."""
    # Exact decimal arithmetic, never a binary float: a score is shown as the figure reported.
    return decimal_text(value, 6)


def _latest_with(
    reports: list[Report], period: Period, codes: list[str], as_of: date
) -> tuple[Report | None, str | None]:
    """The report to read the scores from: the latest of the year that gives them all. Scores are
    as of one report, so once the period is over, one ending before it cannot decide; the second
    value then says which part of the period no report covers."""
    candidates = [
        r for r in reports if r.period.year == period.year and all(c in r.scores for c in codes)
    ]
    latest = max(
        candidates, key=lambda r: (r.period.end, r.period.end - r.period.start), default=None
    )
    cover = period_coverage([latest.period] if latest else [], period, additive=False)
    if latest is None or (not cover.complete and period_closed(period, as_of)):
        return None, cover.describe()
    return latest, None


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
            reports = facts.reports_of(unit.id)
            report, uncovered = _latest_with(reports, period, [measure.code], as_of)
            if report is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"no report covering {uncovered} gives the score {measure.code}",
                    f"report the score {measure.code} for the whole of {period}",
                )
                continue
            value = report.scores[measure.code]
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"vs_target": sign(value, target)},
                actual=decimal(value),
                target=wanted,
                arithmetic=f"{decimal(value)} {compare_symbol(value, target)} {decimal(target)}",
                gap=None
                if _meets(rule.target.op, value, target)
                else (
                    f"{decimal(target - value)} more points needed"
                    if rule.target.op == ">="
                    else f"more than {decimal(target - value)} more points needed"
                ),
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
            report, uncovered = _latest_with(facts.reports_of(unit.id), period, codes, as_of)
            if report is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    f"{measure.code} = the sum of its parts",
                    f"no report covering {uncovered} gives {measure.code} and all "
                    f"of {', '.join(measure.parts)}",
                    f"report {', '.join(codes)} for the whole of {period}",
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
