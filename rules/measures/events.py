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
from typing import Any, NamedTuple

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    Coverage,
    applicable_units,
    needed_at_least,
    period_closed,
    period_coverage,
    sign,
    uncovered,
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


def _needed(rule: Rule) -> int:
    """The fewest events that meet the rule's target."""
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    return math.floor(target) + 1 if rule.target.op == ">" else math.ceil(target)


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
    the target (more reports can only add events); otherwise not enough data, with the events
    still to hold whatever the missing reports say (`more`, `by`)."""
    assert rule.target is not None and rule.target.value is not None
    count = len(dates)
    need = _needed(rule)
    closed = period_closed(period, as_of)
    held = [d.isoformat() for d in dates]
    if count < need and not cover.complete:
        return uncovered(
            rule,
            unit_id,
            period,
            closed,
            [f"events.{measure.event}"],
            cover,
            period.end,
            additive=True,
            count=count,
            dates=held,
            more=need - count,
            by=period.end,
        )
    return Observation(
        rule.id,
        unit_id,
        str(period),
        "measured",
        closed,
        {"vs_target": sign(Fraction(count), rule.target.value)},
        {"count": count, "dates": held},
        due=period.end,
    )


def count_gap(rule: Rule, observation: Observation) -> dict[str, Any]:
    """The events still to hold by the period's end (fewer, under a cap): called only for a
    count the engine found unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    count = int(observation.evidence["count"])  # type: ignore[arg-type]
    if target.op in (">=", ">"):
        need = _needed(rule)
        return {"more": need - count, "need": need, "by": observation.due}
    allowed = math.ceil(target.value) - 1 if target.op == "<" else math.floor(target.value)
    return {"fewer": count - allowed, "allowed": allowed, "by": observation.due}


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
    """The units of the population inspected in the period (`units`), of how many (`population`).
    Not enough data when the actors' reports leave part of the period out and the units known
    inspected fall short: then also the units still to inspect whatever those reports say."""
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    closed = period_closed(period, as_of)
    if not population:
        return Observation(
            rule.id,
            owner.id,
            str(period),
            "not_applicable",
            closed,
            evidence={"population": 0},
            reason="empty_population",
        )
    members = set(population)
    hit = sorted(
        {
            e.inspected
            for e in events
            if period.contains(e.date) and e.inspected in members and e.inspected != e.actor
        }
    )
    figures: dict[str, Any] = {"inspected": len(hit), "population": len(population), "units": hit}
    need = needed_at_least(target, len(population), rule.target.op == ">")
    if len(hit) < need and not cover.complete:
        return uncovered(
            rule,
            owner.id,
            period,
            closed,
            [f"events.{measure.event}"],
            cover,
            period.end,
            additive=True,
            **figures,
            more=need - len(hit),
            by=period.end,
        )
    actual = Fraction(len(hit), len(population))
    return Observation(
        rule.id,
        owner.id,
        str(period),
        "measured",
        closed,
        {"vs_target": sign(actual, target)},
        figures,
        due=period.end,
    )


def population_gap(rule: Rule, observation: Observation) -> dict[str, Any]:
    """The units still to inspect by the period's end: called only for a coverage found unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    inspected = int(observation.evidence["inspected"])  # type: ignore[arg-type]
    population = int(observation.evidence["population"])  # type: ignore[arg-type]
    need = needed_at_least(target.value, population, target.op == ">")
    return {"more": need - inspected, "need": need, "of": population, "by": observation.due}
