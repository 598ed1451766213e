"""Reading a Biểu 06/VPCP/KSTT export (facts/bieu06.py): the sample reads to Sóc Sơn's 2019-Q1
counts; a broken identity or total is named at its cell; unit and period from the title lines,
or from the caller."""

from __future__ import annotations

import csv
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc.facts.bieu06 import bieu06_report, field_code, is_bieu06, unit_id
from cchc.facts.problems import FactError, Place

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "examples" / "bieu06" / "soc-son-2019-Q1-bieu06.xlsx"
SHEET = "Biểu 06a"


def _csv_counts() -> dict[str, int]:
    with (ROOT / "examples" / "hanoi-2019" / "soc-son-dossiers.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["period"] == "2019-Q1")
    return {name: int(value) for name, value in row.items() if name not in ("unit", "period")}


def _edited(tmp_path: Path, edits: dict[str, object]) -> Path:
    """The sample with some cells changed (openpyxl saves cached values as written)."""
    book = load_workbook(SAMPLE)
    for ref, value in edits.items():
        book[SHEET][ref] = value
    path = tmp_path / "edited.xlsx"
    book.save(path)
    return path


def test_the_sample_reads_to_the_unit_counts_of_the_csv() -> None:
    report = bieu06_report(SAMPLE)
    expected = _csv_counts()
    assert (report["unit"], report["period"]) == ("soc-son", "2019-Q1")
    assert report["dossiers"] == {
        name: expected[name]
        for name in (
            "received_total",
            "received_online",
            "carried_over",
            "resolved_total",
            "resolved_early",
            "resolved_on_time",
            "resolved_late",
            "pending_within_due",
            "pending_past_due",
        )
    }
    # (5) is in person and postal together: given under neither name
    assert "received_in_person" not in report["dossiers"]
    assert "received_postal" not in report["dossiers"]


def test_field_rows_get_field_codes_and_add_up_to_the_totals() -> None:
    report = bieu06_report(SAMPLE)
    assert list(report["dossiers_by_field"]) == [
        "dat-dai",
        "tu-phap-ho-tich",
        "xay-dung",
        "lao-dong-thuong-binh-va-xa-hoi",
    ]
    for name, total in report["dossiers"].items():
        assert sum(f[name] for f in report["dossiers_by_field"].values()) == total


def test_field_code_and_unit_id() -> None:
    assert field_code("Tài nguyên và Môi trường") == "tai-nguyen-va-moi-truong"
    assert field_code("Đất đai") == "dat-dai"
    assert unit_id("UBND huyện Sóc Sơn") == "soc-son"
    assert unit_id("Ủy ban nhân dân phường Phúc Xá") == "phuc-xa"
    assert unit_id("Sở Nội vụ") == "so-noi-vu"


def test_an_explicit_mapping_names_a_field() -> None:
    report = bieu06_report(SAMPLE, fields={"Đất đai": "land", "xay-dung": "construction"})
    assert {"land", "construction", "tu-phap-ho-tich"} <= set(report["dossiers_by_field"])


def test_arguments_win_over_the_title_lines() -> None:
    report = bieu06_report(SAMPLE, unit="u-1", period="2019-H1")
    assert (report["unit"], report["period"]) == ("u-1", "2019-H1")


@pytest.mark.parametrize(
    ("line", "period"),
    [
        ("Kỳ báo cáo: 6 tháng đầu năm 2019", "2019-H1"),
        ("Kỳ báo cáo: 9 tháng năm 2019", "2019-9M"),
        ("Kỳ báo cáo: Tháng 3/2019", "2019-M03"),
        ("Kỳ báo cáo: Năm 2019", "2019"),
        ("Kỳ báo cáo: từ ngày 01/04/2019 đến ngày 30/06/2019", "2019-Q2"),
    ],
)
def test_the_period_is_read_from_the_title(tmp_path: Path, line: str, period: str) -> None:
    assert bieu06_report(_edited(tmp_path, {"A4": line}))["period"] == period


def test_without_unit_or_period_in_the_title_the_caller_gives_them(tmp_path: Path) -> None:
    path = _edited(tmp_path, {"A4": None, "A5": None})
    with pytest.raises(FactError) as caught:
        bieu06_report(path)
    assert [p.code for p in caught.value.problems] == ["bieu06_no_unit", "bieu06_no_period"]
    report = bieu06_report(path, unit="soc-son", period="2019-Q1")
    assert report["dossiers"]["received_total"] == 2382


def test_a_broken_identity_is_named_at_its_cell(tmp_path: Path) -> None:
    # row 12 (Đất đai): (8) early 100 -> 101 breaks (7) = (8) + (9) + (10) and the total of (8)
    path = _edited(tmp_path, {"H12": 101})
    with pytest.raises(FactError) as caught:
        bieu06_report(path)
    found = {(p.code, p.place): dict(p.values) for p in caught.value.problems}
    file = str(path)
    identity = Place(file, sheet=SHEET, cell="G12", column="resolved_total")
    assert found[("bieu06_identity", identity)] == {
        "total": "(7)",
        "value": 720,
        "parts": "(8) + (9) + (10)",
        "sum": 721,
    }
    total = Place(file, sheet=SHEET, cell="H11", column="resolved_early")
    assert found[("bieu06_total_differs", total)] == {"column": "(8)", "total": 400, "sum": 401}
    assert len(found) == 2


def test_without_a_total_row_the_totals_are_the_sum(tmp_path: Path) -> None:
    path = _edited(tmp_path, {"B11": None} | {f"{c}11": None for c in "CDEFGHIJKLM"})
    assert bieu06_report(path)["dossiers"] == bieu06_report(SAMPLE)["dossiers"]


def test_a_count_that_is_not_a_number_is_named(tmp_path: Path) -> None:
    path = _edited(tmp_path, {"D13": "1.500"})
    with pytest.raises(FactError) as caught:
        bieu06_report(path)
    places = {(p.code, p.place.cell) for p in caught.value.problems}
    assert ("count_with_separator", "D13") in places


def test_is_bieu06_tells_the_form_from_other_workbooks(tmp_path: Path) -> None:
    assert is_bieu06(SAMPLE)
    other = tmp_path / "other.xlsx"
    shutil.copy(SAMPLE, other)
    book = load_workbook(other)
    book[SHEET]["E10"] = "(x)"
    book.save(other)
    assert not is_bieu06(other)
    (tmp_path / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    assert not is_bieu06(tmp_path / "text.xlsx")


def test_the_sample_is_small_and_its_bytes_are_fixed() -> None:
    assert SAMPLE.stat().st_size < 20_000
    with zipfile.ZipFile(SAMPLE) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2019, 4, 5, 8, 0, 0)}
