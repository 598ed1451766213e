"""Read fact files (YAML, JSON, CSV) into one validated FactSet, or say exactly what is wrong.

One pass: every file is read, every record validated (types, names, sums, dates, references,
and the catalogue's own checks passed in as `report_check`), and every problem is listed with
its place — file and key path, or file, line and column — before anything is evaluated.

Names are read with every plan's vocabulary. Given a `vocabulary` scoped to the plans of a check
(`vocabulary_for`), a name that only other plans' vocabularies hold is a problem at its place too.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc.facts.bieu06 import bieu06_report, is_bieu06
from cchc.facts.documents import DocumentError, csv_delimiter, csv_rows, parse_json, parse_yaml
from cchc.facts.files import (
    FACT_SUFFIXES,
    UNREADABLE_WORKBOOKS,
    FileProblem,
    read_fact_text,
    total_size_problems,
    unreadable_workbook,
)
from cchc.facts.files import expand_fact_paths as _expand
from cchc.facts.format import SCHEMA
from cchc.facts.model import FactSet, Report, ReportProblem, Unit, report_problems
from cchc.facts.notices import Notice
from cchc.facts.periods import Period
from cchc.facts.problems import FactError, Place, Problem
from cchc.facts.tables import FactTables
from cchc.facts.validation import validate_fragment
from cchc.facts.values import clean_text, did_you_mean, excerpt
from cchc.facts.vocabulary import Vocabulary, plans_of
from cchc.facts.workbooks import workbook_rows

FINDINGS_SCHEMA_PREFIX = "cchc-findings/"
TOP_LEVEL_KEYS = ("schema", "jurisdiction", "units", "reports")
CSV_TABLES = (
    "units",
    "reports",
    "dossiers",
    "fields",
    "indicators",
    "scores",
    "duties",
    "events",
    "tasks",
)
_KEYED_COLUMNS = {
    "units": {"id", "name", "kind", "parent", "agency"},
    "reports": {"unit", "period", "submitted", "thematic_submitted", "data_from", "data_to"},
    "scores": {"unit", "period", "code", "score"},
    "duties": {"unit", "period", "duty", "done", "date", "evidence"},
    "events": {"unit", "period", "kind", "date", "inspected", "by", "note"},
    "tasks": {"unit", "period", "task", "completed", "product"},
}
ReportCheck = Callable[[Report], list[ReportProblem]]

__all__ = [
    "CSV_TABLES",
    "FACT_SUFFIXES",
    "FactError",
    "expand_fact_paths",
    "facts_from_document",
    "load_fact_files",
    "words_outside",
]


def expand_fact_paths(paths: Sequence[str | Path], exclude: Sequence[Path] = ()) -> list[Path]:
    try:
        return _expand(paths, exclude)
    except FileProblem as error:
        raise FactError(error.problems) from None


expand_fact_paths.__doc__ = _expand.__doc__


@dataclass(frozen=True)
class Origin:
    file: str
    path: str = ""  # key path in a YAML/JSON document
    line: int | None = None  # line of a CSV file (row of a sheet) where the record starts
    record: int | None = None  # line of an NDJSON file holding the record
    sheet: str | None = None  # a workbook's sheet: `line` is then the row
    cells: tuple[tuple[str, str], ...] = ()  # a sheet row's column names -> cell references
    pieces: tuple[Origin, ...] = ()  # a report joined from several places

    def at(self, loc: tuple[int | str, ...] = ()) -> Place:
        if self.pieces:
            return Place(pieces=tuple(piece.at() for piece in self.pieces))
        if self.record is not None:
            path = self.path + key_path(loc, first=not self.path)
            return Place(self.file, line=self.record, path=path)
        if self.sheet is not None:
            column = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
            cell = dict(self.cells).get(column or "")
            return Place(self.file, sheet=self.sheet, cell=cell, line=self.line, column=column)
        if self.line is not None:
            column = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
            return Place(self.file, line=self.line, column=column)
        return Place(self.file, path=(self.path + key_path(loc, first=not self.path)))

    def problem(self, loc: tuple[int | str, ...], code: str, /, **values: Any) -> Problem:
        return Problem.of(self.at(loc), code, **values)


def key_path(loc: tuple[int | str, ...], first: bool = True) -> str:
    """("reports", 0, "unit") -> `reports[0].unit`; not `first`: `.reports[0].unit`."""
    path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc)
    return path.removeprefix(".") if first else path


@dataclass
class Fragment:
    kind: str  # "unit", "report" or "jurisdiction"
    data: dict[str, Any]
    origin: Origin


def load_fact_files(
    paths: Iterable[str | Path],
    report_check: ReportCheck | None = None,
    vocabulary: Vocabulary | None = None,
) -> FactSet:
    """Load and validate fact files together. Raises FactError listing every problem found.
    With a `vocabulary` of some plans, a word only other plans read is one of them."""
    files = [Path(path) for path in paths]
    problems = total_size_problems(files)
    if problems:
        raise FactError(problems)
    fragments: list[Fragment] = []
    warnings: list[Notice] = []
    for path in files:
        try:
            fragments += _read_file(path, warnings)
        except FactError as error:
            problems += error.problems
    facts, build_problems = _build(fragments, tuple(map(str, files)), report_check, vocabulary)
    problems += build_problems or ([] if problems else _registry_problems(facts))
    if problems:
        raise FactError(problems)
    return FactSet(facts.units, facts.reports, facts.files, facts.jurisdiction, tuple(warnings))


def facts_from_document(
    document: Any, name: str = "<document>", vocabulary: Vocabulary | None = None
) -> FactSet:
    """Validate an in-memory fact document (as a YAML file would hold it) into a FactSet."""
    fragments = list(_document_fragments(name, document, []))
    facts, problems = _build(fragments, (name,), None, vocabulary)
    problems = problems or _registry_problems(facts)
    if problems:
        raise FactError(problems)
    return facts


def _registry_problems(facts: FactSet) -> list[Problem]:
    if facts.units:
        return []
    return [Problem.of(Place(", ".join(facts.files)), "no_units")]


def _read_file(path: Path, warnings: list[Notice]) -> list[Fragment]:
    suffix = path.suffix.lower()
    if suffix in UNREADABLE_WORKBOOKS:
        raise FactError([unreadable_workbook(path)])
    if suffix == ".xlsx":
        return list(_workbook_fragments(path))
    if suffix not in FACT_SUFFIXES:
        raise FactError(
            [
                Problem.of(
                    Place(str(path)),
                    "unknown_file_type",
                    suffix=excerpt(suffix),
                    suffixes=", ".join(FACT_SUFFIXES),
                )
            ]
        )
    try:
        text = read_fact_text(path)
        if suffix == ".csv":
            return list(_csv_fragments(path, text))
        if suffix in (".ndjson", ".jsonl"):
            return list(_ndjson_fragments(str(path), text, warnings))
        document = parse_json(text) if suffix == ".json" else parse_yaml(text)
    except FileProblem as error:
        raise FactError(error.problems) from None
    except DocumentError as error:
        raise FactError([error.at(str(path))]) from None
    return list(_document_fragments(str(path), document, warnings))


def _document_fragments(
    file: str, document: Any, warnings: list[Notice], record: int | None = None
) -> Iterator[Fragment]:
    """The units and reports of one document (or of one NDJSON header line, `record`)."""
    top = Origin(file, record=record)
    if not isinstance(document, dict):
        raise FactError([top.problem((), "expected_document")])
    schema = document.get("schema", SCHEMA)
    if isinstance(schema, str) and schema.startswith(FINDINGS_SCHEMA_PREFIX):
        warnings.append(Notice.of(file, "skipped_report", schema=str(schema)))
        return
    problems = [
        top.problem(
            (), "unknown_top_level_key", key=excerpt(key), **did_you_mean(key, TOP_LEVEL_KEYS)
        )
        for key in document
        if key not in TOP_LEVEL_KEYS
    ]
    if schema != SCHEMA:
        problems.append(
            top.problem(("schema",), "unsupported_schema", schema=excerpt(schema), expected=SCHEMA)
        )
    if "jurisdiction" in document:
        yield Fragment(
            "jurisdiction",
            {"code": document["jurisdiction"]},
            Origin(file, "jurisdiction", record=record),
        )
    for key, kind in (("units", "unit"), ("reports", "report")):
        items = document.get(key) or []
        if not isinstance(items, list):
            problems.append(top.problem((key,), "list_type"))
            continue
        for index, item in enumerate(items):
            origin = Origin(file, f"{key}[{index}]", record=record)
            if isinstance(item, dict):
                yield Fragment(kind, item, origin)
            else:
                problems.append(origin.problem((), "dict_type"))
    if problems:
        raise FactError(problems)


def _ndjson_fragments(file: str, text: str, warnings: list[Notice]) -> Iterator[Fragment]:
    """One JSON object per line: a report (it has `period`), a unit (`id`), or a header
    (`schema`, `jurisdiction`)."""
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        origin = Origin(file, record=number)
        try:
            record = parse_json(line)
        except DocumentError as error:
            problems.append(error.at(file, number))
            continue
        if not isinstance(record, dict):
            problems.append(origin.problem((), "expected_json_object"))
            continue
        if "period" in record:
            yield Fragment("report", record, origin)
        elif "id" in record:
            yield Fragment("unit", record, origin)
        else:
            header = [k for k in record if k not in ("schema", "jurisdiction")]
            if header:
                keys = ", ".join(map(excerpt, header))
                problems.append(origin.problem((), "unknown_ndjson_record", keys=keys))
                continue
            yield from _document_fragments(file, record, warnings, number)
    if problems:
        raise FactError(problems)


# The cells cchc's template fills in on a row before the officer sees it.
PREFILLED = frozenset({"period", "field", "kind"})


def _workbook_fragments(path: Path) -> Iterator[Fragment]:
    """A Biểu 06 export: one unit's dossier counts for a period. Any other workbook: sheets
    shaped like the CSV tables (cchc's template, or plain sheets), each row as a CSV row."""
    file = str(path)
    if is_bieu06(path):
        report = bieu06_report(path)
        yield Fragment("report", report, Origin(file, "Biểu 06"))
        return
    for row in workbook_rows(path):
        values = row.values()
        if set(values) <= PREFILLED:
            continue  # a row of the template the officer left empty (its keys were filled in)
        cells = tuple((name, f"{letter}{row.row}") for name, letter in row.columns.items())
        origin = Origin(file, line=row.row, sheet=row.sheet, cells=cells)
        yield _csv_row_fragment(row.table, values, origin)


def csv_table_name(path: Path) -> str | None:
    """`units.csv`, `hanoi-2019-dossiers.csv` and `q1_events.csv` name their table last."""
    stem = path.stem.lower()
    return next(
        (t for t in CSV_TABLES if stem == t or stem.endswith((f"-{t}", f"_{t}", f".{t}"))), None
    )


def _csv_fragments(path: Path, text: str) -> Iterator[Fragment]:
    file = str(path)
    table = csv_table_name(path)
    if table is None:
        tables = ", ".join(CSV_TABLES)
        raise FactError([Problem.of(Place(file), "unknown_csv_table", tables=tables)])
    delimiter = csv_delimiter(text)
    rows = csv_rows(text, delimiter)
    try:
        first = next(rows, None)
        header = [unicodedata.normalize("NFC", h.strip()) for h in (first[1] if first else [])]
        _check_header(file, table, header)
        for line, cells in rows:
            if len(cells) > len(header):
                raise FactError([Problem.of(Place(file, line=line), "more_cells_than_header")])
            pairs = zip(header, cells, strict=False)  # a short row leaves its last cells blank
            values = {name: value.strip() for name, value in pairs if value.strip()}
            if delimiter == ";" and table in COUNT_TABLES:
                values = {name: _vietnamese_count(value) for name, value in values.items()}
            if values:
                yield _csv_row_fragment(table, values, Origin(file, line=line))
    except DocumentError as error:
        raise FactError([error.at(file)]) from None


# Tables whose cells (but the keys) are counts.
COUNT_TABLES = ("dossiers", "indicators", "fields")
_DOT_THOUSANDS = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+")


def _vietnamese_count(text: str) -> str:
    """In a semicolon-separated CSV (Excel in a Vietnamese locale, where 1.450 is one thousand
    four hundred and fifty), a count's dots are thousands separators. Elsewhere `1.450` stays
    refused as ambiguous (facts/values.py)."""
    return text.replace(".", "") if _DOT_THOUSANDS.fullmatch(text) else text


def _check_header(file: str, table: str, header: list[str], line: int = 1) -> None:
    required = {"id", "name", "kind"} if table == "units" else {"unit", "period"}
    if table == "fields":
        required = required | {"field"}
    at = Place(file, line=line)
    problems = [
        Problem.of(at, "header_missing_column", column=repr(name))
        for name in sorted(required - set(header))
    ]
    allowed = _KEYED_COLUMNS.get(table)
    problems += [
        Problem.of(at, "header_unknown_column", column=excerpt(name), **did_you_mean(name, allowed))
        for name in header
        if allowed is not None and name not in allowed
    ]
    problems += [
        Problem.of(at, "column_twice", column=excerpt(name))
        for name in sorted({name for name in header if header.count(name) > 1})
    ]
    problems += [Problem.of(at, "empty_column_name") for name in header[:1] if not name]
    if problems:
        raise FactError(problems)


def _csv_row_fragment(table: str, cells: dict[str, str], origin: Origin) -> Fragment:
    if table == "units":
        return Fragment("unit", cells, origin)
    # A key left out is `missing` at its place, not an empty value.
    key = {name: cells.pop(name) for name in ("unit", "period") if name in cells}
    if table == "reports":
        return Fragment("report", {**key, **cells}, origin)
    if table in ("dossiers", "indicators"):
        return Fragment("report", {**key, table: cells}, origin)
    if table == "fields":
        field_code = cells.pop("field", "")
        return Fragment("report", {**key, "dossiers_by_field": {field_code: cells}}, origin)
    if table == "scores":
        return Fragment(
            "report", {**key, "scores": {cells.get("code", ""): cells.get("score")}}, origin
        )
    if table == "duties":
        duty = cells.pop("duty", "")
        return Fragment("report", {**key, "duties": {duty: cells}}, origin)
    return Fragment("report", {**key, table: [cells]}, origin)  # events, tasks


@dataclass
class _Registry:
    units: dict[str, Unit]
    origins: dict[str, Origin]
    jurisdictions: dict[str, Origin]


def _build(
    fragments: list[Fragment],
    files: tuple[str, ...],
    report_check: ReportCheck | None,
    vocabulary: Vocabulary | None = None,
) -> tuple[FactSet, list[Problem]]:
    """The fact set of everything valid, and every problem found on the way."""
    problems: list[Problem] = []
    registry = _Registry({}, {}, {})
    grouped: dict[tuple[str, Period], list[tuple[Report, Origin]]] = {}
    for fragment in fragments:
        if fragment.kind == "jurisdiction":
            _add_jurisdiction(fragment, registry, problems)
        elif fragment.kind == "unit":
            _add_unit(fragment, registry, problems)
        else:
            checks = (report_problems,) if report_check is None else (report_problems, report_check)
            report = validate_fragment(Report, fragment.data, fragment.origin.at, problems, checks)
            if report is None:
                continue
            if report_check is not None:
                problems += [
                    fragment.origin.problem(loc, code, **values)
                    for loc, code, values in report_check(report)
                ]
            if vocabulary is not None and vocabulary.plans is not None:
                problems += _words_of_other_plans(report, fragment.origin, vocabulary)
            grouped.setdefault((report.unit, report.period), []).append((report, fragment.origin))
    reports = {}
    for key, parts in grouped.items():
        merged = _merge(parts, problems)
        if merged is not None:
            reports[key] = merged
            origin = parts[0][1] if len(parts) == 1 else _joined(parts)
            problems += [
                origin.problem(loc, code, **values) for loc, code, values in report_problems(merged)
            ]
    problems += _reference_problems(registry, grouped)
    if len(registry.jurisdictions) > 1:
        places = [origin.at() for origin in registry.jurisdictions.values()]
        codes = ", ".join(map(excerpt, registry.jurisdictions))
        problems.append(
            Problem.of(Place(pieces=tuple(places)), "jurisdictions_differ", codes=codes)
        )
    jurisdiction = next(iter(registry.jurisdictions), None)
    return FactSet(registry.units, reports, files, jurisdiction), problems


def _joined(parts: list[tuple[Report, Origin]]) -> Origin:
    return Origin("", pieces=tuple(origin for _, origin in parts))


def _add_jurisdiction(fragment: Fragment, registry: _Registry, problems: list[Problem]) -> None:
    try:
        code = clean_text(fragment.data["code"]).strip()
    except ValueError:
        code = ""
    if not code:
        problems.append(fragment.origin.problem((), "jurisdiction_expected"))
    else:
        registry.jurisdictions.setdefault(code, fragment.origin)


def _add_unit(fragment: Fragment, registry: _Registry, problems: list[Problem]) -> None:
    unit = validate_fragment(Unit, fragment.data, fragment.origin.at, problems)
    if unit is None:
        return
    if unit.id in registry.units:
        first = registry.origins[unit.id].at()
        problems.append(
            fragment.origin.problem(("id",), "duplicate_unit", unit=excerpt(unit.id), first=first)
        )
        return
    registry.units[unit.id] = unit
    registry.origins[unit.id] = fragment.origin


def _merge(parts: list[tuple[Report, Origin]], problems: list[Problem]) -> Report | None:
    """Join the pieces of one unit's report for one period (CSV tables each carry a piece). The
    same value given twice is fine; two different values are a conflict."""
    if len(parts) == 1:
        return parts[0][0]
    merged: dict[str, Any] = {}
    first_seen: dict[tuple[str, ...], Origin] = {}
    conflicts: list[Problem] = []
    for report, origin in parts:
        # The validated values themselves (Period, exact Fraction scores, Event models), never a
        # dump: re-validation takes them as they are, and exact stays exact.
        for key in sorted(report.model_fields_set):
            value = getattr(report, key)
            if value is None:
                continue
            if key in ("events", "tasks"):
                merged.setdefault(key, []).extend(value)
                continue
            entries = value.items() if isinstance(value, dict) else [(None, value)]
            into = merged.setdefault(key, {}) if isinstance(value, dict) else merged
            for name, item in entries:
                slot = key if name is None else name
                place = (key,) if name is None else (key, name)
                if slot in into and into[slot] != item:
                    conflicts.append(
                        origin.problem(
                            place,
                            "given_twice_differently",
                            name=".".join(place),
                            first=first_seen[place].at(),
                        )
                    )
                into[slot] = item
                first_seen.setdefault(place, origin)
    problems += conflicts
    if conflicts:
        return None
    return validate_fragment(Report, merged, _joined(parts).at, problems)


def _reference_problems(
    registry: _Registry, grouped: dict[tuple[str, Period], list[tuple[Report, Origin]]]
) -> list[Problem]:
    units = registry.units

    def unknown(origin: Origin, loc: tuple[str | int, ...], code: str, ref: str) -> Problem:
        return origin.problem(loc, code, unit=excerpt(ref), **did_you_mean(ref, units))

    problems = [
        unknown(registry.origins[unit.id], ("parent",), "unknown_parent_unit", unit.parent)
        for unit in units.values()
        if unit.parent is not None and unit.parent not in units
    ]
    for parts in grouped.values():
        for report, origin in parts:
            if report.unit not in units:
                problems.append(unknown(origin, ("unit",), "unknown_unit", report.unit))
            for index, event in enumerate(report.events or ()):
                for role in ("inspected", "by"):
                    ref = getattr(event, role)
                    if ref is not None and ref not in units:
                        where = ("events", index, role)
                        problems.append(unknown(origin, where, f"unknown_{role}_unit", ref))
    return problems


def _words(report: Report, csv: bool) -> Iterator[tuple[str, str, tuple[int | str, ...]]]:
    """Every vocabulary word a report uses: its group, the name and where it stands (in a CSV
    file, the column that holds it: the name itself for counts, `duty` or `kind` otherwise)."""
    for name in report.dossiers:
        yield "dossiers", name, ("dossiers", name)
    for code, counts in report.dossiers_by_field.items():
        for name in counts:
            yield "dossiers", name, ("dossiers_by_field", code, name)
    for name in report.indicators:
        yield "indicators", name, ("indicators", name)
    for name in report.duties:
        yield "duties", name, ("duty",) if csv else ("duties", name)
    for index, event in enumerate(report.events or ()):
        yield "events", event.kind, ("events", index, "kind")


WORD_GROUPS = ("dossiers", "indicators", "duties", "events")


def _other_plans_problem(place: Place, group: str, name: str, vocabulary: Vocabulary) -> Problem:
    """A word of another plan, or of no plan this check reads. The code says the group
    (`word_of_other_plans_<group>`) and how many plans own it."""
    owners = plans_of(group, name)
    this = ", ".join(vocabulary.plans or ())
    if not owners:  # a vocabulary narrower than the files' (built by hand)
        return Problem.of(place, f"word_of_no_plan_{group}", name=name, check=this)
    count = "one" if len(owners) == 1 else "several"
    code = f"word_of_other_plans_{group}_{count}"
    return Problem.of(place, code, name=name, plans=", ".join(owners), check=this)


def _words_of_other_plans(report: Report, origin: Origin, vocabulary: Vocabulary) -> list[Problem]:
    return [
        _other_plans_problem(origin.at(loc), group, name, vocabulary)
        for group, name, loc in _words(report, origin.line is not None)
        if not vocabulary.allows(group, name)
    ]


def words_outside(tables: FactTables, vocabulary: Vocabulary) -> list[Problem]:
    """The words of a loaded fact set a scoped vocabulary does not hold, one each without a
    place (to find the places, load the files again with that vocabulary)."""
    used: dict[str, set[str]] = {group: set() for group in WORD_GROUPS}
    for column in tables.counts():
        group, _, name = column.partition(".")
        used[group].add(name)
    used["dossiers"].update(tables.by_field["name"].unique().to_list())
    used["duties"].update(tables.duties["duty"].unique().to_list())
    used["events"].update(tables.events["kind"].unique().to_list())
    return [
        _other_plans_problem(Place(), group, name, vocabulary)
        for group, names in used.items()
        for name in sorted(names)
        if not vocabulary.allows(group, name)
    ]
