"""Targets relative to a baseline year: staff cut by 5% against 2021, autonomous units up 20%."""

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
    integer,
    needed_at_least,
    percent,
    period_closed,
    period_coverage,
    reported,
    sign,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import BaselineMeasure, Rule


def _figure(
    reports: list[Report], period: Period, ref: str, as_of: date
) -> tuple[int | None, str | None]:
    """A count for a period: the annual figure, or while the period runs, the latest cumulative
    one. A report ending before a period that is over cannot give it; the second value then
    names the part of the period no report covers."""
    chosen = year_report(reports, period.year, [ref])
    cover = period_coverage([chosen.period] if chosen else [], period, additive=False)
    if chosen is None or (not cover.complete and period_closed(period, as_of)):
        return None, f"{period} ({cover.describe()} not covered)"
    return reported(chosen, ref) or 0, None


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, BaselineMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    verb = "cut" if measure.direction == "decrease" else "rise"
    wanted = f"{verb} {SYMBOLS[rule.target.op]} {percent(target)} against {measure.baseline}"
    ref = measure.indicator
    for unit in applicable_units(rule.applies_to, facts):
        reports = facts.reports_of(unit.id)
        # The baseline period is always judged as over: it is the past the target refers to.
        base, base_lacks = _figure(reports, measure.baseline, ref, date.max)
        for period in rule.periods:
            closed = period_closed(period, as_of)
            now, now_lacks = _figure(reports, period, ref, as_of)
            if base is None or now is None:
                lacking = [text for text in (base_lacks, now_lacks) if text]
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"no report gives {ref} for {' and '.join(lacking)}",
                    f"report {ref} for the whole of "
                    + " and ".join(
                        str(p)
                        for p, value in ((measure.baseline, base), (period, now))
                        if value is None
                    ),
                )
                continue
            if base == 0:
                yield Observation(
                    rule.id,
                    unit.id,
                    str(period),
                    "not_applicable",
                    closed,
                    target=wanted,
                    detail=f"{ref} was 0 in {measure.baseline}",
                )
                continue
            change = Fraction(base - now if measure.direction == "decrease" else now - base, base)
            yield _observation(rule, measure, unit.id, period, closed, base, now, change, wanted)


def _observation(
    rule: Rule,
    measure: BaselineMeasure,
    unit_id: str,
    period: Period,
    closed: bool,
    base: int,
    now: int,
    change: Fraction,
    wanted: str,
) -> Observation:
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    strict = rule.target.op == ">"
    needed_change = needed_at_least(target, base, strict)
    goal = base - needed_change if measure.direction == "decrease" else base + needed_change
    delta = now - goal if measure.direction == "decrease" else goal - now
    shown = (
        f"({integer(base)} − {integer(now)}) / {integer(base)}"
        if measure.direction == "decrease"
        else f"({integer(now)} − {integer(base)}) / {integer(base)}"
    )
    return Observation(
        rule.id,
        unit_id,
        str(period),
        "measured",
        closed,
        {"vs_target": sign(change, target)},
        actual=f"{measure.counted}: {integer(base)} in {measure.baseline}, {integer(now)} in "
        f"{period}",
        target=wanted,
        arithmetic=f"{shown} = {percent(change, target)} {compare_symbol(change, target)} "
        f"{percent(target)}",
        gap=None
        if delta <= 0
        else (
            f"{measure.counted} must {'fall' if measure.direction == 'decrease' else 'rise'} "
            f"by {integer(delta)} more, to {integer(goal)}"
        ),
        numbers={"baseline": base, "current": now, "change": str(change)},
    )
