"""Dossier records -> Biểu 06 counts (facts/dossiers): every count and option on hand-made
records, each record problem, each file format and the mapping file, and a property test
against a plain-Python reading of the contract (/work/notes/dossier-spec.md)."""

from __future__ import annotations

import csv
import json
from bisect import bisect_right
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.facts.dossiers import (
    COUNT_NAMES,
    Derivation,
    DeriveOptions,
    DossierError,
    Mapping,
    checks,
    derive_counts,
    explain,
    spark_sql,
)
from cchc.facts.dossiers.definitions import REASONS, counts_sql, explain_sql, rank_sql
from cchc.facts.load import facts_from_document, load_fact_files
from cchc.facts.periods import Period
from cchc.reports.dossiers import explained
from cchc.reports.wording import language

HEADER = [
    "MaHoSo",
    "MaTTHC",
    "MaLinhVuc",
    "DonViXuLy",
    "KenhThucHien",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "TrangThaiHoSo",
    "HinhThuc",
    "MucDo",
    "SoLanBoSung",
    "SoNgayChoBoSung",
]
BASE = {
    "MaTTHC": "1.000001",
    "MaLinhVuc": "F1",
    "DonViXuLy": "U1",
    "KenhThucHien": "2",
    "NgayTiepNhan": "20190305080000",
    "NgayHenTra": "20190310170000",
    "NgayKetThucXuLy": "",
    "NgayTra": "",
    "TrangThaiHoSo": "4",
    "HinhThuc": "0",
    "MucDo": "3",
    "SoLanBoSung": "0",
    "SoNgayChoBoSung": "0",
}
Q1 = "2019-Q1"


def rec(dossier: str, **values: str) -> dict[str, str]:
    return {"MaHoSo": dossier, **BASE, **values}


def ended(dossier: str, end: str, **values: str) -> dict[str, str]:
    """A finished dossier (status 10) that ended and was returned on `end`."""
    return rec(dossier, TrangThaiHoSo="10", NgayKetThucXuLy=end, NgayTra=end, **values)


def write_csv(
    folder: Path,
    records: list[dict[str, str]],
    name: str = "dossiers.csv",
    delimiter: str = ",",
    header: list[str] = HEADER,
    bom: bool = False,
) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows([[record.get(column, "") for column in header] for record in records])
    return path


def derive(
    folder: Path,
    records: list[dict[str, str]],
    periods: tuple[str, ...] = (Q1,),
    mapping: Any = None,
    **options: Any,
) -> Derivation:
    path = write_csv(folder, records)
    return derive_counts(
        [path], [Period.parse(p) for p in periods], DeriveOptions(**options), mapping
    )


def counts(
    derivation: Derivation, unit: str = "U1", period: str = Q1, field: str | None = None
) -> dict[str, int]:
    """The row's counts, only those not zero (all zero when there is no row)."""
    for row in derivation.counts.iter_rows(named=True):
        if (row["unit"], row["period"], row["field"]) == (unit, period, field):
            return {name: row[name] for name in COUNT_NAMES if row[name]}
    return {}


def problem_codes(derivation: Derivation) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.code) for p in derivation.record_problems]


# --- received, carried over ---------------------------------------------------------------


def test_received_by_channel_in_the_period(tmp_path: Path) -> None:
    records = [
        rec("A", KenhThucHien="1"),
        rec("B", KenhThucHien="2"),
        rec("C", KenhThucHien="3"),
        rec("D", NgayTiepNhan="20190401", NgayHenTra="20190405"),  # next quarter
    ]
    assert counts(derive(tmp_path, records)) == {
        "received_in_person": 1,
        "received_online": 1,
        "received_postal": 1,
        "received_total": 3,
        "pending_past_due": 3,  # due 10 March, open on 31 March
    }


def test_carried_over_is_received_before_the_period_and_not_ended_before_it(
    tmp_path: Path,
) -> None:
    records = [
        rec("open", NgayTiepNhan="20181220", NgayHenTra="20190415"),
        ended("ended-before", "20181231235959", NgayTiepNhan="20181220", NgayHenTra="20190105"),
        ended("ended-first-day", "20190101000000", NgayTiepNhan="20181220", NgayHenTra="20190105"),
    ]
    derivation = derive(tmp_path, records)
    assert counts(derivation) == {
        "carried_over": 2,
        "received_total": 2,
        "resolved_early": 1,
        "resolved_total": 1,
        "pending_within_due": 1,
        "returned_total": 1,
    }


# --- resolved: by day, never by time of day -----------------------------------------------


@pytest.mark.parametrize(
    ("end", "judged"),
    [
        ("20190309235959", "resolved_early"),
        ("20190310000000", "resolved_on_time"),  # the due day itself, at any time
        ("20190310235959", "resolved_on_time"),
        ("2019-03-10T23:59:59", "resolved_on_time"),
        ("20190311000001", "resolved_late"),
    ],
)
def test_early_on_time_and_late_by_day(tmp_path: Path, end: str, judged: str) -> None:
    derivation = derive(tmp_path, [ended("A", end, NgayHenTra="20190310080000")])
    assert counts(derivation)[judged] == 1
    assert counts(derivation)["resolved_total"] == 1


def test_no_due_date_is_on_time(tmp_path: Path) -> None:
    derivation = derive(tmp_path, [ended("A", "20190320", NgayHenTra="")])
    assert counts(derivation)["resolved_on_time"] == 1


def test_a_status_that_does_not_end_a_dossier_has_no_end_even_with_a_date(
    tmp_path: Path,
) -> None:
    record = rec("A", TrangThaiHoSo="4", NgayKetThucXuLy="20190306", NgayHenTra="20190330")
    assert counts(derive(tmp_path, [record])) == {
        "received_online": 1,
        "received_total": 1,
        "pending_past_due": 1,
    }


