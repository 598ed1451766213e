"""Read `.xlsx` fact workbooks safely: each data row as the same {column: text} a CSV row gives.

A workbook is a zip of XML parts sent by others, so it is checked before anything is parsed: its
size on disk, each member's and the total uncompressed size, the compression ratio (a zip bomb),
the number of members and sheets; no XML part may declare a DTD (as defusedxml forbids). Then
every sheet is streamed (lxml's iterparse, nothing resolved or fetched; the small parts through
defusedxml) and reading stops at the row and column limits. An .xls, .ods, .xlsb or
password-protected file, or a file that is not a workbook at all, is refused by name.

Sheets are matched to the tables of facts/load.py by machine name (`dossiers`) or Vietnamese title
(`Hồ sơ`); "Hướng dẫn" and "_lists" (the template's instructions and validation lists) are
ignored, and any other sheet is a problem. The header is the first of rows 1..3 whose non-empty
cells are all column names of the table (the template puts Vietnamese labels in row 1 and the
names in row 2; a plain workbook has the names in row 1).

Cells become text: integers (and integral floats) as digits, dates as ISO dates, booleans as
true/false, text stripped. A formula gives its cached value; a formula without one, or an error
value (#N/A), is a problem. The sheet XML is read directly (lxml) rather than through openpyxl:
one pass sees a formula and its cached value together (openpyxl needs two loads for that), and
openpyxl's read-only mode parses a sheet without a <dimension> element twice. A 200,000-row,
12-column sheet reads in about 90 MiB of memory (peak RSS), row by row.

Use:
    for row in workbook_rows(path):          # raises FactError with every problem of the file
        fragment = _csv_row_fragment(row.table, row.values(), origin_of(row))
Problems in a row's values are placed with `row.place(file, column)` (sheet, cell, column).
"""

from __future__ import annotations

import io
import math
import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from itertools import chain, islice
from pathlib import Path
from typing import Any, NamedTuple

from defusedxml.ElementTree import fromstring as defused_fromstring
from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from cchc.facts.files import MIB, NotReadable, read_regular_bytes
from cchc.facts.problems import FactError, Place, Problem
from cchc.facts.values import did_you_mean, excerpt
from cchc.facts.vocabulary import DOSSIER_FIELDS, INDICATORS

# Limits (workbook-spec.md): checked on the zip's directory before parsing, then while streaming.
MAX_WORKBOOK_BYTES = 50 * MIB
MAX_MEMBER_BYTES = 200 * MIB
MAX_TOTAL_BYTES = 500 * MIB
MAX_RATIO = 200
LARGE_MEMBER_BYTES = 1 * MIB  # a small member may compress far better than 200:1 harmlessly
MAX_MEMBERS = 10_000
MAX_SHEETS = 50
MAX_ROWS = 200_000  # data rows of a sheet, below a header of up to HEADER_ROWS rows
MAX_COLUMNS = 1_000
MAX_PROBLEMS = 200  # per file: past it, one more problem says so and reading stops
HEADER_ROWS = 3  # the header is one of rows 1..3

# The Vietnamese title of each table's sheet in the template (the writer shares these).
SHEET_TITLES: dict[str, str] = {
    "units": "Đơn vị",
    "reports": "Báo cáo",
    "dossiers": "Hồ sơ",
    "fields": "Hồ sơ theo lĩnh vực",
    "indicators": "Chỉ số",
    "scores": "Điểm",
    "duties": "Công việc",
    "events": "Sự kiện",
    "tasks": "Nhiệm vụ",
}
IGNORED_SHEETS = ("Hướng dẫn", "_lists")
_KEYS = ("unit", "period")
_FIXED_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("id", "name", "kind", "parent", "agency"),
    "reports": (*_KEYS, "submitted", "thematic_submitted", "data_from", "data_to"),
    "dossiers": _KEYS,
    "fields": (*_KEYS, "field"),
    "indicators": _KEYS,
    "scores": (*_KEYS, "code", "score"),
    "duties": (*_KEYS, "duty", "done", "date", "evidence"),
    "events": (*_KEYS, "kind", "date", "inspected", "by", "note"),
    "tasks": (*_KEYS, "task", "completed", "product"),
}
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and an encrypted .xlsx
_ENCRYPTION_INFO = "EncryptionInfo".encode("utf-16-le")
# A formula element, with or without a namespace prefix (`<f>`, `<x:f t="shared"/>`).
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def table_columns(table: str) -> frozenset[str]:
    """The column names a table's sheet may have (the counts: every plan's vocabulary words)."""
    return _table_columns(table)


