"""A fact set as columns: the tables every measure reads, built once per evaluation.

One row per report in `reports`, its counts as columns (`dossiers.resolved_early`,
`indicators.cchc_initiatives`: null where the report does not give the figure); events, duties,
task completions, scores and per-field dossier counts as long tables keyed by unit and period.
Every period carries its first and last day, so that measures compare dates, never period
names. Counts are Int64 (the input layer bounds them at 10^12); dates are Date; scores keep their
exact value as text ("1053/125"), since no verdict may rest on a float.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

import polars as pl

from cchc.facts.model import FactSet
from cchc.facts.notices import Notice

REPORT_KEY = ["unit", "period"]
PERIOD_COLUMNS = {"unit": pl.Utf8, "period": pl.Utf8, "start": pl.Date, "end": pl.Date}


@dataclass(frozen=True)
class FactTables:
    units: pl.DataFrame  # id, name, kind, agency, parent, fields (list, null when undeclared)
    reports: pl.DataFrame  # unit, period, start, end, year, submitted…, events_given, counts
    by_field: pl.DataFrame  # unit, period, start, end, field, name, value
    events: pl.DataFrame  # unit, period, start, end, kind, date, actor, inspected
    duties: pl.DataFrame  # unit, period, start, end, duty, done, date, note
    tasks: pl.DataFrame  # unit, period, start, end, task, completed
    scores: pl.DataFrame  # unit, period, start, end, code, value (exact, as text)
    files: tuple[str, ...] = ()
    jurisdiction: str | None = None  # e.g. "ha-noi": narrows the plans `cchc check` picks
    # What loading noticed without refusing (a findings report skipped in a facts folder…).
    warnings: tuple[Notice, ...] = ()

    def known_as_of(self, as_of: date) -> FactTables:
        """The facts as they stood on a date: a report whose period had not begun, or that was
        sent after the date, was not yet known then (its dated facts are filtered by the
        measures)."""
        known = (pl.col("start") <= as_of) & (
            pl.col("submitted").is_null() | (pl.col("submitted") <= as_of)
        )
        reports = self.reports.filter(known)
        if reports.height == self.reports.height:
            return self
        keys = reports.select(REPORT_KEY)
        return replace(
            self,
            reports=reports,
            **{
                name: getattr(self, name).join(keys, on=REPORT_KEY, how="semi")
                for name in ("by_field", "events", "duties", "tasks", "scores")
            },
        )

    def years(self) -> set[int]:
        return set(self.reports["year"].unique().to_list())

    def unit_kinds(self) -> set[str]:
        return set(self.units["kind"].unique().to_list())

    def counts(self) -> list[str]:
        """The count columns of `reports`: every figure some report gives."""
        return [c for c in self.reports.columns if c.startswith(("dossiers.", "indicators."))]


LONG_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "by_field": {**PERIOD_COLUMNS, "field": pl.Utf8, "name": pl.Utf8, "value": pl.Int64},
    "events": {
        **PERIOD_COLUMNS,
        "index": pl.Int32,
        "kind": pl.Utf8,
        "date": pl.Date,
        "actor": pl.Utf8,  # who held it: `by`, else the reporting unit
        "inspected": pl.Utf8,
        "by": pl.Utf8,
    },
    "duties": {**PERIOD_COLUMNS, "duty": pl.Utf8, "done": pl.Boolean, "date": pl.Date,
               "note": pl.Utf8},
    "tasks": {**PERIOD_COLUMNS, "index": pl.Int32, "task": pl.Utf8, "completed": pl.Date},
    "scores": {**PERIOD_COLUMNS, "code": pl.Utf8, "value": pl.Utf8},
}  # fmt: skip
UNITS_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.Utf8, "name": pl.Utf8, "kind": pl.Utf8, "agency": pl.Utf8, "parent": pl.Utf8,
    "fields": pl.List(pl.Utf8),
}  # fmt: skip


def report_schema(counts: list[str]) -> dict[str, pl.DataType]:
    """The reports table's columns: the period, the dates, and one Int64 per count given."""
    return {
        **PERIOD_COLUMNS,
        "year": pl.Int32,
        "submitted": pl.Date,
        "thematic_submitted": pl.Date,
        "data_from": pl.Date,
        "data_to": pl.Date,
        "events_given": pl.Boolean,  # the report speaks of events (`events: []` included)
        **dict.fromkeys(counts, pl.Int64),
    }


def frame_of_long(kind: str, rows: dict[str, list] | None) -> pl.DataFrame:
    """One of the long tables, from its columns (None: empty)."""
    schema = LONG_SCHEMAS[kind]
    return pl.DataFrame(rows or {c: [] for c in schema}, schema=schema)


def tables_of(facts: FactSet) -> FactTables:
    """The fact set's tables. One pass over the reports; each kind of row into its own lists."""
    reports = sorted(facts.reports.values(), key=lambda r: (r.unit, r.period.start, r.period.end))
    names = sorted(
        {f"dossiers.{n}" for r in reports for n in r.dossiers}
        | {f"indicators.{n}" for r in reports for n in r.indicators}
    )
    columns: dict[str, list] = {c: [] for c in report_schema(names)}
    long = {kind: {c: [] for c in schema} for kind, schema in LONG_SCHEMAS.items()}
    for report in reports:
        key = (report.unit, str(report.period), report.period.start, report.period.end)
        for column, value in zip(PERIOD_COLUMNS, key, strict=True):
            columns[column].append(value)
        columns["year"].append(report.period.year)
        for column in ("submitted", "thematic_submitted", "data_from", "data_to"):
            columns[column].append(getattr(report, column))
        columns["events_given"].append(report.events is not None)
        for name in names:
            group, _, quantity = name.partition(".")
            columns[name].append(getattr(report, group).get(quantity))
        _long_rows(report, key, long)
    return FactTables(
        units=_units(facts),
        reports=pl.DataFrame(columns, schema=report_schema(names)),
        **{kind: frame_of_long(kind, rows) for kind, rows in long.items()}
        | {
            # A report's duties in name order, whatever order its file gave them in.
            "duties": frame_of_long("duties", long["duties"]).sort(
                ["unit", "start", "end", "duty"], maintain_order=True
            )
        },
        files=facts.files,
        jurisdiction=facts.jurisdiction,
        warnings=facts.warnings,
    )


def _long_rows(report, key: tuple[str, str, date, date], long: dict[str, dict[str, list]]) -> None:
    def add(kind: str, *values: object) -> None:
        for column, value in zip(long[kind], (*key, *values), strict=True):
            long[kind][column].append(value)

    for field, counts in report.dossiers_by_field.items():
        for name, value in counts.items():
            add("by_field", field, name, value)
    for index, event in enumerate(report.events or ()):
        actor = event.by or report.unit
        add("events", index, event.kind, event.date, actor, event.inspected, event.by)
    for duty, word in report.duties.items():
        add("duties", duty, word.done, word.date, word.evidence)
    for index, task in enumerate(report.tasks):
        add("tasks", index, task.task, task.completed)
    for code, value in report.scores.items():
        add("scores", code, str(Fraction(value)))


def _units(facts: FactSet) -> pl.DataFrame:
    units = list(facts.units.values())
    return pl.DataFrame(
        {
            "id": [u.id for u in units],
            "name": [u.name for u in units],
            "kind": [u.kind for u in units],
            "agency": [u.agency for u in units],
            "parent": [u.parent for u in units],
            "fields": [u.fields for u in units],
        },
        schema=UNITS_SCHEMA,
    )