# --- open at the period's end ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("record", "judged"),
    [
        (rec("A", NgayHenTra="20190331"), "pending_within_due"),  # due on the last day
        (rec("A", NgayHenTra="20190330"), "pending_past_due"),
        (rec("A", NgayHenTra=""), "pending_within_due"),
        (rec("A", NgayHenTra="20190315", TrangThaiHoSo="5"), "pending_within_due"),
        (rec("A", NgayHenTra="20190315", TrangThaiHoSo="6"), "pending_within_due"),
        (ended("A", "20190405", NgayHenTra="20190315"), "pending_past_due"),  # ended later
        (ended("A", "20190405", NgayHenTra="20190410"), "pending_within_due"),
    ],
)
def test_open_at_the_periods_end(tmp_path: Path, record: dict[str, str], judged: str) -> None:
    derivation = derive(tmp_path, [record])
    assert counts(derivation)[judged] == 1
    assert counts(derivation).get("resolved_total", 0) == 0


# --- supplements ------------------------------------------------------------------------------


def test_days_waiting_for_a_supplement_move_the_due_date(tmp_path: Path) -> None:
    record = ended("A", "20190312", NgayHenTra="20190310", SoLanBoSung="1", SoNgayChoBoSung="3")
    assert counts(derive(tmp_path, [record]))["resolved_early"] == 1
    counted = derive(tmp_path, [record], supplement_wait="counted")
    assert counts(counted)["resolved_late"] == 1


def test_more_than_one_supplement_request_is_late(tmp_path: Path) -> None:
    record = ended("A", "20190306", NgayHenTra="20190310", SoLanBoSung="2")
    assert counts(derive(tmp_path, [record]))["resolved_late"] == 1
    judged = derive(tmp_path, [record], repeated_supplements="judged")
    assert counts(judged)["resolved_early"] == 1


# --- withdrawn and refused --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "option", "choice", "expected"),
    [
        ("7", "withdrawn", "judged", {"resolved_late": 1}),
        ("7", "withdrawn", "on-time", {"resolved_on_time": 1}),
        ("7", "withdrawn", "excluded", {}),
        ("8", "refused", "judged", {"resolved_late": 1}),
        ("8", "refused", "excluded", {}),
    ],
)
def test_withdrawn_and_refused_under_each_option(
    tmp_path: Path, status: str, option: str, choice: str, expected: dict[str, int]
) -> None:
    record = rec("A", TrangThaiHoSo=status, NgayKetThucXuLy="20190315", NgayHenTra="20190310")
    found = counts(derive(tmp_path, [record], **{option: choice}))
    resolved = {
        k: v for k, v in found.items() if k.startswith("resolved_") and k != "resolved_total"
    }
    assert resolved == expected
    assert found.get("received_total", 0) == len(expected)


def test_statuses_1_and_3_are_ignored_not_problems(tmp_path: Path) -> None:
    records = [
        rec("A", TrangThaiHoSo="1", NgayTiepNhan=""),
        rec("B", TrangThaiHoSo="3", DonViXuLy=""),
        rec("A", TrangThaiHoSo="2"),  # not a duplicate of an ignored record
    ]
    derivation = derive(tmp_path, records)
    assert (derivation.rows_read, derivation.rows_ignored, derivation.rows_bad) == (3, 2, 0)
    assert counts(derivation)["received_total"] == 1
    assert derivation.record_problems == []


# --- which date ends a dossier ----------------------------------------------------------------


def test_processing_ended_or_returned(tmp_path: Path) -> None:
    records = [
        rec("A", TrangThaiHoSo="10", NgayKetThucXuLy="20190310", NgayTra="20190312", HinhThuc="1"),
        rec("B", TrangThaiHoSo="9", NgayKetThucXuLy="20190308", NgayTra=""),
    ]
    default = counts(derive(tmp_path, records))
    assert default["resolved_on_time"] == 1 and default["resolved_early"] == 1
    assert default["returned_total"] == 1 and default["returned_postal"] == 1
    returned = counts(derive(tmp_path, records, end_date="returned"))
    # A ends when returned (late); B, finished but not yet returned, is still open.
    assert returned["resolved_late"] == 1
    assert returned["pending_past_due"] == 1
    assert returned["resolved_total"] == 1


