"""Reading .xlsx fact workbooks (facts/workbooks.py): layouts, sheet names, every kind of cell,
formulas, and every limit and foreign format refused as a problem with a code and a place."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook

from cchc.facts.problems import FactError, Place
from cchc.facts.workbooks import MAX_ROWS, SheetRow, workbook_rows

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADER = ["unit", "period", "received_online", "resolved_on_time"]


def _rows(path: Path) -> list[SheetRow]:
    return list(workbook_rows(path))


def _problems(path: Path) -> list[tuple[str, Place]]:
    with pytest.raises(FactError) as caught:
        _rows(path)
    return [(problem.code, problem.place) for problem in caught.value.problems]


def _openpyxl_book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _cell_xml(ref: str, cell: object) -> str:
    """A cell as sheet XML: a str is inline text, an int a number, a tuple raw (attrs, inner)."""
    if isinstance(cell, tuple):
        return f'<c r="{ref}" {cell[0]}>{cell[1]}</c>'
    if isinstance(cell, int):
        return f'<c r="{ref}"><v>{cell}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(cell))}</t></is></c>'


def _raw_book(path: Path, sheets: dict[str, list[list[object]]], styles: str = "") -> Path:
    """A minimal .xlsx written directly: cells exactly as given (a formula with or without its
    cached value, an error, a styled date) and fast for many rows."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{PKG}"><Relationship Id="r1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        entries, rels = [], []
        for number, (title, rows) in enumerate(sheets.items(), start=1):
            entries.append(f'<sheet name="{escape(title)}" sheetId="{number}" r:id="s{number}"/>')
            rels.append(
                f'<Relationship Id="s{number}" Type="{REL}/worksheet" '
                f'Target="worksheets/sheet{number}.xml"/>'
            )
            archive.writestr(f"xl/worksheets/sheet{number}.xml", _sheet_xml(rows))
        if styles:
            rels.append(f'<Relationship Id="st" Type="{REL}/styles" Target="styles.xml"/>')
            archive.writestr("xl/styles.xml", f'<styleSheet xmlns="{MAIN}">{styles}</styleSheet>')
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{"".join(entries)}</sheets>'
            "</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{PKG}">{"".join(rels)}</Relationships>',
        )
    return path


def _sheet_xml(rows: list[list[object]]) -> str:
    body = []
    for number, row in enumerate(rows, start=1):
        cells = "".join(
            _cell_xml(f"{chr(65 + i)}{number}", cell) for i, cell in enumerate(row) if cell != ""
        )
        body.append(f'<row r="{number}">{cells}</row>')
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def test_a_plain_workbook_and_a_template_read_to_the_same_rows(tmp_path: Path) -> None:
    data = [["soc-son", "2019-Q1", 312, 1443], ["ba-dinh", "2019-Q1", 20, 30]]
    plain = _openpyxl_book(tmp_path / "plain.xlsx", {"dossiers": [HEADER, *data]})
    labels = ["Đơn vị", "Kỳ báo cáo", "Trực tuyến", "Đúng hạn"]
    template = _openpyxl_book(
        tmp_path / "template.xlsx",
        {"Hướng dẫn": [["Điền số liệu vào các trang"]], "Hồ sơ": [labels, HEADER, *data]},
    )
    plain_rows, template_rows = _rows(plain), _rows(template)
    assert [r.values() for r in plain_rows] == [r.values() for r in template_rows]
    assert plain_rows[0].values() == {
        "unit": "soc-son",
        "period": "2019-Q1",
        "received_online": "312",
        "resolved_on_time": "1443",
    }
    assert [(r.table, r.row) for r in plain_rows] == [("dossiers", 2), ("dossiers", 3)]
    assert [(r.sheet, r.row) for r in template_rows] == [("Hồ sơ", 3), ("Hồ sơ", 4)]
    assert template_rows[1].place("t.xlsx", "received_online") == Place(
        "t.xlsx", sheet="Hồ sơ", cell="C4", column="received_online"
    )


@pytest.mark.parametrize("title", ["dossiers", "DOSSIERS ", "Hồ sơ", "hồ sơ", "Ho\u0302\u0300 sơ"])
def test_a_sheet_is_named_by_its_table_or_its_vietnamese_title(tmp_path: Path, title: str) -> None:
    path = _openpyxl_book(tmp_path / "f.xlsx", {title: [HEADER, ["u", "2019", 1, 2]]})
    assert [row.table for row in _rows(path)] == ["dossiers"]


