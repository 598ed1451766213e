"""The findings as JUnit XML (the schema Jenkins and GitLab read): one <testsuite> per plan, one
<testcase> per rule × unit × period, `classname` the rule's id.

How a status reads as a test (`outcome`): a firm target not met fails (type "firm"); an
aspirational (phấn đấu) one not met is skipped with its message, and fails (type
"aspirational") with --strict, as missing data does (type "missing"); a finding not yet due or
that does not apply is skipped. With --dossiers, a last suite, `reconciliation`: each reported
count the dossier records contradict is a failing test (type "reconciliation"); when none does,
one passing test says the counts were compared. So a CI job's red tests are exactly what makes
`cchc` exit 1.

Every string comes from ElementTree, which escapes it. Text from fact files (unit names,
evidence notes) may hold characters XML 1.0 cannot carry at all (most C0 controls), or that
mislead a reader (bidi overrides): those are written as visible escapes such as `\\x1b` first.
The document is written in pieces, a batch of testcases at a time, so a national report
(520,000 findings) is never held whole as a tree; a passing test is its name alone, and only the
other findings are worded.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from typing import Literal

from cchc.engine.evaluation import Evaluation
from cchc.engine.findings import Finding
from cchc.engine.reconciliation import Discrepancy, Reconciliation
from cchc.reports.terminal import UNSAFE_RANGES, escape
from cchc.reports.view import RenderOptions, ReportView, Row
from cchc.rules.catalogue import Plan

Outcome = Literal["passed", "failure", "skipped"]
# What is never written raw: the terminal's unsafe characters (controls, bidi, lone surrogates),
# the newline (a name or a labelled value is one line), and the two BMP noncharacters, which
# XML 1.0 excludes. One pattern: `safe` runs on every text of every test.
_UNSAFE = re.compile(
    "["
    + "".join(
        f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in (*UNSAFE_RANGES, (0x0A, 0x0A), (0xFFFE, 0xFFFF))
    )
    + "]"
)
BATCH = 2_000  # testcases written at a time
RECONCILIATION = "reconciliation"  # the suite, classname and failure type of a discrepancy


def outcome(status: str, strength: str, strict: bool) -> tuple[Outcome, str | None]:
    """How a finding reads as a test: passed, a failure (with its type), or skipped."""
    if status == "pass":
        return "passed", None
    if status == "fail" and (strength == "firm" or strict):
        return "failure", strength
    if status == "at_risk" and (strength == "firm" or strict):
        return "failure", "at_risk"
    if status == "missing" and strict:
        return "failure", "missing"
    return "skipped", None


def safe(text: object) -> str:
    """Text that XML 1.0 can hold, shown as it is (see the module docstring), on one line: a
    newline in a unit's name must not pass for a line of the explanation it is part of."""
    return _UNSAFE.sub(lambda match: escape(match[0]), str(text))


def render(evaluation: Evaluation, options: RenderOptions) -> Iterator[bytes]:
    """UTF-8 bytes in pieces: every finding (or those --only names), suite by suite."""
    view = ReportView(evaluation, options)
    by_plan = _by_plan(evaluation, options.only)
    tallies = {
        plan_id: Counter(_outcome(evaluation, f, options.strict) for f in findings)
        for plan_id, findings in by_plan.items()
    }
    total = sum(tallies.values(), Counter())
    if evaluation.reconciliation is not None:
        total += _reconciliation_tally(evaluation.reconciliation)
    root = ET.Element("testsuites", {"name": "cchc", **_counts(total)})
    head, tail = _halves(root, xml_declaration=True)
    yield head
    for plan in evaluation.plans:
        yield from _suite(view, plan, by_plan[plan.id], tallies[plan.id])
    if evaluation.reconciliation is not None:
        yield _reconciliation_suite(view, evaluation.reconciliation)
    yield tail


def _by_plan(evaluation: Evaluation, only: tuple[str, ...]) -> dict[str, list[Finding]]:
    """The findings listed, per plan id, in the evaluation's order."""
    grouped: dict[str, list[Finding]] = {plan.id: [] for plan in evaluation.plans}
    for finding in evaluation.listed(only):
        grouped[evaluation.plan_of(finding.rule_id).id].append(finding)
    return grouped


