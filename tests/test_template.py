"""The workbook template (`cchc facts template`): sheets and columns as the plan's needs say,
rows pre-filled, validations, protection, both languages, and a round trip: the template filled
with a shipped example's report reads back as that report."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from cchc.app import InputError
from cchc.facts.periods import Period
from cchc.facts.values import parse_yes_no
from cchc.needs_app import template_bytes
from cchc.reports.template import INSTRUCTIONS, LISTS, SHEET_TITLES, TemplateUnit, write_template
from cchc.reports.wording.catalogues import language
from cchc.reports.wording.problems import word_problems
from cchc.rules.catalogue import Catalogue
from cchc.rules.needs import needs

ROOT = Path(__file__).resolve().parents[1]
THANH_XUAN = ROOT / "examples" / "thanh-xuan-2024"
PLAN = "thanh-xuan-cchc-2024"


def _book(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _names(sheet: Worksheet) -> list[str]:
    """The machine column names: row 2."""
    return [cell.value for cell in sheet[2] if cell.value is not None]


def _sheet(book: Workbook, group: str) -> Worksheet:
    return book[SHEET_TITLES[group]]


@pytest.fixture(scope="module")
def commune_template() -> bytes:
    return template_bytes(PLAN, ["2024-Q1"], kind="commune")


@pytest.fixture(scope="module")
def registry_template() -> bytes:
    return template_bytes(PLAN, ["2024-Q1"], units_file=THANH_XUAN / "units.yaml")


def test_the_sheets_are_the_instructions_then_what_a_commune_needs(
    commune_template: bytes,
) -> None:
    book = _book(commune_template)
    assert book.sheetnames[0] == INSTRUCTIONS
    assert book.sheetnames[-1] == LISTS and book[LISTS].sheet_state == "hidden"
    # A ward reports no index score and no appendix task under Thanh Xuân 2024.
    groups = ("units", "reports", "dossiers", "fields", "indicators", "duties", "events")
    assert book.sheetnames[1:-1] == [SHEET_TITLES[g] for g in groups]


def test_the_columns_are_the_needs(commune_template: bytes, catalogue: Catalogue) -> None:
    wanted = needs(catalogue, PLAN, "commune")
    book = _book(commune_template)
    assert _names(_sheet(book, "indicators")) == ["unit", "period", *wanted.names("indicators")]
    assert _names(_sheet(book, "dossiers")) == ["unit", "period", *wanted.names("dossiers")]
    assert _names(_sheet(book, "reports")) == [
        "unit",
        "period",
        "submitted",
        "data_from",
        "data_to",
    ]
    assert _names(_sheet(book, "duties")) == ["unit", "period", "duty", "done", "date", "evidence"]
    assert _names(_sheet(book, "events")) == ["unit", "period", "kind", "date", "note"]
    indicators = _names(_sheet(book, "indicators"))
    assert "payroll_public_employees" not in indicators  # the district's figure, not a ward's
    assert "thematic_submitted" not in _names(_sheet(book, "reports"))  # the divisions' report


def test_row_one_is_the_label_in_vietnamese(commune_template: bytes) -> None:
    sheet = _sheet(_book(commune_template), "dossiers")
    assert sheet["A1"].value == "Mã đơn vị" and sheet["B1"].value == "Kỳ báo cáo"
    assert sheet["A2"].value == "unit" and sheet.freeze_panes == "C3"


def test_units_and_periods_are_prefilled_and_locked(registry_template: bytes) -> None:
    sheet = _sheet(_book(registry_template), "dossiers")
    rows = [(row[0].value, row[1].value) for row in sheet.iter_rows(min_row=3)]
    # The district and its wards resolve dossiers; the divisions do not.
    assert rows == [
        ("thanh-xuan", "2024-Q1"),
        ("khuong-dinh", "2024-Q1"),
        ("nhan-chinh", "2024-Q1"),
        ("ha-dinh", "2024-Q1"),
    ]
    assert sheet.protection.sheet and sheet.protection.password is None
    assert sheet["A3"].protection.locked and sheet["B3"].protection.locked
    assert sheet["A1"].protection.locked and sheet["C2"].protection.locked
    assert not sheet["C3"].protection.locked


def test_a_figure_only_some_units_report_is_grey_and_locked_for_the_others(
    registry_template: bytes,
) -> None:
    sheet = _sheet(_book(registry_template), "indicators")
    column = _names(sheet).index("payroll_public_employees") + 1
    by_unit = {row[0].value: row[column - 1] for row in sheet.iter_rows(min_row=3)}
    assert not by_unit["thanh-xuan"].protection.locked
    assert by_unit["khuong-dinh"].protection.locked
    assert by_unit["khuong-dinh"].fill.fgColor.rgb.endswith("D9D9D9")


def test_the_field_sheet_has_a_row_per_field(commune_template: bytes) -> None:
    sheet = _sheet(_book(commune_template), "fields")
    assert [row[2].value for row in sheet.iter_rows(min_row=3)] == [
        "tai-nguyen-moi-truong",
        "ke-hoach-dau-tu",
    ]
    assert sheet["A3"].value is None and not sheet["A3"].protection.locked  # typed by the officer


def _validations(sheet: Worksheet) -> dict[str, str]:
    """{validation type (a list: its source): its cell ranges}."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        key = validation.type if validation.type != "list" else f"list {validation.formula1}"
        found[key] = str(validation.sqref)
    return found


