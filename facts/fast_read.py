"""JSON and NDJSON fact files read straight into tables, for national-scale fact sets.

The fast path takes only what it can verify, in one pass over the parsed documents and then
column by column, to be plainly valid: counts as JSON integers, ISO dates, ASCII identifiers,
known names, every key once, no part above its whole, every date inside its period. Anything
else (a count written as a string, a D/M/YYYY date, a duplicate key, a score, whose exact decimal
a JSON number cannot carry, a report split over files…) sends the whole fact set to the full
loader (facts/load.py), which finds every problem and states it at its place. So the fast path
accepts exactly what the full loader would accept, with the same tables, and never words a
message of its own.

NDJSON (`.ndjson`, `.jsonl`): one JSON object per line, each a unit (`id`, `name`, `kind`…),
a report (`unit`, `period`…), or a header (`schema`, `jurisdiction`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import polars as pl

from cchc.facts.files import (
    FAST_MAX_FILE_BYTES,
    FAST_MAX_TOTAL_BYTES,
    FileProblem,
    read_fact_text,
    total_size_problems,
)
from cchc.facts.periods import MAX_YEAR, MIN_YEAR, Period, PeriodError
from cchc.facts.tables import (
    LONG_SCHEMAS,
    UNITS_SCHEMA,
    FactTables,
    frame_of_long,
    report_schema,
)
from cchc.facts.values import MAX_COUNT
from cchc.facts.vocabulary import ALL, Vocabulary

FAST_SUFFIXES = frozenset({".json", ".ndjson", ".jsonl"})
SCHEMA = "cchc-facts/1"
UNIT_KINDS = frozenset({"city", "department", "district", "division", "commune"})
UNIT_KEYS = frozenset({"id", "name", "kind", "parent", "agency", "fields"})
REPORT_KEYS = frozenset(
    {
        "unit", "period", "submitted", "thematic_submitted", "data_from", "data_to",
        "dossiers", "indicators", "duties", "events", "tasks",
    }
)  # fmt: skip
DATE_KEYS = ("submitted", "thematic_submitted", "data_from", "data_to")
EVENT_KEYS = frozenset({"kind", "date", "inspected", "by", "note"})
TASK_KEYS = frozenset({"task", "completed", "product"})
DUTY_KEYS = frozenset({"done", "date", "evidence"})
FIELD_CODE = re.compile(r"[a-z0-9][a-z0-9-]*")
LONG_KINDS = ("events", "duties", "tasks")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
# A key ends with a quote followed by a colon; inside a string a quote is escaped, so this counts
# every key and, rarely, more (a string holding `\":`): then the full loader decides.
KEY_END = re.compile(r'"\s*:')
MAX_TEXT, MAX_IDENTIFIER = 4000, 120


class NotPlain(Exception):
    """Something the fast path does not verify: the full loader decides."""


def read_tables(
    files: list[Path], vocabulary: Vocabulary | None = None, known_tasks: Iterable[str] = ()
) -> FactTables | None:
    """The fact set's tables, or None when the full loader must read it (see the docstring)."""
    if not files or any(path.suffix.lower() not in FAST_SUFFIXES for path in files):
        return None
    try:
        if total_size_problems(files, FAST_MAX_TOTAL_BYTES):
            return None
        columns = _Columns(vocabulary or ALL, frozenset(known_tasks))
        for path in files:
            text = read_fact_text(path, FAST_MAX_FILE_BYTES)
            before = columns.keys
            if path.suffix.lower() == ".json":
                columns.document(orjson.loads(text))
            else:
                for line in text.splitlines():
                    if line.strip():
                        columns.record(orjson.loads(line))
            if len(KEY_END.findall(text)) != columns.keys - before:
                return None  # a key given twice, which orjson silently keeps once
        tables = columns.tables(tuple(map(str, files)))
        if not tables.units.height or not _consistent(tables, vocabulary or ALL):
            return None
    except (NotPlain, FileProblem, OSError, KeyError, TypeError, ValueError):
        return None
    return tables


def _identifier(value: Any) -> str:
    if (
        type(value) is not str
        or not 0 < len(value) <= MAX_IDENTIFIER
        or not value.isascii()
        or not value.isprintable()
        or " " in value
    ):
        raise NotPlain
    return value


def _text(value: Any, stripped: bool = False) -> str:
    if type(value) is not str or len(value) > MAX_TEXT or "\x00" in value:
        raise NotPlain
    if not value.isascii() and not unicodedata.is_normalized("NFC", value):
        raise NotPlain
    if stripped and (not value or value != value.strip()):
        raise NotPlain
    return value


@lru_cache(maxsize=4096)
def _day(value: str) -> date:
    if not ISO_DATE.match(value):
        raise NotPlain
    day = date.fromisoformat(value)
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise NotPlain
    return day


def _date(value: Any) -> date:
    if type(value) is not str:
        raise NotPlain
    return _day(value)


@lru_cache(maxsize=1024)
def _label(period: Period) -> str:
    return str(period)


@lru_cache(maxsize=1024)
def _period(value: str) -> Period:
    try:
        return Period.parse(value)
    except PeriodError:
        raise NotPlain from None