@cache
def _table_columns(table: str) -> frozenset[str]:
    words = {"dossiers": DOSSIER_FIELDS, "fields": DOSSIER_FIELDS, "indicators": INDICATORS}
    return frozenset(_FIXED_COLUMNS[table]) | frozenset(words.get(table, ()))


def required_columns(table: str) -> tuple[str, ...]:
    if table == "units":
        return ("id", "name", "kind")
    return (*_KEYS, "field") if table == "fields" else _KEYS


class Cell(NamedTuple):
    text: str
    ref: str  # "D7"


@dataclass(frozen=True)
class SheetRow:
    """One data row of a table's sheet: {column name: (text, cell ref)}, empty cells left out."""

    table: str
    sheet: str
    row: int
    cells: dict[str, Cell]
    # Every column of the sheet's header by name, with its letter: where an empty cell is.
    columns: Mapping[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, str]:
        """{column: text}, as the CSV reader gives a row to `_csv_row_fragment`."""
        return {name: cell.text for name, cell in self.cells.items()}

    def place(self, file: str, column: str | None = None) -> Place:
        """The row's place, or a column's cell in it (the row's first cell without a column)."""
        if column is None:
            return Place(file, sheet=self.sheet, cell=f"A{self.row}")
        ref = self.cells[column].ref if column in self.cells else None
        return Place(file, sheet=self.sheet, cell=ref, column=column)


def sheet_table(title: str) -> str | None:
    """The table a sheet holds, by machine name or Vietnamese title; None for any other title."""
    return _TABLE_BY_TITLE.get(_title_key(title))


def is_ignored_sheet(title: str) -> bool:
    return _title_key(title) in _IGNORED


def _title_key(title: str) -> str:
    return unicodedata.normalize("NFC", title).strip().casefold()


_TABLE_BY_TITLE = {
    _title_key(name): table for table, title in SHEET_TITLES.items() for name in (table, title)
}
_IGNORED = {_title_key(title) for title in IGNORED_SHEETS}


def workbook_rows(
    path: Path, columns: Mapping[str, Collection[str]] | None = None
) -> Iterator[SheetRow]:
    """Every data row of every table sheet, sheet by sheet in workbook order. After the last row,
    every problem found in the file is raised together as one FactError (a limit reached stops
    reading at once). `columns` overrides the names a table's header may hold."""
    with WorkbookReader(path) as book:
        for title in book.titles:
            table = sheet_table(title)
            if table is not None:
                allowed = frozenset(columns[table]) if columns else table_columns(table)
                yield from _table_rows(book, title, table, allowed)
            elif not is_ignored_sheet(title):
                known = ", ".join(sorted({*SHEET_TITLES, *SHEET_TITLES.values()}))
                book.add(Problem.of(Place(book.file, sheet=title), "unknown_sheet", known=known))
        book.raise_problems()


