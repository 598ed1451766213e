"""Read a Biểu 06/VPCP/KSTT export (06a, by unit) as one unit's dossier counts for one period.

The form (shared/DOMAIN-DOSSIERS.md): rows by field of procedures (lĩnh vực), columns (1) STT,
(2) the field's name, (3)…(13) the counts. Real exports put merged, multi-row headers above a row
of column numbers "(1) (2) (3) …": that row is what this reader looks for (in the first
SCAN_ROWS rows of the first sheet that has it), whatever the headers above it say.

Below it: a row named "Tổng cộng" / "Tổng số" is the unit's totals, checked against the sum of
the field rows; without one, the totals are that sum. A row whose STT is a Roman numeral or a
single capital letter (I, II, A, B) is a group heading, skipped: an 06a export of one unit has
none, and counting one would count its fields twice. An empty count cell, or "-", is 0. Every row
must keep the form's identities: (3) = (4)+(5)+(6) = (7)+(11); (7) = (8)+(9)+(10);
(11) = (12)+(13). A broken one is a problem at the total's cell, naming both numbers.

Which cchc names the columns become:
    (3) received_total   (4) received_online   (6) carried_over
    (7) resolved_total   (8) resolved_early    (9) resolved_on_time   (10) resolved_late
    (12) pending_within_due                    (13) pending_past_due
Column (5) counts dossiers received in person AND by post together. cchc keeps those apart
(received_in_person, received_postal), and rules read each: a postal share divides
received_postal by the three channels. Putting (5) under received_in_person would make
received_in_person overstate and, with received_postal absent, let a rule that treats a missing
part as zero compute a wrong share. So (5) is given under neither name: the rules that need the
split report missing data, which is true; (3), which includes (5), is given as received_total,
so every total and share over all received dossiers stays exact. One exception is exact: when
(5) is 0, both parts are 0 and are given. (11) has no cchc name (pending is read as its two
parts); it is only checked. A vocabulary word for (5) (`received_in_person_or_postal`) would let
the figure through.

Unit and period: the `unit` and `period` arguments win; otherwise the title lines above the
header are read: "Kỳ báo cáo: Quý I/2019" (also "6 tháng đầu năm 2019", "9 tháng năm 2019",
"Tháng 3/2019", "Năm 2019", or "Từ ngày 01/01/2019 đến ngày 31/03/2019" when the dates span a
period) and "Đơn vị: UBND huyện Sóc Sơn" (never "Đơn vị tính"), whose name becomes an id by
dropping "UBND"/"Ủy ban nhân dân" and the level word (huyện, quận, thị xã, thành phố, phường, xã,
thị trấn) and spelling the rest as a field code: "soc-son". The loader checks the id is a unit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from cchc.facts.periods import Period, PeriodError
from cchc.facts.problems import FactError, Place, Problem
from cchc.facts.values import excerpt, parse_count
from cchc.facts.workbooks import Cell, WorkbookReader

SCAN_ROWS = 40  # the column-number row is within the first rows of a sheet
COUNT_COLUMNS = range(3, 14)  # (3)…(13)
NAMES: dict[int, str] = {
    3: "received_total",
    4: "received_online",
    6: "carried_over",
    7: "resolved_total",
    8: "resolved_early",
    9: "resolved_on_time",
    10: "resolved_late",
    12: "pending_within_due",
    13: "pending_past_due",
}
# (total, parts): each row must have total = sum of parts
IDENTITIES: tuple[tuple[int, tuple[int, ...]], ...] = (
    (3, (4, 5, 6)),
    (3, (7, 11)),
    (7, (8, 9, 10)),
    (11, (12, 13)),
)
_NUMBER_LABEL = re.compile(r"\(?\s*([0-9]{1,2})\s*\)?")
_GROUP_STT = re.compile(r"(?:[IVX]+|[A-Z])\.?")
_LEVEL_WORDS = ("thi xa", "thi tran", "thanh pho", "huyen", "quan", "phuong", "xa")


@dataclass
class _Columns:
    """0-based column indexes: the STT, the name and each numbered count column."""

    stt: int
    name: int
    counts: dict[int, int]


@dataclass
class _Row:
    number: int
    name: str
    counts: dict[int, int]
    refs: dict[int, str] = field(default_factory=dict)


def field_code(name: str) -> str:
    """A field's name as a cchc field code: lower-case ASCII with hyphens, diacritics dropped
    ("Tài nguyên và Môi trường" → "tai-nguyen-va-moi-truong")."""
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


def fold(text: str) -> str:
    """Lower case without diacritics, one character for one ("Đơn vị" → "don vi"), so a match
    in the folded text is at the same place in the original."""
    return "".join(_fold_char(ch) for ch in unicodedata.normalize("NFC", text))


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0].lower()
    return base if len(base) == 1 else ch


def is_bieu06(path: Path) -> bool:
    """Whether the workbook holds a Biểu 06 sheet (a row of column numbers (3)…(13)); False
    for anything unreadable, which the table reader then names."""
    try:
        with WorkbookReader(path) as book:
            return any(_find_header(book, title) is not None for title in book.titles)
    except FactError:
        return False


def bieu06_report(
    path: Path,
    unit: str | None = None,
    period: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The unit's report fragment: {"unit", "period", "dossiers", "dossiers_by_field"}.
    `fields` maps a field's name as written (or its derived code) to a cchc field code. Raises
    FactError with every problem of the file."""
    with WorkbookReader(path) as book:
        found = next(
            (
                (title, header)
                for title in book.titles
                if (header := _find_header(book, title)) is not None
            ),
            None,
        )
        if found is None:
            book.fail(Problem.of(Place(book.file), "bieu06_not_found"))
        title, (titles, columns, rows) = found  # type: ignore[misc]
        place = Place(book.file, sheet=title)
        report = _Reader(book, title, columns, fields or {}).read(rows)
        report = {"unit": unit, "period": period, **report}
        if unit is None:
            report["unit"] = _title_unit(titles) or _missing(book, place, "bieu06_no_unit")
        if period is None:
            report["period"] = _title_period(titles) or _missing(book, place, "bieu06_no_period")
        book.raise_problems()
    return report


