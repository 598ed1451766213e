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

import io
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
from cchc.facts.format import SCHEMA, UNIT_KINDS
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
            if path.suffix.lower() == ".json" and len(files) == 1:
                try:
                    tables = document_tables(text, vocabulary or ALL, (str(path),))
                except pl.exceptions.PolarsError:
                    tables = None
                if tables is not None:
                    return (
                        tables
                        if tables.units.height and _consistent(tables, vocabulary or ALL)
                        else None
                    )
            if path.suffix.lower() == ".json":
                columns.document(orjson.loads(text))
            else:
                for line in text.splitlines():
                    if line.strip():
                        columns.record(orjson.loads(line))
            if _keys_written(text) != columns.keys - before:
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
                ["unit", "start", "end", "duty"], maintain_order=True
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


# The same reading, for one JSON document, done by Polars' own JSON parser: it types every
# column as it parses, so the checks are column-wise from the start. Anything this path does not
# recognise at once (a `null`, task completions, a column of another type…) goes to the
# record-by-record reading above, which is exact about every case.
IDENTIFIER = r"^[\x21-\x7e]{1,120}$"
PERIOD = r"^[0-9]{4}(-(Q[1-4]|H[12]|9M|M(0[1-9]|1[0-2])))?$"
WORD = {"done": pl.Boolean, "date": pl.Utf8, "evidence": pl.Utf8}
EVENT = {"kind": pl.Utf8, "date": pl.Utf8, "inspected": pl.Utf8, "by": pl.Utf8, "note": pl.Utf8}
UNIT = {"id": pl.Utf8, "name": pl.Utf8, "kind": pl.Utf8, "parent": pl.Utf8, "agency": pl.Utf8,
        "fields": pl.List(pl.Utf8)}  # fmt: skip


def document_tables(text: str, vocabulary: Vocabulary, files: tuple[str, ...]) -> FactTables | None:
    """One JSON document's tables by Polars' parser, or None (then read record by record)."""
    if "null" in text:  # anywhere, even inside text: then the exact reading decides
        return None
    try:
        top = pl.read_json(io.BytesIO(text.encode("utf-8")), infer_schema_length=None)
    except pl.exceptions.PolarsError:
        return None  # mixed types in a column, say: the record-by-record reading words it
    if top.height != 1 or not set(top.columns) <= {"schema", "jurisdiction", "units", "reports"}:
        return None
    header = {key: top[key][0] for key in ("schema", "jurisdiction") if key in top.columns}
    if header.get("schema", SCHEMA) != SCHEMA or "units" not in top.columns:
        return None
    jurisdiction = header.get("jurisdiction")
    if jurisdiction is not None:
        _identifier(jurisdiction)
    units = _struct_rows(top["units"], UNIT)
    reports = _struct_rows(top["reports"], None)
    if units is None or reports is None or not set(reports.columns) <= REPORT_KEYS - {"tasks"}:
        return None
    keys = len(top.columns) + _given(units) + _given(reports.drop(*_NESTED, strict=False))
    counts, counted = _counts(reports, vocabulary)
    duties, in_duties = _duties(reports, vocabulary)
    events, in_events = _events(reports, vocabulary)
    if counts is None or duties is None or events is None:
        return None
    if keys + counted + in_duties + in_events != _keys_written(text):
        return None  # a key given twice: the record-by-record reading finds it
    if not _plain_units(units) or not _plain_reports(reports):
        return None
    return _assemble(units, reports, counts, duties, events, files, jurisdiction)


_NESTED = ("dossiers", "indicators", "duties", "events")
SPACED_KEY_END = re.compile(r'"[ \t\n\r]+:')


def _keys_written(text: str) -> int:
    """How many `"…":` the text holds; a plain count unless some key has space before its colon."""
    # str.count is ten times quicker than the regex over a national file; the regex stays exact.
    return len(KEY_END.findall(text)) if SPACED_KEY_END.search(text) else text.count('":')


def _struct_rows(column: pl.Series, fields: dict[str, pl.DataType] | None) -> pl.DataFrame | None:
    items = column.explode().drop_nulls()
    if not isinstance(items.dtype, pl.Struct):
        return None
    rows = items.struct.unnest()
    if len(set(rows.columns)) != len(rows.columns):
        return None
    if fields is not None and any(
        name not in fields or rows.schema[name] != fields[name] for name in rows.columns
    ):
        return None
    return rows


def _given(frame: pl.DataFrame) -> int:
    """How many keys the rows give: every value present (no `null` is written)."""
    return int(sum(frame.select(pl.all().is_not_null().sum()).row(0))) if frame.width else 0