def _table_rows(
    book: WorkbookReader, title: str, table: str, allowed: frozenset[str]
) -> Iterator[SheetRow]:
    rows = book.rows(title)
    first = list(islice(rows, HEADER_ROWS))
    found = _header(first, allowed)
    if found is None:
        if any(cells for _, cells in first) or any(cells for _, cells in rows):
            _report_no_header(book, title, table, first, allowed)
        return
    header_row, names = found
    if not _header_is_sound(book, title, table, header_row, names):
        return
    later = [(number, cells) for number, cells in first if number > header_row]
    letters = {name: get_column_letter(index + 1) for index, name in names.items()}
    for number, cells in chain(later, rows):
        values = _named_cells(book, title, names, cells)
        if values:
            yield SheetRow(table, title, number, values, letters)


Header = dict[int, str]  # column index (0-based) -> machine name


def _header(first: list[tuple[int, list[Cell | None]]], allowed: frozenset[str]) -> Any:
    """(row number, names by column) of the first row whose non-empty cells are all names."""
    for number, cells in first:
        names = {i: _name(cell.text) for i, cell in enumerate(cells) if cell is not None}
        if names and all(name in allowed for name in names.values()):
            return number, names
    return None


def _name(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip()


def _report_no_header(
    book: WorkbookReader,
    title: str,
    table: str,
    first: list[tuple[int, list[Cell | None]]],
    allowed: frozenset[str],
) -> None:
    """Name the unknown columns of the row most like a header; or say there is no header."""

    def known(cells: list[Cell | None]) -> int:
        return sum(1 for cell in cells if cell is not None and _name(cell.text) in allowed)

    best = max((cells for _, cells in first), key=known, default=[])
    if not known(best):
        example = ", ".join(required_columns(table))
        book.add(
            Problem.of(Place(book.file, sheet=title), "no_header", table=table, example=example)
        )
        return
    for cell in best:
        if cell is not None and _name(cell.text) not in allowed:
            place = Place(book.file, sheet=title, cell=cell.ref)
            name = _name(cell.text)
            hint = did_you_mean(name, sorted(allowed))
            book.add(Problem.of(place, "unknown_column", name=excerpt(name), table=table, **hint))


def _header_is_sound(book: WorkbookReader, title: str, table: str, row: int, names: Header) -> bool:
    place = Place(book.file, sheet=title, cell=f"A{row}")
    problems = [
        Problem.of(place, "missing_column", name=name, table=table)
        for name in required_columns(table)
        if name not in names.values()
    ]
    seen: set[str] = set()
    for index, name in names.items():
        if name in seen:
            cell = f"{get_column_letter(index + 1)}{row}"
            problems.append(
                Problem.of(Place(book.file, sheet=title, cell=cell), "duplicate_column", name=name)
            )
        seen.add(name)
    for problem in problems:
        book.add(problem)
    return not problems


def _named_cells(
    book: WorkbookReader, title: str, names: Header, cells: list[Cell | None]
) -> dict[str, Cell]:
    named: dict[str, Cell] = {}
    for index, cell in enumerate(cells):
        if cell is None:
            continue
        name = names.get(index)
        if name is None:
            place = Place(book.file, sheet=title, cell=cell.ref)
            book.add(Problem.of(place, "cell_outside_columns", value=excerpt(cell.text)))
        else:
            named[name] = cell
    return named


class WorkbookReader:
    """A workbook opened safely (a context manager): its sheet titles, each sheet's rows as
    converted cells, and the problems found so far. Opening refuses, with FactError, a file that
    is not an .xlsx or is past a limit."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = str(path)
        self.problems: list[Problem] = []
        self.titles: list[str] = []

    def __enter__(self) -> WorkbookReader:
        self._archive = _checked_archive(_checked_bytes(self.path, self.file), self.file)
        try:
            with _guard(Place(self.file)):
                self._parts = _parts_of(self._archive)
            self.titles = list(self._parts.sheets)
            if len(self.titles) > MAX_SHEETS:
                sheets = len(self.titles)
                self.fail(
                    Problem.of(Place(self.file), "too_many_sheets", sheets=sheets, limit=MAX_SHEETS)
                )
        except BaseException:
            self._archive.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._archive.close()

    def add(self, problem: Problem) -> None:
        self.problems.append(problem)
        if len(self.problems) >= MAX_PROBLEMS:
            self.fail(Problem.of(Place(self.file), "too_many_problems", limit=MAX_PROBLEMS))

    def fail(self, problem: Problem) -> None:
        """Stop reading: the problems so far and this one."""
        raise FactError([*self.problems, problem])

    def raise_problems(self) -> None:
        if self.problems:
            raise FactError(list(self.problems))

    def rows(self, title: str) -> Iterator[tuple[int, list[Cell | None]]]:
        """(row number, cells by column from A) for each row the sheet holds; a cell is None
        where it is empty or could not be read (its problem added). Stops with FactError past
        MAX_ROWS (+ the header rows) or MAX_COLUMNS."""
        member = self._parts.sheets[title]
        place = Place(self.file, sheet=title)
        if member is None:  # a chart sheet or a macro sheet: no cells
            self.add(Problem.of(place, "not_a_data_sheet"))
            return
        elements = _row_elements(self._archive, member)
        number = 0
        while True:
            with _guard(place):
                row = next(elements, None)
                if row is None:
                    return
                number = _row_number(row.get("r"), number + 1)
                if number > MAX_ROWS + HEADER_ROWS:
                    self.fail(Problem.of(place, "too_many_rows", limit=MAX_ROWS))
                cells = self._row_cells(title, number, row)
                row.clear()
            yield number, cells

    def _row_cells(self, title: str, number: int, row: Any) -> list[Cell | None]:
        cells: list[Cell | None] = []
        for element in row:
            if element.tag not in _C:
                continue
            index = _column_index(element.get("r"), len(cells))
            if index >= MAX_COLUMNS:
                where = Place(self.file, sheet=title, cell=_ref(MAX_COLUMNS, number))
                self.fail(Problem.of(where, "too_many_columns", limit=MAX_COLUMNS))
            if index >= len(cells):
                cells.extend([None] * (index + 1 - len(cells)))
            cells[index] = self._cell(title, index, number, element)
        return cells

    def _cell(self, title: str, index: int, number: int, element: Any) -> Cell | None:
        kind = element.get("t", "n")
        value = formula = None
        for child in element:  # one pass: <f>, <v> and <is> are the children that matter
            tag = child.tag
            if tag in _V:
                value = child.text
            elif tag in _F:
                formula = child
            elif tag in _IS:
                value = _rich_text(child)
        if not value:
            if formula is not None and kind == "n":  # "str": a formula that gave "", no problem
                place = Place(self.file, sheet=title, cell=_ref(index, number))
                formula_text = excerpt(formula.text or "")
                self.add(Problem.of(place, "formula_without_value", formula=formula_text))
            return None  # an empty or only styled cell
        text, problem = _stored_text(value, kind, element.get("s"), self._parts)
        if problem is not None:
            place = Place(self.file, sheet=title, cell=_ref(index, number))
            self.add(Problem.of(place, problem, value=excerpt(value)))
            return None
        return Cell(text, _ref(index, number)) if text else None


def _ref(index: int, number: int) -> str:
    return f"{get_column_letter(index + 1)}{number}"


def cell_text(value: object) -> tuple[str, str | None]:
    """A Python cell value as text, or ("", a problem code) when it cannot stand for a fact."""
    if isinstance(value, bool):
        return ("true" if value else "false"), None
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if not math.isfinite(value):
            return "", "error_value"
        return (str(int(value)) if value.is_integer() else repr(value)), None
    if isinstance(value, datetime):
        if value.time() != time(0, 0):
            return "", "time_in_date"
        return value.date().isoformat(), None
    if isinstance(value, date):
        return value.isoformat(), None
    if isinstance(value, time | timedelta):
        return "", "time_not_date"
    return str(value).strip(), None


def _stored_text(value: str, kind: str, style: str | None, parts: Parts) -> tuple[str, str | None]:
    """A cell's value as the XML stores it (`t` is its kind) as text, or ("", a problem code)."""
    if kind == "n":
        if _INTEGER.fullmatch(value) and not _is_date_style(style, parts):
            return str(int(value)), None
        try:
            number = float(value)
        except ValueError:
            return "", "error_value"
        if _is_date_style(style, parts):
            return _serial_date(number, parts.epoch)
        return cell_text(number)
    if kind == "s":
        return parts.strings[int(value)].strip(), None  # IndexError: a broken part (guarded)
    if kind == "b":
        return cell_text(value.strip() == "1")
    if kind == "e":
        return "", "error_value"
    if kind == "d":
        return cell_text(datetime.fromisoformat(value))
    return value.strip(), None  # "str" (a formula's text) and "inlineStr"


def _is_date_style(style: str | None, parts: Parts) -> bool:
    return style is not None and style.isdigit() and int(style) in parts.date_styles


def _serial_date(number: float, epoch: datetime) -> tuple[str, str | None]:
    """An Excel date serial: a whole day is a date; a fraction of a day is a time, refused."""
    if not math.isfinite(number) or not 0 <= number < 2_958_466:  # up to 9999-12-31
        return "", "error_value"
    if number < 1 and epoch == CALENDAR_WINDOWS_1900:
        return "", "time_not_date"
    return cell_text(from_excel(number, epoch))


_INTEGER = re.compile(r"[+-]?[0-9]{1,15}")


# --- The parts of the zip: which sheets, where, their shared strings and date styles ---------

_MAIN_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",  # Strict Open XML
)
_REL_NS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "http://purl.oclc.org/ooxml/officeDocument/relationships",
)
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _tags(name: str) -> tuple[str, ...]:
    return tuple(f"{{{ns}}}{name}" for ns in _MAIN_NS)


