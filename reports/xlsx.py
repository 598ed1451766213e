"""An Excel workbook: what an inspection team files, filters, and sends back to each unit.

Sheets, named in the reader's language:
- summary: the plans and the date, then the counts per plan (with the total), per area, and per
  unit (most firm failures first), the warnings, and notes on what the workbook leaves out.
  Its counts are over every finding, whatever is listed.
- findings: one row per finding listed, with the CSV report's columns (reports/csv_report.py):
  the header frozen, an autofilter, status cells coloured by conditional formatting (not met:
  red; not yet due and not enough data: amber; met: green).
- with --dossiers, the check against dossier records: the view's heading (or that every count
  agrees), then a row per reported count the records contradict, its figures as numbers.
- one sheet per unit with findings listed: the unit's counts, then its findings.

Which findings are listed: as in every human format (the options' `statuses`): those that need
attention, every one with --all, those of --only. A unit's sheet is a letter to that unit, and
the summary counts everything anyway.

Size: a sheet per unit is for a provincial report. Above MAX_UNIT_SHEETS units, the sheets are
those of the units whose findings need attention, most firm failures first, up to
MAX_UNIT_SHEETS; the summary says how many units were left without one (their findings are on
the findings sheet). A findings sheet longer than Excel's rows ends with a note saying how many
more there are. Every sheet is written with openpyxl's write-only mode, row by row.

Cells: dates are dates, numbers are numbers, and text is always a text cell: text from fact
files that starts like a formula is prefixed with `'` (as in the CSV report), and never becomes
a formula or an error value.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import date
from typing import TYPE_CHECKING

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.engine.findings import Finding
from cchc.engine.reconciliation import Discrepancy
from cchc.reports.csv_report import COLUMNS, Cell, Column, neutralised
from cchc.reports.view import (
    ATTENTION,
    DISCREPANCY_COLUMNS,
    Counts,
    RenderOptions,
    ReportView,
    Row,
    UnitSummary,
)

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

MAX_UNIT_SHEETS = 300
EXCEL_ROWS = 1_048_576
SHEET_TITLE_LENGTH = 31  # Excel's limit, in UTF-16 code units
DATE_FORMAT = "dd/mm/yyyy"  # as both catalogues write a day; Excel shows it the same everywhere
# Characters Excel refuses in a sheet's name, and control characters.
_NOT_IN_TITLE = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f-\x9f]")
# Names Excel keeps for itself, besides the summary's and findings' sheets.
_RESERVED_TITLES = ("history",)
# Excel's own "light red fill, dark red text" and its amber and green: (fill, text).
STATUS_COLOURS = {
    "fail": ("FFC7CE", "9C0006"),
    "at_risk": ("FFC7CE", "9C0006"),
    "pending": ("FFEB9C", "9C5700"),
    "missing": ("FFEB9C", "9C5700"),
    "pass": ("C6EFCE", "006100"),
}
# The columns of a unit's sheet: the unit is the sheet's, so its name is not repeated.
UNIT_SHEET_KEYS = (
    "report.rule",
    "report.title_column",
    "report.area",
    "report.strength",
    "report.period",
    "report.status",
    "report.due",
    "report.evidence",
    "report.target",
    "report.gap",
    "report.clause",
    "report.quote",
)
UNIT_COLUMNS: tuple[Column, ...] = tuple(
    next(c for c in COLUMNS if c.key == key) for key in UNIT_SHEET_KEYS
)
UNIT_TABLE_ROW = 6  # the header of a unit's findings, under its name and counts
# The summary's tables share their layout: four columns that name, then the counts.
SUMMARY_WIDTHS = (18, 44, 40, 14)
COUNT_WIDTH = 14
# The records check: unit, period, field, count, reported, recomputed, difference, dossiers.
RECONCILIATION_WIDTHS = (28, 16, 14, 22, 12, 14, 12, 80)
RECONCILIATION_TABLE_ROW = 3  # the header of its discrepancies, under the heading
BOLD = Font(bold=True)


# -- cells ------------------------------------------------------------------------------------
def _cell(sheet: WriteOnlyWorksheet, value: Cell, bold: bool = False) -> object:
    """A value as the cell it must be: text as text (never a formula or an error value), a date
    as a date shown the catalogues' way, a number as a number. A plain value where it can be:
    a cell object per value costs time on a national sheet."""
    if isinstance(value, str):
        value = neutralised(value)
        if not bold and value not in ERROR_CODES:  # "#N/A" would become an error value
            return value
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
    elif isinstance(value, date):
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DATE_FORMAT
    elif bold:
        cell = WriteOnlyCell(sheet, value)
    else:
        return value
    if bold:
        cell.font = BOLD
    return cell


def _cells(sheet: WriteOnlyWorksheet, values: Iterable[Cell]) -> list[object]:
    return [_cell(sheet, value) for value in values]


def _bold(sheet: WriteOnlyWorksheet, values: Iterable[Cell]) -> list[object]:
    return [_cell(sheet, value, bold=True) for value in values]


def _widths(sheet: WriteOnlyWorksheet, widths: Iterable[int]) -> None:
    """Column widths, set before the first row (a write-only sheet writes them first)."""
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _colour_statuses(
    sheet: WriteOnlyWorksheet,
    columns: tuple[int, int],
    first: int,
    last: int,
    texts: dict[str, str],
) -> None:
    """Colour the cells of `columns` (first, last) in rows first…last by the status the first
    of them holds: `texts` maps a status to the text its cells show there."""
    if last < first:
        return
    key = f"${get_column_letter(columns[0])}{first}"
    cells = f"{get_column_letter(columns[0])}{first}:{get_column_letter(columns[1])}{last}"
    for status, (fill, text) in STATUS_COLOURS.items():
        shown = texts[status].replace('"', '""')
        rule = FormulaRule(
            formula=[f'{key}="{shown}"'],
            fill=PatternFill(start_color=fill, end_color=fill, fill_type="solid"),
            font=Font(color=text),
        )
        sheet.conditional_formatting.add(cells, rule)


def _position(columns: tuple[Column, ...], key: str) -> int:
    """A column's number (from 1) by its header's key."""
    return next(i for i, column in enumerate(columns, start=1) if column.key == key)


def sheet_title(name: str, fallback: str, taken: set[str]) -> str:
    """A sheet's name from a unit's: without the characters Excel refuses, within its 31
    characters, not starting or ending with an apostrophe, and unlike every name in `taken`
    (compared as Excel does, ignoring case; the new name is added to it)."""
    base = _title_text(name) or _title_text(fallback) or "?"
    title, number = _fitted(base, ""), 1
    while title.casefold() in taken:
        number += 1
        title = _fitted(base, f" ({number})")
    taken.add(title.casefold())
    return title


def _title_text(text: str) -> str:
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cs", "Cc", "Cf"))
    return _NOT_IN_TITLE.sub("", text).strip().strip("'").strip()


def _fitted(base: str, suffix: str) -> str:
    """`base` cut so that it and `suffix` fit SHEET_TITLE_LENGTH UTF-16 code units."""
    room = SHEET_TITLE_LENGTH - len(suffix)
    while len(base.encode("utf-16-le")) // 2 > room:
        base = base[:-1]
    return base.rstrip().rstrip("'") + suffix


# -- the summary ------------------------------------------------------------------------------
def _count_headers(view: ReportView) -> list[str]:
    return [
        *(view.status_word(status) for status in view.shown_statuses),
        view("report.total"),
        view("report.firm_failures"),
        view("report.aspirational_failures"),
    ]


def _count_cells(view: ReportView, counts: Counts) -> list[int]:
    return [
        *(counts[status] for status in view.shown_statuses),
        counts.total,
        counts.firm_failures,
        counts.aspirational_failures,
    ]


def _summary_rows(view: ReportView, notes: list[str]) -> Iterator[tuple[str, list[Cell]]]:
    """The summary sheet's rows, each with its style: "bold" or "plain"."""
    evaluation = view.evaluation
    yield "bold", [view("report.title")]
    yield "plain", [view("xlsx.as_of"), evaluation.as_of]
    yield "plain", [view("report.engine", engine=evaluation.engine)]
    for note in notes:
        yield "plain", [note]
    yield "plain", []
    yield "bold", [view("report.by_plan")]
    headers = [view("report.plan"), view("report.document"), view("xlsx.plan_title")]
    yield "bold", [*headers, view("xlsx.issued"), *_count_headers(view)]
    for plan in evaluation.plans:
        info = plan.info
        yield (
            "plain",
            [
                plan.id,
                info.number,
                info.title,
                info.issued,
                *_count_cells(view, view.by_plan[plan.id]),
            ],
        )
    yield "bold", [view("report.total"), None, None, None, *_count_cells(view, view.total)]
    yield "plain", []
    yield from _area_rows(view)
    yield from _warning_rows(view)
    yield from _unit_rows(view)