def _missing(book: WorkbookReader, place: Place, code: str) -> None:
    book.add(Problem.of(place, code))


Header = tuple[list[str], _Columns, Iterator[tuple[int, list[Cell | None]]]]


def _find_header(book: WorkbookReader, title: str) -> Header | None:
    """The title lines above the column-number row, the columns, and the rows below it."""
    rows = book.rows(title)
    lines: list[str] = []
    for number, cells in rows:
        if number > SCAN_ROWS:
            return None
        columns = _numbered_columns(cells)
        if columns is not None:
            return lines, columns, rows
        lines.append(" ".join(cell.text for cell in cells if cell is not None))
    return None


def _numbered_columns(cells: list[Cell | None]) -> _Columns | None:
    numbers: dict[int, int] = {}
    for index, cell in enumerate(cells):
        match = _NUMBER_LABEL.fullmatch(cell.text) if cell is not None else None
        if match:
            numbers.setdefault(int(match.group(1)), index)
    counts = {k: numbers[k] for k in COUNT_COLUMNS if k in numbers}
    positions = list(counts.values())
    if len(counts) != len(COUNT_COLUMNS) or positions != sorted(set(positions)):
        return None
    name = numbers.get(2, counts[3] - 1)
    return _Columns(numbers.get(1, name - 1), name, counts)


