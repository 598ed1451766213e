"""Yes/no duties the plan sets without a number: a plan issued, ISO applied; by a date if given.

Column-wise over every unit at once: each unit × judged period is joined with the latest report
in the period that speaks of the duty; what that report says decides, or says why it cannot.

A duty done again each month ("hàng tháng", `every: month`) is judged month by month: one finding
per month of each judged period, on the most specific report covering that month (a month's own
report before a quarter's); a word "done" dated in another month says nothing of this one.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from cchc.facts.periods import Period, months_of
from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import SPANS, finish, span, units_of
from cchc.rules.schema import DutyMeasure, Rule

EVIDENCE = {
    "done": pl.Boolean,  # what the latest report says…
    "date": pl.Date,  # …the day done, if given…
    "report": pl.Utf8,  # …that report's period…
    "note": pl.Utf8,  # …and its own words
    "days_vs_due": pl.Int64,  # with a deadline: the days from it to the day done
    "wanted": pl.List(pl.Utf8),  # not decidable: the duty to report on…
    "judged_on": pl.Date,  # …as of the day judged, when the latest word is "not done"
    "uncovered": SPANS,  # …and the days no report speaks of
    "absent": pl.List(pl.Utf8),  # read by the engine's reporting gap (with_gaps): always null
}


def _last_on_time_day(measure: DutyMeasure, period: Period) -> date:
    """The day the duty's state is judged on: the period's end, or the last day a deadline
    allows ("before the 5th": the 4th)."""
    if measure.due is None:
        return period.end
    return measure.due - timedelta(days=1) if measure.due_is == "before" else measure.due


def _closed(measure: DutyMeasure, period: Period, as_of: date) -> bool:
    if measure.due is None:
        return as_of > period.end
    return as_of >= measure.due if measure.due_is == "before" else as_of > measure.due


def _known_words(tables: FactTables, duty: str, as_of: date) -> pl.DataFrame:
    """What the reports say of the duty, as known on the date (a word dated later is not known
    yet), with the period of the report saying it as `source`."""
    return tables.duties.filter(
        (pl.col("duty") == duty) & (pl.col("date").is_null() | (pl.col("date") <= as_of))
    ).select(
        "unit",
        pl.col("period").alias("source"),
        pl.col("start").alias("source_start"),
        pl.col("end").alias("source_end"),
        "done",
        "date",
        "note",
    )


def _latest_words(tables: FactTables, judged: pl.DataFrame, duty: str, as_of: date) -> pl.DataFrame:
    """Per unit and judged period, the latest report in the period that speaks of the duty (a
    word dated after the evaluation date is not known yet): the one ending last, then the
    longest. Its period, end, and what it says."""
    words = _known_words(tables, duty, as_of)
    overlapping = (pl.col("source_start") <= pl.col("end")) & (
        pl.col("start") <= pl.col("source_end")
    )
    return (
        judged.select("unit", "period", "start", "end")
        .join(words, on="unit", how="inner")
        .filter(overlapping)
        .sort(
            [pl.col("source_end"), pl.col("source_end") - pl.col("source_start")],
            descending=True,
        )
        .group_by(["unit", "period"], maintain_order=True)
        .first()
        .select("unit", "period", "source", "source_end", "done", "date", "note")
    )


def _monthly_words(
    tables: FactTables, judged: pl.DataFrame, duty: str, as_of: date
) -> pl.DataFrame:
    """Per unit and judged month, the report covering the month that speaks of the duty most
    specifically: the shortest (a month's own report), then the one ending last. A word dated
    after the evaluation date is not known yet; a "done" dated outside the month is another
    month's."""
    words = _known_words(tables, duty, as_of)
    covering = (pl.col("source_start") <= pl.col("start")) & (pl.col("source_end") >= pl.col("end"))
    elsewhere = (
        pl.col("done")
        & pl.col("date").is_not_null()
        & ((pl.col("date") < pl.col("start")) | (pl.col("date") > pl.col("end")))
    )
    return (
        judged.select("unit", "period", "start", "end")
        .join(words, on="unit", how="inner")
        .filter(covering & ~elsewhere)
        .sort(
            [pl.col("source_end") - pl.col("source_start"), pl.col("source_end")],
            descending=[False, True],
        )
        .group_by(["unit", "period"], maintain_order=True)
        .first()
        .select("unit", "period", "source", "source_end", "done", "date", "note")
    )


def judged_periods(rule: Rule) -> list[Period]:
    """The periods a duty is judged over: the rule's, or with `every: month` each of their
    months, once each, in order."""
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    if measure.every != "month":
        return list(rule.periods)
    return list(dict.fromkeys(month for period in rule.periods for month in months_of(period)))


def observe(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    judged_over = judged_periods(rule)
    periods = pl.DataFrame(
        {
            "period": [str(period) for period in judged_over],
            "start": [period.start for period in judged_over],
            "end": [period.end for period in judged_over],
            "judged_due": [measure.due or period.end for period in judged_over],
            "closed": [_closed(measure, period, as_of) for period in judged_over],
            "judged_on": [_last_on_time_day(measure, period) for period in judged_over],
        },
        schema={
            "period": pl.Utf8,
            "start": pl.Date,
            "end": pl.Date,
            "judged_due": pl.Date,
            "closed": pl.Boolean,
            "judged_on": pl.Date,
        },
    )
    judged = units_of(tables, rule.applies_to).select("unit").join(periods, how="cross")
    words = _monthly_words if measure.every == "month" else _latest_words
    rows = judged.join(
        words(tables, judged, measure.duty, as_of), on=["unit", "period"], how="left"
    )
    return finish(_judge(rows, measure), _values(measure), EVIDENCE)


def _values(measure: DutyMeasure) -> dict[str, pl.DataType]:
    if measure.due is None:
        return {"done": pl.Boolean}
    return {"done": pl.Boolean, "days_vs_due": pl.Int64}


def _judge(rows: pl.DataFrame, measure: DutyMeasure) -> pl.DataFrame:
    """What the latest report says: done (on a date, if given) or not, and the report's own
    words; with a deadline, the days from it to the day done (0 when not done). Or why the
    reports cannot decide the duty, with what to report."""
    done = pl.col("done")
    # No report in the period speaks of the duty: the whole period is uncovered.
    silent = pl.col("source").is_null()
    # Done, with a deadline, but not when.
    undated = done & pl.col("date").is_null() if measure.due is not None else pl.lit(False)
    # A duty once done stays done, so "not done" as of a report's end speaks of every day up to
    # that end; of a later day it says nothing: it may have been done since.
    since = ~done & (pl.col("source_end") < pl.col("judged_on"))
    reason = (
        pl.when(silent)
        .then(pl.lit("uncovered"))
        .when(undated)
        .then(pl.lit("undated"))
        .when(since)
        .then(pl.lit("not_done_since"))
    )
    framed = rows.with_columns(reason.alias("reason"))
    lacking = pl.col("reason").is_not_null()
    measured = ~lacking
    uncovered = (
        pl.when(pl.col("reason") == "uncovered")
        .then(pl.concat_list([span(pl.col("start"), pl.col("end"))]))
        .when(pl.col("reason") == "not_done_since")
        .then(pl.concat_list([span(pl.col("judged_on"), pl.col("judged_on"))]))
    )
    columns = [
        pl.when(measured).then(pl.lit("measured")).otherwise(pl.lit("no_data")).alias("state"),
        pl.when(measured).then(pl.col("judged_due")).alias("due"),
        pl.when(measured).then(done).alias("done"),
        pl.when(lacking).then(pl.lit([measure.duty], pl.List(pl.Utf8))).alias("e.wanted"),
        uncovered.alias("e.uncovered"),
        pl.when(pl.col("reason") == "not_done_since")
        .then(pl.col("judged_on"))
        .alias("e.judged_on"),
        pl.col("source").alias("e.report"),
        done.alias("e.done"),
        pl.when(measured).then(pl.col("date")).alias("e.date"),
        pl.when(measured).then(pl.col("note")).alias("e.note"),
    ]
    if measure.due is not None:
        days = (
            pl.when(done & pl.col("date").is_not_null())
            .then((pl.col("date") - pl.lit(measure.due)).dt.total_days().cast(pl.Int64))
            .otherwise(pl.lit(0, pl.Int64))
        )
        columns += [
            pl.when(measured).then(days).alias("days_vs_due"),
            pl.when(measured).then(days).alias("e.days_vs_due"),
        ]
    return framed.with_columns(columns)


def gap(rule: Rule) -> dict[str, pl.Expr]:
    """What a duty found unmet lacks: not done, to be done by its due date (the period's end
    without one); done, the days after the due date it was done (0: on a "before" date)."""
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    done = pl.col("done")
    gaps = {"by": pl.when(~done).then(pl.col("due"))}
    if measure.due is not None:
        gaps["days_late"] = pl.when(done).then(pl.col("days_vs_due"))
    return gaps