def test_counts_are_whole_numbers_and_dates_dates(commune_template: bytes) -> None:
    book = _book(commune_template)
    dossiers = _validations(_sheet(book, "dossiers"))
    assert set(dossiers) == {"whole"}
    assert dossiers["whole"].split() == [f"{c}3" for c in "CDEFGHI"]  # resolved_total too
    (whole,) = _sheet(book, "dossiers").data_validations.dataValidation
    assert whole.operator == "greaterThanOrEqual" and whole.formula1 == "0"
    reports = _validations(_sheet(book, "reports"))
    assert reports == {"date": "C3 D3 E3"}


def test_lists_come_from_the_hidden_sheet(commune_template: bytes) -> None:
    book = _book(commune_template)
    duties = _validations(_sheet(book, "duties"))
    lists = book[LISTS]
    by_header = {cell.value: cell.column_letter for cell in lists[1]}
    duty_list = f"'{LISTS}'!${by_header['duty']}$2:${by_header['duty']}$5"
    assert duty_list in {key.removeprefix("list ") for key in duties}
    column = by_header["duty"]
    assert [lists[f"{column}{r}"].value for r in range(2, 6)] == [
        "cchc_plan_issued",
        "satisfaction_survey_held",
        "cchc_inspection_plan_issued",
        "iso_9001_applied",
    ]
    assert duties["date"].startswith("E3:")


@pytest.mark.parametrize("code", ["vi", "en"])
def test_the_yes_no_words_are_words_the_loader_accepts(code: str) -> None:
    lang = language(code)
    assert parse_yes_no(lang("template.yes")) is True
    assert parse_yes_no(lang("template.no")) is False


def test_the_instructions_quote_each_rule_verbatim(
    commune_template: bytes, catalogue: Catalogue
) -> None:
    sheet = _book(commune_template)[INSTRUCTIONS]
    text = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    for need in needs(catalogue, PLAN, "commune").items:
        assert need.name in text
        for reader in need.readers:
            assert reader.quote in text and reader.rule_id in text
    assert "Hướng dẫn điền số liệu" in text and "{" not in text
    assert sheet.protection.sheet


def test_in_english_the_sheets_take_their_machine_names(catalogue: Catalogue) -> None:
    data = template_bytes(PLAN, ["2024-Q1"], kind="commune", lang="en")
    book = _book(data)
    assert book.sheetnames[0] == INSTRUCTIONS  # the title the reader ignores, in any language
    assert "dossiers" in book.sheetnames and "Hồ sơ" not in book.sheetnames
    assert book["dossiers"]["A1"].value == "Unit id"
    text = "\n".join(str(c.value) for row in book[INSTRUCTIONS].iter_rows() for c in row if c.value)
    assert "How to fill in" in text and "{" not in text


def test_the_same_template_twice_is_the_same_bytes(commune_template: bytes) -> None:
    assert template_bytes(PLAN, ["2024-Q1"], kind="commune") == commune_template


def test_several_periods_give_a_row_each(catalogue: Catalogue) -> None:
    unit = TemplateUnit(needs(catalogue, PLAN, "commune"), "khuong-dinh", "UBND phường Khương Đình")
    data = write_template([unit], [Period.parse("2024-Q1"), Period.parse("2024-H1")])
    sheet = _sheet(_book(data), "dossiers")
    assert [row[1].value for row in sheet.iter_rows(min_row=3)] == ["2024-Q1", "2024-H1"]


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"plan_id": "no-such-plan", "periods": ["2024-Q1"], "kind": "commune"}, "--plan"),
        ({"plan_id": PLAN, "periods": ["2024-Q1"], "kind": "village"}, "--kind village"),
        ({"plan_id": PLAN, "periods": ["2024-Q1"], "kind": "city"}, "--kind city"),
        ({"plan_id": PLAN, "periods": ["2023-Q1"], "kind": "commune"}, "--period 2023-Q1"),
        ({"plan_id": PLAN, "periods": ["2024-Q5"], "kind": "commune"}, "--period 2024-Q5"),
        ({"plan_id": PLAN, "periods": ["2024-Q1"]}, "--kind, --units"),
    ],
)
def test_bad_options_are_input_errors_naming_the_option(options: dict, named: str) -> None:
    with pytest.raises(InputError) as raised:
        template_bytes(**options)
    places = [getattr(p, "place", None) for p in raised.value.problems]
    assert any(named in place.path for place in places if place is not None)
    for code in ("en", "vi"):  # worded in both languages, every placeholder filled
        lang = language(code)
        assert "{" not in lang(f"error.{raised.value.heading}")
        lines = word_problems(raised.value.problems, lang)
        assert all("{" not in line and named in line for line in lines)


