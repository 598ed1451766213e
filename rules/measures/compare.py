"""A named metric for the judged year against the same unit's value for another year: the previous
year, or a baseline year. Shares ("a higher share of online procedures than in 2021"), counts and
ranks ("up at least one place on 2021"), and events counts ("more inspections than in 2021").

The rule's target compares the improvement with a margin: current − reference, or reference −
current when lower is better (a rank), `op` the margin (rules/schema.CompareMeasure). Decided
exactly: a share's improvement a/b − c/e against p/q is the sign of a·e·q − c·b·q − p·b·e in 128
bits; no float enters a verdict.

Which figure stands for a year is the policy of `window: year` (share, quantity): the annual
report, else, while the year runs, the latest cumulative one; once the year is over, a report that
ends before it cannot give it. The reference year is always judged as over. An events count adds
up across reports: it is known when the reports speaking of events cover the year together, or,
while the year runs, as counted so far (rules/measures/events.py).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import (
    SPANS,
    events_coverage,
    finish,
    gaps_around,
    reports_speaking_of_events,
    units_of,
)
from cchc.rules.schema import CompareMeasure, Rule, Target

VALUES = {"vs_target": pl.Int64}
EVIDENCE = {
    "numerator": pl.Int64,  # a share's current figures…
    "denominator": pl.Int64,
    "reference_numerator": pl.Int64,  # …and the reference year's
    "reference_denominator": pl.Int64,
    "value": pl.Int64,  # a count's (or an events count's) current figure…
    "reference_value": pl.Int64,  # …and the reference year's
    "reference": pl.Utf8,  # the reference year
    "source": pl.Utf8,  # the report the current figures came from
    "reference_source": pl.Utf8,  # …and the reference year's
    "wanted": pl.List(pl.Utf8),  # not measured: the names no report gives…
    "for": pl.List(pl.Utf8),  # …for these years, the reference first
    "uncovered": SPANS,  # …and the spans no report covers, the reference's first
    "additive": pl.Boolean,  # an events count: the uncovered spans' reports, not one whole
    # Never set: the engine's gap of a row not measured reads them (rules/measures.with_gaps).
    "absent": pl.List(pl.Utf8),
    "report": pl.Utf8,
}
FLIPPED = {">=": "<=", ">": "<", "<=": ">=", "<": ">"}
_NO_SPANS = pl.lit([], SPANS)


def _years(years: list[int]) -> pl.DataFrame:
    ordered = sorted(set(years))
    return pl.DataFrame(
        {
            "year": ordered,
            "start": [date(y, 1, 1) for y in ordered],
            "end": [date(y, 12, 31) for y in ordered],
        },
        schema={"year": pl.Int32, "start": pl.Date, "end": pl.Date},
    )


def _count_figures(
    tables: FactTables, units: pl.DataFrame, measure: CompareMeasure, years: pl.DataFrame
) -> pl.DataFrame:
    """Per unit and year, the report reaching furthest into the year (then the longest) among
    those giving every name the metric reads: its sums (`num`, `den`), period and span."""
    refs = list(dict.fromkeys([*measure.numerator, *measure.denominator]))
    reports = tables.reports.join(units, on="unit", how="semi")
    reports = reports.with_columns(
        pl.lit(None, pl.Int64).alias(ref) for ref in refs if ref not in reports.columns
    )
    denominator = (
        pl.sum_horizontal([pl.col(r) for r in measure.denominator])
        if measure.denominator
        else pl.lit(None, pl.Int64)
    )
    speaking = (
        reports.filter(pl.all_horizontal([pl.col(r).is_not_null() for r in refs]))
        .select(
            "unit",
            "year",
            pl.col("period").alias("best_period"),
            pl.col("start").alias("best_start"),
            pl.col("end").alias("best_end"),
            pl.sum_horizontal([pl.col(r) for r in measure.numerator]).alias("num"),
            denominator.alias("den"),
        )
        .join(years.select("year"), on="year", how="semi")
    )
    latest = (
        speaking.sort(
            [pl.col("best_end"), pl.col("best_end") - pl.col("best_start")], descending=True
        )
        .group_by(["unit", "year"], maintain_order=True)
        .first()
    )
    return units.join(years, how="cross").join(latest, on=["unit", "year"], how="left")


def _known_counts(rows: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """The figure of each unit and year as of a day: from a report covering the year, or while
    the year runs (not over on `as_of`) from the latest one; else none, with the spans left."""
    covered = (pl.col("best_start") <= pl.col("start")) & (pl.col("best_end") >= pl.col("end"))
    running = pl.col("end") >= as_of  # column-first (columns.closed)
    known = pl.col("best_start").is_not_null() & (covered.fill_null(False) | running)
    return rows.select(
        "unit",
        "year",
        pl.when(known).then(pl.col("num")).alias("num"),
        pl.when(known).then(pl.col("den")).alias("den"),
        pl.when(known).then(pl.col("best_period")).alias("source"),
        known.alias("known"),
        pl.lit(False).alias("partial"),
        pl.when(~known).then(gaps_around("best_start", "best_end")).alias("spans"),
    )


def _events_figures(
    tables: FactTables,
    units: pl.DataFrame,
    measure: CompareMeasure,
    years: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """Per unit and year, its distinct events of the metric's kinds (dated by `as_of`) and the
    spans no report speaking of events covers (`gaps`, null: none)."""
    kinds = list(measure.events)
    held = (
        tables.events.filter(pl.col("kind").is_in(kinds) & (pl.col("date") <= as_of))
        .select("kind", "actor", "date", "inspected")
        .unique()
        .join(units.select(pl.col("unit").alias("actor")), on="actor", how="semi")
        .with_columns(pl.col("date").dt.year().cast(pl.Int32).alias("year"))
        .group_by(["actor", "year"])
        .agg(pl.len().cast(pl.Int64).alias("num"))
        .rename({"actor": "unit"})
    )
    grid = units.join(years, how="cross").with_columns(
        pl.col("unit").alias("owner"), pl.col("year").cast(pl.Utf8).alias("period")
    )
    spoken = reports_speaking_of_events(tables).rename({"actor": "owner"})
    return (
        events_coverage(grid, spoken)
        .join(held, on=["unit", "year"], how="left")
        .with_columns(pl.col("num").fill_null(0), pl.lit(None, pl.Int64).alias("den"))
    )


def _known_events(rows: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """An events count is known when the reports cover the year together, or while the year
    runs (as counted so far); a count over a part of a year that is over is `partial`: it may
    still decide, since events only add up."""
    covered = pl.col("gaps").is_null()
    running = pl.col("end") >= as_of
    known = covered | running
    return rows.select(
        "unit",
        "year",
        pl.col("num"),
        "den",
        pl.lit(None, pl.Utf8).alias("source"),
        known.alias("known"),
        (~known).alias("partial"),
        pl.when(~known).then(pl.col("gaps")).alias("spans"),
    )


def observe(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, CompareMeasure) and rule.target is not None
    units = units_of(tables, rule.applies_to).select("unit")
    judged = sorted({period.year for period in rule.periods})
    references = [measure.reference_year(year) for year in judged]
    years = _years([*judged, *references])
    events = bool(measure.events)
    if events:
        figures = _events_figures(tables, units, measure, years, as_of)
        current, reference = _known_events(figures, as_of), _known_events(figures, date.max)
    else:
        figures = _count_figures(tables, units, measure, years)
        current, reference = _known_counts(figures, as_of), _known_counts(figures, date.max)
    pairs = pl.DataFrame(
        {"year": judged, "reference_year": references},
        schema={"year": pl.Int32, "reference_year": pl.Int32},
    )
    rows = (
        units.join(pairs, how="cross")
        .join(_years(judged), on="year", how="left")
        .join(current, on=["unit", "year"], how="left")
        .join(
            reference.select(
                "unit",
                pl.col("year").alias("reference_year"),
                *[pl.col(c).alias(f"ref_{c}") for c in ("num", "den", "source", "known", "spans")],
            ),
            on=["unit", "reference_year"],
            how="left",
        )
        .with_columns(
            pl.col("year").cast(pl.Utf8).alias("period"),
            pl.col("reference_year").cast(pl.Utf8).alias("reference"),
            (pl.col("end") < as_of).alias("closed"),
        )
    )
    share = bool(measure.denominator)
    vs_target = _vs_target(measure, rule.target)
    # A partial events count over a year that is over decides only if it already meets the
    # target: more reports could only add events.
    grows = _met(rule.target, vs_target) if _grows(measure, rule.target) else pl.lit(False)
    settled = pl.col("partial") & pl.col("ref_known") & grows
    lacking = ~(pl.col("known") | settled) | ~pl.col("ref_known")
    nothing = (pl.col("den") == 0) | (pl.col("ref_den") == 0) if share else pl.lit(False)
    parts = [
        _measured(rows.filter(~lacking & ~nothing), vs_target, share),
        _nothing(rows.filter(~lacking & nothing), share),
        _lacking(rows.filter(lacking), measure, share, events),
    ]
    return finish(pl.concat(parts, how="diagonal_relaxed"), VALUES, EVIDENCE)


def _grows(measure: CompareMeasure, target: Target) -> bool:
    """Whether more events can only bring the rule closer to being met."""
    ops = (">=", ">") if measure.direction == "higher_is_better" else ("<=", "<")
    return target.op in ops


def _met(target: Target, vs_target: pl.Expr) -> pl.Expr:
    return {">=": vs_target >= 0, ">": vs_target > 0, "<=": vs_target <= 0, "<": vs_target < 0}[
        target.op
    ]


def _vs_target(measure: CompareMeasure, target: Target) -> pl.Expr:
    """sign(improvement − margin), exactly, on the joined columns `num`/`den`, `ref_num`/`ref_den`.
    For a share a/b against c/e and a margin p/q: sign(±(a·e − c·b)·q − p·b·e); for a count:
    sign(±(x − r)·q − p)."""
    assert target.value is not None
    p, q = target.value.numerator, target.value.denominator
    a, c = pl.col("num").cast(pl.Int128), pl.col("ref_num").cast(pl.Int128)
    sign = 1 if measure.direction == "higher_is_better" else -1
    if measure.denominator:
        b, e = pl.col("den").cast(pl.Int128), pl.col("ref_den").cast(pl.Int128)
        difference = (a * e - c * b) * (sign * q) - b * e * p
    else:
        difference = (a - c) * (sign * q) - p
    return difference.sign().cast(pl.Int64)


def _common() -> list[pl.Expr]:
    return [pl.col(c) for c in ("unit", "period", "start", "end", "closed")] + [
        pl.col("reference").alias("e.reference")
    ]


def _figures(share: bool, known: pl.Expr | None = None) -> list[pl.Expr]:
    """The figures as evidence, each kept only where `known` (a lacking row keeps the year it
    has)."""
    now = known if known is not None else pl.lit(True)
    ref = pl.col("ref_known") if known is not None else pl.lit(True)
    if share:
        return [
            pl.when(now).then(pl.col("num")).alias("e.numerator"),
            pl.when(now).then(pl.col("den")).alias("e.denominator"),
            pl.when(ref).then(pl.col("ref_num")).alias("e.reference_numerator"),
            pl.when(ref).then(pl.col("ref_den")).alias("e.reference_denominator"),
            pl.when(now).then(pl.col("source")).alias("e.source"),
            pl.when(ref).then(pl.col("ref_source")).alias("e.reference_source"),
        ]
    return [
        pl.when(now).then(pl.col("num")).alias("e.value"),
        pl.when(ref).then(pl.col("ref_num")).alias("e.reference_value"),
        pl.when(now).then(pl.col("source")).alias("e.source"),
        pl.when(ref).then(pl.col("ref_source")).alias("e.reference_source"),
    ]


def _measured(rows: pl.DataFrame, vs_target: pl.Expr, share: bool) -> pl.DataFrame:
    return rows.select(
        *_common(),
        pl.lit("measured").alias("state"),
        vs_target.alias("vs_target"),
        *_figures(share),
    )


def _nothing(rows: pl.DataFrame, share: bool) -> pl.DataFrame:
    """A share over nothing in either year (no online procedures at all): no share to compare."""
    return rows.select(
        *_common(),
        pl.lit("not_applicable").alias("state"),
        pl.lit("nothing_to_divide").alias("reason"),
        *_figures(share),
    )


def _lacking(
    rows: pl.DataFrame, measure: CompareMeasure, share: bool, events: bool
) -> pl.DataFrame:
    """No report gives the figures for the reference year, the judged one, or both: `for` lists
    the years lacking (the reference first), `uncovered` their spans; a figure known is kept."""
    ref_lacks, now_lacks = ~pl.col("ref_known"), ~pl.col("known")
    wanted = list(dict.fromkeys([*measure.numerator, *measure.denominator]))
    return rows.select(
        *_common(),
        pl.lit("no_data").alias("state"),
        pl.lit("uncovered").alias("reason"),
        pl.lit(wanted, pl.List(pl.Utf8)).alias("e.wanted"),
        pl.concat_list(
            [
                pl.when(ref_lacks).then(pl.col("reference")),
                pl.when(now_lacks).then(pl.col("period")),
            ]
        )
        .list.drop_nulls()
        .alias("e.for"),
        pl.concat_list(
            [
                pl.when(ref_lacks).then(pl.col("ref_spans")).fill_null(_NO_SPANS),
                pl.when(now_lacks).then(pl.col("spans")).fill_null(_NO_SPANS),
            ]
        ).alias("e.uncovered"),
        pl.lit(True if events else None, pl.Boolean).alias("e.additive"),
        *_figures(share, pl.col("known")),
    )


def gap(rule: Rule) -> dict[str, pl.Expr]:
    """What it takes, if the reference stays as reported: for a share, the numerator needed at
    the current denominator (`need` … `of`), or the most allowed; for a count or a rank, the
    number to reach (`need`) or not to exceed (`allowed`); and how far that is (`more`, `fewer`).
    Evaluated only on comparisons the engine found unmet."""
    measure = rule.measure
    assert isinstance(measure, CompareMeasure)
    target = rule.target
    assert target is not None and target.value is not None
    p, q = target.value.numerator, target.value.denominator
    higher = measure.direction == "higher_is_better"
    # The current value x must satisfy x `op` bound, bound = reference ± margin = top / bottom.
    op = target.op if higher else FLIPPED[target.op]
    sign = 1 if higher else -1
    if measure.denominator:
        c, e = pl.col("e.reference_numerator"), pl.col("e.reference_denominator")
        top, bottom = c.cast(pl.Int128) * q + sign * p * e.cast(pl.Int128), e.cast(pl.Int128) * q
        of, x = pl.col("e.denominator"), pl.col("e.numerator")
        scaled = of.cast(pl.Int128) * top
    else:
        r = pl.col("e.reference_value")
        top, bottom = r.cast(pl.Int128) * q + sign * p, pl.lit(q, pl.Int128)
        of, x = None, pl.col("e.value")
        scaled = top
    floor = scaled // bottom
    ceiling = (scaled + bottom - 1) // bottom
    bound = {">=": ceiling, ">": floor + 1, "<=": floor, "<": ceiling - 1}[op].cast(pl.Int64)
    gaps = (
        {"more": bound - x, "need": bound}
        if op in (">=", ">")
        else {"fewer": x - bound, "allowed": bound}
    )
    if of is not None:
        gaps["of"] = of
    return gaps


__all__ = ["EVIDENCE", "gap", "observe"]
