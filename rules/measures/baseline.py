"""Targets relative to a baseline year: staff cut by 5% against 2021, autonomous units up 20%.

The evidence keeps the two counts (`baseline`, `current`) and the change as `str(Fraction)`
("3/20" for 15%), exact; the render layer writes it as a percentage.

Column-wise over every unit at once: each period's figure is the count of one report per unit
(the annual one, or while the period runs the latest cumulative one); the change is compared
with the target by cross-multiplying integers.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from cchc.facts.periods import Period
from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import (
    LATEST,
    SPANS,
    covers,
    finish,
    gaps_around,
    leading_columns,
    pick_report,
    units_of,
)
from cchc.rules.measures.quantity import speaking_reports
from cchc.rules.schema import BaselineMeasure, Rule

VALUES = {"vs_target": pl.Int64}
EVIDENCE = {
    "baseline": pl.Int64,  # the count for the baseline period, when known
    "current": pl.Int64,  # …and for the judged one
    "change": pl.Utf8,  # (current − baseline) / baseline, or its opposite, as str(Fraction)
    "wanted": pl.List(pl.Utf8),  # the count no report gives for the periods in `for`
    "for": pl.List(pl.Utf8),  # the periods lacking, the baseline first
    "uncovered": SPANS,  # every span no report covers, the baseline's first
    "uncovered_baseline": SPANS,  # …those of the baseline period, when it lacks
    "uncovered_current": SPANS,  # …those of the judged period, when it lacks
    # Never set: the engine's gap of a row not measured reads them (rules/measures.with_gaps).
    "absent": pl.List(pl.Utf8),
    "report": pl.Utf8,
}
_NO_SPANS = pl.lit([], SPANS)


def _periods(periods: list[Period]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "period": [str(p) for p in periods],
            "start": [p.start for p in periods],
            "end": [p.end for p in periods],
            "year": [p.year for p in periods],
        },
        schema={"period": pl.Utf8, "start": pl.Date, "end": pl.Date, "year": pl.Int32},
    )


def _figures(
    units: pl.DataFrame, latest: pl.DataFrame, periods: list[Period], as_of: date
) -> pl.DataFrame:
    """Per unit and period, the count for the period (`figure`, null when no report gives it)
    and the spans of the period no report covers (`spans`): the annual figure, or while the
    period runs (end ≥ as_of), the latest cumulative one. A report ending before a period that
    is over cannot give it; one outside the period covers none of it."""
    rows = units.join(_periods(periods), how="cross").join(latest, on=["unit", "year"], how="left")
    overlaps = (pl.col("best_start") <= pl.col("end")) & (pl.col("best_end") >= pl.col("start"))
    rows = rows.with_columns(
        pl.when(overlaps).then(pl.col("best_start")).alias("cover_start"),
        pl.when(overlaps).then(pl.col("best_end")).alias("cover_end"),
    )
    running = pl.col("end") >= as_of  # not closed: written column-first (columns.closed)
    known = pl.col("best_start").is_not_null() & (covers("cover_start", "cover_end") | running)
    return rows.select(
        "unit",
        "period",
        "start",
        "end",
        pl.when(known).then(pl.col("value")).alias("figure"),
        gaps_around("cover_start", "cover_end").alias("spans"),
    )


def observe(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, BaselineMeasure) and rule.target is not None
    units = units_of(tables, rule.applies_to).select("unit")
    latest = pick_report(speaking_reports(tables, units, measure.indicator), LATEST, ["value"])
    # The baseline period is always judged as over: it is the past the target refers to.
    base = _figures(units, latest, [measure.baseline], date.max).select(
        "unit", pl.col("figure").alias("base"), pl.col("spans").alias("base_spans")
    )
    rows = _figures(units, latest, list(rule.periods), as_of).join(
        base, on="unit", how="left", maintain_order="left"
    )
    rows = rows.with_columns((pl.col("end") < as_of).alias("closed"))
    lacking = pl.col("base").is_null() | pl.col("figure").is_null()
    zero = pl.col("base") == 0
    return finish(
        pl.concat(
            [
                _measured(rule, measure, rows.filter(~lacking & ~zero)),
                _zero(rows.filter(~lacking & zero)),
                _lacking(measure, rows.filter(lacking)),
            ],
            how="diagonal_relaxed",
        ),
        VALUES,
        EVIDENCE,
    )


def _zero(rows: pl.DataFrame) -> pl.DataFrame:
    """A baseline of 0: no change can be a share of it."""
    return rows.select(
        *leading_columns("not_applicable", "closed", "zero_baseline"),
        pl.col("base").alias("e.baseline"),
        pl.col("figure").alias("e.current"),
    )


def _measured(rule: Rule, measure: BaselineMeasure, rows: pl.DataFrame) -> pl.DataFrame:
    """The change (`moved` / base), compared with the target p/q exactly: sign(moved·q − p·base)
    in 128 bits, times the sign of the base (never negative, but only the input layer says so)."""
    assert rule.target is not None and rule.target.value is not None
    p, q = rule.target.value.numerator, rule.target.value.denominator
    base, now = pl.col("base"), pl.col("figure")
    moved = base - now if measure.direction == "decrease" else now - base
    rows = rows.with_columns(moved.alias("moved"))
    wide = pl.col("moved").cast(pl.Int128) * q - pl.col("base").cast(pl.Int128) * p
    vs_target = (wide.sign() * pl.col("base").sign()).cast(pl.Int64)
    return _with_change(rows).select(
        *leading_columns("measured", "closed"),
        vs_target.alias("vs_target"),
        pl.col("base").alias("e.baseline"),
        pl.col("figure").alias("e.current"),
        pl.col("change").alias("e.change"),
    )


def _with_change(rows: pl.DataFrame) -> pl.DataFrame:
    """`change`: moved / base in lowest terms, as str(Fraction) writes it ("3/20", "-1/8",
    "2", "0"). The greatest common divisor by Euclid's algorithm, a step over every row at a
    time, until no remainder is left: at most a few dozen steps for counts below 10^12."""
    a, b = pl.col("gcd"), pl.col("rest")
    rows = rows.with_columns(pl.col("moved").abs().alias("gcd"), pl.col("base").abs().alias("rest"))
    while rows.height and rows["rest"].max() != 0:  # type: ignore[operator]
        step = pl.when(b != 0)
        rows = rows.with_columns(
            step.then(b).otherwise(a).alias("gcd"), step.then(a % b).alias("rest")
        )
        rows = rows.with_columns(pl.col("rest").fill_null(0))
    sign = pl.col("base").sign()
    numerator = (pl.col("moved") // pl.col("gcd")) * sign
    denominator = pl.col("base").abs() // pl.col("gcd")
    text = (
        pl.when(denominator == 1)
        .then(numerator.cast(pl.Utf8))
        .otherwise(pl.concat_str(numerator.cast(pl.Utf8), pl.lit("/"), denominator.cast(pl.Utf8)))
    )
    return rows.with_columns(text.alias("change"))


def _lacking(measure: BaselineMeasure, rows: pl.DataFrame) -> pl.DataFrame:
    """No report gives the count for the baseline period, the judged one, or both. `for` lists
    the periods lacking (the baseline first); `uncovered` all the spans no report covers, and
    `uncovered_baseline` / `uncovered_current` those of each period lacking; the count known
    for the other period, if any, is kept."""
    base_lacks, now_lacks = pl.col("base").is_null(), pl.col("figure").is_null()
    base_spans = pl.when(base_lacks).then(pl.col("base_spans"))
    now_spans = pl.when(now_lacks).then(pl.col("spans"))
    return rows.select(
        *leading_columns("no_data", "closed", "uncovered"),
        pl.lit([measure.indicator], pl.List(pl.Utf8)).alias("e.wanted"),
        pl.concat_list(
            [
                pl.when(base_lacks).then(pl.lit(str(measure.baseline))),
                pl.when(now_lacks).then(pl.col("period")),
            ]
        )
        .list.drop_nulls()
        .alias("e.for"),
        pl.concat_list([base_spans.fill_null(_NO_SPANS), now_spans.fill_null(_NO_SPANS)]).alias(
            "e.uncovered"
        ),
        base_spans.alias("e.uncovered_baseline"),
        now_spans.alias("e.uncovered_current"),
        pl.col("base").alias("e.baseline"),
        pl.col("figure").alias("e.current"),
    )


def gap(rule: Rule) -> dict[str, pl.Expr]:
    """How much further the count must move, and the count it must reach (`goal`), if the
    baseline stays as reported. Evaluated only on changes the engine found unmet."""
    measure = rule.measure
    assert isinstance(measure, BaselineMeasure)
    assert rule.target is not None and rule.target.value is not None
    p, q = rule.target.value.numerator, rule.target.value.denominator
    base, now = pl.col("e.baseline"), pl.col("e.current")
    scaled = base.cast(pl.Int128) * p
    # The smallest change n with n / base ≥ p/q (> when strict): common.needed_at_least.
    needed = (scaled // q + 1) if rule.target.op == ">" else (scaled + (q - 1)) // q
    needed = needed.cast(pl.Int64)
    if measure.direction == "decrease":
        goal = base - needed
        return {"more": now - goal, "goal": goal}
    goal = base + needed
    return {"more": goal - now, "goal": goal}
