"""Counts of dated events: dialogues held per year or per half-year, inspections of units.

An event is its actor's: `by` when the report names who carried it out, else the unit whose
report carries it. The same event repeated in cumulative reports (Q1, 6 months…) counts once:
events are told apart by kind, date, subject and actor, never by the note.

Column-wise over every unit at once: the distinct events are joined to the judged periods and
to the units whose events count, the coverage of each period by the reports that speak of events
is one sweep over the reports' spans, and every comparison with the target is in integers.
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import (
    SPANS,
    closed,
    events_coverage,
    finish,
    reports_speaking_of_events,
)
from cchc.rules.schema import AppliesTo, EventCountMeasure, PopulationShareMeasure, Rule

KEY = ["owner", "period"]  # a judged unit and period
FIGURES = {
    "wanted": pl.List(pl.Utf8),  # the events no report covering `uncovered` speaks of
    "uncovered": SPANS,
    "additive": pl.Boolean,  # events add up across reports: the uncovered spans' reports
    "more": pl.Int64,  # …and the events still to hold, whatever those reports say
    "by": pl.Date,
}
COUNT_EVIDENCE = {"count": pl.Int64, "dates": pl.List(pl.Utf8), **FIGURES}
POPULATION_EVIDENCE = {
    "inspected": pl.Int64,
    "population": pl.Int64,
    "units": pl.List(pl.Utf8),
    **FIGURES,
}
VALUES = {"vs_target": pl.Int64}


def _matching(tables: FactTables, applies_to: AppliesTo) -> pl.DataFrame:
    """The registered units matching a kind or agency: `id` and `parent`."""
    matches = pl.col("kind").is_in(list(applies_to.kinds)) | pl.col("agency").is_in(
        list(applies_to.agencies)
    )
    return tables.units.filter(matches.fill_null(False)).select("id", "parent")


def _periods(rule: Rule) -> pl.DataFrame:
    """The judged periods with their first and last day."""
    periods = list(dict.fromkeys(rule.periods))
    return pl.DataFrame(
        {
            "period": [str(p) for p in periods],
            "start": [p.start for p in periods],
            "end": [p.end for p in periods],
        },
        schema={"period": pl.Utf8, "start": pl.Date, "end": pl.Date},
    )


def _acted(tables: FactTables, kind: str, as_of: date) -> pl.DataFrame:
    """Distinct events of a kind known as of the date: `actor`, `date`, `inspected`."""
    return (
        tables.events.filter((pl.col("kind") == kind) & (pl.col("date") <= as_of))
        .select("actor", "date", "inspected")
        .unique()
    )


def _in_periods(events: pl.DataFrame, periods: pl.DataFrame) -> pl.DataFrame:
    """Each event with every judged period its date falls in."""
    return events.join(periods.select("period", "start", "end"), how="cross").filter(
        (pl.col("date") >= pl.col("start")) & (pl.col("date") <= pl.col("end"))
    )


def _none_held(count: str, names: str) -> list[pl.Expr]:
    """A judged row no event matched: a count of 0 and an empty list of names, not nulls."""
    return [
        pl.col(count).fill_null(0),
        pl.when(pl.col(names).is_null())
        .then(pl.lit([], pl.List(pl.Utf8)))
        .otherwise(pl.col(names))
        .alias(names),
    ]


def _sign(numerator: pl.Expr, denominator: pl.Expr | int, target: Fraction) -> pl.Expr:
    """sign(numerator / denominator − target), exactly, in 128 bits."""
    p, q = target.numerator, target.denominator
    denominator = pl.lit(denominator) if isinstance(denominator, int) else denominator
    difference = numerator.cast(pl.Int128) * q - denominator.cast(pl.Int128) * p
    return difference.sign().cast(pl.Int64)


def _judged(
    frame: pl.DataFrame, short: pl.Expr, more: pl.Expr, vs_target: pl.Expr, event: str, as_of: date
) -> pl.DataFrame:
    """Counted when the owner's reports cover the period, or when the events known already meet
    the target (more reports can only add events); otherwise not enough data, with the events
    still to hold whatever the missing reports say (`more`, `by`)."""
    lacking = short & pl.col("gaps").is_not_null()
    return frame.with_columns(
        pl.col("owner").alias("unit"),
        pl.when(lacking).then(pl.lit("no_data")).otherwise(pl.lit("measured")).alias("state"),
        closed(as_of).alias("closed"),
        pl.when(lacking).then(pl.lit("uncovered")).alias("reason"),
        pl.col("end").alias("due"),
        pl.when(~lacking).then(vs_target).alias("vs_target"),
        pl.when(lacking).then(pl.lit([f"events.{event}"], pl.List(pl.Utf8))).alias("e.wanted"),
        pl.when(lacking).then(pl.col("gaps")).alias("e.uncovered"),
        pl.when(lacking).then(pl.lit(True)).alias("e.additive"),
        pl.when(lacking).then(more).alias("e.more"),
        pl.when(lacking).then(pl.col("end")).alias("e.by"),
    )


def _needed(rule: Rule) -> int:
    """The fewest events that meet the rule's target."""
    assert rule.target is not None and rule.target.value is not None
    target = rule.target.value
    return math.floor(target) + 1 if rule.target.op == ">" else math.ceil(target)