_ROW, _C, _V, _F, _IS, _T, _R, _SI = (
    _tags(n) for n in ("row", "c", "v", "f", "is", "t", "r", "si")
)
MAX_PART_BYTES = 32 * MIB  # workbook.xml, relationships, styles: read whole, so kept small


@dataclass(frozen=True)
class Parts:
    sheets: dict[str, str | None]  # title -> the worksheet's zip member (None: not a worksheet)
    strings: list[str]
    date_styles: frozenset[int]  # cell style indexes whose number format is a date
    epoch: datetime


def _parts_of(archive: zipfile.ZipFile) -> Parts:
    _check_xml_parts(archive)
    workbook = _main_part(archive)
    book = _small_xml(archive, workbook)
    targets = _relationships(archive, workbook)
    sheets: dict[str, str | None] = {}
    for sheet in _all(book, "sheet"):
        rel = next((sheet.get(f"{{{ns}}}id") for ns in _REL_NS if sheet.get(f"{{{ns}}}id")), "")
        kind, member = targets.get(rel, ("", None))
        sheets[sheet.get("name", "")] = member if kind.endswith("/worksheet") else None
    pr = next(_all(book, "workbookPr"), None)
    date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
    strings = _shared_strings(
        archive, [m for k, m in targets.values() if k.endswith("/sharedStrings")]
    )
    styles = [m for k, m in targets.values() if k.endswith("/styles")]
    return Parts(
        sheets,
        strings,
        _date_styles(archive, styles[0]) if styles else frozenset(),
        CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900,
    )