# ------------------------------------------------------------------------------ the round trip


def _example_report(period: str) -> dict[str, Any]:
    document = yaml.safe_load((THANH_XUAN / "khuong-dinh.yaml").read_text(encoding="utf-8"))
    return next(r for r in document["reports"] if str(r["period"]) == period)


def _keyed_row(sheet: Worksheet, **keys: str) -> int:
    names = _names(sheet)
    for row in sheet.iter_rows(min_row=3):
        if all(row[names.index(k)].value == v for k, v in keys.items()):
            return row[0].row
    raise AssertionError(f"no row {keys} in {sheet.title}")


def _fill_keyed(sheet: Worksheet, values: dict[str, Any], **keys: str) -> None:
    row, names = _keyed_row(sheet, **keys), _names(sheet)
    for name, value in values.items():
        sheet.cell(row, names.index(name) + 1).value = value


def _fill_list(sheet: Worksheet, rows: list[dict[str, Any]]) -> None:
    names = _names(sheet)
    for offset, values in enumerate(rows):
        for name, value in values.items():
            sheet.cell(3 + offset, names.index(name) + 1).value = value


def _filled(template: bytes, report: dict[str, Any]) -> bytes:
    """The template as an officer fills it with the example's report (typed values: dates as
    dates, counts as numbers, yes as "có")."""
    book = _book(template)
    key = {"unit": report["unit"], "period": str(report["period"])}
    units = _sheet(book, "units")  # the registry: the officer's own unit, its kind given
    assert (units.cell(3, 3).value, units.cell(4, 1).value) == ("commune", None)
    units.cell(3, 1).value, units.cell(3, 2).value = report["unit"], "UBND phường Khương Đình"
    for sheet_group in ("reports", "dossiers", "indicators"):  # the officer types the unit's id
        sheet = _sheet(book, sheet_group)
        sheet.cell(_keyed_row(sheet, period=key["period"]), 1).value = report["unit"]
    dates = {k: report[k] for k in ("submitted", "data_from", "data_to")}
    _fill_keyed(_sheet(book, "reports"), dates, **key)
    _fill_keyed(_sheet(book, "dossiers"), report["dossiers"], **key)
    _fill_keyed(_sheet(book, "indicators"), report["indicators"], **key)
    for code, counts in report["dossiers_by_field"].items():
        sheet = _sheet(book, "fields")
        names = _names(sheet)
        row = next(r[0].row for r in sheet.iter_rows(min_row=3) if r[2].value == code)
        sheet.cell(row, 1).value = report["unit"]
        for name, value in counts.items():
            sheet.cell(row, names.index(name) + 1).value = value
    duties = [
        {**key, "duty": name, **{**duty, "done": "có" if duty["done"] else "không"}}
        for name, duty in report["duties"].items()
    ]
    _fill_list(_sheet(book, "duties"), duties)
    _fill_list(_sheet(book, "events"), [{**key, **event} for event in report["events"]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_filled_template_reads_back_as_the_example_report(
    commune_template: bytes, tmp_path: Path
) -> None:
    from cchc.facts import load, workbooks

    assert workbooks.SHEET_TITLES.items() >= SHEET_TITLES.items()  # the contract's titles
    report = _example_report("2024-Q1")
    path = tmp_path / "khuong-dinh-2024-Q1.xlsx"
    path.write_bytes(_filled(commune_template, report))
    from_workbook = load.load_fact_files([path])  # the workbook holds its unit: read alone
    from_yaml = load.load_fact_files([THANH_XUAN / "units.yaml", THANH_XUAN / "khuong-dinh.yaml"])
    key = ("khuong-dinh", Period.parse("2024-Q1"))
    assert from_workbook.reports.keys() == {key}
    assert from_workbook.reports[key].model_dump() == from_yaml.reports[key].model_dump()
    assert from_workbook.reports[key].submitted == date(2024, 3, 4)
