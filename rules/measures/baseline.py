"""Targets relative to a baseline year: staff cut by 5% against 2021, autonomous units up 20%."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    applicable_units,
    compare_symbol,
    integer,
    needed_at_least,
    percent,
    period_closed,
    reported,
    sign,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import BaselineMeasure, Rule


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
        base_report = year_report(reports, measure.baseline.year, [ref])
        for period in rule.periods:
            closed = period_closed(period, as_of)
            now_report = year_report(reports, period.year, [ref])
            if base_report is None or now_report is None:
                lacking = [
                    str(p)
                    for p, r in ((measure.baseline, base_report), (period, now_report))
                    if r is None
                ]
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"no report gives {ref} for {' and '.join(lacking)}",
                )
                continue
            base = reported(base_report, ref) or 0
            now = reported(now_report, ref) or 0
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