class _Reader:
    def __init__(
        self, book: WorkbookReader, title: str, columns: _Columns, fields: Mapping[str, str]
    ) -> None:
        self.book = book
        self.title = title
        self.columns = columns
        self.fields = {_key(name): code for name, code in fields.items()}

    def read(self, rows: Iterator[tuple[int, list[Cell | None]]]) -> dict[str, Any]:
        total: _Row | None = None
        by_field: dict[str, _Row] = {}
        for number, cells in rows:
            row = self._row(number, cells)
            if row is None:
                continue
            self._check_identities(row)
            if fold(row.name).startswith("tong"):
                total = total or row
            else:
                self._add_field(row, by_field)
        if total is None and not by_field:
            self.book.add(Problem.of(Place(self.book.file, sheet=self.title), "bieu06_no_rows"))
            return {}
        totals = self._totals(total, list(by_field.values()))
        return {
            "dossiers": _named(totals),
            "dossiers_by_field": {code: _named(row.counts) for code, row in by_field.items()},
        }

    def _row(self, number: int, cells: list[Cell | None]) -> _Row | None:
        """A field or total row; None for a blank row, a sub-heading or a group heading."""

        def text(index: int) -> str:
            cell = cells[index] if 0 <= index < len(cells) else None
            return "" if cell is None else cell.text

        name, stt = text(self.columns.name), text(self.columns.stt)
        row = _Row(number, name, {})
        for k, index in self.columns.counts.items():
            cell = cells[index] if index < len(cells) else None
            row.refs[k] = cell.ref if cell is not None else f"?{number}"
            if cell is not None and cell.text != "-":
                row.counts[k] = self._count(cell, k)
        if not name or not row.counts or _GROUP_STT.fullmatch(stt):
            return None
        row.counts = {k: row.counts.get(k, 0) for k in COUNT_COLUMNS}
        return row

    def _count(self, cell: Cell, k: int) -> int:
        try:
            return parse_count(cell.text)
        except ValueError as error:
            code = getattr(error, "type", "count_not_a_number")
            values = dict(getattr(error, "context", None) or {"value": excerpt(cell.text)})
            self.book.add(Problem.of(self._place(cell.ref, k), code, **values))
            return 0

    def _place(self, ref: str, k: int) -> Place:
        return Place(self.book.file, sheet=self.title, cell=ref, column=NAMES.get(k, f"({k})"))

    def _check_identities(self, row: _Row) -> None:
        for total, parts in IDENTITIES:
            found = sum(row.counts[k] for k in parts)
            if row.counts[total] != found:
                problem = Problem.of(
                    self._place(row.refs[total], total),
                    "bieu06_identity",
                    total=f"({total})",
                    value=row.counts[total],
                    parts=" + ".join(f"({k})" for k in parts),
                    sum=found,
                )
                self.book.add(problem)

    def _add_field(self, row: _Row, by_field: dict[str, _Row]) -> None:
        code = self.fields.get(_key(row.name)) or self.fields.get(field_code(row.name))
        code = code or field_code(row.name)
        place = Place(
            self.book.file, sheet=self.title, cell=f"{_col(self.columns.name)}{row.number}"
        )
        if not code:
            self.book.add(Problem.of(place, "bieu06_no_field_code", name=excerpt(row.name)))
        elif code in by_field:
            first = by_field[code].number
            self.book.add(Problem.of(place, "bieu06_duplicate_field", code=code, first=first))
        else:
            by_field[code] = row

    def _totals(self, total: _Row | None, rows: list[_Row]) -> dict[int, int]:
        sums = {k: sum(row.counts[k] for row in rows) for k in COUNT_COLUMNS}
        if total is None:
            return sums
        for k in COUNT_COLUMNS:
            if rows and total.counts[k] != sums[k]:
                problem = Problem.of(
                    self._place(total.refs[k], k),
                    "bieu06_total_differs",
                    column=f"({k})",
                    total=total.counts[k],
                    sum=sums[k],
                )
                self.book.add(problem)
        return total.counts