def _area_rows(view: ReportView) -> Iterator[tuple[str, list[Cell]]]:
    yield "bold", [view("report.by_area")]
    headers = [view("report.plan"), view("csv.area_code"), view("report.area"), None]
    yield "bold", [*headers, *_count_headers(view)]
    for (plan_id, area), counts in view.by_area.items():
        name = view.area_name(area) if area else None
        yield "plain", [plan_id, area or None, name, None, *_count_cells(view, counts)]
    yield "plain", []


def _warning_rows(view: ReportView) -> Iterator[tuple[str, list[Cell]]]:
    rules = view.evaluation.rules_without_units
    if rules:
        yield "plain", [view("report.rules_without_units", rules=", ".join(rules))]
    if view.warnings:
        yield "bold", [view("report.warnings", count=view.number(len(view.warnings)))]
        for warning in view.warnings:
            yield "plain", [warning]
    if rules or view.warnings:
        yield "plain", []


def _unit_rows(view: ReportView) -> Iterator[tuple[str, list[Cell]]]:
    yield "bold", [view("report.by_unit")]
    headers = [view("csv.unit_id"), view("report.unit"), view("xlsx.unit_kind")]
    yield "bold", [*headers, view("xlsx.parent"), *_count_headers(view)]
    for unit in view.units:
        names = [unit.unit_id, unit.name, unit.kind, unit.parent]
        yield "plain", [*names, *_count_cells(view, unit.counts)]


