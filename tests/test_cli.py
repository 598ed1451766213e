"""`cchc` as a user runs it: exit codes, formats, and no half-written output on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from cchc.cli import main
from cchc.rules.catalogue import load_catalogue

UNITS = [{"id": "q", "name": "UBND quận Ba Đình", "kind": "district"}]


def facts_file(tmp_path: Path, on_time: int, late: int, name: str = "facts.yaml") -> Path:
    report = {
        "unit": "q",
        "period": "2019-Q1",
        "submitted": "2019-03-01",
        "dossiers": {"resolved_early": 0, "resolved_on_time": on_time, "resolved_late": late},
        "events": [{"kind": "staff_evaluation", "date": "2019-03-28"}],
        "tasks": [{"task": "HN2019-PL-I-1", "completed": "2019-01-20"}],
    }
    path = tmp_path / name
    path.write_text(
        yaml.safe_dump({"units": UNITS, "reports": [report]}, allow_unicode=True), encoding="utf-8"
    )
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_en(*args: str) -> object:
    """As `run`, with cchc's messages in English (CCHC_LANG=en): the test reads them."""
    runner = CliRunner(env={"CCHC_LANG": "en"})
    return runner.invoke(main, list(args), catch_exceptions=False)


def test_a_firm_failure_exits_1_and_shows_the_arithmetic(tmp_path: Path) -> None:
    args = ["check", str(facts_file(tmp_path, 949, 51)), "--as-of", "2019-04-15", "--only", "fail"]
    wide = CliRunner(env={"COLUMNS": "240"})  # no cell wraps inside the arithmetic
    english = wide.invoke(main, [*args, "--lang", "en"])
    vietnamese = wide.invoke(main, args)  # vi by default
    assert english.exit_code == vietnamese.exit_code == 1
    assert "949 / 1,000 = 94.9% < 95%" in english.output
    assert "949 / 1.000 = 94,9% < 95%" in vietnamese.output
    assert "HN2019-II-06" in english.output and "HN2019-II-06" in vietnamese.output


def test_no_firm_failure_exits_0_and_strict_counts_missing_data(tmp_path: Path) -> None:
    path = facts_file(tmp_path, 95, 5)
    args = ["check", str(path), "--as-of", "2019-04-15", "--plan", "hanoi-cchc-2019"]
    assert run(*args).exit_code == 0  # everything else is pending or missing in April
    assert run(*args, "--as-of", "2020-01-15", "--strict").exit_code == 1


