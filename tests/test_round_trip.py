"""The agency's round trip: the template an officer fills, read back and checked, gives the same
findings as the same facts written as YAML or as CSV tables (Excel's CSV too)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from test_template import _example_report, _filled

from cchc.cli import main
from cchc.needs_app import template_bytes

PLAN = "thanh-xuan-cchc-2024"
AS_OF = "2024-04-15"
UNIT = {"id": "khuong-dinh", "name": "UBND phường Khương Đình", "kind": "commune"}


def write_yaml(folder: Path, report: dict[str, Any]) -> None:
    document = {"schema": "cchc-facts/1", "units": [UNIT], "reports": [report]}
    (folder / "facts.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")


def write_table(path: Path, rows: list[dict[str, Any]], delimiter: str = ",") -> None:
    columns = list(dict.fromkeys(name for row in rows for name in row))
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        writer = csv.DictWriter(stream, columns, delimiter=delimiter, lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)


def write_csv(folder: Path, report: dict[str, Any], excel_vi: bool = False) -> None:
    """The report as CSV tables; `excel_vi`: as Excel saves CSV in a Vietnamese locale
    (semicolons, BOM, CRLF, day/month/year dates)."""
    delimiter = ";" if excel_vi else ","

    def day(value: Any) -> str:
        return value.strftime("%d/%m/%Y") if excel_vi else str(value)

    key = {"unit": report["unit"], "period": str(report["period"])}
    write_table(folder / "units.csv", [UNIT], delimiter)
    dates = {name: day(report[name]) for name in ("submitted", "data_from", "data_to")}
    write_table(folder / "q-reports.csv", [{**key, **dates}], delimiter)
    write_table(folder / "q-dossiers.csv", [{**key, **report["dossiers"]}], delimiter)
    write_table(folder / "q-indicators.csv", [{**key, **report["indicators"]}], delimiter)
    fields = [
        {**key, "field": code, **counts} for code, counts in report["dossiers_by_field"].items()
    ]
    write_table(folder / "q-fields.csv", fields, delimiter)
    duties = [
        {
            **key,
            "duty": name,
            "done": "có" if duty["done"] else "không",
            "date": day(duty["date"]),
            "evidence": duty.get("evidence", ""),
        }
        for name, duty in report["duties"].items()
    ]
    write_table(folder / "q-duties.csv", duties, delimiter)
    events = [{**key, "kind": e["kind"], "date": day(e["date"])} for e in report["events"]]
    write_table(folder / "q-events.csv", events, delimiter)


def write_xlsx(folder: Path, report: dict[str, Any]) -> None:
    template = template_bytes(PLAN, ["2024-Q1"], kind="commune")
    (folder / "khuong-dinh-2024-Q1.xlsx").write_bytes(_filled(template, report))


def findings(folder: Path) -> dict[str, Any]:
    arguments = ["check", str(folder), "--plan", PLAN, "--as-of", AS_OF, "--format", "json"]
    result = CliRunner().invoke(main, arguments)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    return {"findings": document["findings"], "summary": document["summary"]}


@pytest.mark.xdist_group("round_trip")
def test_the_same_facts_as_yaml_csv_and_xlsx_give_identical_findings(tmp_path: Path) -> None:
    report = _example_report("2024-Q1")
    results = {}
    for form, write in {
        "yaml": write_yaml,
        "csv": write_csv,
        "excel-csv": lambda folder, r: write_csv(folder, r, excel_vi=True),
        "xlsx": write_xlsx,
    }.items():
        folder = tmp_path / form
        folder.mkdir()
        write(folder, report)
        results[form] = findings(folder)
    assert results["yaml"]["summary"]["pass"] > 0  # the facts are checked, not just read
    for form in ("csv", "excel-csv", "xlsx"):
        assert results[form] == results["yaml"], form


def test_a_shortfall_in_a_filled_template_is_at_risk_before_sending(tmp_path: Path) -> None:
    """The officer's self-check on the day the Q1 report is sent (4 March, the quarter still
    open): a target not met in the figures is only pending (exit 0) in an ordinary check; before
    sending it is at risk, and a firm one fails the run (exit 1), in Vietnamese."""
    report = _example_report("2024-Q1")
    report["indicators"]["procedures_published"] = 117  # of 118 in scope: the firm 100% missed
    write_xlsx(tmp_path, report)
    arguments = ["check", str(tmp_path), "--as-of", "2024-03-04", "--format", "json"]
    plain = CliRunner().invoke(main, arguments)
    sent = CliRunner().invoke(main, [*arguments, "--before-sending"])
    published = "TX2024-II.3.2-PUBLISHED"
    statuses = [
        [f["status"] for f in json.loads(result.stdout)["findings"] if f["rule"] == published]
        for result in (plain, sent)
    ]
    assert statuses == [["pending", "pending"], ["at_risk", "pending"]]  # Q1; the year: no data
    assert (plain.exit_code, sent.exit_code) == (0, 1)
    document = json.loads(sent.stdout)
    assert document["summary"]["firm_at_risk"] == 1
    [risk] = [
        f for f in document["findings"] if f["status"] == "at_risk" and f["rule"] == published
    ]
    assert (risk["evidence"]["numerator"], risk["gap"]["more"]) == (117, 1)  # what it takes
    table = CliRunner().invoke(main, [*arguments[:4], "--before-sending", "--only", "at_risk"])
    assert table.exit_code == 1
    assert "Có nguy cơ không đạt" in table.stdout and "UBND phường Khương Đình" in table.stdout