def _write_summary(workbook: Workbook, view: ReportView, notes: list[str]) -> None:
    sheet = workbook.create_sheet(view("report.summary"))
    _widths(sheet, [*SUMMARY_WIDTHS, *[COUNT_WIDTH] * (len(view.shown_statuses) + 3)])
    for style, values in _summary_rows(view, notes):
        sheet.append(_bold(sheet, values) if style == "bold" else _cells(sheet, values))
    sheet.close()  # done with: one temporary file open at a time, however many sheets follow


# -- findings ---------------------------------------------------------------------------------
def _write_findings(
    workbook: Workbook, view: ReportView, rows: Iterable[Row], listed: int, kept: set[str]
) -> dict[str, list[Row]]:
    """The findings sheet, row by row; returns the rows of the units in `kept` (those that get
    a sheet of their own), so that each finding is worded once."""
    sheet = workbook.create_sheet(view("report.findings"))
    _widths(sheet, [column.width for column in COLUMNS])
    sheet.freeze_panes = "A2"
    sheet.append(_bold(sheet, [view(column.key) for column in COLUMNS]))
    # Below the header: every finding, or as many as leave a row for the note on the rest.
    room = EXCEL_ROWS - 1 if listed <= EXCEL_ROWS - 1 else EXCEL_ROWS - 2
    per_unit: dict[str, list[Row]] = {unit_id: [] for unit_id in kept}
    written = 0
    for row in rows:
        if written < room:
            sheet.append(_cells(sheet, [column.value(row) for column in COLUMNS]))
            written += 1
        if row.finding.unit_id in per_unit:
            per_unit[row.finding.unit_id].append(row)
    last = written + 1
    if written < listed:
        sheet.append([view("xlsx.rows_left_out", count=view.number(listed - written))])
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    # By the code, which does not depend on the language; the word beside it is coloured too.
    span = (_position(COLUMNS, "csv.status_code"), _position(COLUMNS, "report.status"))
    _colour_statuses(sheet, span, 2, last, {s: s for s in STATUSES})
    sheet.close()
    return per_unit


def _write_unit(
    workbook: Workbook, view: ReportView, unit: UnitSummary, rows: list[Row], taken: set[str]
) -> None:
    sheet = workbook.create_sheet(sheet_title(unit.name, unit.unit_id, taken))
    _widths(sheet, [column.width for column in UNIT_COLUMNS])
    sheet.freeze_panes = f"A{UNIT_TABLE_ROW + 1}"
    sheet.append(_bold(sheet, [unit.name]))
    sheet.append(_cells(sheet, [view("csv.unit_id"), unit.unit_id]))
    sheet.append(_bold(sheet, _count_headers(view)))
    sheet.append(_count_cells(view, unit.counts))
    sheet.append([])
    sheet.append(_bold(sheet, [view(column.key) for column in UNIT_COLUMNS]))
    for row in rows:
        sheet.append(_cells(sheet, [column.value(row) for column in UNIT_COLUMNS]))
    last = UNIT_TABLE_ROW + len(rows)
    sheet.auto_filter.ref = f"A{UNIT_TABLE_ROW}:{get_column_letter(len(UNIT_COLUMNS))}{last}"
    status = _position(UNIT_COLUMNS, "report.status")
    words = {s: view.status_word(s) for s in STATUSES}
    _colour_statuses(sheet, (status, status), UNIT_TABLE_ROW + 1, last, words)
    sheet.close()


