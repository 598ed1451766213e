"""The findings as SARIF 2.1.0 (the OASIS standard code-scanning tools read): one run, its
driver's `rules` each rule with findings, and one result per finding (or per finding of the
statuses --only names).

A result's `kind` says what the finding is (fail, pass, open: not yet due or not enough data,
notApplicable); only a failure has a `level`, error for a firm target and warning for an
aspirational (phấn đấu) one, and every other result has level "none", as the standard requires.
Each result points at the rule's entry in its plan file (path from the repository's root, and
line) and names the unit as a logical location; `partialFingerprints` identify the rule, unit
and period, whatever the status or the language, so a viewer tracks a finding across runs.

With --dossiers, each reported count the dossier records contradict is a result too: rule
`reconciliation` (in the driver's rules whenever the counts were compared), kind fail, level
error, both figures in its message and properties, the unit and period its logical location
(no file: the facts do not say where a count was written).

The log is written in pieces, a batch of results at a time, one result per line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from cchc import __version__
from cchc.engine.evaluation import Evaluation
from cchc.engine.findings import Finding
from cchc.engine.reconciliation import Discrepancy

# The JSON report's escaping of raw control and bidi characters: the same data, never obeyed by
# a terminal showing the file.
from cchc.reports.json_report import _escaped as escape_unsafe
from cchc.reports.sources import Source, rule_sources
from cchc.reports.view import RenderOptions, ReportView, Row
from cchc.rules.catalogue import Plan
from cchc.rules.schema import Rule

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"
FINGERPRINT = "cchcFinding/v1"
KINDS = {
    "pass": "pass",
    "fail": "fail",
    "at_risk": "fail",  # before sending: would fail if the period ended today
    "pending": "open",
    "missing": "open",
    "not_applicable": "notApplicable",
}
LEVELS = {"firm": "error", "aspirational": "warning"}  # of a failure; any other result: "none"
BATCH = 2_000  # results per piece written
RECONCILIATION = "reconciliation"  # the rule of a reported count the dossier records contradict
DISCREPANCY_FINGERPRINT = "cchcDiscrepancy/v1"


def render(evaluation: Evaluation, options: RenderOptions) -> Iterator[bytes]:
    """UTF-8 bytes in pieces: the log up to its results, then the results, then its end."""
    view = ReportView(evaluation, options)
    sources = rule_sources(evaluation)
    rule_ids = list(dict.fromkeys(part.rule.id for part in evaluation.parts))
    index = {rule_id: position for position, rule_id in enumerate(rule_ids)}
    run = {
        "tool": {"driver": _driver(view, rule_ids)},
        "invocations": [_invocation(view)],
        "language": options.lang,
        "properties": _run_properties(evaluation, options),
    }
    opening = {"$schema": SCHEMA_URI, "version": "2.1.0"}
    # The run written whole but for its results, which follow it as its last key.
    head = _dumps(opening)[:-1] + b',"runs":[\n' + _dumps(run, indent=True).rstrip()[:-1]
    yield escape_unsafe(head.rstrip() + b',\n"results":[\n')
    places = {rule_id: _physical(sources[rule_id]) for rule_id in rule_ids}
    findings = (
        _result(view, finding, index[finding.rule_id], places[finding.rule_id])
        for finding in evaluation.listed(options.only)
    )
    results = chain(findings, _discrepancy_results(view, len(rule_ids)))
    first = True
    while batch := list(islice(results, BATCH)):
        lines = b",\n".join(_dumps(result) for result in batch)
        yield escape_unsafe((b"" if first else b",\n") + lines)
        first = False
    yield b"\n]}]}\n"


def _dumps(value: object, indent: bool = False) -> bytes:
    """orjson (dates as ISO dates, any other value as text); text no UTF-8 can hold (a file
    name that is not UTF-8 decodes to lone surrogates) by the standard library, as \\u escapes."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_INDENT_2 if indent else 0)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, default=str, indent=2 if indent else None).encode("ascii")


def _driver(view: ReportView, rule_ids: list[str]) -> dict[str, Any]:
    rules = [_rule(view, *view.evaluation.rules[rule_id]) for rule_id in rule_ids]
    if view.evaluation.reconciliation is not None:
        rules.append(_reconciliation_rule(view))  # its index: after every rule of the plans
    return {
        "name": "cchc",
        "version": __version__,
        "semanticVersion": __version__,
        "rules": rules,
    }


def _rule(view: ReportView, plan: Plan, rule: Rule) -> dict[str, Any]:
    area = rule.area or ""
    citation = [
        ("report.document", plan.info.number),
        ("report.clause", rule.citation.clause),
        ("report.quote", rule.citation.quote),
        ("report.strength", view.strength_word(rule.strength)),
    ]
    return {
        "id": rule.id,
        "name": rule.id,  # a name a reader can type: the id, the same in every language
        "shortDescription": {"text": view.lang.title(rule)},
        "fullDescription": {"text": rule.citation.quote},  # the plan's Vietnamese, verbatim
        "help": {"text": "\n".join(f"{view(label)}: {text}" for label, text in citation)},
        "defaultConfiguration": {"level": LEVELS[rule.strength]},
        "properties": {
            "plan": plan.id,
            "area": area,
            "strength": rule.strength,
            "tags": [tag for tag in dict.fromkeys(["cchc", area, rule.strength]) if tag],
        },
    }


