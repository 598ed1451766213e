"""Counts of dated events: dialogues held per year or per half-year, inspections of units.

An event is its actor's: `by` when the report names who carried it out, else the unit whose
report carries it. The same event repeated in cumulative reports (Q1, 6 months…) counts once:
events are told apart by kind, date, subject and actor, never by the note.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import date
from fractions import Fraction
from typing import NamedTuple

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    Coverage,
    applicable_units,
    compare_symbol,
    day,
    integer,
    needed_at_least,
    percent,
    period_closed,
    period_coverage,
    sign,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import EventCountMeasure, PopulationShareMeasure, Rule


class Acted(NamedTuple):
    """One event as counted: what, when, of whom, by whom."""

    kind: str
    date: date
    inspected: str | None
    actor: str


def acted_events(facts: FactSet, kind: str, as_of: date) -> dict[str, set[Acted]]:
    """Distinct events of a kind known as of the date, by actor."""
    by_actor: dict[str, set[Acted]] = {}
    for report, event in facts.all_events():
        if event.kind == kind and event.date <= as_of:
            actor = event.by or report.unit
            by_actor.setdefault(actor, set()).add(Acted(kind, event.date, event.inspected, actor))
    return by_actor


def event_coverage(reports: Iterable[Report], period: Period) -> Coverage:
    """Events add up across reports, so the reports that speak of events at all (`events` given,
    even empty) cover the period together. A report that says nothing of events covers nothing:
    absent is not zero."""
    return period_coverage([r.period for r in reports if r.events is not None], period, True)


def observe_count(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, EventCountMeasure)
    by_actor = acted_events(facts, measure.event, as_of)
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            dates = sorted(e.date for e in by_actor.get(unit.id, ()) if period.contains(e.date))
            cover = event_coverage(facts.reports_of(unit.id), period)
            yield _count(rule, measure, unit.id, period, dates, cover, as_of)


def _count(
    rule: Rule,
    measure: EventCountMeasure,
    unit_id: str,
    period: Period,
    dates: list[date],
    cover: Coverage,
    as_of: date,
) -> Observation:
    """Counted when the unit's reports cover the period, or when the events known already meet
    the target (more reports can only add events); otherwise not enough data."""
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    wanted = f"{SYMBOLS[rule.target.op]} {integer(int(target))} {measure.counted}"
    count = len(dates)
    need = math.floor(target) + 1 if rule.target.op == ">" else math.ceil(target)
    closed = period_closed(period, as_of)
    more = f"{need - count} more {measure.counted} needed by {day(period.end)}"
    if count < need and not cover.complete:
        return Observation.without_data(
            rule.id,
            unit_id,
            str(period),
            closed,
            wanted,
            f"no report of this unit says which {measure.event} events it held "
            f"in {cover.describe()}",
            f"report the {measure.event} events of {cover.describe()} (events: [] if none); "
            f"unless they add some, {more}",
            numbers={"count": count},
            due=period.end,
        )
    return Observation(
        rule.id,
        unit_id,
        str(period),
        "measured",
        closed,
        {"vs_target": sign(Fraction(count), target)},
        actual=f"{count} {measure.counted}",
        target=wanted,
        arithmetic=f"{count} {compare_symbol(Fraction(count), target)} "
        f"{integer(int(target))} {measure.counted}",
        gap=None if count >= need else more,
        detail=("on " + ", ".join(day(d) for d in dates)) if dates else None,
        due=period.end,
        numbers={"count": count},
    )


def observe_population(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    """Coverage of a population by events (inspections), one finding per unit the rule applies
    to; with no such unit in the registry, none (the rule then has no units).

    With scope `registry`, the population is every matching unit of the registry, and the events
    that count are the owner's own and those of the inspectors the plan names. With scope
    `children`, each owner is judged over its own child units (a district and its communes), on
    its own events only. An event of a unit by itself, or of a unit outside the population,
    never counts."""
    measure = rule.measure
    assert isinstance(measure, PopulationShareMeasure)
    everyone = sorted(u.id for u in applicable_units(measure.population, facts))
    inspectors = (
        [u.id for u in applicable_units(measure.inspectors, facts)] if measure.inspectors else []
    )
    by_actor = acted_events(facts, measure.event, as_of)
    for owner in applicable_units(rule.applies_to, facts):
        if measure.scope == "registry":
            population, actors = everyone, sorted({owner.id, *inspectors})
        else:
            population = [u for u in everyone if facts.units[u].parent == owner.id]
            actors = [owner.id]
        events = {e for actor in actors for e in by_actor.get(actor, ())}
        reports = [r for actor in actors for r in facts.reports_of(actor)]
        for period in rule.periods:
            cover = event_coverage(reports, period)
            yield _coverage(rule, measure, owner, population, events, period, cover, as_of)


def _coverage(
    rule: Rule,
    measure: PopulationShareMeasure,
    owner: Unit,
    population: list[str],
    events: set[Acted],
    period: Period,
    cover: Coverage,
    as_of: date,
) -> Observation:
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    wanted = f"{SYMBOLS[rule.target.op]} {percent(target)} of {measure.population.describe()}"
    closed = period_closed(period, as_of)
    if not population:
        return Observation(
            rule.id,
            owner.id,
            str(period),
            "not_applicable",
            closed,
            target=wanted,
            detail=f"no {measure.population.describe()} in the registry",
        )
    members = set(population)
    hit = sorted(
        {
            e.inspected
            for e in events
            if period.contains(e.date) and e.inspected in members and e.inspected != e.actor
        }
    )
    need = needed_at_least(target, len(population), rule.target.op == ">")
    numbers: dict[str, int | str] = {"inspected": len(hit), "population": len(population)}
    more = (
        f"{need - len(hit)} more units to inspect by {day(period.end)} "
        f"({need} of the {len(population)} in the registry)"
    )
    if len(hit) < need and not cover.complete:
        return Observation.without_data(
            rule.id,
            owner.id,
            str(period),
            closed,
            wanted,
            f"no report of {owner.id} or the inspecting units says which inspections were "
            f"held in {cover.describe()}",
            f"report the inspections of {cover.describe()} (events: [] if none); "
            f"unless they add some, {more}",
            numbers=numbers,
            due=period.end,
        )
    actual = Fraction(len(hit), len(population))
    shown = f"{len(hit)} / {len(population)} = {percent(actual, target)}"
    return Observation(
        rule.id,
        owner.id,
        str(period),
        "measured",
        closed,
        {"vs_target": sign(actual, target)},
        actual=f"{shown} {measure.counted}",
        target=wanted,
        arithmetic=f"{shown} {compare_symbol(actual, target)} {percent(target)}",
        gap=None if len(hit) >= need else more,
        detail=("inspected: " + ", ".join(hit)) if hit else "no unit of the population inspected",
        due=period.end,
        numbers=numbers,
    )
