"""The inspector's check: a unit's report against its dossier records (examples/records), the
rules judged on the recomputed counts, and each reported count the records contradict."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from cchc.cli import main
from cchc.engine.reconciliation import Tolerance
from cchc.reports.view import DISCREPANCY_COLUMNS
from cchc.reports.wording import language

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


# -- the other formats --------------------------------------------------------------------------
WITHOUT_RECORDS = ["check", str(EXAMPLES / "hanoi-2019"), "--as-of", "2020-01-15"]
FIGURES = {"resolved_late": (107, 131, -24), "resolved_on_time": (1443, 1419, 24)}
KEYS = ("count", "reported", "recomputed", "difference")  # a count, then FIGURES' figures


def written(tmp_path: Path, form: str, check: list[str] = CHECK, *extra: str) -> Path:
    """The report of `check` in `form`, written to a file (the CLI's --output)."""
    output = tmp_path / f"report.{form}"
    arguments = [*check, *extra, "--format", form, "--output", str(output)]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code in (0, 1), result.output
    return output


def test_the_html_report_has_a_section_with_both_figures_of_each_discrepancy(
    tmp_path: Path,
) -> None:
    page = written(tmp_path, "html").read_text("utf-8")
    assert page.count('href="#reconciliation"') == 1  # its entry in the contents
    section = page.split('<section id="reconciliation"', 1)[1].split("</section>", 1)[0]
    assert page.index('id="findings"') < page.index('id="reconciliation"')
    rows = re.findall(r"<tr>(.*?)</tr>", section, re.DOTALL)[1:]  # under the header's row
    figures = [re.findall(r'<td class="num">([^<]*)</td>', row) for row in rows]
    assert figures == [["107", "131", "-24"], ["1.443", "1.419", "+24"]]  # vi: dots in thousands


def test_the_xlsx_report_has_a_sheet_with_a_row_per_discrepancy(tmp_path: Path) -> None:
    book = load_workbook(written(tmp_path, "xlsx"), read_only=True)
    title = language("vi")("reconciliation.title")
    assert book.sheetnames[2] == title  # after the summary and the findings
    rows = list(book[title].iter_rows(values_only=True))
    assert len(rows) == 3 + 2  # heading, blank, header, then the discrepancies
    at = {key: DISCREPANCY_COLUMNS.index(f"reconciliation.column_{key}") for key in KEYS}
    found = {row[at["count"]]: tuple(row[at[key]] for key in KEYS[1:]) for row in rows[3:]}
    assert found == FIGURES  # numbers as numbers


@pytest.mark.parametrize(("tolerance", "failures"), [("0", 2), ("24", 0)])
def test_each_discrepancy_is_a_failing_junit_test_of_a_reconciliation_suite(
    tmp_path: Path, tolerance: str, failures: int
) -> None:
    root = ET.parse(written(tmp_path, "junit", CHECK, "--tolerance", tolerance)).getroot()
    [suite] = [s for s in root.findall("testsuite") if s.get("name") == "reconciliation"]
    cases = suite.findall("testcase")
    failed = [case.find("failure") for case in cases if case.find("failure") is not None]
    assert (len(cases), len(failed)) == (max(failures, 1), failures)  # none: one passing test
    assert suite.get("failures") == str(failures)
    assert {failure.get("type") for failure in failed} <= {"reconciliation"}
    assert {case.get("classname") for case in cases} == {"reconciliation"}
    suites = root.findall("testsuite")
    assert root.get("failures") == str(sum(int(s.get("failures", "0")) for s in suites))
    if failures:
        assert {case.get("name").split()[2] for case in cases} == set(FIGURES)


def test_each_discrepancy_is_a_sarif_result_of_rule_reconciliation(tmp_path: Path) -> None:
    [run] = json.loads(written(tmp_path, "sarif").read_text("utf-8"))["runs"]
    rules = run["tool"]["driver"]["rules"]
    found = [r for r in run["results"] if r["ruleId"] == "reconciliation"]
    assert len(found) == 2
    assert {rules[r["ruleIndex"]]["id"] for r in found} == {"reconciliation"}
    assert {(r["kind"], r["level"]) for r in found} == {("fail", "error")}
    figures = {r["properties"]["name"]: r["properties"] for r in found}
    assert {name: tuple(p[k] for k in KEYS[1:]) for name, p in figures.items()} == FIGURES
    assert run["properties"]["reconciliation"] == {"tolerance": "0", "compared": 13}


def test_without_dossier_records_no_format_shows_a_check_against_them(tmp_path: Path) -> None:
    page = written(tmp_path, "html", WITHOUT_RECORDS).read_text("utf-8")
    assert 'id="reconciliation"' not in page and "#reconciliation" not in page
    book = load_workbook(written(tmp_path, "xlsx", WITHOUT_RECORDS), read_only=True)
    assert language("vi")("reconciliation.title") not in book.sheetnames
    root = ET.parse(written(tmp_path, "junit", WITHOUT_RECORDS)).getroot()
    assert "reconciliation" not in {suite.get("name") for suite in root.findall("testsuite")}
    [run] = json.loads(written(tmp_path, "sarif", WITHOUT_RECORDS).read_text("utf-8"))["runs"]
    assert "reconciliation" not in {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert "reconciliation" not in {result["ruleId"] for result in run["results"]}
    assert "reconciliation" not in run["properties"]
