"""Shares and ratios of two reported counts of one unit: on-time dossiers / resolved dossiers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    allowed_at_most,
    applicable_units,
    flat_counts,
    handles,
    mentions_any,
    missing_fields,
    needed_at_least,
    not_given,
    period_closed,
    period_coverage,
    rule_years,
    sign,
    total,
    uncovered,
    unique,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import RangeMeasure, Rule, ShareMeasure

Counts = Callable[[Report], dict[str, int]]


def _counts_for(measure: ShareMeasure | RangeMeasure, unit: Unit) -> Counts:
    field = getattr(measure, "field", None)
    excluding = tuple(getattr(measure, "excluding_fields", ()))
    return lambda report: flat_counts(report, field, excluding, unit.fields)


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
    evidence = {"field": field, "fields": list(unit.fields or [])}
    closed = period_closed(judged, as_of)
    return Observation(
        rule.id,
        unit.id,
        str(judged),
        "not_applicable",
        closed,
        evidence=evidence,
        reason="field_not_handled",
    )


def _observe_each(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    unit_id: str,
    speaking: list[Report],
    judged: Period,
    as_of: date,
    counts: Counts,
) -> Iterator[Observation]:
    """Each report judged over its own period; and the year itself, when the reports do not
    cover it, is not enough data: a Q1 report says nothing of the rest of the year."""
    for report in speaking:
        yield _observe_report(rule, measure, report, unit_id, report.period, as_of, counts)
    cover = period_coverage([r.period for r in speaking], judged, additive=False)
    if not cover.complete:
        refs = [*measure.numerator, *measure.denominator]
        yield uncovered(rule, unit_id, judged, period_closed(judged, as_of), refs, cover)


def _observe_year(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    unit_id: str,
    speaking: list[Report],
    judged: Period,
    as_of: date,
    counts: Counts,
) -> Observation:
    """A whole-year share: from the annual report; while the year runs, from the latest
    cumulative one. Once the year is over, a report that ends before it cannot decide."""
    refs = [*measure.numerator, *measure.denominator]
    chosen = year_report(speaking, judged.year, refs, counts)
    cover = period_coverage([chosen.period] if chosen else [], judged, additive=False)
    closed = period_closed(judged, as_of)
    if chosen is None or (not cover.complete and closed):
        return uncovered(rule, unit_id, judged, closed, refs, cover)
    return _observe_report(rule, measure, chosen, unit_id, judged, as_of, counts)


def _observe_report(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    report: Report,
    unit_id: str,
    judged_over: Period,
    as_of: date,
    counts_of: Counts,
) -> Observation:
    assert rule.target is not None
    label = str(judged_over)
    closed = period_closed(judged_over, as_of)
    counts = counts_of(report)
    absent = missing_fields(counts, [*measure.numerator, *measure.denominator])
    if absent:
        return not_given(rule, unit_id, label, closed, absent, report.period)
    numerator = total(counts, measure.numerator) or 0
    denominator = total(counts, measure.denominator) or 0
    evidence = {
        "numerator": numerator,
        "denominator": denominator,
        "source": str(report.period) if report.period != judged_over else None,
    }
    if denominator == 0:
        if numerator == 0 or rule.target.op in (">=", ">"):
            # Nothing to divide by and nothing on top: there is no share; the rule does not apply.
            return Observation(
                rule.id,
                unit_id,
                label,
                "not_applicable",
                closed,
                evidence=evidence,
                reason="nothing_to_divide",
            )
        # Under a cap ("no more than 50% of the posts freed"), something on top of nothing is
        # above any cap: 3 hires with 0 posts freed breaks "at most 50%", with no division.
        above = {"vs_low": 1, "vs_high": 1} if rule.target.op == "between" else {"vs_target": 1}
        return Observation(rule.id, unit_id, label, "measured", closed, above, evidence)
    return Observation(
        rule.id,
        unit_id,
        label,
        "measured",
        closed,
        _signs(rule, Fraction(numerator, denominator)),
        evidence,
    )


def _signs(rule: Rule, share: Fraction) -> dict[str, int | bool]:
    """The signs the condition reads: decided exactly, here, once."""
    target = rule.target
    assert target is not None
    if target.op == "between":
        assert target.low is not None and target.high is not None
        return {"vs_low": sign(share, target.low), "vs_high": sign(share, target.high)}
    assert target.value is not None
    return {"vs_target": sign(share, target.value)}


def gap(rule: Rule, observation: Observation) -> dict[str, int]:
    """What it takes to comply with a share not met: how many more (or fewer) of the numerator,
    if the denominator stays as it is. Called only for a share the engine found unmet."""
    target = rule.target
    assert target is not None
    numerator = int(observation.evidence["numerator"])  # type: ignore[arg-type]
    denominator = int(observation.evidence["denominator"])  # type: ignore[arg-type]
    if target.op == "between":
        assert target.low is not None and target.high is not None
        if observation.values["vs_low"] < 0:
            need = needed_at_least(target.low, denominator, strict=False)
            return {"more": need - numerator, "need": need, "of": denominator}
        allowed = allowed_at_most(target.high, denominator, strict=False)
        return {"fewer": numerator - allowed, "allowed": allowed, "of": denominator}
    assert target.value is not None
    strict = target.op in (">", "<")
    if target.op in (">=", ">"):
        need = needed_at_least(target.value, denominator, strict)
        return {"more": need - numerator, "need": need, "of": denominator}
    allowed = allowed_at_most(target.value, denominator, strict) if denominator else 0
    return {"fewer": numerator - allowed, "allowed": allowed, "of": denominator}
