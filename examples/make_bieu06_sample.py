"""Build soc-son-2019-Q1-bieu06.xlsx: Sóc Sơn's 2019-Q1 dossier counts as a Biểu 06a/VPCP/KSTT.

The figures are those of examples/hanoi-2019/soc-son-dossiers.csv for 2019-Q1, split across four
fields of procedures so that each column adds up to the unit's totals; the split is invented.
The layout follows the form: title lines naming the period and the unit, merged headers over
three rows, a row of column numbers (1)…(13), the total row, then one row per field.

The bytes are the same on every run: the workbook's timestamps and every zip entry's date are
fixed. Run: .venv/bin/python examples/make_bieu06_sample.py
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

OUTPUT = Path(__file__).parent / "bieu06" / "soc-son-2019-Q1-bieu06.xlsx"
STAMP = datetime(2019, 4, 5, 8, 0, 0)  # the day the quarter's report was due, as a fixed time
ZIP_DATE = (2019, 4, 5, 8, 0, 0)

# (field, (4) online, (5) in person or postal, (6) carried over, (8) early, (9) on time,
# (10) late, (12) pending within due, (13) pending past due); (3), (7), (11) are computed.
FIELDS = [
    ("Đất đai", 60, 700, 180, 100, 540, 80, 190, 30),
    ("Tư pháp - Hộ tịch", 150, 600, 20, 200, 500, 10, 55, 5),
    ("Xây dựng", 40, 250, 50, 40, 200, 12, 80, 8),
    ("Lao động - Thương binh và Xã hội", 62, 256, 14, 60, 203, 5, 64, 0),
]
TITLE_LINES = [
    "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT",
    "Kỳ báo cáo: Quý I/2019 (từ ngày 01/01/2019 đến ngày 31/03/2019)",
    "Đơn vị: UBND huyện Sóc Sơn",
]
# (range, text) of the merged headers, rows 7 to 9
HEADERS = [
    ("A7:A9", "STT"),
    ("B7:B9", "Lĩnh vực giải quyết"),
    ("C7:F7", "Số hồ sơ nhận giải quyết"),
    ("G7:J7", "Kết quả giải quyết: số hồ sơ đã giải quyết"),
    ("K7:M7", "Số hồ sơ đang giải quyết"),
    ("C8:C9", "Tổng số"),
    ("D8:F8", "Trong đó"),
    ("G8:G9", "Tổng số"),
    ("H8:J8", "Trong đó"),
    ("K8:K9", "Tổng số"),
    ("L8:M8", "Trong đó"),
    ("D9", "Số mới tiếp nhận trực tuyến"),
    ("E9", "Số mới tiếp nhận trực tiếp hoặc qua dịch vụ bưu chính công ích"),
    ("F9", "Số kỳ trước chuyển qua"),
    ("H9", "Giải quyết trước hạn"),
    ("I9", "Giải quyết đúng hạn"),
    ("J9", "Giải quyết quá hạn"),
    ("L9", "Chưa đến hạn"),
    ("M9", "Quá hạn"),
]
NUMBERS_ROW, FIRST_ROW = 10, 11


def counts(online, in_person_or_postal, carried, early, on_time, late, within, past):
    """The thirteen columns' (3)…(13) values of one row, totals computed."""
    resolved, pending = early + on_time + late, within + past
    received = online + in_person_or_postal + carried
    assert received == resolved + pending, "each row keeps (3) = (7) + (11)"
    row = [received, online, in_person_or_postal, carried, resolved, early, on_time, late]
    return [*row, pending, within, past]


def build() -> Workbook:
    book = Workbook()
    sheet = book.active
    sheet.title = "Biểu 06a"
    _title(sheet)
    _headers(sheet)
    rows = [counts(*figures) for _, *figures in FIELDS]
    totals = [sum(column) for column in zip(*rows, strict=True)]
    _row(sheet, FIRST_ROW, "", "Tổng cộng", totals, bold=True)
    for offset, ((name, *_), values) in enumerate(zip(FIELDS, rows, strict=True), start=1):
        _row(sheet, FIRST_ROW + offset, offset, name, values)
    sheet.column_dimensions["B"].width = 34
    book.properties.creator = "cchc examples/make_bieu06_sample.py"
    book.properties.created = STAMP
    return book


def _title(sheet: Worksheet) -> None:
    sheet["A1"] = "UBND HUYỆN SÓC SƠN"
    sheet["J1"] = "Biểu số 06a/VPCP/KSTT"
    for row, text in enumerate(TITLE_LINES, start=3):
        sheet.merge_cells(f"A{row}:M{row}")
        sheet[f"A{row}"] = text
        sheet[f"A{row}"].alignment = Alignment(horizontal="center")
    sheet["A3"].font = Font(bold=True)
    sheet["K6"] = "Đơn vị tính: Số hồ sơ"


def _headers(sheet: Worksheet) -> None:
    for cells, text in HEADERS:
        if ":" in cells:
            sheet.merge_cells(cells)
        corner = sheet[cells.split(":")[0]]
        corner.value = text
        corner.font = Font(bold=True)
        corner.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for column in range(1, 14):
        cell = sheet.cell(NUMBERS_ROW, column, f"({column})")
        cell.alignment = Alignment(horizontal="center")
        cell.font = Font(italic=True)


def _row(sheet: Worksheet, row: int, stt: object, name: str, values: list[int], bold=False):
    thin = Side(style="thin")
    for column, value in enumerate([stt, name, *values], start=1):
        cell = sheet.cell(row, column, value if value != "" else None)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        cell.font = Font(bold=bold)


def deterministic(data: bytes) -> bytes:
    """The same workbook with its modification time and every zip entry's date fixed."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                fixed = STAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                content = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + fixed, content)
            entry = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


def main() -> None:
    buffer = io.BytesIO()
    build().save(buffer)
    OUTPUT.write_bytes(deterministic(buffer.getvalue()))
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
