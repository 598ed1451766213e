"""The SARIF log: valid against the official SARIF 2.1.0 schema, one result per finding, each
with the kind and level its status and target call for, pointing at its rule's line in the plan
file, and a fingerprint that stays the same across runs, statuses and languages.

tests/data/sarif-schema-2.1.0.json is the OASIS SARIF TC's schema, unmodified: repository
oasis-tcs/sarif-spec, path Schemata/sarif-schema-2.1.0.json, commit
5280a944e8faa17a60ab15917a5449e27ed5b32c (4 March 2020, "Update 'latest' schema to match version
submitted in call for consent": the JSON Schema draft-07 text of SARIF 2.1.0 as standardised;
sha256 ad6db49878699b091f3eeb765b6e29e92a34bad4da88664d000c923b549c3a25). Later commits move it
to sarif-2.1/schema/ and restate it for JSON Schema draft-04 with the 2023 errata.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from ci_formats import HOSTILE_NAME, RAW_CONTROLS, with_unit_names, written_at
from conftest import EXAMPLE_DATES

from cchc.engine.evaluation import Evaluation
from cchc.reports import render
from cchc.reports.output import whole
from cchc.reports.sarif import fingerprint
from cchc.reports.sources import rule_lines, source_path
from cchc.reports.view import RenderOptions
from cchc.rules.catalogue import Catalogue

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
EXAMPLES = sorted(EXAMPLE_DATES)
KIND = {
    "pass": "pass",
    "fail": "fail",
    "pending": "open",
    "missing": "open",
    "not_applicable": "notApplicable",
}


@cache
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


def sarif(evaluation: Evaluation, **options: Any) -> dict[str, Any]:
    text = whole(render("sarif", evaluation, RenderOptions(**options)))
    log: dict[str, Any] = json.loads(text)
    return log


def plan_line(uri: str, line: int) -> str:
    return (ROOT / uri).read_text(encoding="utf-8").splitlines()[line - 1]


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_every_example_is_valid_sarif_with_a_result_per_finding(
    example_evaluations: dict[str, Evaluation], example: str, lang: str
) -> None:
    evaluation = example_evaluations[example]
    log = sarif(evaluation, lang=lang)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator().iter_errors(log)]
    assert errors == []
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    (run,) = log["runs"]
    assert run["tool"]["driver"]["name"] == "cchc" and run["language"] == lang
    results = run["results"]
    assert len(results) == len(evaluation.findings) == evaluation.summary()["findings"]
    fingerprints = [r["partialFingerprints"]["cchcFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(results)
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == list(
        dict.fromkeys(f.rule_id for f in evaluation.findings)
    )
    for result, finding in zip(results, evaluation.findings, strict=True):
        assert (result["ruleId"], result["properties"]["unit"]) == (
            finding.rule_id,
            finding.unit_id,
        )
        assert rules[result["ruleIndex"]]["id"] == finding.rule_id
        assert result["properties"]["status"] == finding.status
        assert len(run["invocations"][0]["toolExecutionNotifications"]) == len(evaluation.warnings)


@pytest.mark.parametrize("example", EXAMPLES)
def test_kinds_and_levels_follow_status_and_strength(
    example_evaluations: dict[str, Evaluation], example: str
) -> None:
    evaluation = example_evaluations[example]
    run = sarif(evaluation, lang="vi")["runs"][0]
    levels = {"firm": "error", "aspirational": "warning"}
    for result in run["results"]:
        strength = evaluation.rule(result["ruleId"]).strength
        status = result["properties"]["status"]
        assert result["kind"] == KIND[status]
        assert result["level"] == (levels[strength] if status == "fail" else "none")
        assert result["properties"]["strength"] == strength
    for rule in run["tool"]["driver"]["rules"]:
        strength = evaluation.rule(rule["id"]).strength
        assert rule["defaultConfiguration"]["level"] == levels[strength]
        assert rule["properties"]["strength"] == strength and strength in rule["properties"]["tags"]
    summary = evaluation.summary()
    by_level = [r["level"] for r in run["results"]]
    assert by_level.count("error") == summary["firm_failures"]
    assert by_level.count("warning") == summary["aspirational_failures"]


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_result_points_at_its_rule_in_the_plan_file(
    example_evaluations: dict[str, Evaluation], example: str
) -> None:
    evaluation = example_evaluations[example]
    for result in sarif(evaluation, lang="en")["runs"][0]["results"]:
        (location,) = result["locations"]
        physical = location["physicalLocation"]
        uri = physical["artifactLocation"]["uri"]
        assert uri == f"rules/plans/{evaluation.plan_of(result['ruleId']).file.name}"
        text = plan_line(uri, physical["region"]["startLine"])
        rule_id = result["ruleId"]
        assert written_at(evaluation.rule(rule_id), text), text
        (logical,) = location["logicalLocations"]
        unit, period = result["properties"]["unit"], result["properties"]["period"]
        assert logical == {"name": unit, "fullyQualifiedName": f"{unit}/{period}", "kind": "module"}


def test_every_rule_of_every_shipped_plan_has_its_line(catalogue: Catalogue) -> None:
    for plan in catalogue.plans.values():
        lines = rule_lines(plan.file)
        text = plan.file.read_text(encoding="utf-8").splitlines()
        assert source_path(plan.file) == f"rules/plans/{plan.file.name}"
        assert {rule.id for rule in plan.rules} <= lines.keys()
        for rule in plan.rules:
            assert written_at(rule, text[lines[rule.id] - 1]), (rule.id, lines[rule.id])


def test_fingerprints_are_stable_across_runs_and_languages(
    example_evaluations: dict[str, Evaluation],
) -> None:
    evaluation = example_evaluations["hanoi-2019"]

    def prints(lang: str) -> list[str]:
        results = sarif(evaluation, lang=lang)["runs"][0]["results"]
        return [r["partialFingerprints"]["cchcFinding/v1"] for r in results]

    assert prints("vi") == prints("vi") == prints("en")
    finding = evaluation.findings[0]
    assert fingerprint(replace(finding, status="fail", gap={"more": 1})) == fingerprint(finding)
    assert fingerprint(replace(finding, period="2099")) != fingerprint(finding)
    # Ids do not run together: (a, bc) and (ab, c) are different findings.
    first, second = (
        replace(finding, rule_id="A", unit_id="BC"),
        replace(finding, rule_id="AB", unit_id="C"),
    )
    assert fingerprint(first) != fingerprint(second)


def test_every_rule_with_findings_is_described_in_both_languages(
    example_evaluations: dict[str, Evaluation],
) -> None:
    evaluation = example_evaluations["hanoi-par-sipas-2022"]
    rules = {
        lang: {
            r["id"]: r for r in sarif(evaluation, lang=lang)["runs"][0]["tool"]["driver"]["rules"]
        }
        for lang in ("vi", "en")
    }
    assert rules["vi"].keys() == rules["en"].keys() and rules["vi"]
    for rule_id, vietnamese in rules["vi"].items():
        plan, rule = evaluation.rules[rule_id]
        english = rules["en"][rule_id]
        # The plan's own words in both: never translated.
        assert (
            vietnamese["fullDescription"]
            == english["fullDescription"]
            == {"text": rule.citation.quote}
        )
        assert vietnamese["shortDescription"]["text"] == (rule.title_vi or rule.title)
        assert english["shortDescription"]["text"] == rule.title
        for described in (vietnamese, english):
            assert rule.citation.clause in described["help"]["text"]
            assert plan.info.number in described["help"]["text"]
            assert described["properties"]["plan"] == plan.id
            assert described["properties"]["tags"] == ["cchc", rule.area, rule.strength]


def test_only_narrows_the_results_but_not_the_summary(
    example_evaluations: dict[str, Evaluation],
) -> None:
    evaluation = example_evaluations["thua-thien-hue-2018"]
    run = sarif(evaluation, lang="en", only=("fail",))["runs"][0]
    assert len(run["results"]) == evaluation.summary()["fail"] > 0
    assert {r["kind"] for r in run["results"]} == {"fail"}
    assert run["properties"]["summary"] == evaluation.summary()
    assert validator().is_valid(sarif(evaluation, lang="en", only=("pending",)))


def test_hostile_unit_names_are_data(example_evaluations: dict[str, Evaluation]) -> None:
    evaluation = with_unit_names(example_evaluations["hanoi-2019"])
    text = whole(render("sarif", evaluation, RenderOptions(lang="vi")))
    assert isinstance(text, bytes)
    decoded = text.decode("utf-8")
    assert not any(raw in decoded for raw in RAW_CONTROLS)
    log = json.loads(text)
    assert validator().is_valid(log)
    results = log["runs"][0]["results"]
    assert {r["properties"]["unitName"] for r in results} == {HOSTILE_NAME}
    assert all(HOSTILE_NAME in r["message"]["text"] for r in results)
