"""What every columnar measure shares: the frame it hands the engine, and the selection of
units × periods, report picking and coverage, each written once.

A measure returns one frame per rule: one row per unit × period judged, with
- `unit`, `period` (as written), `start`, `end` (its days, for chronological order);
- `state` (measured, no_data, not_applicable), `closed`, `reason`, `due`;
- the condition's inputs, named as rules/conditions.py reads them (`vs_target`, `delivered`…);
- the evidence, as columns `e.<name>`: numbers, dates, codes and lists of names, never words.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.schema import AppliesTo

EVIDENCE = "e."
BASE: dict[str, pl.DataType] = {
    "unit": pl.Utf8,
    "period": pl.Utf8,
    "start": pl.Date,
    "end": pl.Date,
    "state": pl.Utf8,
    "closed": pl.Boolean,
    "reason": pl.Utf8,
    "due": pl.Date,
}
SPANS = pl.List(pl.Struct({"first": pl.Utf8, "last": pl.Utf8}))


def units_of(tables: FactTables, applies_to: AppliesTo) -> pl.DataFrame:
    """The registered units a rule applies to: `unit` and their declared `fields`."""
    units = tables.units
    matches = pl.col("kind").is_in(list(applies_to.kinds)) | pl.col("agency").is_in(
        list(applies_to.agencies)
    )
    return units.filter(matches).select(pl.col("id").alias("unit"), "fields")


def years_frame(years: Iterable[int]) -> pl.DataFrame:
    """The judged years with their first and last day."""
    ordered = sorted(set(years))
    return pl.DataFrame(
        {
            "year": ordered,
            "period": [str(y) for y in ordered],
            "start": [date(y, 1, 1) for y in ordered],
            "end": [date(y, 12, 31) for y in ordered],
        },
        schema={"year": pl.Int32, "period": pl.Utf8, "start": pl.Date, "end": pl.Date},
    )


def closed(as_of: date, end: str = "end") -> pl.Expr:
    """A period is closed once its last day has passed. (Written column-first: Polars 2.1
    returns one value for `lit > col` when the column is a broadcast scalar, as after a cross
    join with one judged year.)"""
    return pl.col(end) < as_of


def _iso(expr: pl.Expr) -> pl.Expr:
    return expr.dt.strftime("%Y-%m-%d")


def span(first: pl.Expr, last: pl.Expr) -> pl.Expr:
    return pl.struct(_iso(first).alias("first"), _iso(last).alias("last"))


def gaps_around(best_start: str, best_end: str) -> pl.Expr:
    """The spans of the judged period [start, end] outside one covering span (none: the whole
    period), as a list of {first, last} ISO dates: the gaps the coverage policy for figures as of
    one report leaves (rules/measures/common.coverage)."""
    one_day = timedelta(days=1)
    start, end = pl.col("start"), pl.col("end")
    first, last = pl.col(best_start), pl.col(best_end)
    before = pl.when(first > start).then(span(start, first - one_day))
    after = pl.when(last < end).then(span(last + one_day, end))
    return (
        pl.when(first.is_null())
        .then(pl.concat_list([span(start, end)]))
        .otherwise(pl.concat_list([before, after]).list.drop_nulls())
    )


def finish(
    frame: pl.DataFrame, values: dict[str, pl.DataType], evidence: dict[str, pl.DataType]
) -> pl.DataFrame:
    """The frame in the shape the engine reads: every base, condition and evidence column,
    typed, in order; a column a measure did not set is null."""
    wanted = {**BASE, **values, **{EVIDENCE + name: kind for name, kind in evidence.items()}}
    return frame.select(
        [
            (pl.col(name) if name in frame.columns else pl.lit(None)).cast(kind).alias(name)
            for name, kind in wanted.items()
        ]
    )
