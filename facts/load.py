"""Read fact files (YAML, JSON, CSV) into one validated FactSet, or say exactly what is wrong.

Every record keeps where it came from (file and key path, or file, row and column), so an error
names the place to fix. Parsing is safe: yaml.safe_load with duplicate keys refused, json, csv.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period

SCHEMA = "cchc-facts/1"
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
_CONTAINERS = {"dossiers", "dossiers_by_field", "indicators", "scores", "duties", "events", "tasks"}
_KEYED_COLUMNS = {
    "units": {"id", "name", "kind", "parent", "agency"},
    "reports": {"unit", "period", "submitted", "thematic_submitted", "data_from", "data_to"},
    "scores": {"unit", "period", "code", "score"},
    "duties": {"unit", "period", "duty", "done", "date", "evidence"},
    "events": {"unit", "period", "kind", "date", "inspected", "note"},
    "tasks": {"unit", "period", "task", "completed", "product"},
}


class FactError(Exception):
    """The fact set is invalid. `problems` lists each one with its place."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Origin:
    file: str
    path: str = ""  # key path in a YAML/JSON document
    row: int | None = None  # line number in a CSV file

    def at(self, loc: tuple[int | str, ...] = ()) -> str:
        if self.row is not None:
            column = next((str(p) for p in reversed(loc) if isinstance(p, str)), None)
            column_text = f", column {column}" if column and column not in _CONTAINERS else ""
            return f"{self.file}: row {self.row}{column_text}"
        path = self.path
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        return f"{self.file}: {path.lstrip('.')}" if path else self.file