def _counts(reports: pl.DataFrame, vocabulary: Vocabulary) -> tuple[pl.DataFrame | None, int]:
    """The count columns (`dossiers.x`…), each an integer within bounds, of a known name."""
    columns: list[pl.Series] = []
    keys = 0
    for group, known in (("dossiers", vocabulary.dossier_fields),
                         ("indicators", vocabulary.indicators)):  # fmt: skip
        if group not in reports.columns:
            continue
        column = reports[group]
        if not isinstance(column.dtype, pl.Struct):
            return None, 0
        inner = column.struct.unnest()
        if len(set(inner.columns)) != len(inner.columns):
            return None, 0
        for name in inner.columns:
            values = inner[name]
            if name not in known or values.dtype != pl.Int64:
                return None, 0
            if values.drop_nulls().is_between(0, MAX_COUNT).all() is False:
                return None, 0
            columns.append(values.alias(f"{group}.{name}"))
        keys += int(column.is_not_null().sum()) + _given(inner)
    return pl.DataFrame(columns), keys


def _duties(reports: pl.DataFrame, vocabulary: Vocabulary) -> tuple[pl.DataFrame | None, int]:
    """unit, period, duty, done, date, note: one row per duty a report speaks of."""
    empty = pl.DataFrame(schema={"row": pl.UInt32, "duty": pl.Utf8, "done": pl.Boolean,
                                 "date": pl.Utf8, "note": pl.Utf8})  # fmt: skip
    if "duties" not in reports.columns:
        return empty, 0
    column = reports["duties"]
    if not isinstance(column.dtype, pl.Struct):
        return None, 0
    inner = column.struct.unnest().with_row_index("row")
    parts, keys = [], int(column.is_not_null().sum())
    for name in inner.columns[1:]:
        word = inner[name]
        if name not in vocabulary.duties or not isinstance(word.dtype, pl.Struct):
            return None, 0
        fields = word.struct.unnest()
        if any(f not in WORD or fields.schema[f] != WORD[f] for f in fields.columns):
            return None, 0
        keys += int(word.is_not_null().sum()) + _given(fields)
        given = fields.with_columns(inner["row"], pl.lit(name).alias("duty")).filter(
            word.is_not_null()
        )
        if "done" not in given.columns or given["done"].null_count():
            return None, 0
        parts.append(given.select(
            "row", "duty", "done",
            (pl.col("date") if "date" in given.columns else pl.lit(None, pl.Utf8)).alias("date"),
            (pl.col("evidence") if "evidence" in given.columns else pl.lit(None, pl.Utf8))
            .alias("note"),
        ))  # fmt: skip
    return (pl.concat(parts) if parts else empty), keys


def _events(reports: pl.DataFrame, vocabulary: Vocabulary) -> tuple[pl.DataFrame | None, int]:
    schema = {"row": pl.UInt32, "index": pl.Int32, **EVENT}
    if "events" not in reports.columns:
        return pl.DataFrame(schema=schema), 0
    column = reports["events"]
    if column.dtype == pl.List(pl.Null):
        return pl.DataFrame(schema=schema), 0
    if not (isinstance(column.dtype, pl.List) and isinstance(column.dtype.inner, pl.Struct)):
        return None, 0
    rows = (
        reports.select(pl.col("events")).with_row_index("row")
        .with_columns(pl.int_ranges(pl.col("events").list.len()).alias("index"))
        .explode("events", "index").drop_nulls("events")
    )  # fmt: skip
    fields = rows["events"].struct.unnest()
    if any(f not in EVENT or fields.schema[f] != EVENT[f] for f in fields.columns):
        return None, 0
    events = pl.concat([rows.select("row", pl.col("index").cast(pl.Int32)), fields],
                       how="horizontal")  # fmt: skip
    events = events.with_columns(
        pl.lit(None, pl.Utf8).alias(f) for f in EVENT if f not in events.columns
    )
    kinds = vocabulary.event_kinds
    if events["kind"].null_count():
        return None, 0
    known = events["kind"].is_in(list(kinds)).all() and all(
        events[role].drop_nulls().str.contains(IDENTIFIER).all() for role in ("inspected", "by")
    )
    subject = [k for k, kind in kinds.items() if kind.needs_subject]
    unnamed = events.filter(pl.col("kind").is_in(subject) & pl.col("inspected").is_null()).height
    if not known or unnamed or events["date"].null_count():
        return None, 0
    return events.select(*schema), int(reports["events"].is_not_null().sum()) + _given(fields)


