"""Shares and ratios of two reported counts of one unit: on-time dossiers / resolved dossiers.

Column-wise over every unit at once: each report's numerator and denominator are sums of count
columns; the share is compared with the target exactly, by cross-multiplying integers.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

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
    units_of,
    years_frame,
)
from cchc.rules.measures.common import unique
from cchc.rules.schema import RangeMeasure, Rule, ShareMeasure, Target

VALUES = {"vs_target": pl.Int64, "vs_low": pl.Int64, "vs_high": pl.Int64}
EVIDENCE = {
    "numerator": pl.Int64,
    "denominator": pl.Int64,
    "source": pl.Utf8,  # the report the figures came from, when not the judged period's own
    "absent": pl.List(pl.Utf8),  # figures the report chosen does not give
    "report": pl.Utf8,  # …and that report's period
    "wanted": pl.List(pl.Utf8),  # figures no report covering `uncovered` gives
    "uncovered": SPANS,
    "field": pl.Utf8,  # the field of procedures a unit does not handle
    "fields": pl.List(pl.Utf8),  # …and the fields it declares
}
GAP = {"more": pl.Int64, "need": pl.Int64, "of": pl.Int64, "fewer": pl.Int64, "allowed": pl.Int64}


def observe(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, ShareMeasure | RangeMeasure)
    refs = unique([*measure.numerator, *measure.denominator])
    units = units_of(tables, rule.applies_to)
    years = years_frame(period.year for period in rule.periods)
    field = getattr(measure, "field", None)
    ignored = (
        units.filter(pl.col("fields").is_not_null() & ~pl.col("fields").list.contains(field))
        if field is not None
        else units.clear()
    )
    judged_units = units.join(ignored.select("unit"), on="unit", how="anti")
    counts = _counts(tables, measure, judged_units, refs).join(
        years.select("year"), on="year", how="semi"
    )
    speaking = counts.filter(pl.any_horizontal([pl.col(r).is_not_null() for r in refs]))
    per_year = judged_units.select("unit").join(years, how="cross")
    if measure.window == "year":
        measured = _year_reports(rule, measure, speaking, per_year, as_of)
    else:
        measured = _each_report(rule, measure, speaking, per_year, as_of)
    parts = [measured, _not_handled(ignored, years, field, as_of)]
    return pl.concat([finish(part, VALUES, EVIDENCE) for part in parts])


def _counts(
    tables: FactTables, measure: ShareMeasure | RangeMeasure, units: pl.DataFrame, refs: list[str]
) -> pl.DataFrame:
    """Each report of the units with one column per count the measure reads (null: not given).
    With `field`, dossier counts are that field's; with `excluding_fields`, all dossiers less
    those fields' (a field's count not given leaves the difference unknown, unless the unit
    declares it does not handle that field)."""
    reports = tables.reports.join(units, on="unit", how="inner")
    field = getattr(measure, "field", None)
    excluding = list(getattr(measure, "excluding_fields", ()))
    given = set(tables.reports.columns)
    columns = []
    for ref in refs:
        whole = pl.col(ref) if ref in given else pl.lit(None, pl.Int64)
        if ref.startswith("dossiers.") and field is not None:
            whole = pl.col(f"{field}|{ref}")
        elif ref.startswith("dossiers.") and excluding:
            parts = [_part(code, ref) for code in excluding]
            known = pl.all_horizontal([part.is_not_null() for part in parts])
            whole = pl.when(known).then(whole - pl.sum_horizontal(parts))
        columns.append(whole.alias(ref))
    if field is not None or excluding:
        dossier_refs = [ref for ref in refs if ref.startswith("dossiers.")]
        reports = _with_field_counts(reports, tables, [field] if field else excluding, dossier_refs)
    return reports.select("unit", "period", "start", "end", "year", *columns)


def _part(code: str, ref: str) -> pl.Expr:
    """One excluded field's count: as given; 0 when the unit declares it does not handle the
    field and the report gives none of it; else unknown."""
    given = pl.col(f"{code}|{ref}")
    not_handled = pl.col("fields").is_not_null() & ~pl.col("fields").list.contains(code)
    return (
        pl.when(pl.col(f"{code}|given"))
        .then(given)
        .when(not_handled)
        .then(pl.lit(0, pl.Int64))
        .otherwise(pl.lit(None, pl.Int64))
    )


def _with_field_counts(
    reports: pl.DataFrame, tables: FactTables, codes: list[str], refs: list[str]
) -> pl.DataFrame:
    """Per-field dossier counts as columns `<field>|dossiers.<name>`, and `<field>|given`."""
    for code in codes:
        rows = tables.by_field.filter(pl.col("field") == code)
        wide = (
            rows.with_columns((pl.lit(f"{code}|dossiers.") + pl.col("name")).alias("column"))
            .pivot(on="column", index=["unit", "period"], values="value")
            .with_columns(pl.lit(True).alias(f"{code}|given"))
        )
        reports = reports.join(wide, on=["unit", "period"], how="left").with_columns(
            pl.col(f"{code}|given").fill_null(False)
        )
        missing = [f"{code}|{ref}" for ref in refs if f"{code}|{ref}" not in reports.columns]
        reports = reports.with_columns(pl.lit(None, pl.Int64).alias(c) for c in missing)
    return reports


def _each_report(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    speaking: pl.DataFrame,
    per_year: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """Each report judged over its own period; and the year itself, when no report covers it
    whole, is not enough data: a Q1 report says nothing of the rest of the year."""
    own = _judge(rule, measure, speaking.with_columns(pl.lit(None, pl.Utf8).alias("source")), as_of)
    best = pick_report(speaking, LONGEST)
    years = per_year.join(best, on=["unit", "year"], how="left")
    uncovered = years.filter(~covers())
    return pl.concat([own, _uncovered(uncovered, measure, as_of)], how="diagonal_relaxed")


def _year_reports(
    rule: Rule,
    measure: ShareMeasure | RangeMeasure,
    speaking: pl.DataFrame,
    per_year: pl.DataFrame,
    as_of: date,
) -> pl.DataFrame:
    """A whole-year share: from the annual report; while the year runs, from the latest
    cumulative one. Once the year is over, a report that ends before it cannot decide."""
    latest = pick_report(speaking, LATEST)
    years = per_year.join(latest, on=["unit", "year"], how="left")
    usable = pl.col("best_start").is_not_null() & (covers() | ~closed(as_of))
    chosen = _chosen(years.filter(usable), speaking)
    source = pl.when(pl.col("best_period") != pl.col("period")).then(pl.col("best_period"))
    judged = _judge(rule, measure, chosen.with_columns(source.alias("source")), as_of)
    return pl.concat(
        [judged, _uncovered(years.filter(~usable), measure, as_of)], how="diagonal_relaxed"
    )


def _chosen(years: pl.DataFrame, speaking: pl.DataFrame) -> pl.DataFrame:
    """The judged years joined with the counts of the report chosen for each."""
    figures = speaking.select("unit", pl.col("period").alias("best_period"), *speaking.columns[5:])
    return years.join(figures, on=["unit", "best_period"], how="inner")


def _uncovered(
    years: pl.DataFrame, measure: ShareMeasure | RangeMeasure, as_of: date
) -> pl.DataFrame:
    wanted = unique([*measure.numerator, *measure.denominator])
    return years.select(
        *leading_columns("no_data", closed(as_of), "uncovered"),
        pl.lit(wanted, pl.List(pl.Utf8)).alias("e.wanted"),
        gaps_around("best_start", "best_end").alias("e.uncovered"),
    )


def _judge(
    rule: Rule, measure: ShareMeasure | RangeMeasure, rows: pl.DataFrame, as_of: date
) -> pl.DataFrame:
    """One judged period per row, from the counts of the row's report."""
    assert rule.target is not None
    refs = unique([*measure.numerator, *measure.denominator])
    absent = pl.concat_list(
        [pl.when(pl.col(r).is_null()).then(pl.lit(r)) for r in refs]
    ).list.drop_nulls()
    numerator = pl.sum_horizontal([pl.col(r) for r in measure.numerator])
    denominator = pl.sum_horizontal([pl.col(r) for r in measure.denominator])
    report = pl.col("best_period") if "best_period" in rows.columns else pl.col("period")
    framed = rows.with_columns(
        absent.alias("e.absent"),
        numerator.alias("e.numerator"),
        denominator.alias("e.denominator"),
        pl.col("source").alias("e.source"),
        closed(as_of).alias("closed"),
        report.alias("report_period"),
    )
    lacking = pl.col("e.absent").list.len() > 0
    nothing = pl.col("e.denominator") == 0
    inapplicable = nothing & ((pl.col("e.numerator") == 0) | pl.lit(rule.target.op in (">=", ">")))
    state = (
        pl.when(lacking)
        .then(pl.lit("no_data"))
        .when(inapplicable)
        .then(pl.lit("not_applicable"))
        .otherwise(pl.lit("measured"))
    )
    return (
        framed.with_columns(
            state.alias("state"),
            pl.when(lacking)
            .then(pl.lit("not_given"))
            .when(inapplicable)
            .then(pl.lit("nothing_to_divide"))
            .alias("reason"),
            pl.when(lacking).then(pl.col("report_period")).alias("e.report"),
            *[
                pl.when(~lacking & ~inapplicable).then(expr).alias(name)
                for name, expr in _signs(rule.target).items()
            ],
        )
        .with_columns(
            pl.when(~lacking).then(pl.col(c)).alias(c)
            for c in ("e.numerator", "e.denominator", "e.source")
        )
        .with_columns(pl.when(lacking).then(pl.col("e.absent")).alias("e.absent"))
    )