def _field_code(value: Any) -> bool:
    return type(value) is str and FIELD_CODE.fullmatch(value) is not None


def _keys(item: Any, allowed: frozenset[str]) -> dict:
    if type(item) is not dict or not item.keys() <= allowed:
        raise NotPlain
    return item


class _Columns:
    """The tables' columns, filled record by record; `keys` counts every key read."""

    def __init__(self, vocabulary: Vocabulary, known_tasks: frozenset[str]) -> None:
        self.vocabulary = vocabulary
        self.known_tasks = known_tasks
        self.names = {
            "dossiers": frozenset(vocabulary.dossier_fields),
            "indicators": frozenset(vocabulary.indicators),
        }
        self.duty_names = frozenset(vocabulary.duties)
        self.keys = 0
        self.jurisdiction: str | None = None
        self.units: dict[str, list] = {c: [] for c in ("id", "name", "kind", "agency", "parent",
                                                       "fields")}  # fmt: skip
        self.reports: list[tuple[str, Period, dict]] = []
        # Per group and name, the values given, by report row.
        self.columns: dict[str, dict[str, dict[int, int]]] = {
            group: {name: {} for name in names} for group, names in self.names.items()
        }
        self.long = {kind: {c: [] for c in LONG_SCHEMAS[kind]} for kind in LONG_KINDS}
        self.appenders = {
            kind: [column.append for column in columns.values()]
            for kind, columns in self.long.items()
        }

    def document(self, document: Any) -> None:
        header = _keys(document, frozenset({"schema", "jurisdiction", "units", "reports"}))
        self.keys += len(header)
        self._header(header)
        for unit in header.get("units") or ():
            self.unit(unit)
        for report in header.get("reports") or ():
            self.report(report)
        if type(header.get("units") or []) is not list:
            raise NotPlain
        if type(header.get("reports") or []) is not list:
            raise NotPlain

    def record(self, record: Any) -> None:
        if type(record) is not dict:
            raise NotPlain
        if "period" in record:
            self.report(record)
        elif "id" in record:
            self.unit(record)
        else:
            self.keys += len(_keys(record, frozenset({"schema", "jurisdiction"})))
            self._header(record)

    def _header(self, header: dict) -> None:
        if header.get("schema", SCHEMA) != SCHEMA:
            raise NotPlain  # another schema, or a findings report: the full loader says which
        if "jurisdiction" in header:
            code = _identifier(header["jurisdiction"])
            if self.jurisdiction not in (None, code):
                raise NotPlain
            self.jurisdiction = code

    def unit(self, unit: Any) -> None:
        unit = _keys(unit, UNIT_KEYS)
        self.keys += len(unit)
        if unit.get("kind") not in UNIT_KINDS:
            raise NotPlain
        fields = unit.get("fields")
        if fields is not None and (type(fields) is not list or not all(map(_field_code, fields))):
            raise NotPlain
        self.units["id"].append(_identifier(unit["id"]))
        self.units["name"].append(_text(unit["name"], stripped=True))
        self.units["kind"].append(unit["kind"])
        for key in ("agency", "parent"):
            value = unit.get(key)
            self.units[key].append(None if value is None else _identifier(value))
        self.units["fields"].append(fields)

    def report(self, report: Any) -> None:
        report = _keys(report, REPORT_KEYS)
        self.keys += len(report)
        unit = _identifier(report["unit"])
        text = report["period"]
        if type(text) is not str:
            raise NotPlain
        period = _period(text)
        row = len(self.reports)
        dates: dict[str, Any] = {"events_given": "events" in report}
        for name in DATE_KEYS:
            if name in report:
                dates[name] = _date(report[name])
        self.reports.append((unit, period, dates))
        key = (unit, _label(period), period.start, period.end)
        for group in ("dossiers", "indicators"):
            if group in report:
                counts = _keys(report[group], self.names[group])
                self.keys += len(counts)
                columns = self.columns[group]
                for name, value in counts.items():
                    if type(value) is not int or not 0 <= value <= MAX_COUNT:
                        raise NotPlain
                    columns[name][row] = value
        if "duties" in report:
            self._duties(report["duties"], key)
        if "events" in report:
            self._events(report["events"], key)
        if "tasks" in report:
            self._tasks(report["tasks"], key)

    def _add(self, kind: str, *values: Any) -> None:
        for append, value in zip(self.appenders[kind], values, strict=True):
            append(value)

    def _duties(self, duties: Any, key: tuple) -> None:
        for name, word in _keys(duties, self.duty_names).items():
            word = _keys(word, DUTY_KEYS)
            self.keys += 1 + len(word)
            if type(word.get("done")) is not bool:
                raise NotPlain
            when = word.get("date")
            note = word.get("evidence")
            self._add(
                "duties", *key, name, word["done"], None if when is None else _date(when),
                None if note is None else _text(note),
            )  # fmt: skip

    def _events(self, events: Any, key: tuple) -> None:
        if type(events) is not list:
            raise NotPlain
        for index, event in enumerate(events):
            event = _keys(event, EVENT_KEYS)
            self.keys += len(event)
            kind = event["kind"]
            known = self.vocabulary.event_kinds.get(kind) if type(kind) is str else None
            if known is None or (known.needs_subject and not event.get("inspected")):
                raise NotPlain
            inspected, by = (
                None if event.get(r) is None else _identifier(event[r]) for r in ("inspected", "by")
            )
            if event.get("note") is not None:
                _text(event["note"])
            self._add("events", *key, index, kind, _date(event["date"]), by or key[0], inspected,
                      by)  # fmt: skip

    def _tasks(self, tasks: Any, key: tuple) -> None:
        if type(tasks) is not list:
            raise NotPlain
        for index, task in enumerate(tasks):
            task = _keys(task, TASK_KEYS)
            self.keys += len(task)
            if task["task"] not in self.known_tasks:
                raise NotPlain
            if task.get("product") is not None:
                _text(task["product"])
            self._add("tasks", *key, index, task["task"], _date(task["completed"]))

    def tables(self, files: tuple[str, ...]) -> FactTables:
        order = sorted(
            range(len(self.reports)),
            key=lambda i: (self.reports[i][0], self.reports[i][1].start, self.reports[i][1].end),
        )
        self.counts = {
            f"{group}.{name}": values
            for group, by_name in self.columns.items()
            for name, values in by_name.items()
            if values
        }
        names = sorted(self.counts)
        columns: dict[str, list] = {
            "unit": [self.reports[i][0] for i in order],
            "period": [str(self.reports[i][1]) for i in order],
            "start": [self.reports[i][1].start for i in order],
            "end": [self.reports[i][1].end for i in order],
            "year": [self.reports[i][1].year for i in order],
            **{key: [self.reports[i][2].get(key) for i in order] for key in DATE_KEYS},
            "events_given": [self.reports[i][2]["events_given"] for i in order],
            **{name: [self.counts[name].get(i) for i in order] for name in names},
        }
        sort = ["unit", "start", "end", "index"]
        return FactTables(
            units=pl.DataFrame(self.units, schema=UNITS_SCHEMA),
            reports=pl.DataFrame(columns, schema=report_schema(names)),
            by_field=frame_of_long("by_field", None),
            events=frame_of_long("events", self.long["events"]).sort(sort, maintain_order=True),
            duties=frame_of_long("duties", self.long["duties"]).sort(
                ["unit", "start", "end"], maintain_order=True
            ),
            tasks=frame_of_long("tasks", self.long["tasks"]).sort(sort, maintain_order=True),
            scores=frame_of_long("scores", None),
            files=files,
            jurisdiction=self.jurisdiction,
        )


