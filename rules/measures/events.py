"""Counts of dated events: dialogues held per year or per half-year, inspections of units."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import Event, FactSet
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    applicable_units,
    compare_symbol,
    day,
    integer,
    needed_at_least,
    percent,
    period_closed,
    sign,
)
from cchc.rules.measures.observation import POPULATION, Observation
from cchc.rules.schema import EventCountMeasure, PopulationShareMeasure, Rule


def distinct_events(facts: FactSet, unit_id: str | None, kind: str, as_of: date) -> set[Event]:
    """Events known as of the date. Cumulative reports (Q1, 6 months…) repeat the same event:
    an event with the same kind, date and subject counts once."""
    reports = facts.reports.values() if unit_id is None else facts.reports_of(unit_id)
    return {
        event.model_copy(update={"note": None})
        for report in reports
        for event in report.events or ()
        if event.kind == kind and event.date <= as_of
    }


def covered(facts: FactSet, unit_id: str | None, period: Period) -> bool:
    reports = facts.reports.values() if unit_id is None else facts.reports_of(unit_id)
    return any(report.period.overlaps(period) for report in reports)


def observe_count(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, EventCountMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    wanted = f"{SYMBOLS[rule.target.op]} {integer(int(target))} {measure.counted}"
    for unit in applicable_units(rule.applies_to, facts):
        events = distinct_events(facts, unit.id, measure.event, as_of)
        for period in rule.periods:
            closed = period_closed(period, as_of)
            if not covered(facts, unit.id, period):
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"no report of this unit covers {period}",
                )
                continue
            dates = sorted(event.date for event in events if period.contains(event.date))
            count = len(dates)
            need = math.floor(target) + 1 if rule.target.op == ">" else math.ceil(target)
            gap = (
                None
                if count >= need
                else (f"{need - count} more {measure.counted} needed by {day(period.end)}")
            )
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"vs_target": sign(Fraction(count), target)},
                actual=f"{count} {measure.counted}",
                target=wanted,
                arithmetic=f"{count} {compare_symbol(Fraction(count), target)} "
                f"{integer(int(target))} {measure.counted}",
                gap=gap,
                detail=("on " + ", ".join(day(d) for d in dates)) if dates else None,
                due=period.end,
                numbers={"count": count},
            )


def observe_population(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    """Coverage of a population by events (inspections). With scope `registry`, one finding for
    the whole population, the city's when it is in the registry; with scope `children`, one per
    unit the rule applies to, over that unit's own child units (a district and its communes)."""
    measure = rule.measure
    assert isinstance(measure, PopulationShareMeasure)
    everyone = sorted(u.id for u in applicable_units(measure.population, facts))
    owners = applicable_units(rule.applies_to, facts)
    if measure.scope == "registry":
        groups = [(owners[0].id if owners else POPULATION, everyone)]
    else:
        groups = [(o.id, [u for u in everyone if facts.units[u].parent == o.id]) for o in owners]
    events = distinct_events(facts, None, measure.event, as_of)
    for owner, population in groups:
        for period in rule.periods:
            yield _coverage(rule, measure, owner, population, events, period, facts, as_of)


def _coverage(
    rule: Rule,
    measure: PopulationShareMeasure,
    owner: str,
    population: list[str],
    events: set[Event],
    period: Period,
    facts: FactSet,
    as_of: date,
) -> Observation:
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    wanted = f"{SYMBOLS[rule.target.op]} {percent(target)} of {measure.population.describe()}"
    closed = period_closed(period, as_of)
    if not population:
        return Observation(
            rule.id,
            owner,
            str(period),
            "not_applicable",
            closed,
            target=wanted,
            detail=f"no {measure.population.describe()} in the registry",
        )
    if not covered(facts, None, period):
        return Observation.without_data(
            rule.id, owner, str(period), closed, wanted, f"no report covers {period}"
        )
    hit = sorted({e.inspected for e in events if period.contains(e.date)} & set(population))
    actual = Fraction(len(hit), len(population))
    need = needed_at_least(target, len(population), rule.target.op == ">")
    shown = f"{len(hit)} / {len(population)} = {percent(actual, target)}"
    return Observation(
        rule.id,
        owner,
        str(period),
        "measured",
        closed,
        {"vs_target": sign(actual, target)},
        actual=f"{shown} {measure.counted}",
        target=wanted,
        arithmetic=f"{shown} {compare_symbol(actual, target)} {percent(target)}",
        gap=None
        if len(hit) >= need
        else (
            f"{need - len(hit)} more units to inspect by {day(period.end)} "
            f"({need} of the {len(population)} in the registry)"
        ),
        detail=("inspected: " + ", ".join(hit)) if hit else "no unit of the population inspected",
        due=period.end,
        numbers={"inspected": len(hit), "population": len(population)},
    )