def _sign_vs(bound: Fraction) -> pl.Expr:
    """sign(numerator / denominator − bound), exactly: numerator·q − p·denominator in 128 bits.
    Over nothing (denominator 0, numerator above 0) the share is above any bound."""
    p, q = bound.numerator, bound.denominator
    difference = (
        pl.col("e.numerator").cast(pl.Int128) * q - pl.col("e.denominator").cast(pl.Int128) * p
    )
    return (
        pl.when(pl.col("e.denominator") == 0)
        .then(pl.lit(1))
        .otherwise(difference.sign())
        .cast(pl.Int64)
    )


def _signs(target: Target) -> dict[str, pl.Expr]:
    """The signs the condition reads: decided exactly, here, once."""
    if target.op == "between":
        assert target.low is not None and target.high is not None
        return {"vs_low": _sign_vs(target.low), "vs_high": _sign_vs(target.high)}
    assert target.value is not None
    return {"vs_target": _sign_vs(target.value)}


def _not_handled(
    ignored: pl.DataFrame, years: pl.DataFrame, field: str | None, as_of: date
) -> pl.DataFrame:
    """A unit whose declared fields leave this one out has no dossiers of it to judge."""
    return ignored.join(years, how="cross").select(
        *leading_columns("not_applicable", closed(as_of), "field_not_handled"),
        pl.lit(field, pl.Utf8).alias("e.field"),
        pl.col("fields").alias("e.fields"),
    )


