"""Deadlines: a period's report sent in time, an appendix task's product delivered by its date.

Column-wise over every unit at once: each unit × judged period is joined with the day its
report was sent (or its task's product first delivered), known as of the evaluation date; the
days from the due date are date differences, the verdict the engine's.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from cchc.facts.tables import FactTables
from cchc.rules.measures.columns import finish, units_of
from cchc.rules.schema import DataWindowMeasure, DeadlineMeasure, Rule, TaskMeasure

# What the engine's gap of a row not measured reads (rules/measures.with_gaps): always null here.
REPORTING = {"absent": pl.List(pl.Utf8), "report": pl.Utf8, "wanted": pl.List(pl.Utf8)}
VALUES = {"delivered": pl.Boolean, "days_vs_due": pl.Int64}
EVIDENCE = {
    "as_of": pl.Date,  # nothing delivered: the day nothing was known by
    "delivered": pl.Date,  # the day delivered…
    "days_vs_due": pl.Int64,  # …and how far it is from the due date
    **REPORTING,
}
WINDOW_VALUES = {"from_vs_expected": pl.Int64, "to_vs_expected": pl.Int64}
WINDOW_EVIDENCE = {
    "data_from": pl.Date,
    "data_to": pl.Date,
    "from_vs_expected": pl.Int64,
    "to_vs_expected": pl.Int64,
    **REPORTING,
    "wanted": pl.List(pl.Utf8),  # no window stated: the figures to report
}
WINDOW_FIGURES = ["data_from", "data_to"]
PERIOD_SCHEMA = {"period": pl.Utf8, "start": pl.Date, "end": pl.Date}


def _days(later: pl.Expr, earlier: pl.Expr) -> pl.Expr:
    return (later - earlier).dt.total_days().cast(pl.Int64)


def _delivery(rows: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """Deliveries by a due date, from rows with `due`, `closed` and `on` (the day delivered, null
    when nothing was): the day delivered and how far it is from the due date, or, with nothing
    delivered, the day nothing was known by. Whether it is late the engine decides."""
    delivered = pl.col("on").is_not_null()
    days = _days(pl.col("on"), pl.col("due"))
    framed = rows.with_columns(
        pl.lit("measured").alias("state"),
        delivered.alias("delivered"),
        pl.when(delivered).then(days).otherwise(pl.lit(0, pl.Int64)).alias("days_vs_due"),
        pl.when(delivered).then(pl.lit(None, pl.Date)).otherwise(pl.lit(as_of)).alias("e.as_of"),
        pl.col("on").alias("e.delivered"),
        pl.when(delivered).then(days).alias("e.days_vs_due"),
    )
    return finish(framed, VALUES, EVIDENCE)


def observe_report(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, DeadlineMeasure)
    strict = measure.due_is == "before"
    ordered = sorted(measure.due.items())
    periods = pl.DataFrame(
        {
            "period": [str(period) for period, _ in ordered],
            "start": [period.start for period, _ in ordered],
            "end": [period.end for period, _ in ordered],
            "due": [due for _, due in ordered],
            # "Before the 5th": once the 5th has come, the chance to be on time has gone.
            "closed": [as_of >= due if strict else as_of > due for _, due in ordered],
        },
        schema={**PERIOD_SCHEMA, "due": pl.Date, "closed": pl.Boolean},
    )
    sent = pl.col(measure.submission)
    known = tables.reports.select(
        "unit",
        "period",
        pl.when(sent <= as_of).then(sent).alias("on"),  # sent later: not known yet
    )
    units = units_of(tables, rule.applies_to).select("unit")
    rows = units.join(periods, how="cross").join(known, on=["unit", "period"], how="left")
    return _delivery(rows, as_of)


def _deliveries(tables: FactTables, measure: TaskMeasure, as_of: date) -> pl.DataFrame:
    """Per unit, the first day it delivered the task's product, known as of the date. Where the
    task is the same fact as a duty (the unit's CCHC plan), the duty reported done with a date is
    the delivery on that date: one entry answers both questions."""
    done = [
        tables.tasks.filter(
            (pl.col("task") == measure.task) & (pl.col("completed") <= as_of)
        ).select("unit", pl.col("completed").alias("on"))
    ]
    if measure.same_as_duty is not None:
        done.append(
            tables.duties.filter(
                (pl.col("duty") == measure.same_as_duty)
                & pl.col("done").fill_null(False)
                & (pl.col("date") <= as_of)
            ).select("unit", pl.col("date").alias("on"))
        )
    return pl.concat(done).group_by("unit").agg(pl.col("on").min())


def observe_task(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    measure = rule.measure
    assert isinstance(measure, TaskMeasure)
    period = rule.periods[0]
    judged = pl.DataFrame(
        {
            "period": [str(period)],
            "start": [period.start],
            "end": [period.end],
            "due": [measure.due],
            "closed": [as_of > measure.due],
        },
        schema={**PERIOD_SCHEMA, "due": pl.Date, "closed": pl.Boolean},
    )
    units = units_of(tables, rule.applies_to).select("unit")
    rows = units.join(judged, how="cross").join(
        _deliveries(tables, measure, as_of), on="unit", how="left"
    )
    return _delivery(rows, as_of)


def observe_window(rule: Rule, tables: FactTables, as_of: date) -> pl.DataFrame:
    """A report's declared data window (data_from, data_to) against the one the plan fixes."""
    measure = rule.measure
    assert isinstance(measure, DataWindowMeasure)
    ordered = sorted(measure.windows.items())
    periods = pl.DataFrame(
        {
            "period": [str(period) for period, _ in ordered],
            "start": [period.start for period, _ in ordered],
            "end": [period.end for period, _ in ordered],
            "from": [window[0] for _, window in ordered],
            "to": [window[1] for _, window in ordered],
            "closed": [as_of > period.end for period, _ in ordered],
        },
        schema={**PERIOD_SCHEMA, "from": pl.Date, "to": pl.Date, "closed": pl.Boolean},
    )
    windows = tables.reports.select("unit", "period", "data_from", "data_to")
    units = units_of(tables, rule.applies_to).select("unit")
    rows = units.join(periods, how="cross").join(windows, on=["unit", "period"], how="left")
    stated = pl.col("data_from").is_not_null() & pl.col("data_to").is_not_null()
    shifts = {
        "from_vs_expected": _days(pl.col("data_from"), pl.col("from")),
        "to_vs_expected": _days(pl.col("data_to"), pl.col("to")),
    }
    framed = rows.with_columns(
        pl.when(stated).then(pl.lit("measured")).otherwise(pl.lit("no_data")).alias("state"),
        pl.when(~stated).then(pl.lit("no_window")).alias("reason"),
        pl.when(stated).then(pl.col("to")).alias("due"),
        *[pl.when(stated).then(shift).alias(name) for name, shift in shifts.items()],
        *[pl.when(stated).then(shift).alias(f"e.{name}") for name, shift in shifts.items()],
        pl.when(stated).then(pl.col("data_from")).alias("e.data_from"),
        pl.when(stated).then(pl.col("data_to")).alias("e.data_to"),
        pl.when(~stated).then(pl.lit(WINDOW_FIGURES, pl.List(pl.Utf8))).alias("e.wanted"),
    )
    return finish(framed, WINDOW_VALUES, WINDOW_EVIDENCE)


def gap(rule: Rule) -> dict[str, pl.Expr]:
    """What a delivery found unmet lacks: delivered, the days it came late (0: on the due date
    a "before" deadline excludes); not delivered, whether the due date is already past."""
    delivered = pl.col("delivered")
    return {
        "days_late": pl.when(delivered).then(pl.col("days_vs_due")),
        "deliver": pl.when(~delivered).then(pl.lit(True)),
        "overdue": pl.when(~delivered).then(pl.col("closed")),
    }


def window_gap(rule: Rule) -> dict[str, pl.Expr]:
    """The window a report found off the plan's must cover, as the plan fixes it."""
    measure = rule.measure
    assert isinstance(measure, DataWindowMeasure)
    periods = [str(period) for period in measure.windows]
    starts = [start for start, _ in measure.windows.values()]
    ends = [end for _, end in measure.windows.values()]
    return {
        "from": pl.col("period").replace_strict(
            periods, starts, default=None, return_dtype=pl.Date
        ),
        "to": pl.col("period").replace_strict(periods, ends, default=None, return_dtype=pl.Date),
    }