# --- record problems --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "column", "code", "values"),
    [
        ({"MaHoSo": ""}, "MaHoSo", "missing_value", {}),
        ({"DonViXuLy": ""}, "DonViXuLy", "missing_value", {}),
        ({"DonViXuLy": "U 1"}, "DonViXuLy", "bad_unit_code", {"value": "U 1"}),
        ({"NgayTiepNhan": ""}, "NgayTiepNhan", "missing_value", {}),
        ({"NgayTiepNhan": "05/03/2019"}, "NgayTiepNhan", "bad_date", {"value": "05/03/2019"}),
        ({"NgayHenTra": "20190230"}, "NgayHenTra", "bad_date", {"value": "20190230"}),
        ({"NgayTra": "18000101"}, "NgayTra", "bad_date", {"value": "18000101"}),
        ({"TrangThaiHoSo": "11"}, "TrangThaiHoSo", "unknown_status", {"value": "11"}),
        ({"TrangThaiHoSo": ""}, "TrangThaiHoSo", "missing_value", {}),
        ({"KenhThucHien": "4"}, "KenhThucHien", "unknown_channel", {"value": "4"}),
        ({"KenhThucHien": ""}, "KenhThucHien", "missing_value", {}),
        ({"HinhThuc": "x"}, "HinhThuc", "unknown_code", {"value": "x"}),
        ({"MaLinhVuc": "--"}, "MaLinhVuc", "bad_field_code", {"value": "--"}),
        ({"SoLanBoSung": "two"}, "SoLanBoSung", "bad_number", {"value": "two"}),
        (
            {"NgayHenTra": "20190301"},
            "NgayHenTra",
            "due_before_receipt",
            {"received": "2019-03-05", "due": "2019-03-01"},
        ),
        (
            {"TrangThaiHoSo": "10", "NgayKetThucXuLy": "20190304"},
            "NgayKetThucXuLy",
            "end_before_receipt",
            {"received": "2019-03-05", "ended": "2019-03-04"},
        ),
        ({"TrangThaiHoSo": "9"}, "NgayKetThucXuLy", "missing_end_date", {"status": 9}),
    ],
)
def test_each_record_problem(
    tmp_path: Path, changes: dict[str, str], column: str, code: str, values: dict[str, Any]
) -> None:
    good = rec("GOOD")
    derivation = derive(tmp_path, [good, {**rec("BAD"), **changes}], bad_row_limit=1)
    (problem,) = derivation.record_problems
    assert (problem.row, problem.column, problem.code, problem.values) == (2, column, code, values)
    assert problem.file == str(tmp_path / "dossiers.csv")
    assert derivation.rows_bad == 1
    assert counts(derivation)["received_total"] == 1  # only the good one


def test_a_duplicate_mahoso_every_copy_after_the_first(tmp_path: Path) -> None:
    records = [rec("A"), rec("B"), rec("A", KenhThucHien="1"), rec("A", KenhThucHien="3")]
    derivation = derive(tmp_path, records, bad_row_limit=1)
    assert problem_codes(derivation) == [
        (3, "MaHoSo", "duplicate_dossier"),
        (4, "MaHoSo", "duplicate_dossier"),
    ]
    assert derivation.record_problems[0].values == {
        "first_file": str(tmp_path / "dossiers.csv"),
        "first_row": 1,
    }
    assert counts(derivation)["received_online"] == 2


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from("ABC"),  # MaHoSo
            st.sampled_from(["4", "4", "1", "3"]),  # 1 and 3: not under resolution
            st.booleans(),  # with another problem (an unknown channel)
            st.integers(0, 1),  # which of two files
        ),
        max_size=12,
    )
)
def test_every_later_copy_of_a_mahoso_and_only_those_are_duplicates(
    tmp_path: Path, rows: list[tuple[str, str, bool, int]]
) -> None:
    """The first copy is the first under resolution by file, then row, whatever else is wrong
    with it; a record not under resolution is no one's copy."""
    files: list[list[dict[str, str]]] = [[], []]
    for dossier, status, unknown_channel, file in rows:
        channel = {"KenhThucHien": "9"} if unknown_channel else {}
        files[file].append(rec(dossier, TrangThaiHoSo=status, **channel))
    paths = [write_csv(tmp_path, records, f"{n}.csv") for n, records in enumerate(files)]
    first: dict[str, tuple[str, int]] = {}
    later, counted = [], set()
    for path, records in zip(paths, files, strict=True):
        for row, record in enumerate(records, start=1):
            if record["TrangThaiHoSo"] in ("1", "3"):
                continue
            if record["MaHoSo"] in first:
                later.append((str(path), row, *first[record["MaHoSo"]]))
            else:
                first[record["MaHoSo"]] = (str(path), row)
                if record["KenhThucHien"] != "9":
                    counted.add((str(path), row))
    derivation = derive_counts(paths, [Period.parse(Q1)], DeriveOptions(bad_row_limit=1))
    found = [
        (p.file, p.row, p.values["first_file"], p.values["first_row"])
        for p in derivation.record_problems
        if p.code == "duplicate_dossier"
    ]
    assert found == later
    assert counts(derivation).get("received_total", 0) == len(counted)
    shown = explain(paths, "U1", Q1)
    assert set(zip(shown["file"], shown["row"], strict=True)) == counted


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.one_of(st.none(), st.sampled_from(["A", "B", "C", " A", "a", ""])),  # MaHoSo
            st.sampled_from([None, 1, 3, 4, 4, 7]),  # 1 and 3: not under resolution
        ),
        max_size=30,
    )
)
def test_both_ways_of_finding_candidates_give_the_fingerprints_given_more_than_once(
    rows: list[tuple[str | None, int | None]],
) -> None:
    """DuckDB sorts the fingerprints, Spark groups them: both give those of the MaHoSo found
    more than once among the records under resolution, and no other."""
    connection = duckdb.connect()
    connection.execute("CREATE TABLE records (dossier VARCHAR, status INTEGER)")
    if rows:
        connection.executemany("INSERT INTO records VALUES (?, ?)", rows)
    seen: dict[str, int] = {}
    for dossier, status in rows:
        if dossier is not None and status not in checks.IGNORED_STATUSES:
            seen[dossier] = seen.get(dossier, 0) + 1
    given_twice = [dossier for dossier, times in seen.items() if times > 1]
    expected = {
        connection.execute(f"SELECT {checks.fingerprint('?')}", [dossier]).fetchone()[0]
        for dossier in given_twice
    }
    for way in ("sorting", "grouping"):
        found = connection.execute(checks.candidates_select(way)).fetchall()
        assert sorted(fingerprint for (fingerprint,) in found) == sorted(expected), way