def gap(rule: Rule) -> dict[str, pl.Expr]:
    """What it takes to comply with a share not met, if the denominator stays as it is: how
    many more (or fewer) of the numerator. Evaluated only on shares the engine found unmet."""
    target = rule.target
    assert target is not None
    numerator, denominator = pl.col("e.numerator"), pl.col("e.denominator")
    if target.op == "between":
        assert target.low is not None and target.high is not None
        below = pl.col("vs_low") < 0
        need = _at_least(target.low, strict=False)
        allowed = _at_most(target.high, strict=False)
        return {
            "more": pl.when(below).then(need - numerator),
            "need": pl.when(below).then(need),
            "fewer": pl.when(~below).then(numerator - allowed),
            "allowed": pl.when(~below).then(allowed),
            "of": denominator,
        }
    assert target.value is not None
    strict = target.op in (">", "<")
    if target.op in (">=", ">"):
        need = _at_least(target.value, strict)
        return {"more": need - numerator, "need": need, "of": denominator}
    allowed = pl.when(denominator == 0).then(0).otherwise(_at_most(target.value, strict))
    return {"fewer": numerator - allowed, "allowed": allowed, "of": denominator}


def _at_least(bound: Fraction, strict: bool) -> pl.Expr:
    """The smallest numerator n with n / denominator ≥ bound (> when strict), exactly."""
    p, q = bound.numerator, bound.denominator
    scaled = pl.col("e.denominator").cast(pl.Int128) * p
    return ((scaled // q + 1) if strict else (scaled + q - 1) // q).cast(pl.Int64)


def _at_most(bound: Fraction, strict: bool) -> pl.Expr:
    """The largest numerator n with n / denominator ≤ bound (< when strict), exactly."""
    p, q = bound.numerator, bound.denominator
    scaled = pl.col("e.denominator").cast(pl.Int128) * p
    return (((scaled + q - 1) // q - 1) if strict else scaled // q).cast(pl.Int64)