def test_json_output_states_its_schema_and_carries_the_citation(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    result = run(
        "check",
        str(facts_file(tmp_path, 949, 51)),
        "--as-of",
        "2019-04-15",
        "--format",
        "json",
        "--output",
        str(out),
    )
    assert result.exit_code == 1
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["schema"] == "cchc-findings/2"
    [finding] = [
        f for f in document["findings"] if f["rule"] == "HN2019-II-06" and f["period"] == "2019-Q1"
    ]
    rule = document["rules"][finding["rule"]]
    assert finding["status"] == "fail" and rule["strength"] == "firm"
    assert rule["citation"]["quote"].startswith("Tối thiểu 95%")
    assert rule["target"] == {"op": ">=", "value": "19/20"}
    evidence = finding["evidence"]
    assert (evidence["numerator"], evidence["denominator"]) == (949, 1000)
    assert evidence.get("source") is None  # the period's own report
    # Gap fields that do not apply to this finding (what to report) are null.
    given = {key: value for key, value in finding["gap"].items() if value is not None}
    assert given == {"more": 1, "need": 950, "of": 1000}
    assert document["summary"]["firm_failures"] >= 1


def test_invalid_facts_exit_2_name_the_place_and_write_nothing(tmp_path: Path) -> None:
    path = facts_file(tmp_path, 949, -51)
    out = tmp_path / "report.json"
    out.write_text("previous report", encoding="utf-8")
    result = run_en("check", str(path), "--format", "json", "--output", str(out))
    assert result.exit_code == 2
    assert f"{path}: reports[0].dossiers.resolved_late" in result.output
    assert "nothing was evaluated" in result.output
    assert out.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.yaml", "report.json"]


@pytest.mark.parametrize(
    "args",
    [
        ["check"],
        ["check", "facts.yaml", "--format", "xml"],
        ["check", "x.yaml", "--as-of", "15/04/2019"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run(*args).exit_code == 2


def test_an_unknown_plan_or_unmatched_year_exits_2(tmp_path: Path) -> None:
    path = facts_file(tmp_path, 95, 5)
    assert run_en("check", str(path), "--plan", "hanoi-cchc-1999").exit_code == 2
    report = {"unit": "q", "period": "2031-Q1"}
    other = tmp_path / "later.yaml"
    other.write_text(yaml.safe_dump({"units": UNITS, "reports": [report]}), encoding="utf-8")
    result = run_en("check", str(other))
    assert result.exit_code == 2 and "no plan matches" in result.output


def test_an_unknown_task_reference_is_an_input_error(tmp_path: Path) -> None:
    report = {
        "unit": "q",
        "period": "2019",
        "tasks": [{"task": "HN2019-PL-IX-9", "completed": "2019-05-01"}],
    }
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump({"units": UNITS, "reports": [report]}), encoding="utf-8")
    result = run_en("facts", "validate", str(path))
    assert result.exit_code == 2 and "unknown task 'HN2019-PL-IX-9'" in result.output


def test_facts_validate_accepts_good_facts(tmp_path: Path) -> None:
    result = run_en("facts", "validate", str(facts_file(tmp_path, 95, 5)))
    assert result.exit_code == 0 and "ok: 1 units, 1 reports" in result.output


def test_both_engines_render_the_same_report(tmp_path: Path) -> None:
    from cchc.engine.evaluation import available_engines

    path = str(facts_file(tmp_path, 949, 51))
    outputs = {
        engine: run(
            "check",
            path,
            "--as-of",
            "2020-01-15",
            "--engine",
            engine,
            "--group-by",
            "rule",
            "--lang",
            "en",
        ).output.replace(f"engine: {engine}", "")
        for engine in available_engines()
    }
    assert len(set(outputs.values())) == 1


def test_rules_list_show_and_coverage_print_the_catalogue() -> None:
    listing = run("rules", "list")
    assert listing.exit_code == 0 and "HN2019-PL-VII-5" in listing.output
    shown = run("rules", "show", "HN2019-II-12c")
    assert "aspirational" in shown.output and "phân đầu" in shown.output
    assert run("rules", "show", "NOPE").exit_code == 2
    coverage = run("rules", "coverage")
    assert "Not checkable" in coverage.output and "Phụ lục" in coverage.output


def test_rules_examples_runs_a_plans_rule_examples() -> None:
    # Every example of every plan is run by tests/test_catalogue.py; the command, on one plan.
    result = run("rules", "examples", "--plan", "hanoi-papi-2018")
    assert result.exit_code == 0 and " 0 failed" in result.output
    passed = int(result.output.split(" passed")[0].split()[-1])
    assert passed == sum(len(r.examples) for r in load_catalogue().plans["hanoi-papi-2018"].rules)


@pytest.mark.parametrize(
    ("jurisdiction", "plans"),
    [
        (None, ["hanoi-papi-2018", "thua-thien-hue-cchc-2018"]),
        ("thua-thien-hue", ["thua-thien-hue-cchc-2018"]),
        ("ha-noi", ["hanoi-papi-2018"]),
    ],
)
def test_check_picks_plans_by_year_units_and_jurisdiction(
    tmp_path: Path, jurisdiction: str | None, plans: list[str]
) -> None:
    document: dict = {"units": UNITS, "reports": [{"unit": "q", "period": "2018"}]}
    if jurisdiction:
        document["jurisdiction"] = jurisdiction
    path = tmp_path / "facts.yaml"
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    result = run("check", str(path), "--as-of", "2019-01-20", "--format", "json")
    assert sorted(p["id"] for p in json.loads(result.output)["plans"]) == plans


def test_files_that_disagree_on_the_jurisdiction_are_refused(tmp_path: Path) -> None:
    for name, code in (("a.yaml", "ha-noi"), ("b.yaml", "thanh-xuan")):
        (tmp_path / name).write_text(yaml.safe_dump({"jurisdiction": code}), encoding="utf-8")
    (tmp_path / "units.yaml").write_text(yaml.safe_dump({"units": UNITS}), encoding="utf-8")
    result = run_en("facts", "validate", str(tmp_path))
    assert result.exit_code == 2 and "disagree on the jurisdiction" in result.output


def test_an_internal_error_exits_3_with_one_line_and_no_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("boom\nsecond line")

    monkeypatch.setattr("cchc.app.evaluate", broken)
    path = str(facts_file(tmp_path, 95, 5))
    result = run("check", path)
    assert result.exit_code == 3
    [line] = result.stderr.splitlines()
    assert line.startswith("cchc: internal error: KeyError: ")
    assert "cchc issue tracker" in line and "Traceback" not in result.output
    debugged = run("--debug", "check", path)
    assert debugged.exit_code == 3 and "Traceback" in debugged.stderr
    assert debugged.stderr.rstrip().splitlines()[-1].startswith("cchc: internal error: KeyError")


def test_only_lists_fewer_findings_but_never_changes_the_summary(tmp_path: Path) -> None:
    path = str(facts_file(tmp_path, 949, 51))
    args = ["check", path, "--as-of", "2020-01-15", "--plan", "hanoi-cchc-2019"]
    everything = json.loads(run(*args, "--format", "json").output)
    failures = json.loads(run(*args, "--format", "json", "--only", "fail").output)
    assert failures["summary"] == everything["summary"]
    assert failures["only"] == ["fail"] and everything["only"] == []
    assert {f["status"] for f in failures["findings"]} == {"fail"}
    assert (
        len(failures["findings"])
        == everything["summary"]["fail"]
        < everything["summary"]["findings"]
    )

    def counts_lines(output: str) -> list[str]:
        """The status counts and the failure counts: the two lines before the area table."""
        lines = output.split("\n\nBy area", 1)[0].splitlines()
        return lines[-2:]

    table = run(*args, "--lang", "en").output
    only_table = run(*args, "--lang", "en", "--only", "fail", "--only", "pending").output
    assert counts_lines(only_table) == counts_lines(table)
    assert counts_lines(table)[0].startswith("met ")


def test_a_plan_named_twice_is_checked_once(tmp_path: Path) -> None:
    path = str(facts_file(tmp_path, 949, 51))
    args = ["check", path, "--as-of", "2020-01-15", "--format", "json"]
    once = json.loads(run(*args, "--plan", "hanoi-cchc-2019").output)
    twice = json.loads(run(*args, "--plan", "hanoi-cchc-2019", "--plan", "hanoi-cchc-2019").output)
    assert [p["id"] for p in twice["plans"]] == ["hanoi-cchc-2019"]
    assert twice["summary"] == once["summary"]


def warned_facts(tmp_path: Path) -> Path:
    report = {
        "unit": "q",
        "period": "2019-Q1",
        "submitted": "2019-03-01",
        "dossiers": {"resolved_on_time": 5, "resolved_late": 0, "pending_past_due": 1},
        "events": [{"kind": "dialogue", "date": "2019-03-22"}],
    }
    path = tmp_path / "facts.yaml"
    document = {"jurisdiction": "ha-noi", "units": UNITS, "reports": [report]}
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def test_warnings_are_listed_once_sorted_and_counted_in_json(tmp_path: Path) -> None:
    args = ["check", str(warned_facts(tmp_path)), "--as-of", "2020-01-15", "--format", "json"]
    document = json.loads(run(*args, "--plan", "hanoi-papi-2018").output)
    warnings = document["warnings"]
    places = [(w["at"], w["code"]) for w in warnings]
    assert places == sorted(set(places)) and document["summary"]["warnings"] == len(warnings)
    assert ("reports[q 2019-Q1].events[0]", "event_after_sending") in places
    assert ("dossiers.pending_past_due", "unread_fact_once") in places
    [year] = [w for w in warnings if w["at"] == "--plan hanoi-papi-2018"]
    assert (year["code"], year["plan_year"], year["years"]) == ("plan_other_year", 2018, "2019")
    # Warnings never change the exit status: it follows the firm failures alone.
    checked = run(*args, "--plan", "hanoi-cchc-2019")
    summary = json.loads(checked.output)["summary"]
    assert summary["warnings"] >= 2
    assert checked.exit_code == (1 if summary["firm_failures"] else 0)


def test_the_table_lists_the_warnings_and_counts_them(tmp_path: Path) -> None:
    output = run(
        "check", str(warned_facts(tmp_path)), "--as-of", "2020-01-15", "--lang", "en"
    ).output
    document = json.loads(
        run(
            "check", str(warned_facts(tmp_path)), "--as-of", "2020-01-15", "--format", "json"
        ).output
    )
    count = document["summary"]["warnings"]
    assert count >= 2 and output.count(f"Warnings ({count})") == 2  # the summary, the list
    listed = output.split(f"Warnings ({count}):\n", 1)[1].splitlines()
    places = [line[4:].split(": ")[0] for line in listed if line.startswith("  - ")]
    assert places == [warning["at"] for warning in document["warnings"]]


def test_the_summary_after_writing_a_file_counts_listed_findings_and_warnings(
    tmp_path: Path,
) -> None:
    out = tmp_path / "report.txt"
    result = run(
        "check", str(warned_facts(tmp_path)), "--as-of", "2020-01-15", "--output", str(out)
    )
    assert result.exit_code in (0, 1) and str(out) in result.stderr
    assert "Cảnh báo (" in out.read_text(encoding="utf-8")  # Vietnamese unless told