def _named(counts: dict[int, int]) -> dict[str, int]:
    named = {NAMES[k]: counts[k] for k in NAMES}
    if counts[5] == 0:  # (5) is in person + postal: only 0 splits exactly
        named |= {"received_in_person": 0, "received_postal": 0}
    return named


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _col(index: int) -> str:
    return get_column_letter(index + 1)


# --- The title lines ------------------------------------------------------------------------

_UNIT_LINE = re.compile(r"\bdon vi(?: bao cao)?\s*:\s*(.+)")
_PERIOD_LINE = re.compile(r"\bky bao cao\s*:?\s*(.+)")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_PERIOD_FORMS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"quy\s+(iv|i{1,3}|[1-4])\s*(?:/|nam|-)\s*([0-9]{4})"), "Q"),
    (re.compile(r"6\s*thang\s*(?:dau\s*)?(?:nam\s*)?/?\s*([0-9]{4})"), "H1"),
    (re.compile(r"6\s*thang\s*cuoi\s*(?:nam\s*)?/?\s*([0-9]{4})"), "H2"),
    (re.compile(r"9\s*thang\s*(?:dau\s*)?(?:nam\s*)?/?\s*([0-9]{4})"), "9M"),
    (re.compile(r"thang\s*([0-9]{1,2})\s*(?:/|nam)\s*([0-9]{4})"), "M"),
)
_RANGE = re.compile(r"tu ngay\s*([0-9/.-]+)\s*den ngay\s*([0-9/.-]+)")
_YEAR = re.compile(r"\bnam\s*([0-9]{4})\b")


def _title_unit(lines: list[str]) -> str | None:
    for line in lines:
        folded = fold(line)
        match = _UNIT_LINE.search(folded)
        if match and not folded[match.start() :].startswith("don vi tinh"):
            return unit_id(line[match.start(1) :]) or None
    return None


def unit_id(name: str) -> str:
    """A unit's name as an id: "UBND huyện Sóc Sơn" → "soc-son", "Sở Nội vụ" → "so-noi-vu"."""
    words = fold(name).strip()
    for prefix in ("uy ban nhan dan", "ubnd"):
        words = words.removeprefix(prefix).strip()
    for level in _LEVEL_WORDS:
        if words.startswith(level + " "):
            words = words[len(level) :].strip()
            break
    return field_code(words)


def _title_period(lines: list[str]) -> str | None:
    folded = [fold(line) for line in lines]
    chosen = [m.group(1) for line in folded if (m := _PERIOD_LINE.search(line))] or folded
    for text in chosen:
        period = _period_of(text)
        if period is not None:
            return period
    return None


def _period_of(text: str) -> str | None:
    for pattern, part in _PERIOD_FORMS:
        match = pattern.search(text)
        if match is None:
            continue
        if part == "Q":
            number = _ROMAN.get(match.group(1)) or int(match.group(1))
            return f"{match.group(2)}-Q{number}"
        if part == "M":
            month = int(match.group(1))
            return f"{match.group(2)}-M{month:02d}" if 1 <= month <= 12 else None
        return f"{match.group(1)}-{part}"
    spanned = _spanned_period(text)
    if spanned is not None:
        return spanned
    year = _YEAR.search(text)
    return year.group(1) if year else None


def _spanned_period(text: str) -> str | None:
    """The period whose first and last days are the range's ("từ ngày … đến ngày …")."""
    match = _RANGE.search(text)
    if match is None:
        return None
    try:
        first, last = (_day(match.group(i)) for i in (1, 2))
    except ValueError:
        return None
    parts = ("Y", "H1", "H2", "9M", "Q1", "Q2", "Q3", "Q4", *(f"M{m:02d}" for m in range(1, 13)))
    for part in parts:
        try:
            period = Period(first.year, part)
        except PeriodError:
            continue
        if (period.start, period.end) == (first, last):
            return str(period)
    return None


def _day(text: str) -> date:
    day, month, year = (int(part) for part in re.split(r"[/.-]", text.strip(".")))
    return date(year, month, day)