def test_every_kind_of_cell_becomes_text(tmp_path: Path) -> None:
    header = ["unit", "period", "kind", "date", "inspected", "note"]
    rows = [
        ["u", 2019, "inspection", date(2019, 3, 1), True, "  a note  "],
        ["u", 2019.0, "inspection", datetime(2019, 3, 2), False, 1.5],
    ]
    path = _openpyxl_book(tmp_path / "f.xlsx", {"Sự kiện": [header, *rows]})
    assert [row.values() for row in _rows(path)] == [
        {"unit": "u", "period": "2019", "kind": "inspection", "date": "2019-03-01"}
        | {"inspected": "true", "note": "a note"},
        {"unit": "u", "period": "2019", "kind": "inspection", "date": "2019-03-02"}
        | {"inspected": "false", "note": "1.5"},
    ]


def test_a_date_with_a_time_of_day_is_refused(tmp_path: Path) -> None:
    header = ["unit", "period", "kind", "date"]
    rows = [header, ["u", 2019, "inspection", datetime(2019, 3, 2, 10, 30)]]
    path = _openpyxl_book(tmp_path / "f.xlsx", {"events": rows})
    assert _problems(path) == [("time_in_date", Place(str(path), sheet="events", cell="D2"))]


def test_a_formula_gives_its_cached_value_and_one_without_is_refused(tmp_path: Path) -> None:
    cached = ("", "<f>1+1</f><v>2</v>")
    text_result = ('t="str"', "<f>A1</f><v>soc-son</v>")
    path = _raw_book(tmp_path / "ok.xlsx", {"dossiers": [HEADER, [text_result, "2019", cached]]})
    assert _rows(path)[0].values() == {"unit": "soc-son", "period": "2019", "received_online": "2"}
    uncached = ("", "<f>SUM(C3:C9)</f><v></v>")
    path = _raw_book(tmp_path / "no.xlsx", {"dossiers": [HEADER, ["u", "2019", uncached]]})
    assert _problems(path) == [
        ("formula_without_value", Place(str(path), sheet="dossiers", cell="C2"))
    ]


def test_an_empty_text_result_of_a_formula_is_an_empty_cell(tmp_path: Path) -> None:
    empty = ('t="str"', '<f>IF(1,"","x")</f><v></v>')
    path = _raw_book(tmp_path / "f.xlsx", {"dossiers": [HEADER, ["u", "2019", empty, 4]]})
    assert _rows(path)[0].values() == {"unit": "u", "period": "2019", "resolved_on_time": "4"}


def test_an_error_value_is_refused(tmp_path: Path) -> None:
    error = ('t="e"', "<f>1/0</f><v>#DIV/0!</v>")
    path = _raw_book(tmp_path / "f.xlsx", {"dossiers": [HEADER, ["u", "2019", 1, error]]})
    assert _problems(path) == [("error_value", Place(str(path), sheet="dossiers", cell="D2"))]


def test_a_styled_date_serial_is_a_date(tmp_path: Path) -> None:
    styles = (
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs>'
    )
    header = ["unit", "period", "submitted"]
    rows = [header, ["u", "2019", ('s="1"', "<v>43480</v>")]]
    path = _raw_book(tmp_path / "f.xlsx", {"reports": rows}, styles)
    assert _rows(path)[0].values()["submitted"] == "2019-01-15"


def test_an_unknown_sheet_is_named_and_ignored_sheets_are_not(tmp_path: Path) -> None:
    sheets = {"_lists": [["x"]], "Hướng dẫn": [["y"]], "Sheet1": [["z"]], "dossiers": [HEADER]}
    path = _openpyxl_book(tmp_path / "f.xlsx", sheets)
    assert _problems(path) == [("unknown_sheet", Place(str(path), sheet="Sheet1"))]


def test_an_empty_data_sheet_is_fine(tmp_path: Path) -> None:
    path = _openpyxl_book(tmp_path / "f.xlsx", {"dossiers": [], "units": [["id", "name", "kind"]]})
    assert _rows(path) == []


def test_header_problems_are_named_at_their_cells(tmp_path: Path) -> None:
    rows = [["unit", "period", "recieved_online", "unit"], ["u", "2019", 1, "v"]]
    path = _openpyxl_book(tmp_path / "f.xlsx", {"dossiers": rows})
    problems = _problems(path)
    assert problems == [("unknown_column", Place(str(path), sheet="dossiers", cell="C1"))]
    path = _openpyxl_book(tmp_path / "g.xlsx", {"dossiers": [["unit", "unit"], ["u", "v"]]})
    assert [code for code, _ in _problems(path)] == ["missing_column", "duplicate_column"]