def _consistent(tables: FactTables, vocabulary: Vocabulary) -> bool:
    """What the full loader checks across records and inside each report, column-wise: unique
    units and reports, known references, parts within wholes, dates within periods."""
    units, reports = tables.units, tables.reports
    ids = units["id"]
    if ids.n_unique() != units.height or reports.select("unit", "period").is_duplicated().any():
        return False
    known = set(ids.to_list())
    references = [
        reports["unit"], units["parent"].drop_nulls(), tables.events["inspected"].drop_nulls(),
        tables.events["by"].drop_nulls(),
    ]  # fmt: skip
    if any(not set(column.unique().to_list()) <= known for column in references):
        return False
    return not reports.select(_violations(reports, vocabulary)).row(0)[0] and _dates_inside(tables)


def _violations(reports: pl.DataFrame, vocabulary: Vocabulary) -> pl.Expr:
    """Whether any report has a part above its whole or a total unequal to its parts."""
    given = set(reports.columns)
    broken: list[pl.Expr] = []
    for group, quantities in (
        ("dossiers", vocabulary.dossier_fields),
        ("indicators", vocabulary.indicators),
    ):
        for name, quantity in quantities.items():
            ref = f"{group}.{name}"
            if ref not in given:
                continue
            for bound in quantity.at_most:
                if all(part in given for part in bound):
                    broken.append(_all_given(bound) & (pl.col(ref) > _sum(bound)))
            parts = [f"{group}.{part}" for part in quantity.total_of]
            if parts and all(part in given for part in parts):
                broken.append(_all_given(parts) & (pl.col(ref) != _sum(parts)))
    broken.append(pl.col("data_from") > pl.col("data_to"))
    broken += [pl.col(key) < pl.col("start") for key in ("submitted", "thematic_submitted")]
    # A comparison with a figure not given is null: not broken, as in the full loader.
    return pl.any_horizontal([b.fill_null(False) for b in broken]).any()


def _all_given(refs: Iterable[str]) -> pl.Expr:
    return pl.all_horizontal([pl.col(ref).is_not_null() for ref in refs])


def _sum(refs: Iterable[str]) -> pl.Expr:
    return pl.sum_horizontal([pl.col(ref) for ref in refs])


def _dates_inside(tables: FactTables) -> bool:
    events, tasks = tables.events, tables.tasks
    outside = [
        ((events["date"] < events["start"]) | (events["date"] > events["end"])).any(),
        ((tasks["completed"] < tasks["start"]) | (tasks["completed"] > tasks["end"])).any(),
    ]
    return not any(outside)
