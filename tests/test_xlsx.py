"""The XLSX report: a summary sheet, a filterable findings sheet, a sheet per unit; dates as
dates, numbers as numbers, and no cell from a fact file ever a formula."""

from __future__ import annotations

import io
import re
from collections import Counter
from datetime import datetime

import openpyxl
import pytest
from conftest import EXAMPLE_DATES
from hostile_reports import FORMULA_LEADS, HOSTILE_NAMES, hostile
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.reports import xlsx
from cchc.reports.csv_report import COLUMNS
from cchc.reports.view import Counts, RenderOptions, ReportView
from cchc.reports.xlsx import UNIT_COLUMNS, UNIT_TABLE_ROW, sheet_title

CASES = [(folder, lang) for folder in EXAMPLE_DATES for lang in ("vi", "en")]
STATUS_COLUMN = next(i for i, c in enumerate(COLUMNS) if c.key == "csv.status_code")


# The count columns: no example is checked before sending, so none has an `at_risk` column.
SHOWN = tuple(status for status in STATUSES if status != "at_risk")


def workbook(evaluation: Evaluation, options: RenderOptions) -> Workbook:
    return openpyxl.load_workbook(io.BytesIO(xlsx.render(evaluation, options)))


def counts_row(counts: Counts) -> list[int]:
    by_status = [counts[status] for status in SHOWN]
    return [*by_status, counts.total, counts.firm_failures, counts.aspirational_failures]