def test_a_cell_outside_the_header_is_refused(tmp_path: Path) -> None:
    path = _openpyxl_book(tmp_path / "f.xlsx", {"dossiers": [HEADER, ["u", "2019", 1, 2, 99]]})
    assert _problems(path) == [
        ("cell_outside_columns", Place(str(path), sheet="dossiers", cell="E2"))
    ]


def test_too_many_rows_stops_reading(tmp_path: Path) -> None:
    """A row numbered past the limit stops reading at once: rows are counted by number, so a
    file cannot skip the count by leaving rows out."""
    path = _raw_book(tmp_path / "long.xlsx", {"dossiers": [HEADER]})
    header = "".join(_cell_xml(f"{chr(65 + i)}1", name) for i, name in enumerate(HEADER))
    rows = f'<row r="1">{header}</row><row r="2">{_cell_xml("A2", "u")}</row>'
    last = MAX_ROWS + 4  # below a header of up to 3 rows
    rows += f'<row r="{last}">{_cell_xml(f"A{last}", "u")}</row>'
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    _replace_member(path, "xl/worksheets/sheet1.xml", sheet)
    assert _problems(path) == [("too_many_rows", Place(str(path), sheet="dossiers"))]


def test_a_cell_far_to_the_right_is_too_many_columns(tmp_path: Path) -> None:
    path = _raw_book(tmp_path / "wide.xlsx", {"dossiers": [HEADER]})
    far = '<row r="2"><c r="XFD2"><v>1</v></c></row>'
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{far}</sheetData></worksheet>'
    _replace_member(path, "xl/worksheets/sheet1.xml", sheet)
    assert [code for code, _ in _problems(path)] == ["too_many_columns"]


def _replace_member(path: Path, name: str, text: str) -> None:
    with zipfile.ZipFile(path) as source:
        members = {info.filename: source.read(info) for info in source.infolist()}
    members[name] = text.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member, data in members.items():
            target.writestr(member, data)


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _raw_book(tmp_path / "bomb.xlsx", {"dossiers": [HEADER]})
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/zeros.bin", bytes(8 * 1024 * 1024))  # ~8 KiB on disk
    assert path.stat().st_size < 100_000
    assert _problems(path) == [("compression_ratio", Place(str(path)))]


def test_a_huge_member_is_refused_before_parsing(tmp_path: Path) -> None:
    path = _raw_book(tmp_path / "huge.xlsx", {"dossiers": [HEADER]})
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet2.xml", "w", force_zip64=True) as member,
    ):
        chunk = b" " * (16 * 1024 * 1024)
        for _ in range(13):  # 208 MiB of spaces
            member.write(chunk)
    assert [code for code, _ in _problems(path)] == ["member_too_large"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"unit,period\nsoc-son,2019\n", "not_a_workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "xls_workbook"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptionInfo".encode("utf-16-le"),
            "encrypted_workbook",
        ),
        (b"PK\x03\x04 not really a zip", "not_a_workbook"),
    ],
)
def test_a_file_that_is_not_an_xlsx_is_refused(tmp_path: Path, content: bytes, code: str) -> None:
    path = tmp_path / "facts.xlsx"
    path.write_bytes(content)
    assert _problems(path) == [(code, Place(str(path)))]


def test_an_ods_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "facts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert _problems(path) == [("ods_workbook", Place(str(path)))]


def test_a_dtd_is_refused_and_broken_xml_is_a_problem(tmp_path: Path) -> None:
    path = _raw_book(tmp_path / "dtd.xlsx", {"dossiers": [HEADER]})
    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>'
    _replace_member(path, "xl/worksheets/sheet1.xml", laughs)
    assert _problems(path) == [("unsafe_xml", Place(str(path)))]
    path = _raw_book(tmp_path / "broken.xlsx", {"dossiers": [HEADER]})
    _replace_member(path, "xl/worksheets/sheet1.xml", f'<worksheet xmlns="{MAIN}"><sheetData><row>')
    assert _problems(path) == [("unreadable_workbook", Place(str(path), sheet="dossiers"))]


def test_a_missing_file_is_a_problem(tmp_path: Path) -> None:
    """Worded by facts/files.py, as for any fact file that cannot be read."""
    path = tmp_path / "absent.xlsx"
    assert [place for _, place in _problems(path)] == [Place(str(path))]