@dataclass
class Fragment:
    kind: str  # "unit", "report" or "jurisdiction"
    data: dict[str, Any]
    origin: Origin


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml when present
    """safe_load, but a key given twice in one mapping is an error, not a silent overwrite."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml_text(text: str) -> Any:
    return yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass


FACT_SUFFIXES = (".yaml", ".yml", ".json", ".csv")


def expand_fact_paths(paths: Sequence[str | Path], exclude: Sequence[Path] = ()) -> list[Path]:
    """Fact files as given; a folder stands for the fact files inside it. `exclude` names files
    never to read as facts (the report this run writes)."""
    skipped = {path.resolve() for path in exclude}
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in FACT_SUFFIXES))
        else:
            files.append(path)
    files = [path for path in files if path.resolve() not in skipped]
    if not files:
        raise FactError([f"{', '.join(map(str, paths))}: no .yaml, .yml, .json or .csv files"])
    return files


def load_fact_files(paths: Iterable[str | Path]) -> FactSet:
    """Load and validate fact files together. Raises FactError listing every problem found."""
    problems: list[str] = []
    fragments: list[Fragment] = []
    names = []
    for path in map(Path, paths):
        names.append(str(path))
        try:
            fragments.extend(_read_file(path))
        except FactError as error:
            problems.extend(error.problems)
    if problems:
        raise FactError(problems)
    return _build(fragments, tuple(names))


def _read_file(path: Path) -> list[Fragment]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise FactError([f"{path}: cannot read: {error}"]) from error
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return list(_csv_fragments(path, text))
    if suffix in (".yaml", ".yml"):
        try:
            document = load_yaml_text(text)
        except yaml.YAMLError as error:
            raise FactError([f"{path}: not valid YAML: {_yaml_message(error)}"]) from error
    elif suffix == ".json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise FactError(
                [f"{path}: line {error.lineno}: not valid JSON: {error.msg}"]
            ) from error
    else:
        raise FactError([f"{path}: unknown file type {suffix!r}; use .yaml, .yml, .json or .csv"])
    return list(_document_fragments(path, document))


def _yaml_message(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    return f"line {mark.line + 1}, column {mark.column + 1}: {problem}" if mark else problem


def _document_fragments(path: Path, document: Any) -> Iterator[Fragment]:
    file = str(path)
    if not isinstance(document, dict):
        raise FactError([f"{file}: expected a mapping with `units` and/or `reports`"])
    unknown = sorted(set(document) - {"schema", "jurisdiction", "units", "reports"})
    problems = [f"{file}: {key}: unknown top-level key" for key in map(str, unknown)]
    schema = document.get("schema", SCHEMA)
    if schema != SCHEMA:
        problems.append(f"{file}: schema: {schema!r} is not supported; expected {SCHEMA!r}")
    if "jurisdiction" in document:
        yield Fragment(
            "jurisdiction", {"code": document["jurisdiction"]}, Origin(file, "jurisdiction")
        )
    for key, kind in (("units", "unit"), ("reports", "report")):
        items = document.get(key) or []
        if not isinstance(items, list):
            problems.append(f"{file}: {key}: expected a list")
            continue
        for index, item in enumerate(items):
            origin = Origin(file, f"{key}[{index}]")
            if isinstance(item, dict):
                yield Fragment(kind, item, origin)
            else:
                problems.append(f"{origin.at()}: expected a mapping")
    if problems:
        raise FactError(problems)


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
        raise FactError(
            [
                f"{file}: cannot tell which table this is; end the file name with one "
                f"of: {', '.join(CSV_TABLES)} (e.g. q1-dossiers.csv)"
            ]
        )
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    _check_header(file, table, header)
    for row_number, row in enumerate(reader, start=2):
        if None in row:
            raise FactError([f"{file}: row {row_number}: more cells than the header has columns"])
        cells = {key: value.strip() for key, value in row.items() if value and value.strip()}
        if cells:
            yield _csv_row_fragment(table, cells, Origin(file, row=row_number))


def _check_header(file: str, table: str, header: list[str]) -> None:
    required = {"id", "name", "kind"} if table == "units" else {"unit", "period"}
    if table == "fields":
        required = required | {"field"}
    missing = sorted(required - set(header))
    unknown = sorted(set(header) - _KEYED_COLUMNS[table]) if table in _KEYED_COLUMNS else []
    problems = [f"{file}: header: missing column {name!r}" for name in missing]
    problems += [f"{file}: header: unknown column {name!r}" for name in unknown]
    if problems:
        raise FactError(problems)


def _csv_row_fragment(table: str, cells: dict[str, str], origin: Origin) -> Fragment:
    if table == "units":
        return Fragment("unit", cells, origin)
    key = {"unit": cells.pop("unit", None), "period": cells.pop("period", None)}
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


def _validate(model: type[BaseModel], fragment: Fragment, problems: list[str]) -> Any:
    try:
        return model.model_validate(fragment.data)
    except ValidationError as error:
        for detail in error.errors(include_url=False):
            message = detail["msg"].removeprefix("Value error, ")
            problems.append(f"{fragment.origin.at(tuple(detail['loc']))}: {message}")
        return None


def _build(fragments: list[Fragment], files: tuple[str, ...]) -> FactSet:
    problems: list[str] = []
    units: dict[str, Unit] = {}
    unit_origins: dict[str, Origin] = {}
    grouped: dict[tuple[str, Period], list[tuple[Report, Origin]]] = {}
    jurisdictions: dict[str, Origin] = {}
    for fragment in fragments:
        if fragment.kind == "jurisdiction":
            code = fragment.data["code"]
            if not isinstance(code, str) or not code.strip():
                problems.append(f"{fragment.origin.at()}: expected a name such as 'ha-noi'")
            else:
                jurisdictions.setdefault(code, fragment.origin)
            continue
        if fragment.kind == "unit":
            unit = _validate(Unit, fragment, problems)
            if unit is None:
                continue
            if unit.id in units:
                problems.append(
                    f"{fragment.origin.at(('id',))}: duplicate unit {unit.id!r} "
                    f"(first at {unit_origins[unit.id].at()})"
                )
                continue
            units[unit.id] = unit
            unit_origins[unit.id] = fragment.origin
        else:
            report = _validate(Report, fragment, problems)
            if report is not None:
                grouped.setdefault((report.unit, report.period), []).append(
                    (report, fragment.origin)
                )
    reports = {
        key: merged
        for key, parts in grouped.items()
        if (merged := _merge(parts, problems)) is not None
    }
    problems += _reference_problems(units, unit_origins, grouped)
    if not units and not problems:
        problems.append(f"{', '.join(files)}: no units: a fact set needs a registry of units")
    if len(jurisdictions) > 1:
        problems.append(
            "files disagree on the jurisdiction: "
            + "; ".join(f"{origin.at()} = {code!r}" for code, origin in jurisdictions.items())
        )
    if problems:
        raise FactError(problems)
    return FactSet(
        units=units, reports=reports, files=files, jurisdiction=next(iter(jurisdictions), None)
    )


def _merge(parts: list[tuple[Report, Origin]], problems: list[str]) -> Report | None:
    """Join the pieces of one unit's report for one period (CSV tables each carry a piece)."""
    if len(parts) == 1:
        return parts[0][0]
    merged: dict[str, Any] = {}
    first_seen: dict[tuple[str, str], Origin] = {}
    ok = True
    for report, origin in parts:
        data = report.model_dump(exclude_defaults=True)
        for key, value in data.items():
            if key in ("events", "tasks"):
                merged.setdefault(key, []).extend(value)
            elif isinstance(value, dict):
                target = merged.setdefault(key, {})
                for name, item in value.items():
                    if name in target and target[name] != item:
                        problems.append(
                            f"{origin.at((key, name))}: {key}.{name} is given twice "
                            f"with different values (also at "
                            f"{first_seen[(key, name)].at()})"
                        )
                        ok = False
                    target[name] = item
                    first_seen.setdefault((key, name), origin)
            else:
                if key in merged and merged[key] != value:
                    problems.append(
                        f"{origin.at((key,))}: {key} is given twice with different "
                        f"values (also at {first_seen[(key, '')].at()})"
                    )
                    ok = False
                merged[key] = value
                first_seen.setdefault((key, ""), origin)
    if not ok:
        return None
    where = ", ".join(origin.at() for _, origin in parts)
    return _validate(Report, Fragment("report", merged, Origin(where)), problems)


def _reference_problems(
    units: dict[str, Unit],
    unit_origins: dict[str, Origin],
    grouped: dict[tuple[str, Period], list[tuple[Report, Origin]]],
) -> list[str]:
    problems = [
        f"{unit_origins[unit.id].at(('parent',))}: unknown parent unit {unit.parent!r}"
        for unit in units.values()
        if unit.parent is not None and unit.parent not in units
    ]
    for parts in grouped.values():
        for report, origin in parts:
            if report.unit not in units:
                problems.append(
                    f"{origin.at(('unit',))}: unknown unit {report.unit!r}; "
                    "add it to the registry (units)"
                )
            for index, event in enumerate(report.events or ()):
                if event.inspected is not None and event.inspected not in units:
                    problems.append(
                        f"{origin.at(('events', index, 'inspected'))}: unknown "
                        f"inspected unit {event.inspected!r}"
                    )
    return problems


def facts_from_document(document: Any, name: str = "<document>") -> FactSet:
    """Validate an in-memory fact document (as a YAML file would hold it) into a FactSet."""
    return _build(list(_document_fragments(Path(name), document)), (name,))