# -- the check against dossier records --------------------------------------------------------
def _write_reconciliation(workbook: Workbook, view: ReportView, taken: set[str]) -> None:
    """With --dossiers: the view's heading, then a row per discrepancy (none when every
    reported count agrees). Its title joins `taken`, so that no unit's sheet takes it."""
    worded = view.reconciliation()
    if worded is None:
        return
    heading, headers, _ = worded
    title = view("reconciliation.title")
    taken.add(title.casefold())
    sheet = workbook.create_sheet(title)
    discrepancies = view.discrepancy_words()
    _widths(sheet, RECONCILIATION_WIDTHS)
    if discrepancies:  # set before the first row: a write-only sheet writes its views first
        sheet.freeze_panes = f"A{RECONCILIATION_TABLE_ROW + 1}"
    sheet.append(_bold(sheet, [heading]))
    if discrepancies:
        sheet.append([])
        sheet.append(_bold(sheet, headers))
        for discrepancy, words in discrepancies:
            sheet.append(_cells(sheet, _discrepancy_cells(discrepancy, words)))
        last = RECONCILIATION_TABLE_ROW + len(discrepancies)
        table = f"A{RECONCILIATION_TABLE_ROW}:{get_column_letter(len(headers))}{last}"
        sheet.auto_filter.ref = table
    sheet.close()


def _discrepancy_cells(discrepancy: Discrepancy, words: dict[str, str]) -> list[Cell]:
    """The view's words, but the figures as numbers (a count with no record stays worded)."""
    figures = {
        "reconciliation.column_reported": discrepancy.reported,
        "reconciliation.column_recomputed": discrepancy.recomputed,
        "reconciliation.column_difference": discrepancy.difference,
    }
    cells: list[Cell] = []
    for key in DISCREPANCY_COLUMNS:
        figure = figures.get(key)
        cells.append(figure if figure is not None else (words[key] or None))
    return cells


def sheet_units(view: ReportView, findings: list[Finding]) -> tuple[list[UnitSummary], int]:
    """The units that get a sheet, in the summary's order, and how many with findings listed
    get none (MAX_UNIT_SHEETS, module docstring)."""
    listed = {finding.unit_id for finding in findings}
    units = [unit for unit in view.units if unit.unit_id in listed]
    if len(units) <= MAX_UNIT_SHEETS:
        return units, 0
    attention = [unit for unit in units if any(unit.counts[s] for s in ATTENTION)]
    return attention[:MAX_UNIT_SHEETS], len(units) - min(len(attention), MAX_UNIT_SHEETS)


def _notes(view: ReportView, listed: int, sheets: int, left_out: int) -> list[str]:
    """What the workbook lists, and what it leaves out."""
    statuses = ", ".join(view.status_word(s) for s in view.listed_statuses)
    listing = view("report.listed", count=view.number(listed))
    notes = [f"{listing} ({statuses})" if statuses else listing]
    if left_out:
        notes.append(
            view(
                "xlsx.units_left_out",
                shown=view.number(sheets),
                count=view.number(left_out),
                sheet=view("report.findings"),
            )
        )
    if listed > EXCEL_ROWS - 1:
        notes.append(view("xlsx.rows_left_out", count=view.number(listed - (EXCEL_ROWS - 2))))
    return notes


def render(evaluation: Evaluation, options: RenderOptions) -> bytes:
    """The workbook's bytes (the CLI writes them where --output names)."""
    view = ReportView(evaluation, options)
    findings = view.listed()
    units, left_out = sheet_units(view, findings)
    workbook = Workbook(write_only=True)
    _write_summary(workbook, view, _notes(view, len(findings), len(units), left_out))
    kept = {unit.unit_id for unit in units}
    per_unit = _write_findings(workbook, view, view.rows(findings), len(findings), kept)
    taken = {view("report.summary").casefold(), view("report.findings").casefold()}
    taken.update(_RESERVED_TITLES)
    _write_reconciliation(workbook, view, taken)
    for unit in units:
        _write_unit(workbook, view, unit, per_unit[unit.unit_id], taken)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
