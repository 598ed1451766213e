"""Shares and ratios of two reported counts of one unit: on-time dossiers / resolved dossiers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    Coverage,
    allowed_at_most,
    applicable_units,
    compare_symbol,
    flat_counts,
    handles,
    integer,
    mentions_any,
    missing_fields,
    needed_at_least,
    percent,
    period_closed,
    period_coverage,
    rule_years,
    sign,
    to_report,
    total,
    uncovered_detail,
    unique,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import RangeMeasure, Rule, ShareMeasure, Target


def _counts_for(
    measure: ShareMeasure | RangeMeasure, unit: Unit
) -> Callable[[Report], dict[str, int]]:
    field = getattr(measure, "field", None)
    excluding = tuple(getattr(measure, "excluding_fields", ()))
    return lambda report: flat_counts(report, field, excluding, unit.fields)


def target_text(target: Target) -> str:
    if target.op == "between":
        assert target.low is not None and target.high is not None
        return f"{percent(target.low)} – {percent(target.high)}"
    assert target.value is not None
    return f"{SYMBOLS[target.op]} {percent(target.value)}"


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, ShareMeasure | RangeMeasure)
    refs = unique([*measure.numerator, *measure.denominator])
    field = getattr(measure, "field", None)
    for unit in applicable_units(rule.applies_to, facts):
        counts = _counts_for(measure, unit)
        for year in sorted(rule_years(rule)):
            judged = Period(year)
            if field is not None and not handles(unit, field):
                yield _field_not_handled(rule, unit, field, judged, as_of)
                continue
            speaking = [
                r
                for r in facts.reports_of(unit.id)
                if r.period.year == year and mentions_any(counts(r), refs)
            ]
            if measure.window == "year":
                yield _observe_year(rule, measure, unit.id, speaking, judged, as_of, counts)
            else:
                yield from _observe_each(rule, measure, unit.id, speaking, judged, as_of, counts)


def _field_not_handled(
    rule: Rule, unit: Unit, field: str, judged: Period, as_of: date
) -> Observation:
    """A unit whose declared fields leave this one out has no dossiers of it to judge."""
    assert rule.target is not None
    return Observation(
        rule.id,
        unit.id,
        str(judged),
        "not_applicable",
        period_closed(judged, as_of),
        target=target_text(rule.target),
        detail=f"{unit.id} does not handle the field {field} "
        f"(its fields: {', '.join(unit.fields or []) or 'none'})",
    )


def _observe_each(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    unit_id: str,
    speaking: list[Report],
    judged: Period,
    as_of: date,
    counts: Callable[[Report], dict[str, int]],
) -> Iterator[Observation]:
    """Each report judged over its own period; and the year itself, when the reports do not
    cover it, is not enough data: a Q1 report says nothing of the rest of the year."""
    for report in speaking:
        yield _observe_report(rule, measure, report, unit_id, report.period, as_of, counts)
    cover = period_coverage([r.period for r in speaking], judged, additive=False)
    if not cover.complete:
        yield _uncovered(rule, measure, unit_id, judged, as_of, cover)


def _uncovered(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    unit_id: str,
    judged: Period,
    as_of: date,
    cover: Coverage,
) -> Observation:
    assert rule.target is not None
    refs = [*measure.numerator, *measure.denominator]
    return Observation.without_data(
        rule.id,
        unit_id,
        str(judged),
        period_closed(judged, as_of),
        target_text(rule.target),
        uncovered_detail(cover, ", ".join(unique(refs))),
        f"{to_report(refs, judged)}, in a report covering the whole of {judged}",
    )


def _observe_year(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    unit_id: str,
    speaking: list[Report],
    judged: Period,
    as_of: date,
    counts: Callable[[Report], dict[str, int]],
) -> Observation:
    """A whole-year share: from the annual report; while the year runs, from the latest
    cumulative one. Once the year is over, a report that ends before it cannot decide."""
    refs = [*measure.numerator, *measure.denominator]
    chosen = year_report(speaking, judged.year, refs, counts)
    cover = period_coverage([chosen.period] if chosen else [], judged, additive=False)
    if chosen is None or (not cover.complete and period_closed(judged, as_of)):
        return _uncovered(rule, measure, unit_id, judged, as_of, cover)
    return _observe_report(rule, measure, chosen, unit_id, judged, as_of, counts)


def _observe_report(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    report: Report,
    unit_id: str,
    judged_over: Period,
    as_of: date,
    counts_of: Callable[[Report], dict[str, int]],
) -> Observation:
    assert rule.target is not None
    label = str(judged_over)
    source = f"from the {report.period} report" if report.period != judged_over else None
    closed = period_closed(judged_over, as_of)
    counts = counts_of(report)
    absent = missing_fields(counts, [*measure.numerator, *measure.denominator])
    if absent:
        return Observation.without_data(
            rule.id,
            unit_id,
            label,
            closed,
            target_text(rule.target),
            f"the {report.period} report does not give {', '.join(absent)}",
            to_report(absent, report.period),
        )
    numerator = total(counts, measure.numerator) or 0
    denominator = total(counts, measure.denominator) or 0
    numbers: dict[str, int | str] = {"numerator": numerator, "denominator": denominator}
    if denominator == 0:
        return _nothing_to_divide_by(rule, measure, unit_id, label, closed, numbers)
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


def _nothing_to_divide_by(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    unit_id: str,
    label: str,
    closed: bool,
    numbers: dict[str, int | str],
) -> Observation:
    """A denominator of 0. With nothing on top either, there is no share and the rule does not
    apply. Under a cap ("no more than 50% of the posts freed"), something on top of nothing is
    above any cap: 3 hires with 0 posts freed breaks "at most 50%", exactly, with no division."""
    assert rule.target is not None
    numerator = int(numbers["numerator"])
    nothing = f"{' + '.join(measure.denominator)} = 0"
    if numerator == 0 or rule.target.op in (">=", ">"):
        return Observation(
            rule.id,
            unit_id,
            label,
            "not_applicable",
            closed,
            target=target_text(rule.target),
            numbers=numbers,
            detail=f"nothing to divide by: {nothing}",
        )
    above = {"vs_low": 1, "vs_high": 1} if rule.target.op == "between" else {"vs_target": 1}
    return Observation(
        rule.id,
        unit_id,
        label,
        "measured",
        closed,
        dict(above),
        actual=f"{integer(numerator)} / 0",
        target=target_text(rule.target),
        arithmetic=f"{integer(numerator)} / 0: above any cap, since {nothing}",
        gap=f"{integer(numerator)} fewer {measure.counted} needed (none is allowed while "
        f"{nothing})",
        detail=f"nothing to divide by: {nothing}",
        numbers=numbers,
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