def _outcome(evaluation: Evaluation, finding: Finding, strict: bool) -> Outcome:
    return outcome(finding.status, evaluation.rule(finding.rule_id).strength, strict)[0]


def _counts(tally: Counter[str]) -> dict[str, str]:
    """A suite's attributes: what its testcases add up to (`errors`: cchc never errs on one
    finding; a bug stops the whole run with exit status 3)."""
    return {
        "tests": str(tally.total()),
        "failures": str(tally["failure"]),
        "errors": "0",
        "skipped": str(tally["skipped"]),
        "time": "0",
    }


def _halves(element: ET.Element, xml_declaration: bool = False) -> tuple[bytes, bytes]:
    """The element as written by ElementTree, split before its end tag: children are written
    between the two halves, one at a time."""
    element.text = "\n"  # never `<x/>`: the end tag is where the children go
    text = ET.tostring(element, encoding="utf-8", xml_declaration=xml_declaration)
    head, end, _ = text.rpartition(f"</{element.tag}>".encode())
    return head, end + b"\n"


def _suite(
    view: ReportView, plan: Plan, findings: list[Finding], tally: Counter[str]
) -> Iterator[bytes]:
    suite = ET.Element("testsuite", {"name": plan.id, **_counts(tally)})
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(view, plan):
        ET.SubElement(properties, "property", {"name": name, "value": safe(value)})
    properties.tail = "\n"
    head, tail = _halves(suite)
    yield head
    tests = _Tests(view)
    for start in range(0, len(findings), BATCH):
        yield _written([tests.testcase(f) for f in findings[start : start + BATCH]])
    if view.warnings:  # the evaluation's, in every suite: each suite is a whole report
        errors = ET.Element("system-err")
        heading = view("report.warnings", count=view.number(len(view.warnings)))
        errors.text = "\n".join(safe(line) for line in [heading, *view.warnings])
        errors.tail = "\n"
        yield _written([errors])
    yield tail


def _written(elements: list[ET.Element]) -> bytes:
    """The elements as ElementTree writes them, in one call: setting up a writer costs more than
    writing one testcase. They are written inside a holder, whose tags are then cut off."""
    if not elements:
        return b""
    holder = ET.Element("holder")
    holder.extend(elements)
    return ET.tostring(holder, encoding="utf-8")[len(b"<holder>") : -len(b"</holder>")]


def _properties(view: ReportView, plan: Plan) -> list[tuple[str, object]]:
    options, evaluation = view.options, view.evaluation
    return [
        ("document", plan.info.number),
        ("as_of", evaluation.as_of.isoformat()),
        ("engine", evaluation.engine),
        ("strict", str(options.strict).lower()),
        ("lang", options.lang),
    ]


class _Tests:
    """Findings as testcases, with what they all share looked up once."""

    def __init__(self, view: ReportView) -> None:
        self.view = view
        self.strict = view.options.strict
        self.labels = {key: view(key) for key in LABELS}
        self.strengths = {
            rule_id: rule.strength for rule_id, (_, rule) in view.evaluation.rules.items()
        }

    def testcase(self, finding: Finding) -> ET.Element:
        unit_name = self.view.evaluation.unit_name(finding.unit_id)
        name = f"{finding.unit_id} {finding.period}"
        if unit_name != finding.unit_id:
            name += f" ({unit_name})"
        attributes = {"classname": finding.rule_id, "name": safe(name), "time": "0"}
        case = ET.Element("testcase", attributes)
        case.tail = "\n"
        kind, failure_type = outcome(finding.status, self.strengths[finding.rule_id], self.strict)
        if kind == "passed":  # a passing test is its name: nothing is worded for it
            return case
        row = self.view.row(finding)
        attributes = {"message": safe(self.message(row))}
        if failure_type:
            attributes["type"] = failure_type
        ET.SubElement(case, kind, attributes).text = self.explanation(row)
        return case

    def message(self, row: Row) -> str:
        verdict = self.view("junit.verdict", status=row.status_word, strength=row.strength_word)
        figures = row.evidence or row.gap
        if not figures:
            return verdict
        return self.view("junit.with_figures", verdict=verdict, figures=figures)

    def explanation(self, row: Row) -> str:
        """The finding in full, a labelled line each: what is required, the figures, what it
        takes to comply, and the plan's own words."""
        lines = [
            ("report.title_column", row.title),
            ("report.unit", f"{row.unit_name} ({row.finding.unit_id})"),
            ("report.period", row.period_name),
            ("report.status", row.status_word),
            ("report.strength", row.strength_word),
            ("report.evidence", row.evidence),
            ("report.target", row.target),
            ("report.gap", row.gap),
            ("report.due", self.view.day(row.due) if row.due else None),
            ("report.document", row.document),
            ("report.clause", row.clause),
            ("report.quote", row.quote),
        ]
        return "\n".join(f"{self.labels[key]}: {safe(value)}" for key, value in lines if value)


