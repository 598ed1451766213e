"""What every columnar measure shares: the frame it hands the engine, and the selection of
units × periods, report picking and coverage, each written once.

A measure returns one frame per rule: one row per unit × period judged, with
- `unit`, `period` (as written), `start`, `end` (its days, for chronological order);
- `state` (measured, no_data, not_applicable), `closed`, `reason`, `due`;
- the condition's inputs, named as rules/conditions.py reads them (`vs_target`, `delivered`…);
- the evidence, as columns `e.<name>`: numbers, dates, codes and lists of names, never words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from fractions import Fraction

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


def gaps_around(best_start: str | pl.Expr, best_end: str | pl.Expr) -> pl.Expr:
    """The spans of the judged period [start, end] outside one covering span (none: the whole
    period), as a list of {first, last} ISO dates: the gaps the coverage policy for figures as of
    one report leaves. Each case is its own list: in Polars 2.1 `concat_list` over when/then
    structs with `list.drop_nulls` costs some 5 µs a row, twenty times this."""
    one_day = timedelta(days=1)
    first = pl.col(best_start) if isinstance(best_start, str) else best_start
    last = pl.col(best_end) if isinstance(best_end, str) else best_end
    start, end = pl.col("start"), pl.col("end")
    before, after = span(start, first - one_day), span(last + one_day, end)
    early, late = first > start, last < end
    return (
        pl.when(first.is_null())
        .then(pl.concat_list([span(start, end)]))
        .when(early & late)
        .then(pl.concat_list([before, after]))
        .when(early)
        .then(pl.concat_list([before]))
        .when(late)
        .then(pl.concat_list([after]))
        .otherwise(pl.lit([], SPANS))
    )


# The one report-picking policy, in two orders. For a whole-year figure: the report reaching
# furthest into the year, then the longest (the annual one, else the latest cumulative one).
# For the gaps a year's reports leave: the single report covering most of it, then the latest.
LATEST = "latest"
LONGEST = "longest"


def pick_report(speaking: pl.DataFrame, order: str, keep: Sequence[str] = ()) -> pl.DataFrame:
    """Per unit and year, the report the policy picks among `speaking` (reports giving the
    figures): unit, year, best_period, best_start, best_end, and the columns in `keep`."""
    length = pl.col("end") - pl.col("start")
    keys = [pl.col("end"), length] if order == LATEST else [length, pl.col("end")]
    return (
        speaking.sort(keys, descending=True)
        .group_by(["unit", "year"], maintain_order=True)
        .first()
        .select(
            "unit",
            "year",
            pl.col("period").alias("best_period"),
            pl.col("start").alias("best_start"),
            pl.col("end").alias("best_end"),
            *keep,
        )
    )


def covers(first: str = "best_start", last: str = "best_end") -> pl.Expr:
    """Whether the span [first, last] covers the judged period [start, end] (false: no span)."""
    covered = (pl.col(first) <= pl.col("start")) & (pl.col(last) >= pl.col("end"))
    return covered.fill_null(False)


def sign_vs(value: pl.Expr, bound: Fraction) -> pl.Expr:
    """sign(value − bound) for a whole-number value, exactly: value·q − p in 128 bits."""
    p, q = bound.numerator, bound.denominator
    return (value.cast(pl.Int128) * q - p).sign().cast(pl.Int64)


def leading_columns(state: str, closed: pl.Expr | str, reason: str | None = None) -> list[pl.Expr]:
    """The columns every row of a measure's frame starts with: the unit and period judged, its
    days, what the measure could do (`state`), whether the period is closed, and why not."""
    return [
        pl.col("unit"),
        pl.col("period"),
        pl.col("start"),
        pl.col("end"),
        pl.lit(state).alias("state"),
        (pl.col(closed) if isinstance(closed, str) else closed).alias("closed"),
        pl.lit(reason, pl.Utf8).alias("reason"),
    ]


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


ONE_DAY = timedelta(days=1)


def events_coverage(grid: pl.DataFrame, spoken: pl.DataFrame) -> pl.DataFrame:
    """Per judged owner and period (`grid`: owner, period, start, end), the spans no report
    speaking of events (`spoken`: owner, first, last) covers, as `gaps` (null: none).

    Events add up across reports, so the reports cover the period together: one sweep over the
    spans in order, each gap lying between the furthest day reached so far and the next span
    (additive coverage). The furthest day reached is a running maximum
    over all rows at once: each row's day is offset by its judged row's number, so that no
    judged row reaches into the next."""
    grid = grid.with_row_index("row")
    spans = (
        grid.select("row", "owner", "start", "end")
        .join(spoken, on="owner", how="inner")
        .filter((pl.col("first") <= pl.col("end")) & (pl.col("last") >= pl.col("start")))
        .sort("row", "first", "last")
    )
    row = pl.col("row").cast(pl.Int64) * _OFFSET
    reached = (row + _day(pl.col("last") + ONE_DAY)).cum_max().shift(1)
    same = pl.col("row").shift(1) == pl.col("row")
    reach = pl.when(same).then(reached - row).cast(pl.Int32).cast(pl.Date)
    cursor = pl.max_horizontal(pl.col("start"), reach)
    inner = (
        spans.with_columns(cursor.alias("a"))
        .filter(pl.col("first") > pl.col("a"))
        .select("row", "a", (pl.col("first") - ONE_DAY).alias("b"))
    )
    tail = (
        spans.group_by("row")
        .agg(pl.col("start").first(), pl.col("end").first(), pl.col("last").max() + ONE_DAY)
        .with_columns(pl.max_horizontal(pl.col("start"), pl.col("last")).alias("a"))
        .filter(pl.col("a") <= pl.col("end"))
        .select("row", "a", pl.col("end").alias("b"))
    )
    silent = grid.join(spans.select("row"), on="row", how="anti").select(
        "row", pl.col("start").alias("a"), pl.col("end").alias("b")
    )
    gaps = (
        pl.concat([inner, tail, silent])
        .sort("row", "a")
        .group_by("row", maintain_order=True)
        .agg(span(pl.col("a"), pl.col("b")).alias("gaps"))
    )
    return grid.join(gaps, on="row", how="left").drop("row")


_OFFSET = 1 << 32  # wider than the whole range of day numbers (Int32)


def _day(expr: pl.Expr) -> pl.Expr:
    """A date as its day number (days since 1970-01-01)."""
    return expr.cast(pl.Int32).cast(pl.Int64)


def reports_speaking_of_events(tables: FactTables) -> pl.DataFrame:
    """The spans of the reports that speak of events at all (`events` given, even empty): a
    report that says nothing of events covers nothing, absent is not zero."""
    return tables.reports.filter(pl.col("events_given")).select(
        pl.col("unit").alias("actor"),
        pl.col("start").alias("first"),
        pl.col("end").alias("last"),
    )