def rows_of(sheet: Worksheet, first: int = 1) -> list[list[object]]:
    """Each row's values from row `first`, without the empty cells at its end."""
    rows = []
    for row in sheet.iter_rows(min_row=first, values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        rows.append(values)
    return rows


def section(sheet: Worksheet, title: str) -> list[list[object]]:
    """The rows of a summary table: under its title and its header, up to the blank row."""
    rows = rows_of(sheet)
    start = rows.index([title]) + 2
    end = rows.index([], start) if [] in rows[start:] else len(rows)
    return rows[start:end]


def unit_sheets(book: Workbook) -> list[Worksheet]:
    return book.worksheets[2:]


@pytest.mark.parametrize(("folder", "lang"), CASES)
def test_every_example_loads_back_with_its_sheets(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    options = RenderOptions(lang)
    view = ReportView(evaluation, options)
    book = workbook(evaluation, options)
    assert book.sheetnames[:2] == [view("report.summary"), view("report.findings")]
    findings = book.worksheets[1]
    listed = len(view.listed())
    assert [cell.value for cell in findings[1]] == [view(column.key) for column in COLUMNS]
    assert findings.max_row == 1 + listed
    assert findings.freeze_panes == "A2"
    assert findings.auto_filter.ref == f"A1:Y{1 + listed}"
    units = {unit.unit_id: unit for unit in view.units}
    listed_units = [unit for unit, _ in view.by_unit_rows()]
    assert len(unit_sheets(book)) == len(listed_units)
    total = 0
    for sheet, unit in zip(unit_sheets(book), listed_units, strict=True):
        assert sheet["B2"].value == unit.unit_id
        assert rows_of(sheet)[3] == counts_row(units[unit.unit_id].counts)
        header = [cell.value for cell in sheet[UNIT_TABLE_ROW]]
        assert header == [view(column.key) for column in UNIT_COLUMNS]
        total += sheet.max_row - UNIT_TABLE_ROW
    assert total == listed


@pytest.mark.parametrize(("folder", "lang"), CASES)
def test_the_summary_counts_are_the_views(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    view = ReportView(evaluation, RenderOptions(lang))
    summary = workbook(evaluation, RenderOptions(lang)).worksheets[0]
    plans = section(summary, view("report.by_plan"))
    assert [row[4:] for row in plans[:-1]] == [counts_row(c) for c in view.by_plan.values()]
    assert plans[-1] == [view("report.total"), None, None, None, *counts_row(view.total)]
    areas = section(summary, view("report.by_area"))
    assert {(row[0], row[1]): row[4:] for row in areas} == {
        key: counts_row(counts) for key, counts in view.by_area.items()
    }
    units = section(summary, view("report.by_unit"))
    assert [row[0] for row in units] == [unit.unit_id for unit in view.units]  # firm first
    assert [row[4:] for row in units] == [counts_row(unit.counts) for unit in view.units]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_with_all_every_finding_is_listed_and_coloured_by_status(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    evaluation = example_evaluations["thanh-xuan-2024"]
    view = ReportView(evaluation, RenderOptions(lang))
    findings = workbook(evaluation, RenderOptions(lang, everything=True)).worksheets[1]
    statuses = Counter(row[STATUS_COLUMN] for row in rows_of(findings, 2))
    assert statuses == Counter(view.total.by_status)
    formulas = [
        (str(ranges.sqref), rule.formula[0])
        for ranges in findings.conditional_formatting
        for rule in ranges.rules
    ]
    last = 1 + view.total.total
    expected = {f'$L2="{status}"' for status in ("fail", "at_risk", "pending", "missing", "pass")}
    assert {formula for _, formula in formulas} == expected
    assert {cells for cells, _ in formulas} == {f"L2:M{last}"}


def test_dates_are_dates_and_numbers_numbers(example_evaluations: dict[str, Evaluation]) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    book = workbook(evaluation, RenderOptions("vi", everything=True))
    summary, findings = book.worksheets[:2]
    assert summary["B2"].value == datetime(2020, 1, 15)
    keys = [column.key for column in COLUMNS]
    due, numerator = keys.index("report.due") + 1, keys.index("csv.numerator") + 1
    dues = [row[due - 1] for row in findings.iter_rows(min_row=2)]
    given = [cell for cell in dues if cell.value is not None]
    assert given and all(cell.is_date and cell.number_format == "dd/mm/yyyy" for cell in given)
    figures = [row[numerator - 1].value for row in findings.iter_rows(min_row=2)]
    assert 1843 in figures and all(f is None or isinstance(f, int) for f in figures)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hostile_text_is_never_a_formula(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    evaluation = hostile(example_evaluations["thua-thien-hue-2018"])  # 11 units, all named
    book = workbook(evaluation, RenderOptions(lang, everything=True))
    shown: set[str] = set()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type not in ("f", "e"), (sheet.title, cell.coordinate)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_LEADS), cell.value
                    shown.add(cell.value)
    assert {'\'=HYPERLINK("http://x","y")', "'@SUM(1)", "'+1", "'-2", "'\t=1"} <= shown
    assert {"#N/A", "a|b", "**bold**", "<script>alert(1)</script>"} <= shown
    titles = book.sheetnames[2:]
    assert len(titles) == len(HOSTILE_NAMES) + 1  # names are reused: 11 units, 10 names
    assert len({title.casefold() for title in titles}) == len(titles)
    assert all(not re.search(r"[\[\]:*?/\\]", title) and len(title) <= 31 for title in titles)


def test_sheet_titles_fit_excel() -> None:
    taken = {"tổng hợp"}
    long = "Ủy ban nhân dân phường Khương Đình quận Thanh Xuân"
    first, second = sheet_title(long, "kd", taken), sheet_title(long, "kd", taken)
    assert len(first) == 31 and len(second) <= 31 and second.endswith(" (2)")
    assert first.casefold() != second.casefold()
    assert sheet_title("Tổng hợp", "x", taken) == "Tổng hợp (2)"
    assert sheet_title("a[b]:c*d?e/f\\g", "x", taken) == "abcdefg"
    assert sheet_title("'quoted'", "x", taken) == "quoted"
    assert sheet_title("[]:*?", "unit-id", taken) == "unit-id"
    assert sheet_title("😀" * 20, "x", taken) == "😀" * 15  # 31 UTF-16 units at most


def test_above_the_limit_only_units_needing_attention_get_sheets(
    example_evaluations: dict[str, Evaluation], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "MAX_UNIT_SHEETS", 2)
    evaluation = example_evaluations["hanoi-2019"]
    options = RenderOptions("vi", everything=True)
    view = ReportView(evaluation, options)
    book = workbook(evaluation, options)
    assert [sheet["B2"].value for sheet in unit_sheets(book)] == ["soc-son", "so-noi-vu"]
    note = view(
        "xlsx.units_left_out",
        shown=view.number(2),
        count=view.number(len(view.units) - 2),
        sheet=view("report.findings"),
    )
    assert [note] in rows_of(book.worksheets[0])
    assert book.worksheets[1].max_row == 1 + len(evaluation.findings)


def test_a_findings_sheet_longer_than_excel_allows_says_how_many_are_left_out(
    example_evaluations: dict[str, Evaluation], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "EXCEL_ROWS", 10)
    evaluation = example_evaluations["hanoi-2019"]
    options = RenderOptions("en", everything=True)
    view = ReportView(evaluation, options)
    findings = workbook(evaluation, options).worksheets[1]
    rows = rows_of(findings)
    assert len(rows) == 10
    left_out = len(evaluation.findings) - 8
    assert rows[-1] == [view("xlsx.rows_left_out", count=view.number(left_out))]
    assert findings.auto_filter.ref == "A1:Y9"
