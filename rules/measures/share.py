"""Shares and ratios of two reported counts of one unit: on-time dossiers / resolved dossiers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    allowed_at_most,
    applicable_units,
    compare_symbol,
    flat_counts,
    integer,
    mentions_any,
    missing_fields,
    needed_at_least,
    percent,
    period_closed,
    rule_years,
    sign,
    total,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import RangeMeasure, Rule, ShareMeasure, Target


def _counts_for(measure: ShareMeasure | RangeMeasure) -> Callable[[Report], dict[str, int]]:
    field = getattr(measure, "field", None)
    excluding = tuple(getattr(measure, "excluding_fields", ()))
    return lambda report: flat_counts(report, field, excluding)


def target_text(target: Target) -> str:
    if target.op == "between":
        assert target.low is not None and target.high is not None
        return f"{percent(target.low)} – {percent(target.high)}"
    assert target.value is not None
    return f"{SYMBOLS[target.op]} {percent(target.value)}"


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, ShareMeasure | RangeMeasure)
    refs = [*measure.numerator, *measure.denominator]
    counts = _counts_for(measure)
    for unit in applicable_units(rule.applies_to, facts):
        reports = facts.reports_of(unit.id)
        for year in sorted(rule_years(rule)):
            if measure.window == "year":
                chosen = year_report(reports, year, refs, counts)
                picked = [chosen] if chosen else []
            else:
                picked = [
                    r for r in reports if r.period.year == year and mentions_any(counts(r), refs)
                ]
            if not picked:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(year),
                    period_closed(Period(year), as_of),
                    target_text(rule.target),
                    f"no report for {year} gives {', '.join(refs)}",
                )
            for report in picked:
                closing = Period(year) if measure.window == "year" else report.period
                yield _observe_report(rule, measure, report, unit.id, closing, as_of)


def _observe_report(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    report: Report,
    unit_id: str,
    judged_over: Period,
    as_of: date,
) -> Observation:
    assert rule.target is not None
    label = str(judged_over)
    source = f"from the {report.period} report" if report.period != judged_over else None
    closed = period_closed(judged_over, as_of)
    counts = _counts_for(measure)(report)
    absent = missing_fields(counts, [*measure.numerator, *measure.denominator])
    if absent:
        return Observation.without_data(
            rule.id,
            unit_id,
            label,
            closed,
            target_text(rule.target),
            f"the {report.period} report does not give {', '.join(absent)}",
        )
    numerator = total(counts, measure.numerator) or 0
    denominator = total(counts, measure.denominator) or 0
    numbers: dict[str, int | str] = {"numerator": numerator, "denominator": denominator}
    if denominator == 0:
        return Observation(
            rule.id,
            unit_id,
            label,
            "not_applicable",
            closed,
            target=target_text(rule.target),
            numbers=numbers,
            detail=f"nothing to divide by: {' + '.join(measure.denominator)} = 0",
        )
    actual = Fraction(numerator, denominator)
    values, bound, gap = _compare(rule.target, actual, numerator, denominator, measure.counted)
    shown = f"{integer(numerator)} / {integer(denominator)} = {percent(actual, bound)}"
    return Observation(
        rule.id,
        unit_id,
        label,
        "measured",
        closed,
        values,
        actual=shown,
        target=target_text(rule.target),
        arithmetic=f"{shown} {_relation(rule.target, actual, bound)}",
        gap=gap,
        detail=source,
        numbers={**numbers, "actual": str(actual)},
    )


def _relation(target: Target, actual: Fraction, bound: Fraction) -> str:
    if target.op == "between" and bound == target.low and actual >= bound:
        return f"within {target_text(target)}"
    return f"{compare_symbol(actual, bound)} {percent(bound)}"


def _compare(
    target: Target, actual: Fraction, numerator: int, denominator: int, counted: str
) -> tuple[dict[str, int | bool], Fraction, str | None]:
    """The signs the condition reads, the bound shown in the arithmetic, and the gap if any."""
    if target.op == "between":
        assert target.low is not None and target.high is not None
        values = {"vs_low": sign(actual, target.low), "vs_high": sign(actual, target.high)}
        if actual < target.low:
            need = needed_at_least(target.low, denominator, strict=False)
            return (
                values,
                target.low,
                (
                    f"{counted} must rise by {integer(need - numerator)} "
                    f"to {integer(need)} of {integer(denominator)}"
                ),
            )
        if actual > target.high:
            allowed = allowed_at_most(target.high, denominator, strict=False)
            return (
                values,
                target.high,
                (
                    f"{counted} must fall by {integer(numerator - allowed)} "
                    f"to {integer(allowed)} of {integer(denominator)}"
                ),
            )
        return values, target.low, None
    assert target.value is not None
    values = {"vs_target": sign(actual, target.value)}
    strict = target.op in (">", "<")
    if target.op in (">=", ">"):
        need = needed_at_least(target.value, denominator, strict)
        gap = (
            None
            if numerator >= need
            else (
                f"{integer(need - numerator)} more {counted} needed ({integer(need)} of "
                f"{integer(denominator)}, if the total stays {integer(denominator)})"
            )
        )
    else:
        allowed = allowed_at_most(target.value, denominator, strict)
        gap = (
            None
            if numerator <= allowed
            else (
                f"{integer(numerator - allowed)} fewer {counted} needed "
                f"(at most {integer(allowed)} "
                f"of {integer(denominator)})"
            )
        )
    return values, target.value, gap