def test_mahoso_that_share_a_fingerprint_are_told_apart_by_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Duplicates are looked for among the records whose MaHoSo's 64-bit fingerprint is given
    more than once; two different MaHoSo with the same one must not pass for copies. A
    fingerprint of the first letter only makes every MaHoSo here share one: the copies are
    told apart by their text."""
    monkeypatch.setattr(checks, "fingerprint", lambda text: f"hash(left({text}, 1))")
    records = [rec("A1"), rec("A2"), rec("A1", KenhThucHien="1"), rec("A3"), rec("A2")]
    derivation = derive(tmp_path, records, bad_row_limit=1)
    assert problem_codes(derivation) == [
        (3, "MaHoSo", "duplicate_dossier"),
        (5, "MaHoSo", "duplicate_dossier"),
    ]
    assert [p.values["first_row"] for p in derivation.record_problems] == [1, 2]
    assert counts(derivation)["received_online"] == 3


def test_too_many_bad_rows_stop_the_run(tmp_path: Path) -> None:
    records = [rec(f"D{i}") for i in range(99)] + [rec("BAD", KenhThucHien="9")]
    assert derive(tmp_path, records).rows_bad == 1  # 1 of 100: at the 1% limit
    with pytest.raises(DossierError) as raised:
        derive(tmp_path, [*records, rec("BAD2", KenhThucHien="9")])
    assert raised.value.code == "too_many_bad_rows"
    assert raised.value.values == {"bad": 2, "read": 101, "allowed": 1}
    assert [p.code for p in raised.value.problems] == ["unknown_channel"] * 2
    with pytest.raises(DossierError):
        derive(tmp_path, records, bad_row_limit=0)


def test_the_listed_problems_are_capped_and_all_counted(tmp_path: Path) -> None:
    records = [rec(f"D{i}", KenhThucHien="9") for i in range(1200)]
    derivation = derive(tmp_path, records, bad_row_limit=1)
    assert len(derivation.record_problems) == 1000
    assert derivation.problems_total == 1200
    assert derivation.problem_counts == {"unknown_channel": 1200}


# --- files ------------------------------------------------------------------------------------


def test_csv_with_semicolons_and_a_bom(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [rec("A"), rec("B")], delimiter=";", bom=True)
    derivation = derive_counts([path], [Period.parse(Q1)])
    assert counts(derivation)["received_online"] == 2


def test_an_unreadable_csv_line_is_a_bad_row_named_by_its_line(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [rec("A"), rec("B")])
    path.write_text(path.read_text() + ",".join(["too-many-cells"] * 20) + "\n")
    derivation = derive_counts([path], [Period.parse(Q1)], DeriveOptions(bad_row_limit=1))
    (problem,) = derivation.record_problems
    assert (problem.row, problem.code, problem.values["line"]) == (None, "unreadable_row", 4)
    assert (derivation.rows_read, derivation.rows_bad) == (3, 1)


def test_parquet_with_typed_dates_and_a_list_of_supplements(tmp_path: Path) -> None:
    path = tmp_path / "dossiers.parquet"
    duckdb.execute(
        f"""COPY (SELECT * FROM (VALUES
          ('A', 'F1', 'U1', 2, TIMESTAMP '2019-03-05 08:00:00', DATE '2019-03-10',
           DATE '2019-03-12', DATE '2019-03-12', 10, 0,
           [{{'NgayBoSung': '20190306', 'NgayTiepNhanBoSung': '20190309'}}])
        ) AS t(MaHoSo, MaLinhVuc, DonViXuLy, KenhThucHien, NgayTiepNhan, NgayHenTra,
               NgayKetThucXuLy, NgayTra, TrangThaiHoSo, HinhThuc, DanhSachHoSoBoSung))
        TO '{path}' (FORMAT parquet)"""
    )
    derivation = derive_counts([path], [Period.parse(Q1)])
    assert counts(derivation)["resolved_early"] == 1  # due 10 March + 3 days waited
    assert counts(derivation, field="f1")["resolved_early"] == 1


def json_record(dossier: str, supplements: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {
        "MaHoSo": dossier,
        "MaLinhVuc": "F1",
        "DonViXuLy": "U1",
        "KenhThucHien": 2,
        "NgayTiepNhan": "20190305080000",
        "NgayHenTra": "20190310170000",
        "NgayKetThucXuLy": "20190312100000",
        "NgayTra": "20190312100000",
        "TrangThaiHoSo": 10,
        "HinhThuc": 1,
        "DanhSachHoSoBoSung": supplements,
    }


def test_json_array_and_ndjson_with_nested_supplements(tmp_path: Path) -> None:
    one = [{"NgayBoSung": "20190306", "NgayTiepNhanBoSung": "20190308"}]
    two = one * 2
    records = [json_record("A", one), json_record("B", two), json_record("C", None)]
    array = tmp_path / "a.json"
    array.write_text(json.dumps(records))
    lines = tmp_path / "b.ndjson"
    lines.write_text("\n".join(json.dumps(r | {"MaHoSo": r["MaHoSo"] + "2"}) for r in records))
    derivation = derive_counts([array, lines], [Period.parse(Q1)])
    # A: due 10 + 2 days = 12: on time; B: two requests: late; C: no supplements: late.
    assert counts(derivation) == {
        "received_online": 6,
        "received_total": 6,
        "resolved_on_time": 2,
        "resolved_late": 4,
        "resolved_total": 6,
        "returned_total": 6,
        "returned_postal": 6,
    }


@pytest.mark.parametrize(
    ("supplements", "column", "code"),
    [
        ({"NgayBoSung": "x"}, "DanhSachHoSoBoSung", "bad_supplements"),
        ([{"NgayBoSung": "2019-3-6"}], "DanhSachHoSoBoSung[0].NgayBoSung", "bad_date"),
        (
            [{"NgayBoSung": "20190306"}, {"NgayBoSung": "20190307", "NgayTiepNhanBoSung": "x"}],
            "DanhSachHoSoBoSung[1].NgayTiepNhanBoSung",
            "bad_date",
        ),
        (
            [{"NgayBoSung": "20190307", "NgayTiepNhanBoSung": "20190306"}],
            "DanhSachHoSoBoSung[0].NgayTiepNhanBoSung",
            "supplement_before_request",
        ),
    ],
)
def test_supplement_problems(tmp_path: Path, supplements: Any, column: str, code: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([json_record("A", supplements)]))
    derivation = derive_counts([path], [Period.parse(Q1)], DeriveOptions(bad_row_limit=1))
    assert problem_codes(derivation) == [(1, column, code)]


def test_supplements_as_json_text_in_a_csv_column(tmp_path: Path) -> None:
    header = [*HEADER[:12], "DanhSachHoSoBoSung"]
    wait = json.dumps([{"NgayBoSung": "20190306", "NgayTiepNhanBoSung": "20190309"}])
    record = ended("A", "20190312", NgayHenTra="20190310", DanhSachHoSoBoSung=wait)
    path = write_csv(tmp_path, [record, rec("B", DanhSachHoSoBoSung="[1")], header=header)
    derivation = derive_counts([path], [Period.parse(Q1)], DeriveOptions(bad_row_limit=1))
    assert counts(derivation)["resolved_early"] == 1
    assert problem_codes(derivation) == [(2, "DanhSachHoSoBoSung", "bad_supplements")]


def test_an_iso_date_with_an_offset_is_read_in_vietnamese_time(tmp_path: Path) -> None:
    record = ended("A", "2019-03-10T18:00:00Z", NgayHenTra="20190310")  # 11 March, 01:00 +07
    assert counts(derive(tmp_path, [record]))["resolved_late"] == 1


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("broken.json", '[{"MaHoSo": "A",', "unreadable_file"),
        ("dossiers.xlsx", "", "unknown_file_type"),
    ],
)
def test_a_file_that_cannot_be_read(tmp_path: Path, name: str, text: str, code: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(DossierError) as raised:
        derive_counts([path, tmp_path / "absent.csv"], [Period.parse(Q1)])
    assert [(p.file, p.code) for p in raised.value.problems] == [
        (str(path), code),
        (str(tmp_path / "absent.csv"), "file_not_found"),
    ]


def test_a_missing_required_column_names_the_file_and_the_column(tmp_path: Path) -> None:
    header = [c for c in HEADER if c not in ("NgayHenTra", "SoLanBoSung", "SoNgayChoBoSung")]
    path = write_csv(tmp_path, [rec("A")], header=header)
    with pytest.raises(DossierError) as raised:
        derive_counts([path], [Period.parse(Q1)])
    assert [(p.file, p.column, p.code) for p in raised.value.problems] == [
        (str(path), "NgayHenTra", "missing_column"),
        (str(path), "DanhSachHoSoBoSung", "missing_column"),
    ]
    # Neither the wait nor the number of requests matters: no supplement column is needed.
    path = write_csv(
        tmp_path, [rec("A")], header=[c for c in header if c != "MucDo"] + ["NgayHenTra"]
    )
    options = DeriveOptions(supplement_wait="counted", repeated_supplements="judged")
    assert counts(derive_counts([path], [Period.parse(Q1)], options))["received_total"] == 1


# --- the mapping file ---------------------------------------------------------------------------

VENDOR = {
    "MaHoSo": "so_ho_so",
    "DonViXuLy": "don_vi",
    "KenhThucHien": "kenh",
    "MaLinhVuc": "linh_vuc",
}


def vendor_file(folder: Path, records: list[dict[str, str]]) -> Path:
    header = [VENDOR.get(column, column) for column in HEADER]
    renamed = [{VENDOR.get(k, k): v for k, v in record.items()} for record in records]
    return write_csv(folder, renamed, header=header)


def test_a_mapping_renames_columns_and_maps_codes_units_and_fields(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(
        """
