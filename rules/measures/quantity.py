"""One reported count against a number: at least one CCHC initiative in the year.

Column-wise over every unit at once: the count of the report chosen for each unit and year is
compared with the target exactly, as integers (value·q − p for a target p/q).
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import (
    LATEST,
    LONGEST,
    SPANS,
    closed,
    covers,
    finish,
    gaps_around,
    leading_columns,
    pick_report,
    sign_vs,
    units_of,
    years_frame,
)
from cchc.rules.schema import QuantityMeasure, Rule, Target

VALUES = {"vs_target": pl.Int64}
EVIDENCE = {
    "value": pl.Int64,  # the count reported
    "source": pl.Utf8,  # the report it came from, when not the judged period's own
    "wanted": pl.List(pl.Utf8),  # the count no report covering `uncovered` gives
    "uncovered": SPANS,
    # Never set: the engine's gap of a row not measured reads them (rules/measures.with_gaps).
    "absent": pl.List(pl.Utf8),
    "report": pl.Utf8,
}


def observe(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, QuantityMeasure) and rule.target is not None
    units = units_of(tables, rule.applies_to).select("unit")
    years = years_frame(period.year for period in rule.periods)
    speaking = speaking_reports(tables, units, measure.indicator).join(
        years.select("year"), on="year", how="semi"
    )
    per_year = units.join(years, how="cross")
    if measure.window == "year":
        frame = _observe_year(rule, measure, speaking, per_year, as_of)
    else:
        frame = _each_report(rule, measure, speaking, per_year, as_of)
    return finish(frame, VALUES, EVIDENCE)


def speaking_reports(tables: FactTables, units: pl.DataFrame, ref: str) -> pl.DataFrame:
    """The units' reports that give the count `ref`: unit, period, start, end, year, value."""
    reports = tables.reports
    count = pl.col(ref) if ref in reports.columns else pl.lit(None, pl.Int64)
    return (
        reports.join(units, on="unit", how="semi")
        .select("unit", "period", "start", "end", "year", count.alias("value"))
        .filter(pl.col("value").is_not_null())
    )


def _measured(rule: Rule, rows: pl.DataFrame, as_of: date, source: pl.Expr) -> pl.DataFrame:
    assert rule.target is not None and rule.target.value is not None
    return rows.select(
        *leading_columns("measured", closed(as_of)),
        sign_vs(pl.col("value"), rule.target.value).alias("vs_target"),
        pl.col("value").alias("e.value"),
        source.alias("e.source"),
    )


def _uncovered(rows: pl.DataFrame, measure: QuantityMeasure, as_of: date) -> pl.DataFrame:
    """No report covering the judged year gives the count: the gaps the best one leaves."""
    return rows.select(
        *leading_columns("no_data", closed(as_of), "uncovered"),
        pl.lit([measure.indicator], pl.List(pl.Utf8)).alias("e.wanted"),
        gaps_around("best_start", "best_end").alias("e.uncovered"),
    )


def _each_report(
    rule: Rule,
    measure: QuantityMeasure,
    speaking: pl.DataFrame,
    per_year: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """Each report judged over its own period; and the year itself, when no single report
    covers it whole, is not enough data (the gaps are those the longest report leaves)."""
    own = _measured(rule, speaking, as_of, pl.lit(None, pl.Utf8))
    longest = pick_report(speaking, LONGEST).drop("best_period")
    years = per_year.join(longest, on=["unit", "year"], how="left")
    lacking = _uncovered(years.filter(~covers()), measure, as_of)
    return pl.concat([own, lacking], how="diagonal_relaxed")


def _observe_year(
    rule: Rule,
    measure: QuantityMeasure,
    speaking: pl.DataFrame,
    per_year: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """The annual figure; while the year runs, the latest cumulative one. Once the year is over,
    a report ending before it decides only what the rest of the year cannot undo: a cumulative
    count already at a minimum, or already over a cap."""
    years = per_year.join(pick_report(speaking, LATEST, ["value"]), on=["unit", "year"], how="left")
    chosen = pl.col("best_start").is_not_null()
    usable = chosen & (covers() | ~closed(as_of) | _settled(rule, measure))
    source = pl.when(pl.col("best_period") != pl.col("period")).then(pl.col("best_period"))
    measured = _measured(rule, years.filter(usable), as_of, source)
    lacking = _uncovered(years.filter(~usable), measure, as_of)
    return pl.concat([measured, lacking], how="diagonal_relaxed")


def _settled(rule: Rule, measure: QuantityMeasure) -> pl.Expr:
    """Whether a partial cumulative count already decides: it can only grow, so a minimum
    reached stays reached and a cap broken stays broken."""
    target = rule.target
    assert target is not None and target.value is not None
    if not measure.cumulative:
        return pl.lit(False)
    vs = sign_vs(pl.col("value"), target.value)
    # A minimum reached (≥: at it or above; >: above); a cap broken (<: at it or above; ≤: above).
    return vs >= (1 if target.op in (">", "<=") else 0)


def gap(rule: Rule) -> dict[str, pl.Expr]:
    """More for a minimum, fewer for a cap: evaluated only on counts the engine found unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    value = pl.col("e.value")
    if target.op in (">=", ">"):
        need = _need(target)
        return {"more": pl.lit(need, pl.Int64) - value, "need": pl.lit(need, pl.Int64)}
    allowed = _allowed(target)
    return {"fewer": value - pl.lit(allowed, pl.Int64), "allowed": pl.lit(allowed, pl.Int64)}


def _need(target: Target) -> int:
    assert target.value is not None
    return math.floor(target.value) + 1 if target.op == ">" else math.ceil(target.value)


def _allowed(target: Target) -> int:
    assert target.value is not None
    return math.ceil(target.value) - 1 if target.op == "<" else math.floor(target.value)