def _reconciliation_tally(found: Reconciliation) -> Counter[str]:
    """A failure per discrepancy; one passing test when there is none."""
    return Counter({"failure": len(found.discrepancies)} if found.discrepancies else {"passed": 1})


def _reconciliation_suite(view: ReportView, found: Reconciliation) -> bytes:
    """The suite of the check against dossier records: a failing testcase per discrepancy, or
    one passing testcase; the view's heading (or "agrees" sentence) as its output."""
    worded = view.reconciliation()
    assert worded is not None  # the evaluation has a reconciliation
    attributes = {"name": RECONCILIATION, **_counts(_reconciliation_tally(found))}
    suite = ET.Element("testsuite", attributes)
    suite.text = "\n"
    properties = ET.SubElement(suite, "properties")
    for name, value in (("tolerance", found.tolerance), ("compared", found.compared)):
        ET.SubElement(properties, "property", {"name": name, "value": safe(value)})
    properties.tail = "\n"
    cases = [_discrepancy_case(view, d, words) for d, words in view.discrepancy_words()]
    suite.extend(cases or [_testcase(view("reconciliation.title"))])
    output = ET.SubElement(suite, "system-out")
    output.text, output.tail = safe(worded[0]), "\n"  # the heading, or "agrees"
    return ET.tostring(suite, encoding="utf-8") + b"\n"


def _testcase(name: str) -> ET.Element:
    """A testcase of the reconciliation suite, on a line of its own."""
    case = ET.Element("testcase", {"classname": RECONCILIATION, "name": safe(name), "time": "0"})
    case.tail = "\n"
    return case


def _discrepancy_case(
    view: ReportView, discrepancy: Discrepancy, words: dict[str, str]
) -> ET.Element:
    """A failing testcase: unit, period (field) and count as its name, both figures as its
    message, every column of the view's row as a labelled line of its body."""
    parts = [discrepancy.unit, discrepancy.period, discrepancy.field, discrepancy.name]
    name = " ".join(part for part in parts if part)
    unit_name = words["reconciliation.column_unit"]
    if unit_name != discrepancy.unit:
        name += f" ({unit_name})"
    case = _testcase(name)
    message = view(
        "junit.discrepancy",
        count=words["reconciliation.column_count"],
        reported=words["reconciliation.column_reported"],
        recomputed=words["reconciliation.column_recomputed"],
    )
    failure = ET.SubElement(case, "failure", {"message": safe(message), "type": RECONCILIATION})
    lines = [f"{view(key)}: {safe(value)}" for key, value in words.items() if value]
    failure.text = "\n".join(lines)
    return case


# The labels of an explanation's lines (report.yaml's words), looked up once per report.
LABELS = (
    "report.title_column",
    "report.unit",
    "report.period",
    "report.status",
    "report.strength",
    "report.evidence",
    "report.target",
    "report.gap",
    "report.due",
    "report.document",
    "report.clause",
    "report.quote",
)
