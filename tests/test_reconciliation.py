"""The inspector's check: a unit's report against its dossier records (examples/records), the
rules judged on the recomputed counts, and each reported count the records contradict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc.cli import main
from cchc.engine.reconciliation import Tolerance

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
RECORDS = ["--dossiers", str(EXAMPLES / "records" / "soc-son-2019-Q1.csv")]
RECORDS += ["--mapping", str(EXAMPLES / "records" / "mapping.yaml"), "--period", "2019-Q1"]
CHECK = ["check", str(EXAMPLES / "hanoi-2019"), *RECORDS, "--as-of", "2020-01-15"]
pytestmark = pytest.mark.xdist_group("reconciliation")


def checked(*extra: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, [*CHECK, "--format", "json", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_the_records_contradict_two_reported_counts_and_name_the_late_dossiers() -> None:
    code, document = checked()
    found = document["reconciliation"]
    assert (code, found["compared"], found["tolerance"]) == (1, 13, "0")
    figures = {
        d["name"]: (d["reported"], d["recomputed"], d["difference"], len(d["dossiers"]), d["more"])
        for d in found["discrepancies"]
    }
    assert figures == {
        "resolved_late": (107, 131, -24, 5, 126),
        "resolved_on_time": (1443, 1419, 24, 5, 126),
    }
    assert all(d["unit"] == "soc-son" and d["period"] == "2019-Q1" for d in found["discrepancies"])


def test_the_rules_are_judged_on_the_recomputed_counts() -> None:
    _, document = checked()
    [on_time] = [
        f
        for f in document["findings"]
        if (f["rule"], f["unit"], f["period"]) == ("HN2019-II-06", "soc-son", "2019-Q1")
    ]
    assert (on_time["evidence"]["numerator"], on_time["evidence"]["denominator"]) == (1819, 1950)
    assert on_time["status"] == "fail"
    # The counts the records cannot give stay as reported (HN2019-II-19 reads one of them).
    assert {f["rule"] for f in document["findings"] if f["unit"] == "soc-son"} >= {"HN2019-II-19"}


@pytest.mark.parametrize(
    ("tolerance", "differing"),
    [("24", set()), ("23", {"resolved_late", "resolved_on_time"}), ("2%", {"resolved_late"})],
)
def test_a_stated_tolerance_decides_what_differs(tolerance: str, differing: set[str]) -> None:
    _, document = checked("--tolerance", tolerance)
    assert {d["name"] for d in document["reconciliation"]["discrepancies"]} == differing


def test_the_tolerance_reads_dossiers_or_a_share() -> None:
    assert Tolerance.parse("5").allows(105, 100) and not Tolerance.parse("4").allows(105, 100)
    assert Tolerance.parse("1.7%").allows(1443, 1419)
    assert not Tolerance.parse("1.6%").allows(1443, 1419)
    for bad in ("-1", "x", "100%"):
        with pytest.raises(ValueError):
            Tolerance.parse(bad)
    result = CliRunner().invoke(main, [*CHECK, "--tolerance", "x"])
    assert result.exit_code == 2


def test_the_inspector_reads_it_in_vietnamese_and_a_saved_result_renders_it_again(
    tmp_path: Path,
) -> None:
    saved = tmp_path / "result.json"
    CliRunner().invoke(main, [*CHECK, "--format", "json", "--output", str(saved)])
    table = CliRunner().invoke(main, [*CHECK, "--only", "fail"]).stdout
    again = CliRunner().invoke(main, ["report", str(saved), "--only", "fail"])
    assert again.exit_code == 1, again.output
    assert "Số liệu báo cáo khác số liệu tính lại từ hồ sơ: 2/13" in table
    assert again.stdout == table


def test_derive_writes_facts_and_explain_lists_the_late_dossiers(tmp_path: Path) -> None:
    output = tmp_path / "derived.json"
    derive = ["dossiers", "derive", *RECORDS[1:2], *RECORDS[2:], "--output", str(output)]
    assert CliRunner().invoke(main, derive).exit_code == 0
    [report] = json.loads(output.read_text("utf-8"))["reports"]
    assert (report["unit"], report["dossiers"]["resolved_late"]) == ("soc-son", 131)
    explain = ["dossiers", "explain", *RECORDS[1:4], "--unit", "soc-son", "--period", "2019-Q1"]
    listed = CliRunner().invoke(main, [*explain, "--judged", "late", "--format", "csv"])
    assert listed.exit_code == 0, listed.output
    assert len(listed.stdout.strip().splitlines()) == 1 + 131
