"""The JUnit XML report: a suite per plan, a test per finding, and exactly the findings that make
`cchc` exit 1 red; aspirational misses and missing data only with --strict."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from ci_formats import HOSTILE_NAME, RAW_CONTROLS, statuses_by_plan, with_unit_names
from click.testing import CliRunner
from conftest import EXAMPLE_DATES

from cchc.cli import main
from cchc.engine.evaluation import Evaluation
from cchc.reports import render
from cchc.reports.junit import safe
from cchc.reports.output import whole
from cchc.reports.view import RenderOptions
from cchc.reports.wording import language

EXAMPLES = sorted(EXAMPLE_DATES)
LABELS = ("title_column", "unit", "period", "status", "strength", "evidence", "target", "gap")
LABELS += ("due", "document", "clause", "quote")
ROOT = Path(__file__).resolve().parents[1]

# (status, strength) -> (element under <testcase>, its type) without and with --strict.
OUTCOMES = {
    False: {
        ("pass", "firm"): (None, None),
        ("pass", "aspirational"): (None, None),
        ("fail", "firm"): ("failure", "firm"),
        ("fail", "aspirational"): ("skipped", None),
        ("pending", "firm"): ("skipped", None),
        ("pending", "aspirational"): ("skipped", None),
        ("missing", "firm"): ("skipped", None),
        ("missing", "aspirational"): ("skipped", None),
        ("not_applicable", "firm"): ("skipped", None),
        ("not_applicable", "aspirational"): ("skipped", None),
    },
    True: {
        ("pass", "firm"): (None, None),
        ("pass", "aspirational"): (None, None),
        ("fail", "firm"): ("failure", "firm"),
        ("fail", "aspirational"): ("failure", "aspirational"),
        ("pending", "firm"): ("skipped", None),
        ("pending", "aspirational"): ("skipped", None),
        ("missing", "firm"): ("failure", "missing"),
        ("missing", "aspirational"): ("failure", "missing"),
        ("not_applicable", "firm"): ("skipped", None),
        ("not_applicable", "aspirational"): ("skipped", None),
    },
}


def junit(evaluation: Evaluation, **options: object) -> ET.Element:
    return ET.fromstring(whole(render("junit", evaluation, RenderOptions(**options))))  # type: ignore[arg-type]


def outcome_of(case: ET.Element) -> tuple[str | None, str | None]:
    children = [child for child in case if child.tag in ("failure", "skipped", "error")]
    assert len(children) <= 1
    return (children[0].tag, children[0].get("type")) if children else (None, None)


def expected_tally(counts: Counter[tuple[str, str]], strict: bool) -> Counter[str | None]:
    tally: Counter[str | None] = Counter()
    for key, n in counts.items():
        tally[OUTCOMES[strict][key][0]] += n
    return tally


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_each_suite_counts_what_its_findings_are(
    example_evaluations: dict[str, Evaluation], example: str, lang: str, strict: bool
) -> None:
    evaluation = example_evaluations[example]
    root = junit(evaluation, lang=lang, strict=strict)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [suite.get("name") for suite in suites] == [plan.id for plan in evaluation.plans]
    expected = statuses_by_plan(evaluation)
    for suite in suites:
        cases = suite.findall("testcase")
        tally = Counter(outcome_of(case)[0] for case in cases)
        want = expected_tally(expected[suite.get("name")], strict)  # type: ignore[index]
        assert tally == want
        assert int(suite.get("tests", "-1")) == len(cases) == want.total()
        assert int(suite.get("failures", "-1")) == want["failure"]
        assert int(suite.get("skipped", "-1")) == want["skipped"]
        assert suite.get("errors") == "0"
    for attribute in ("tests", "failures", "skipped", "errors"):
        assert int(root.get(attribute, "-1")) == sum(int(s.get(attribute, "0")) for s in suites)
    assert int(root.get("tests", "-1")) == evaluation.summary()["findings"]
    # With --strict, a red test is exactly what makes cchc exit 1.
    assert (int(root.get("failures", "0")) > 0) == (evaluation.exit_code(strict) == 1)


@pytest.mark.parametrize("strict", [False, True])
@pytest.mark.parametrize("example", EXAMPLES)
def test_each_finding_is_one_test_with_its_outcome_and_type(
    example_evaluations: dict[str, Evaluation], example: str, strict: bool
) -> None:
    evaluation = example_evaluations[example]
    root = junit(evaluation, lang="vi", strict=strict)
    by_case = {
        (f.rule_id, f"{f.unit_id} {f.period}"): f for f in evaluation.findings
    }  # what a test's classname and name start with
    seen = set()
    for case in root.iter("testcase"):
        unit, period = case.get("name", "").split(" ")[:2]
        key = (case.get("classname", ""), f"{unit} {period}")
        assert key not in seen
        seen.add(key)
        finding = by_case[key]
        strength = evaluation.rule(finding.rule_id).strength
        assert outcome_of(case) == OUTCOMES[strict][(finding.status, strength)]
        assert case.get("time") == "0"
    assert seen == set(by_case)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_messages_are_worded_in_the_readers_language(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    words = language(lang)
    root = junit(evaluation, lang=lang, strict=True)
    failures = list(root.iter("failure"))
    assert len(failures) == evaluation.summary()["fail"] + evaluation.summary()["missing"]
    for failure in failures:
        status = "missing" if failure.get("type") == "missing" else "fail"
        strength = "firm" if failure.get("type") == "missing" else failure.get("type")
        assert words(f"status.{status}") in failure.get("message", "")
        assert words(f"strength.{strength}") in failure.get("message", "")
        # The explanation: the clause and the plan's own (Vietnamese) words, in either language.
        assert words("report.clause") in (failure.text or "")
        assert words("report.quote") in (failure.text or "")
    aspirational = [f for f in failures if f.get("type") == "aspirational"]
    assert len(aspirational) == evaluation.summary()["aspirational_failures"] > 0


def test_only_narrows_the_tests(example_evaluations: dict[str, Evaluation]) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    root = junit(evaluation, lang="en", only=("fail", "missing"))
    summary = evaluation.summary()
    assert int(root.get("tests", "-1")) == summary["fail"] + summary["missing"]
    assert len(list(root.iter("testcase"))) == summary["fail"] + summary["missing"]
    assert int(root.get("failures", "-1")) == summary["firm_failures"]


def test_hostile_unit_names_are_escaped_and_parse(
    example_evaluations: dict[str, Evaluation],
) -> None:
    evaluation = with_unit_names(example_evaluations["hanoi-2019"])
    text = whole(render("junit", evaluation, RenderOptions(lang="en", strict=True)))
    assert isinstance(text, bytes)
    root = ET.fromstring(text)
    cases = list(root.iter("testcase"))
    assert len(cases) == evaluation.summary()["findings"]
    for case in cases:
        name = case.get("name", "")
        assert "\n" not in name and not any(raw in name for raw in RAW_CONTROLS)
        assert "::error file=x,line=1::owned" in name  # the name shown, escaped, not dropped
    decoded = text.decode("utf-8")
    assert not any(raw in decoded for raw in RAW_CONTROLS)
    labels = tuple(language("en")(f"report.{key}") + ": " for key in LABELS)
    for detail in [*root.iter("failure"), *root.iter("skipped")]:
        # Each line of an explanation is one of its labelled lines: the name adds none.
        assert all(line.startswith(labels) for line in (detail.text or "").splitlines())
    assert HOSTILE_NAME not in decoded


def test_the_cli_writes_junit_and_sarif_in_one_run(tmp_path: Path) -> None:
    junit_file, sarif_file = tmp_path / "findings.xml", tmp_path / "findings.sarif"
    arguments = ["check", str(ROOT / "examples" / "hanoi-2019"), "--as-of", "2020-01-15"]
    arguments += ["--output", f"junit:{junit_file}", "--output", f"sarif:{sarif_file}"]
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 1  # firm targets fail in this example
    root = ET.parse(junit_file).getroot()
    log = json.loads(sarif_file.read_text(encoding="utf-8"))
    assert int(root.get("tests", "-1")) == len(log["runs"][0]["results"]) > 0
    assert int(root.get("failures", "-1")) == sum(
        result["level"] == "error" for result in log["runs"][0]["results"]
    )


def test_safe_text_is_one_line_of_characters_xml_can_hold() -> None:
    # A lone surrogate (a file name that is not UTF-8) cannot reach a frame, but no encoder
    # takes one either.
    assert safe("a\udcffb\nc\x00\ufffe") == "a\\udcffb\\x0ac\\x00\\ufffe"
    assert safe("Đình\tà") == "Đình\tà"


@pytest.mark.parametrize("name", ["a\x00b", "a\x0bb\x0c", "a\ufffeb\uffff", "a\x85b"])
def test_characters_xml_cannot_hold_are_written_as_escapes(
    example_evaluations: dict[str, Evaluation], name: str
) -> None:
    evaluation = with_unit_names(example_evaluations["hanoi-2019"], name)
    text = whole(render("junit", evaluation, RenderOptions(lang="vi")))
    assert isinstance(text, bytes)
    cases = list(ET.fromstring(text).iter("testcase"))  # well-formed XML 1.0
    assert len(cases) == evaluation.summary()["findings"]
    raw = set(name) - {"a", "b"}
    for case in cases:
        assert "a\\" in case.get("name", "") and not raw & set(case.get("name", ""))