def _check_xml_parts(archive: zipfile.ZipFile) -> None:
    """No part may declare a DTD (as defusedxml forbids): entity expansion and external entities
    start there, and no spreadsheet needs one. Streams each part; sizes are already checked."""
    for info in archive.infolist():
        if not info.filename.endswith((".xml", ".rels")):
            continue
        with archive.open(info) as stream:
            tail = b""
            while chunk := stream.read(MIB):
                if _DOCTYPE.search(tail + chunk):
                    raise _UnsafeXml(info.filename)
                tail = chunk[-16:]


_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


class _UnsafeXml(Exception):
    pass


def _main_part(archive: zipfile.ZipFile) -> str:
    root = _small_xml(archive, "_rels/.rels")
    for rel in root.iter(_PKG_REL):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    raise KeyError("officeDocument")


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """rId -> (relationship type, zip member) of a part."""
    folder, _, name = part.rpartition("/")
    root = _small_xml(archive, f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels")
    found = {}
    for rel in root.iter(_PKG_REL):
        target = rel.get("Target", "")
        member = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        found[rel.get("Id", "")] = (rel.get("Type", ""), member)
    return found


def _small_xml(archive: zipfile.ZipFile, member: str) -> Any:
    if archive.getinfo(member).file_size > MAX_PART_BYTES:
        raise _PartTooLarge(member)
    return defused_fromstring(archive.read(member))


class _PartTooLarge(Exception):
    pass


def _all(root: Any, name: str) -> Iterator[Any]:
    for tag in _tags(name):
        yield from root.iter(tag)


def _shared_strings(archive: zipfile.ZipFile, members: list[str]) -> list[str]:
    strings: list[str] = []
    for member in members[:1]:
        with archive.open(member) as stream:
            for _, element in _safe_iterparse(stream, _SI):
                strings.append(_rich_text(element))
                element.clear()
    return strings


def _rich_text(element: Any) -> str:
    """The text of a string item: its `t`, or its runs' `t`; phonetic runs (`rPh`) left out."""
    if element is None:
        return ""
    texts = [child.text or "" for child in element if child.tag in _T]
    texts += [_child_text(run, _T) or "" for run in element if run.tag in _R]
    return "".join(texts)


def _date_styles(archive: zipfile.ZipFile, member: str) -> frozenset[int]:
    root = _small_xml(archive, member)
    formats = {
        int(fmt.get("numFmtId", "-1")): fmt.get("formatCode", "") for fmt in _all(root, "numFmt")
    }
    xfs = next(_all(root, "cellXfs"), None)
    found = set()
    for index, xf in enumerate([] if xfs is None else [x for x in xfs if x.tag in _tags("xf")]):
        number = int(xf.get("numFmtId", "0"))
        code = formats.get(number, BUILTIN_FORMATS.get(number, ""))
        if number in _LOCALE_DATE_FORMATS or is_date_format(code) or is_timedelta_format(code):
            found.add(index)
    return frozenset(found)


# Built-in ids that East Asian locales show as dates (ECMA-376 18.8.30); no BUILTIN_FORMATS code.
_LOCALE_DATE_FORMATS = frozenset({*range(27, 37), *range(50, 59)})


def _row_elements(archive: zipfile.ZipFile, member: str) -> Iterator[Any]:
    with archive.open(member) as stream:
        for _, element in _safe_iterparse(stream, _ROW):
            yield element
            # Cleared rows stay in the tree as empty siblings: drop them, or each row costs more
            while element.getprevious() is not None:
                del element.getparent()[0]


def _safe_iterparse(stream: Any, tags: tuple[str, ...]) -> Any:
    """lxml's streaming parser with nothing resolved or fetched (no DTD passes
    _check_xml_parts, so no entity can be declared), in its default size limits."""
    return etree.iterparse(
        stream,
        events=("end",),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _child(element: Any, tags: tuple[str, ...]) -> Any:
    for child in element:
        if child.tag in tags:
            return child
    return None


def _child_text(element: Any, tags: tuple[str, ...]) -> str | None:
    child = _child(element, tags)
    return None if child is None else child.text or ""


def _row_number(ref: str | None, default: int) -> int:
    return int(ref) if ref and ref.isdigit() else default


def _column_index(ref: str | None, default: int) -> int:
    """0-based column of a ref such as "AB12"; `default` when the cell gives none."""
    letters = _LETTERS.match(ref or "")
    return _letters_index(letters.group()) if letters else default


@cache
def _letters_index(letters: str) -> int:
    return column_index_from_string(letters) - 1


_LETTERS = re.compile(r"[A-Z]{1,3}")


@contextmanager
def _guard(place: Place) -> Iterator[None]:
    """A part that is broken (bad XML, a bad CRC, a missing or oversized part, a DTD) is a
    FactError at `place`, never another exception."""
    try:
        yield
    except (FactError, MemoryError):
        raise
    except _UnsafeXml:
        raise FactError([Problem.of(place, "unsafe_xml")]) from None
    except _PartTooLarge as error:
        member = excerpt(str(error))
        problem = Problem.of(place, "member_too_large", member=member, limit=MAX_PART_BYTES // MIB)
        raise FactError([problem]) from None
    except Exception as error:  # any malformed part: XML, zip, numbers, indexes
        problem = Problem.of(place, "unreadable_workbook", error=excerpt(type(error).__name__))
        raise FactError([problem]) from None


def _checked_bytes(path: Path, file: str) -> bytes:
    """The file's bytes, if it is a regular file within the size limit and looks like a zip."""
    place = Place(file)
    try:
        data = read_regular_bytes(path, MAX_WORKBOOK_BYTES)
    except NotReadable as error:
        if error.size is None:  # not a regular file, or the system's reason it cannot be read
            raise FactError([error.problem(path, MAX_WORKBOOK_BYTES)]) from None
        size = math.ceil(error.size / MIB)
        limit = MAX_WORKBOOK_BYTES // MIB
        raise FactError([Problem.of(place, "workbook_too_large", size=size, limit=limit)]) from None
    if data.startswith(_OLE2_MAGIC):
        code = "encrypted_workbook" if _ENCRYPTION_INFO in data else "xls_workbook"
        raise FactError([Problem.of(place, code)])
    if not data.startswith(b"PK"):
        raise FactError([Problem.of(place, "not_a_workbook")])
    return data


def _checked_archive(data: bytes, file: str) -> zipfile.ZipFile:
    """The zip, if its directory is within every limit and it holds an Office Open XML workbook."""
    place = Place(file)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise FactError([Problem.of(place, "not_a_workbook")]) from None
    problem = _archive_problem(archive, members, place)
    if problem is not None:
        archive.close()
        raise FactError([problem])
    return archive


def _archive_problem(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], place: Place
) -> Problem | None:
    if len(members) > MAX_MEMBERS:
        return Problem.of(place, "too_many_members", members=len(members), limit=MAX_MEMBERS)
    for info in members:
        if info.file_size > MAX_MEMBER_BYTES:
            return Problem.of(
                place,
                "member_too_large",
                member=excerpt(info.filename),
                limit=MAX_MEMBER_BYTES // MIB,
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > LARGE_MEMBER_BYTES and ratio > MAX_RATIO:
            return Problem.of(
                place,
                "compression_ratio",
                member=excerpt(info.filename),
                ratio=int(ratio),
                limit=MAX_RATIO,
            )
    if sum(info.file_size for info in members) > MAX_TOTAL_BYTES:
        return Problem.of(place, "workbook_inflates", limit=MAX_TOTAL_BYTES // MIB)
    return _format_problem(archive, members, place)


def _format_problem(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], place: Place
) -> Problem | None:
    names = {info.filename for info in members}
    if "mimetype" in names and archive.read("mimetype").startswith(b"application/vnd.oasis"):
        return Problem.of(place, "ods_workbook")
    if "xl/workbook.bin" in names:
        return Problem.of(place, "xlsb_workbook")
    if any(info.flag_bits & 0x1 for info in members):  # a zip password, not Excel's protection
        return Problem.of(place, "encrypted_workbook")
    if "[Content_Types].xml" not in names:
        return Problem.of(place, "not_a_workbook")
    return None