def _plain_units(units: pl.DataFrame) -> bool:
    ids = units.select([pl.col(c) for c in ("id", "parent", "agency") if c in units.columns])
    names = units["name"]
    fields = units["fields"].explode().drop_nulls() if "fields" in units.columns else None
    # Polars' all() passes over nulls: a value that must be given is checked for null first.
    if units["id"].null_count() or units["kind"].null_count():
        return False
    return bool(
        units["kind"].is_in(list(UNIT_KINDS)).all()
        and all(ids[c].drop_nulls().str.contains(IDENTIFIER).all() for c in ids.columns)
        and names.null_count() == 0
        and (names.str.strip_chars() == names).all()
        and (names.str.len_chars() > 0).all()
        and _plain_text(names)
        and (fields is None or fields.str.contains(r"^[a-z0-9][a-z0-9-]*$").all())
    )


def _plain_text(text: pl.Series) -> bool:
    text = text.drop_nulls()
    return bool(
        (text.str.len_chars() <= MAX_TEXT).all()
        and not text.str.contains("\x00", literal=True).any()
        and (text.str.normalize("NFC") == text).all()
    )


def _plain_reports(reports: pl.DataFrame) -> bool:
    if reports["unit"].null_count() or reports["period"].null_count():
        return False
    dates = [c for c in DATE_KEYS if c in reports.columns]
    return bool(
        reports["unit"].str.contains(IDENTIFIER).all()
        and reports["period"].str.contains(PERIOD).all()
        and all(_plain_dates(reports[c]) for c in dates)
    )


def _plain_dates(text: pl.Series) -> bool:
    text = text.drop_nulls()
    days = text.str.to_date("%Y-%m-%d", strict=False)
    return bool(
        text.str.contains(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$").all()
        and days.null_count() == 0
        and days.dt.year().is_between(MIN_YEAR, MAX_YEAR).all()
    )


def _assemble(
    units: pl.DataFrame,
    reports: pl.DataFrame,
    counts: pl.DataFrame,
    duties: pl.DataFrame,
    events: pl.DataFrame,
    files: tuple[str, ...],
    jurisdiction: str | None,
) -> FactTables | None:
    """The tables, in the order and types facts/tables.py gives them."""
    periods = {text: _period(text) for text in reports["period"].unique().to_list()}

    def each(value: Any, dtype: pl.DataType) -> pl.Expr:
        return pl.col("period").replace_strict(
            {text: value(period) for text, period in periods.items()}, return_dtype=dtype
        )

    keyed = reports.select(
        "unit",
        each(str, pl.Utf8).alias("period"),
        each(lambda p: p.start, pl.Date).alias("start"),
        each(lambda p: p.end, pl.Date).alias("end"),
        each(lambda p: p.year, pl.Int32).alias("year"),
    ).with_row_index("row")
    if not _plain_dates(duties["date"]) or not _plain_text(duties["note"]):
        return None
    if not _plain_dates(events["date"]) or not _plain_text(events["note"]):
        return None
    dates = {
        key: (reports[key].str.to_date("%Y-%m-%d") if key in reports.columns
              else pl.Series(key, [None] * reports.height, pl.Date))
        for key in DATE_KEYS
    }  # fmt: skip
    names = sorted(counts.columns)
    given = reports["events"].is_not_null() if "events" in reports.columns else None
    table = pl.concat(
        [
            keyed,
            pl.DataFrame([s.alias(k) for k, s in dates.items()]),
            pl.DataFrame([
                given.alias("events_given") if given is not None
                else pl.Series("events_given", [False] * reports.height)
            ]),
            counts.select(names) if names else pl.DataFrame(),
        ],
        how="horizontal",
    )  # fmt: skip
    order = ["unit", "start", "end"]
    where = keyed.select("row", "unit", "period", "start", "end")
    long_duties = duties.join(where, on="row").select(
        "unit", "period", "start", "end", "duty", "done",
        pl.col("date").str.to_date("%Y-%m-%d"), "note",
    ).sort([*order, "duty"], maintain_order=True)  # fmt: skip
    long_events = events.join(where, on="row").select(
        "unit", "period", "start", "end", "index", "kind",
        pl.col("date").str.to_date("%Y-%m-%d"),
        pl.coalesce("by", "unit").alias("actor"), "inspected", "by",
    ).sort([*order, "index"], maintain_order=True)  # fmt: skip
    return FactTables(
        units=units.select(
            (pl.col(c) if c in units.columns else pl.lit(None)).cast(kind).alias(c)
            for c, kind in UNITS_SCHEMA.items()
        ),
        reports=table.drop("row").sort(order, maintain_order=True).cast(report_schema(names)),
        by_field=frame_of_long("by_field", None),
        events=long_events.cast(LONG_SCHEMAS["events"]),
        duties=long_duties.cast(LONG_SCHEMAS["duties"]),
        tasks=frame_of_long("tasks", None),
        scores=frame_of_long("scores", None),
        files=files,
        jurisdiction=jurisdiction,
    )