columns: {so_ho_so: MaHoSo, don_vi: DonViXuLy, kenh: KenhThucHien, linh_vuc: MaLinhVuc}
values:
  KenhThucHien: {DVC: 2, TT: 1}
units:
  "000.01": so-tu-phap
  "000.02": {id: so-noi-vu, name: Sở Nội vụ, kind: department}
fields:
  G09.TP: tu-phap
""",
        encoding="utf-8",
    )
    records = [
        rec("A", KenhThucHien="DVC", DonViXuLy="000.01", MaLinhVuc="G09.TP"),
        rec("B", KenhThucHien="TT", DonViXuLy="000.02", MaLinhVuc="G09.TN 01"),
        rec("C", KenhThucHien="BC", DonViXuLy="000.02", MaLinhVuc="G09.TN 01"),
    ]
    path = vendor_file(tmp_path, records)
    options = DeriveOptions(bad_row_limit=1)
    derivation = derive_counts([path], [Period.parse(Q1)], options, mapping)
    assert counts(derivation, "so-tu-phap", field="tu-phap")["received_online"] == 1
    assert counts(derivation, "so-noi-vu", field="g09-tn-01")["received_in_person"] == 1
    assert problem_codes(derivation) == [(3, "kenh", "unknown_channel")]
    document = derivation.as_fact_document()
    assert document["units"] == [{"id": "so-noi-vu", "name": "Sở Nội vụ", "kind": "department"}]


@pytest.mark.parametrize(
    ("text", "file_is_mapping", "column", "code"),
    [
        ("columns: {so_ho_so: MaHoSoo}", True, "columns.so_ho_so", "mapping_unknown_target"),
        (
            "columns: {so_ho_so: MaHoSo, don_vi: MaHoSo}",
            True,
            "columns.don_vi",
            "mapping_duplicate_target",
        ),
        ("columns: {absent: MaHoSo}", False, "absent", "mapping_missing_source"),
        ("columns: [so_ho_so]", True, "columns", "mapping_bad_shape"),
        ("colums: {}", True, "colums", "mapping_unknown_key"),
        ("values: {NgayTra: {a: 1}}", True, "values.NgayTra", "mapping_unknown_target"),
        (
            "values: {KenhThucHien: {DVC: online}}",
            True,
            "values.KenhThucHien.DVC",
            "mapping_bad_value",
        ),
        ("units: {U1: so tu phap}", True, "units.U1.id", "mapping_bad_value"),
        ("units: {U1: {id: u, kind: ministry}}", True, "units.U1.kind", "mapping_bad_value"),
        ("fields: {F1: Tư pháp}", True, "fields.F1", "mapping_bad_value"),
        ("columns: {a: [", True, None, "mapping_bad_yaml"),
    ],
)
def test_each_mapping_error_names_the_file_and_the_key(
    tmp_path: Path, text: str, file_is_mapping: bool, column: str | None, code: str
) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text, encoding="utf-8")
    path = write_csv(tmp_path, [rec("A")])
    with pytest.raises(DossierError) as raised:
        derive_counts([path], [Period.parse(Q1)], DeriveOptions(), mapping)
    problem = raised.value.problems[0]
    assert (problem.file, problem.column, problem.code) == (
        str(mapping if file_is_mapping else path),
        column,
        code,
    )


def test_the_example_mapping_file_is_valid() -> None:
    example = Path(__file__).parents[1] / "facts" / "dossiers" / "mapping-example.yaml"
    mapping = Mapping.load(example)
    assert mapping.columns["kenh_nop"] == "KenhThucHien"
    assert mapping.values["KenhThucHien"]["DVC"] == "2"


# --- output -------------------------------------------------------------------------------------


def test_the_fact_document_loads_with_cchcs_own_loader(tmp_path: Path) -> None:
    records = [
        ended("A", "20190309", HinhThuc="1"),
        rec("B", DonViXuLy="U2", KenhThucHien="1", MaLinhVuc="F2"),
        rec("C", NgayTiepNhan="20181201", NgayHenTra="20181210"),
    ]
    derivation = derive(tmp_path, records, periods=(Q1, "2019-M03", "2019"))
    written = tmp_path / "derived.json"
    written.write_text(json.dumps(derivation.as_fact_document()), encoding="utf-8")
    units = tmp_path / "units.yaml"
    units.write_text(
        "units:\n- {id: U1, name: Unit 1, kind: district}\n"
        "- {id: U2, name: Unit 2, kind: commune}\n"
    )
    facts = load_fact_files([units, written])
    for row in derivation.counts.iter_rows(named=True):
        report = facts.report(row["unit"], Period.parse(row["period"]))
        assert report is not None
        loaded = report.dossiers if row["field"] is None else report.dossiers_by_field[row["field"]]
        assert loaded == {name: row[name] for name in COUNT_NAMES}
    document = derivation.as_fact_document()
    document["units"] = [{"id": u, "name": u, "kind": "district"} for u in ("U1", "U2")]
    assert len(facts_from_document(document).reports) == len(facts.reports) == 6


def test_fully_online_is_an_indicator_when_asked_for(tmp_path: Path) -> None:
    records = [rec("A", MucDo="4"), rec("B", MucDo="4", KenhThucHien="1"), rec("C")]
    derivation = derive(tmp_path, records, fully_online=True)
    assert derivation.counts["dossiers_fully_online"].to_list() == [1, 1]
    report = derivation.as_fact_document()["reports"][0]
    assert report["indicators"] == {"dossiers_fully_online": 1}
    assert "dossiers_fully_online" not in derive(tmp_path, records).counts.columns


def test_explain_lists_the_dossiers_behind_the_counts(tmp_path: Path) -> None:
    records = [
        ended("late", "20190312", NgayHenTra="20190310"),
        ended("early", "20190308", NgayHenTra="20190310"),
        rec("carried", NgayTiepNhan="20181220", NgayHenTra="20190105"),
        rec("other-unit", DonViXuLy="U2"),
    ]
    path = write_csv(tmp_path, records)
    table = explain([path], "U1", Q1)
    judged = sorted(zip(table["dossier"].to_list(), table["judged"].to_list(), strict=True))
    assert judged == [
        ("carried", "carried_over"),
        ("carried", "pending_past_due"),
        ("early", "early"),
        ("late", "late"),
    ]
    reasons = dict(zip(table["judged"].to_list(), table["reason"].to_list(), strict=True))
    assert reasons == {
        "carried_over": "carried_over",
        "pending_past_due": "open_past_due",
        "early": "ended_before_due",
        "late": "ended_after_due",
    }


@pytest.mark.parametrize("code", ["en", "vi"])
def test_explain_words_each_reason_with_its_dates(tmp_path: Path, code: str) -> None:
    records = [
        ended("late", "20190312", NgayHenTra="20190310"),
        ended("waited", "20190320", NgayHenTra="20190310", SoNgayChoBoSung="4"),
        ended("twice", "20190305", NgayHenTra="20190310", SoLanBoSung="2"),
        rec("open", NgayHenTra="20190410"),
    ]
    lang = language(code)
    table = explained(explain([write_csv(tmp_path, records)], "U1", Q1), lang)
    why = dict(zip(table["dossier"].to_list(), table["reason"].to_list(), strict=True))
    assert table.columns[-1] == "reason" and "period_to" not in table.columns
    day = lang.day
    assert day(date(2019, 3, 12)) in why["late"] and day(date(2019, 3, 10)) in why["late"]
    # due 10 March plus 4 days waiting: the day counted and the day given, and the 4 days
    assert all(part in why["waited"] for part in (day(date(2019, 3, 14)), day(date(2019, 3, 10))))
    assert " 4 " in why["waited"]
    assert " 2 " in why["twice"]  # two supplement requests
    assert day(date(2019, 3, 31)) in why["open"] and day(date(2019, 4, 10)) in why["open"]


def test_every_reason_has_words_in_both_languages() -> None:
    for code in ("en", "vi"):
        lang = language(code)
        for reason in REASONS:
            assert f"dossiers.reason.{reason}" in lang.messages, (code, reason)


def test_progress_is_reported_a_step_per_stage_as_codes(tmp_path: Path) -> None:
    steps: list[tuple[str, dict[str, object]]] = []
    path = write_csv(tmp_path, [rec("A")])
    derive_counts([path], [Period.parse(Q1)], progress=lambda code, **v: steps.append((code, v)))
    assert steps == [
        ("reading", {"path": str(path)}),
        ("read", {"rows": 1, "path": str(path)}),
        ("checking", {}),
        ("counting", {"periods": 1}),
        ("counted", {"rows": 2}),  # the unit's total and its one field
    ]
    for code in ("en", "vi"):  # each step has its words
        assert all(f"progress.{step}" in language(code).messages for step, _ in steps)


@pytest.mark.parametrize(
    "options",
    [
        DeriveOptions(),
        DeriveOptions("returned", "on-time", "excluded", "counted", "judged", fully_online=True),
        DeriveOptions(withdrawn="excluded"),
    ],
)
def test_the_definitions_transpile_to_spark_sql(options: DeriveOptions) -> None:
    for sql in (counts_sql(options), explain_sql(options)):
        spark = spark_sql(sql)
        assert "GROUPING SETS" in spark or "UNION ALL" in spark
        sqlglot.parse_one(spark, read="spark")  # valid Spark SQL as sqlglot reads it


# --- property: the identities, and a plain-Python reading of the contract ------------------------

DAY0 = date(2018, 11, 1)
PERIODS = [Period.parse(p) for p in ("2018-Q4", "2019-Q1", "2019-M02", "2019-H1")]


@st.composite
def records_strategy(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 25))
    records = []
    for index in range(count):
        received = DAY0 + timedelta(days=draw(st.integers(0, 240)))
        status = draw(st.sampled_from([1, 2, 4, 5, 6, 7, 8, 9, 10]))
        due = draw(st.none() | st.integers(0, 40).map(lambda d, r=received: r + timedelta(d)))
        end = received + timedelta(days=draw(st.integers(0, 90)))
        returned = draw(st.none() | st.integers(0, 10).map(lambda d, e=end: e + timedelta(d)))
        if status in (7, 8, 10) and returned is None:
            returned = end
        records.append(
            {
                "id": f"D{index}",
                "unit": draw(st.sampled_from(["U1", "U2"])),
                "field": draw(st.sampled_from(["f1", "f2"])),
                "channel": draw(st.integers(1, 3)),
                "status": status,
                "received": received,
                "due": due,
                "ended": end if status in (7, 8, 9, 10) else draw(st.none() | st.just(end)),
                "returned": returned if status in (7, 8, 9, 10) else None,
                "by_post": draw(st.integers(0, 1)),
                "requests": draw(st.integers(0, 3)),
                "wait": draw(st.integers(0, 6)),
                "hour": draw(st.integers(0, 23)),
            }
        )
    return records


def reference_counts(
    records: list[dict[str, Any]], period: Period, options: DeriveOptions
) -> dict[tuple[str, str | None], dict[str, int]]:
    """The contract read plainly, one record at a time."""
    result: dict[tuple[str, str | None], dict[str, int]] = {}
    start, stop = period.start, period.end
    for r in records:
        status = r["status"]
        if status in (1, 3):
            continue
        if (status == 7 and options.withdrawn == "excluded") or (
            status == 8 and options.refused == "excluded"
        ):
            continue
        end_date = r["ended"] if options.end_date == "processing-ended" else r["returned"]
        end = end_date if status in (7, 8, 9, 10) else None
        due = r["due"]
        if due is not None and options.supplement_wait == "excluded":
            due = due + timedelta(days=r["wait"])
        late_anyway = options.repeated_supplements == "late" and r["requests"] > 1
        on_time_anyway = options.withdrawn == "on-time" and status == 7
        received = r["received"]
        c = dict.fromkeys(COUNT_NAMES, 0)
        in_period = start <= received <= stop
        c["received_online"] = in_period and r["channel"] == 2
        c["received_in_person"] = in_period and r["channel"] == 1
        c["received_postal"] = in_period and r["channel"] == 3
        c["carried_over"] = received < start and (end is None or end >= start)
        c["received_total"] = in_period or c["carried_over"]
        if end is not None and start <= end <= stop:
            c["resolved_total"] = 1
            if on_time_anyway:
                c["resolved_on_time"] = 1
            elif late_anyway or (due is not None and end > due):
                c["resolved_late"] = 1
            elif due is None or end == due:
                c["resolved_on_time"] = 1
            else:
                c["resolved_early"] = 1
        if received <= stop and (end is None or end > stop):
            if due is None or due >= stop or status in (5, 6):
                c["pending_within_due"] = 1
            else:
                c["pending_past_due"] = 1
        returned = r["returned"]
        c["returned_total"] = returned is not None and start <= returned <= stop
        c["returned_postal"] = c["returned_total"] and r["by_post"] == 1
        for key in ((r["unit"], None), (r["unit"], r["field"])):
            totals = result.setdefault(key, dict.fromkeys(COUNT_NAMES, 0))
            for name in COUNT_NAMES:
                totals[name] += int(c[name])
    return {
        key: totals
        for key, totals in result.items()
        if totals["received_total"] or totals["returned_total"]
    }


def as_csv_record(r: dict[str, Any]) -> dict[str, str]:
    def day(value: date | None) -> str:
        return "" if value is None else value.strftime("%Y%m%d") + f"{r['hour']:02d}3000"

    return {
        "MaHoSo": r["id"],
        "MaTTHC": "p",
        "MaLinhVuc": r["field"],
        "DonViXuLy": r["unit"],
        "KenhThucHien": str(r["channel"]),
        "NgayTiepNhan": day(r["received"]),
        "NgayHenTra": day(r["due"]),
        "NgayKetThucXuLy": day(r["ended"]),
        "NgayTra": day(r["returned"]),
        "TrangThaiHoSo": str(r["status"]),
        "HinhThuc": str(r["by_post"]),
        "MucDo": "3",
        "SoLanBoSung": str(r["requests"]),
        "SoNgayChoBoSung": str(r["wait"]),
    }


options_strategy = st.builds(
    DeriveOptions,
    end_date=st.sampled_from(["processing-ended", "returned"]),
    withdrawn=st.sampled_from(["judged", "on-time", "excluded"]),
    refused=st.sampled_from(["judged", "excluded"]),
    supplement_wait=st.sampled_from(["excluded", "counted"]),
    repeated_supplements=st.sampled_from(["late", "judged"]),
)


@settings(max_examples=150, deadline=None)
@given(
    among=st.one_of(  # compared (up to 16) or looked up
        st.lists(st.dates(date(2019, 1, 1), date(2019, 12, 31)), max_size=16, unique=True),
        st.lists(st.dates(date(2019, 1, 1), date(2019, 12, 31)), min_size=17, unique=True),
    ),
    days=st.lists(st.one_of(st.none(), st.dates(date(2018, 11, 1), date(2020, 2, 1))), max_size=20),
)
def test_a_day_s_rank_is_how_many_boundaries_are_on_or_before_it(
    among: list[date], days: list[date | None]
) -> None:
    """Up to 16 boundaries by comparisons, beyond by a list: either way bisect_right's count,
    for days before, among and after the boundaries, and NULL for no day."""
    among.sort()
    connection = duckdb.connect()
    connection.execute("CREATE TABLE days (day DATE)")
    if days:
        connection.executemany("INSERT INTO days VALUES (?)", [(day,) for day in days])
    found = connection.execute(f"SELECT day, {rank_sql('day', among)} FROM days").fetchall()
    assert found == [(day, None if day is None else bisect_right(among, day)) for day in days]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(records=records_strategy(), options=options_strategy)
def test_the_sql_means_what_the_contract_says(
    tmp_path: Path, records: list[dict[str, Any]], options: DeriveOptions
) -> None:
    derivation = derive_counts(
        [write_csv(tmp_path, [as_csv_record(r) for r in records])], PERIODS, options
    )
    assert derivation.rows_bad == 0
    found: dict[tuple[str, str, str | None], dict[str, int]] = {}
    for row in derivation.counts.iter_rows(named=True):
        c = {name: row[name] for name in COUNT_NAMES}
        assert c["received_total"] == (
            c["resolved_total"] + c["pending_within_due"] + c["pending_past_due"]
        )
        assert (
            c["resolved_total"] == c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
        )
        assert c["received_total"] == (
            c["received_online"]
            + c["received_in_person"]
            + c["received_postal"]
            + c["carried_over"]
        )
        found[(row["unit"], row["period"], row["field"])] = c
    expected = {
        (unit, str(period), field): totals
        for period in PERIODS
        for (unit, field), totals in reference_counts(records, period, options).items()
    }
    assert found == expected


def test_every_problem_code_has_a_message_in_both_languages() -> None:
    source = (Path(__file__).parents[1] / "facts" / "dossiers").glob("*.py")
    text = "\n".join(path.read_text(encoding="utf-8") for path in source)
    messages = Path(__file__).parents[1] / "reports" / "messages"
    expected = {
        "missing_value", "duplicate_dossier", "bad_date", "unknown_status", "unknown_channel",
        "unknown_code", "bad_field_code", "bad_supplements", "bad_number", "bad_unit_code",
        "supplement_before_request", "due_before_receipt", "missing_end_date",
        "end_before_receipt", "unreadable_row", "file_not_found", "unknown_file_type",
        "unreadable_file", "missing_column", "mapping_missing_source", "mapping_unreadable",
        "mapping_bad_yaml", "mapping_bad_shape", "mapping_unknown_key",
        "mapping_unknown_target", "mapping_duplicate_target", "mapping_bad_value",
        "too_many_bad_rows",
    }  # fmt: skip
    assert all(f'"{code}"' in text or f"'{code}'" in text for code in expected)
    for code in ("en", "vi"):
        catalogue = yaml.safe_load((messages / code / "dossiers.yaml").read_text("utf-8"))
        problems = {key for key in catalogue if key.startswith("problem.records_")}
        assert {key.removeprefix("problem.records_") for key in problems} == expected