def observe_count(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    """Each unit's distinct events of the kind in each judged period (`count`, `dates`)."""
    measure = rule.measure
    assert isinstance(measure, EventCountMeasure)
    assert rule.target is not None and rule.target.value is not None
    periods = _periods(rule)
    owners = _matching(tables, rule.applies_to).select(pl.col("id").alias("owner"))
    grid = owners.join(periods, how="cross")
    held = (
        _in_periods(_acted(tables, measure.event, as_of), periods)
        .rename({"actor": "owner"})
        .join(owners, on="owner", how="semi")
        .group_by(KEY)
        .agg(
            pl.len().cast(pl.Int64).alias("e.count"),
            pl.col("date").sort().dt.strftime("%Y-%m-%d").alias("e.dates"),
        )
    )
    spoken = reports_speaking_of_events(tables).rename({"actor": "owner"})
    frame = events_coverage(grid, spoken).join(held, on=KEY, how="left")
    frame = frame.with_columns(_none_held("e.count", "e.dates"))
    need = _needed(rule)
    count = pl.col("e.count")
    judged = _judged(
        frame,
        count < need,
        need - count,
        _sign(count, 1, rule.target.value),
        measure.event,
        as_of,
    )
    return finish(judged, VALUES, COUNT_EVIDENCE)


def count_gap(rule: Rule) -> dict[str, pl.Expr]:
    """The events still to hold by the period's end (fewer, under a cap): evaluated only on
    counts the engine found unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    count, by = pl.col("e.count"), pl.col("due")
    if target.op in (">=", ">"):
        need = _needed(rule)
        return {"more": need - count, "need": pl.lit(need, pl.Int64), "by": by}
    allowed = math.ceil(target.value) - 1 if target.op == "<" else math.floor(target.value)
    return {"fewer": count - allowed, "allowed": pl.lit(allowed, pl.Int64), "by": by}


def observe_population(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    """Coverage of a population by events (inspections), one finding per unit the rule applies
    to; with no such unit in the registry, none (the rule then has no units).

    With scope `registry`, the population is every matching unit of the registry, and the events
    that count are the owner's own and those of the inspectors the plan names. With scope
    `children`, each owner is judged over its own child units (a district and its communes), on
    its own events only: the events are joined to their subjects' parents, never each owner to
    the whole registry. An event of a unit by itself, or of a unit outside the population, never
    counts."""
    measure = rule.measure
    assert isinstance(measure, PopulationShareMeasure)
    assert rule.target is not None and rule.target.value is not None
    periods = _periods(rule)
    owners = _matching(tables, rule.applies_to).select(pl.col("id").alias("owner"))
    everyone = _matching(tables, measure.population)
    own = owners.with_columns(pl.col("owner").alias("actor"))
    if measure.scope == "registry":
        inspectors = (
            _matching(tables, measure.inspectors).select(pl.col("id").alias("actor"))
            if measure.inspectors
            else own.clear().select("actor")
        )
        actors = pl.concat([own, owners.join(inspectors, how="cross")]).unique()
        sizes = owners.with_columns(pl.lit(everyone.height, pl.Int64).alias("e.population"))
        members = everyone.select(pl.col("id").alias("inspected"))
        member_of = ["inspected"]
    else:
        actors = own
        sizes = owners.join(
            everyone.group_by("parent").agg(pl.len().cast(pl.Int64).alias("e.population")),
            left_on="owner",
            right_on="parent",
            how="left",
        ).with_columns(pl.col("e.population").fill_null(0))
        members = everyone.select(pl.col("id").alias("inspected"), pl.col("parent").alias("owner"))
        member_of = ["inspected", "owner"]
    events = (
        _acted(tables, measure.event, as_of)
        .filter(pl.col("inspected") != pl.col("actor"))
        .join(actors, on="actor", how="inner")
        .join(members, on=member_of, how="semi")
    )
    hits = (
        _in_periods(events, periods)
        .select(*KEY, "inspected")
        .unique()
        .group_by(KEY)
        .agg(
            pl.len().cast(pl.Int64).alias("e.inspected"),
            pl.col("inspected").sort().alias("e.units"),
        )
    )
    spoken = reports_speaking_of_events(tables).join(actors, on="actor", how="inner").drop("actor")
    grid = owners.join(periods, how="cross").join(sizes, on="owner", how="left")
    empty = grid.filter(pl.col("e.population") == 0)
    grid = grid.filter(pl.col("e.population") > 0)
    frame = events_coverage(grid, spoken).join(hits, on=KEY, how="left")
    frame = frame.with_columns(_none_held("e.inspected", "e.units"))
    target = rule.target.value
    inspected, population = pl.col("e.inspected"), pl.col("e.population")
    need = _needed_of(target, population, rule.target.op == ">")
    judged = _judged(
        frame,
        inspected < need,
        need - inspected,
        _sign(inspected, population, target),
        measure.event,
        as_of,
    )
    nobody = empty.with_columns(
        pl.col("owner").alias("unit"),
        pl.lit("not_applicable").alias("state"),
        closed(as_of).alias("closed"),
        pl.lit("empty_population").alias("reason"),
    )
    return pl.concat(
        [finish(judged, VALUES, POPULATION_EVIDENCE), finish(nobody, VALUES, POPULATION_EVIDENCE)]
    )


def _needed_of(target: Fraction, population: pl.Expr, strict: bool) -> pl.Expr:
    """The smallest count n with n / population ≥ target (> when strict), exactly
    (rules/measures/common.needed_at_least)."""
    p, q = target.numerator, target.denominator
    scaled = population.cast(pl.Int128) * p
    return ((scaled // q + 1) if strict else (scaled + q - 1) // q).cast(pl.Int64)


def population_gap(rule: Rule) -> dict[str, pl.Expr]:
    """The units still to inspect by the period's end: evaluated only on coverages found unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    population = pl.col("e.population")
    need = _needed_of(target.value, population, target.op == ">")
    return {
        "more": need - pl.col("e.inspected"),
        "need": need,
        "of": population,
        "by": pl.col("due"),
    }