def _reconciliation_rule(view: ReportView) -> dict[str, Any]:
    """The rule of the check against dossier records (check --dossiers)."""
    return {
        "id": RECONCILIATION,
        "name": RECONCILIATION,
        "shortDescription": {"text": view("reconciliation.title")},
        "fullDescription": {"text": view("sarif.reconciliation_rule")},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["cchc", RECONCILIATION]},
    }


def _invocation(view: ReportView) -> dict[str, Any]:
    """The run itself: it worked (a bug stops cchc before any report), with its warnings."""
    notifications = [{"level": "warning", "message": {"text": text}} for text in view.warnings]
    return {"executionSuccessful": True, "toolExecutionNotifications": notifications}


def _run_properties(evaluation: Evaluation, options: RenderOptions) -> dict[str, Any]:
    properties = {
        "asOf": evaluation.as_of.isoformat(),
        "engine": evaluation.engine,
        "plans": [plan.id for plan in evaluation.plans],
        "summary": evaluation.summary(),  # over every finding, whatever --only lists
        "only": sorted(options.only),
    }
    found = evaluation.reconciliation
    if found is not None:  # how many counts were compared, even when every one agrees
        properties[RECONCILIATION] = {"tolerance": str(found.tolerance), "compared": found.compared}
    return properties


def fingerprint(finding: Finding) -> str:
    """The finding's identity: rule, unit and period (as a JSON array, so that no two triples
    run together into the same text), never its status or wording."""
    return _digest([finding.rule_id, finding.unit_id, finding.period])


def _digest(identity: list[str | None]) -> str:
    return hashlib.sha256(json.dumps(identity).encode("ascii")).hexdigest()


def artifact_uri(path: str) -> str:
    """A relative URI for a path from the repository's root; a file: URI for any other."""
    return Path(path).as_uri() if Path(path).is_absolute() else quote(path)


def _physical(source: Source) -> dict[str, Any]:
    """Where a rule is written, as a SARIF physical location (the same for each of its results)."""
    physical: dict[str, Any] = {"artifactLocation": {"uri": artifact_uri(source.path)}}
    if source.line is not None:
        physical["region"] = {"startLine": source.line}
    return physical


def _result(
    view: ReportView, finding: Finding, rule_index: int, physical: dict[str, Any]
) -> dict[str, Any]:
    row = view.row(finding)
    kind = KINDS[finding.status]
    unit, period = finding.unit_id, finding.period
    return {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "kind": kind,
        "level": LEVELS[row.strength] if kind == "fail" else "none",
        "message": {"text": _message(view, row)},
        "locations": [
            {
                "physicalLocation": physical,
                "logicalLocations": [
                    {"name": unit, "fullyQualifiedName": f"{unit}/{period}", "kind": "module"}
                ],
            }
        ],
        "partialFingerprints": {FINGERPRINT: fingerprint(finding)},
        "properties": {
            "unit": unit,
            "unitName": row.unit_name,
            "period": period,
            "status": finding.status,
            "strength": row.strength,
            "evidence": finding.evidence,
            "gap": finding.gap,
            "due": finding.due,
            "reason": finding.reason,
        },
    }


def _message(view: ReportView, row: Row) -> str:
    """Unit and period, the verdict and the kind of target, the figures, what it takes."""
    text = view(
        "sarif.verdict",
        unit_name=row.unit_name,
        period=row.period_name,
        status=row.status_word,
        strength=row.strength_word,
    )
    if row.evidence:
        text = view("sarif.with_figures", text=text, figures=row.evidence)
    if row.gap:
        text = view("sarif.with_gap", text=text, gap=row.gap)
    return text


def _discrepancy_results(view: ReportView, rule_index: int) -> Iterator[dict[str, Any]]:
    """A result per reported count the dossier records contradict, in the view's order."""
    for discrepancy, words in view.discrepancy_words():
        yield _discrepancy_result(view, discrepancy, words, rule_index)


def _discrepancy_result(
    view: ReportView, discrepancy: Discrepancy, words: dict[str, str], rule_index: int
) -> dict[str, Any]:
    unit, period = discrepancy.unit, discrepancy.period
    message = view(
        "sarif.discrepancy",
        unit_name=words["reconciliation.column_unit"],
        period=words["reconciliation.column_period"],
        count=words["reconciliation.column_count"],
        reported=words["reconciliation.column_reported"],
        recomputed=words["reconciliation.column_recomputed"],
    )
    identity = [RECONCILIATION, unit, period, discrepancy.field, discrepancy.name]
    return {
        "ruleId": RECONCILIATION,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": "error",
        "message": {"text": message},
        "locations": [
            {
                "logicalLocations": [
                    {"name": unit, "fullyQualifiedName": f"{unit}/{period}", "kind": "module"}
                ]
            }
        ],
        "partialFingerprints": {DISCREPANCY_FINGERPRINT: _digest(identity)},
        "properties": {"unitName": words["reconciliation.column_unit"], **discrepancy.as_dict()},
    }
