"""Measures turn a rule and the facts into observations: one per rule × unit × period.

Counts, shares, coverage and date arithmetic are all done here, exactly, before any engine runs,
column-wise over every unit at once. A measure kind is one module with two functions: `observe`
returns the rule's frame in the shape rules/measures/columns.py describes (evidence as `e.<name>`
columns: numbers and dates, never words); `gap` gives, as column expressions, what it takes to
comply on a row the engine found unmet. The engine decides; a gap never compares with the
target again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import NamedTuple

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.measures import baseline, compare, deadlines, duty, events, quantity, scores, share
from cchc.rules.measures.columns import EVIDENCE
from cchc.rules.schema import Rule

Observe = Callable[[Rule, FactTables, date], pl.DataFrame]
Gap = Callable[[Rule], dict[str, pl.Expr]]


class MeasureKind(NamedTuple):
    observe: Observe
    gap: Gap


MEASURES: dict[str, MeasureKind] = {
    "share": MeasureKind(share.observe, share.gap),
    "ratio": MeasureKind(share.observe, share.gap),
    "quantity": MeasureKind(quantity.observe, quantity.gap),
    "change_vs_baseline": MeasureKind(baseline.observe, baseline.gap),
    "compare": MeasureKind(compare.observe, compare.gap),
    "event_count": MeasureKind(events.observe_count, events.count_gap),
    "population_share": MeasureKind(events.observe_population, events.population_gap),
    "report_deadline": MeasureKind(deadlines.observe_report, deadlines.gap),
    "task_deadline": MeasureKind(deadlines.observe_task, deadlines.gap),
    "data_window": MeasureKind(deadlines.observe_window, deadlines.window_gap),
    "duty": MeasureKind(duty.observe, duty.gap),
    "score": MeasureKind(scores.observe_score, scores.score_gap),
    "score_sum": MeasureKind(scores.observe_sum, scores.sum_gap),
}
# The evidence the "what to report" gap reads; a kind that never lacks figures has none of it.
REPORTING_EVIDENCE = {
    f"{EVIDENCE}absent": pl.List(pl.Utf8),
    f"{EVIDENCE}report": pl.Utf8,
    f"{EVIDENCE}wanted": pl.List(pl.Utf8),
}
KINDS = frozenset(MEASURES)
UNMET = frozenset({"fail", "at_risk", "pending", "missing"})


def observe(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    """The rule's observations as one frame, rows in (unit, end, start) order."""
    frame = MEASURES[rule.measure.kind].observe(rule, tables, as_of)
    return frame.sort(["unit", "end", "start"], maintain_order=True)


def with_gaps(rule: Rule, frame: pl.DataFrame) -> pl.DataFrame:
    """The frame with its gaps, from each row's decided `status`: nothing when met or not
    applicable; what to report when not measured; else the measure kind's own gap."""
    unmet = pl.col("status").is_in(list(UNMET))
    measured = unmet & (pl.col("state") == "measured")
    lacking = unmet & (pl.col("state") == "no_data")
    own = MEASURES[rule.measure.kind].gap(rule)
    frame = frame.with_columns(
        pl.lit(None, dtype).alias(name)
        for name, dtype in REPORTING_EVIDENCE.items()
        if name not in frame.columns
    )
    gaps = {name: pl.when(measured).then(expr) for name, expr in own.items()}
    # What the figures known already ask for, whatever is reported (events still to hold).
    for key in ("more", "by"):
        if f"{EVIDENCE}{key}" in frame.columns:
            known = pl.col(f"{EVIDENCE}{key}")
            gaps[key] = (
                gaps[key].when(lacking).then(known) if key in gaps else pl.when(lacking).then(known)
            )
    additive = (
        pl.col(f"{EVIDENCE}additive").fill_null(False)
        if f"{EVIDENCE}additive" in frame.columns
        else pl.lit(False)
    )
    report = pl.when(pl.col("reason") == "not_given").then(pl.col(f"{EVIDENCE}absent"))
    return frame.with_columns(
        *[expr.alias(f"g.{name}") for name, expr in gaps.items()],
        pl.when(lacking).then(report.otherwise(pl.col(f"{EVIDENCE}wanted"))).alias("g.report"),
        pl.when(lacking).then(_reported_for(frame)).alias("g.for"),
        pl.when(lacking).then((pl.col("reason") == "uncovered") & ~additive).alias("g.whole"),
    )


def _reported_for(frame: pl.DataFrame) -> pl.Expr:
    """The period(s) the lacking figures are to be reported for: the report that lacks them,
    the periods a measure names (`e.for`: a baseline year and the judged one), or the judged
    period."""
    if f"{EVIDENCE}for" in frame.columns:
        return pl.col(f"{EVIDENCE}for")
    not_given = pl.col("reason") == "not_given"
    return pl.when(not_given).then(pl.col(f"{EVIDENCE}report")).otherwise(pl.col("period"))


__all__ = ["KINDS", "MEASURES", "observe", "with_gaps"]
