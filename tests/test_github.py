"""GitHub Actions annotations: one workflow command per finding listed, read back the way the
runner reads them (actions/runner, src/Runner.Common/ActionCommand.cs: TryParseV2,
UnescapeProperty, UnescapeData), so that a hostile unit name comes back whole and never as a
command or a property of its own."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

import pytest
from ci_formats import HOSTILE_NAME, with_unit_names, written_at
from conftest import EXAMPLE_DATES

from cchc.engine.evaluation import Evaluation
from cchc.reports import render
from cchc.reports.github import command, escape_data, escape_property
from cchc.reports.output import whole
from cchc.reports.view import ATTENTION, RenderOptions
from cchc.reports.wording import language

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(EXAMPLE_DATES)
# `::name key=value,key=value::message`: no `::` before the message's, no raw `,` or `:` in a
# property's value, a message on one line.
COMMAND = re.compile(
    r"^::(error|warning|notice)(?: ((?:[a-z]+=[^,:\r\n]+)(?:,[a-z]+=[^,:\r\n]+)*))?::([^\r\n]*)$"
)


class Annotation(NamedTuple):
    level: str
    properties: dict[str, str]
    message: str


def unescape_property(text: str) -> str:  # the runner's order: `%25` last
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def unescape_data(text: str) -> str:
    for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%25", "%")):
        text = text.replace(escaped, raw)
    return text


def parse(line: str) -> Annotation:
    """A line as the runner reads it (TryParseV2): the command up to the first `::` after the
    leading one, properties split at `,` and each at its first `=`."""
    match = COMMAND.match(line)
    assert match, line
    end = line.index("::", 2)
    name, _, properties = line[2:end].partition(" ")
    pairs = [item.split("=", 1) for item in properties.strip().split(",") if item]
    return Annotation(
        name,
        {key: unescape_property(value) for key, value in pairs},
        unescape_data(line[end + 2 :]),
    )


def annotations(evaluation: Evaluation, **options: object) -> list[Annotation]:
    text = whole(render("github", evaluation, RenderOptions(**options)))  # type: ignore[arg-type]
    assert isinstance(text, bytes) and text.endswith(b"\n")
    return [parse(line) for line in text.decode("utf-8").split("\n")[:-1]]


def expected_levels(evaluation: Evaluation, statuses: tuple[str, ...]) -> Counter[str]:
    """What each finding listed becomes: firm fail error, aspirational fail warning, else notice."""
    levels: Counter[str] = Counter()
    for finding in evaluation.listed(statuses):
        if finding.status == "fail":
            levels[
                "error" if evaluation.rule(finding.rule_id).strength == "firm" else "warning"
            ] += 1
        else:
            levels["notice"] += 1
    return levels


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_one_annotation_per_finding_that_needs_attention(
    example_evaluations: dict[str, Evaluation], example: str, lang: str
) -> None:
    evaluation = example_evaluations[example]
    found = annotations(evaluation, lang=lang)
    on_findings = [a for a in found if "file" in a.properties]
    summary = evaluation.summary()
    assert len(on_findings) == sum(summary[status] for status in ATTENTION)
    assert Counter(a.level for a in on_findings) == expected_levels(evaluation, ATTENTION)
    assert sum(a.level == "error" for a in on_findings) == summary["firm_failures"]
    assert sum(a.level == "warning" for a in on_findings) == summary["aspirational_failures"]
    # Then a warning per warning of the evaluation, and the counts.
    rest = found[len(on_findings) :]
    assert [a.level for a in rest] == ["warning"] * len(evaluation.warnings) + ["notice"]
    assert rest[-1].properties == {"title": language(lang)("report.title")}


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("example", EXAMPLES)
def test_the_last_line_states_the_counts(
    example_evaluations: dict[str, Evaluation], example: str, lang: str
) -> None:
    evaluation = example_evaluations[example]
    summary = evaluation.summary()
    message = annotations(evaluation, lang=lang)[-1].message
    numbers = [int(re.sub(r"[.,]", "", n)) for n in re.findall(r"\d+(?:[.,]\d{3})*", message)]
    day = evaluation.as_of
    counts = ["findings", "pass", "fail", "firm_failures", "aspirational_failures"]
    counts += ["pending", "missing", "not_applicable"]
    want = [summary[key] for key in counts] + [day.day, day.month, day.year]
    assert sorted(numbers) == sorted(want)


@pytest.mark.parametrize("example", EXAMPLES)
def test_each_annotation_points_at_its_rule(
    example_evaluations: dict[str, Evaluation], example: str
) -> None:
    evaluation = example_evaluations[example]
    found = [
        a for a in annotations(evaluation, lang="en", everything=True) if "file" in a.properties
    ]
    for annotation, finding in zip(found, evaluation.findings, strict=True):
        plan = evaluation.plan_of(finding.rule_id)
        assert annotation.properties["file"] == f"rules/plans/{plan.file.name}"
        line = int(annotation.properties["line"])
        text = (ROOT / annotation.properties["file"]).read_text(encoding="utf-8").splitlines()
        assert written_at(evaluation.rule(finding.rule_id), text[line - 1])
        assert annotation.properties["title"].startswith(finding.rule_id)
        assert evaluation.unit_name(finding.unit_id) in annotation.properties["title"]


@pytest.mark.parametrize(
    ("options", "statuses"),
    [
        ({"everything": True}, ("pass", "fail", "pending", "missing", "not_applicable")),
        ({"only": ("pass",)}, ("pass",)),
        ({"only": ("fail", "not_applicable")}, ("fail", "not_applicable")),
    ],
)
def test_all_and_only_change_what_is_annotated(
    example_evaluations: dict[str, Evaluation],
    options: dict[str, object],
    statuses: tuple[str, ...],
) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    on_findings = [
        a for a in annotations(evaluation, lang="vi", **options) if "file" in a.properties
    ]
    assert Counter(a.level for a in on_findings) == expected_levels(evaluation, statuses)
    assert len(on_findings) == sum(evaluation.summary()[status] for status in statuses) > 0


@pytest.mark.parametrize(
    ("raw", "as_data", "as_property"),
    [
        ("100%", "100%25", "100%25"),
        ("a\r\nb", "a%0D%0Ab", "a%0D%0Ab"),
        ("::error::x", "::error::x", "%3A%3Aerror%3A%3Ax"),
        ("a, b=c", "a, b=c", "a%2C b=c"),
        ("%0A", "%250A", "%250A"),
    ],
)
def test_escapes_are_the_toolkits(raw: str, as_data: str, as_property: str) -> None:
    assert escape_data(raw) == as_data and unescape_data(as_data) == raw
    assert escape_property(raw) == as_property and unescape_property(as_property) == raw


def test_a_command_with_hostile_text_reads_back_whole() -> None:
    line = command("error", {"file": "a,b.yaml", "line": 3, "title": HOSTILE_NAME}, HOSTILE_NAME)
    assert "\n" not in line and "\r" not in line
    annotation = parse(line)
    assert annotation.level == "error"
    assert annotation.properties.keys() == {"file", "line", "title"}
    assert annotation.properties["file"] == "a,b.yaml"
    # Terminal escapes and bidi overrides are shown, not passed on; the rest comes back as written.
    shown = HOSTILE_NAME.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    assert annotation.properties["title"] == shown
    assert annotation.message == shown


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hostile_unit_names_stay_inside_their_annotation(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    evaluation = with_unit_names(example_evaluations["hanoi-2019"])
    found = annotations(evaluation, lang=lang, everything=True)
    on_findings = [a for a in found if "file" in a.properties]
    assert len(on_findings) == len(evaluation.findings)
    shown = HOSTILE_NAME.replace("\x1b", "\\x1b").replace("\u202e", "\\u202e")
    for annotation in on_findings:
        assert annotation.properties.keys() == {"file", "line", "title"}
        assert shown in annotation.properties["title"]
        assert annotation.properties["file"] == "rules/plans/hanoi-cchc-2019.yaml"
