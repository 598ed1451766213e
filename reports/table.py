"""A terminal report: a summary, then one table per unit (or per rule) via tabulate."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Collection
from functools import lru_cache
from itertools import groupby

from tabulate import tabulate

from cchc.engine.evaluate import STATUSES, Evaluation
from cchc.engine.findings import Finding
from cchc.reports.terminal import printable

STATUS_LABEL = {
    "pass": "PASS",
    "fail": "FAIL",
    "pending": "pending",
    "missing": "missing",
    "not_applicable": "n/a",
}
WIDTHS = {
    "rule": 22,
    "title": 34,
    "unit": 24,
    "period": 8,
    "status": 9,
    "kind": 5,
    "evidence": 44,
    "to comply": 36,
}


def _status(finding: Finding) -> str:
    return STATUS_LABEL[finding.status]


def _evidence(finding: Finding) -> str:
    text = finding.arithmetic or finding.actual or finding.detail or ""
    if finding.arithmetic and finding.detail:
        text += f" ({finding.detail})"
    return text


def _kind(finding: Finding) -> str:
    return "firm" if finding.strength == "firm" else "aim"  # "aim": a phấn đấu target


@lru_cache(maxsize=65536)
def _wrap(text: str, width: int) -> str:
    # Titles, targets and gaps repeat across units: wrapping each distinct cell once keeps a
    # 10,000-unit report fast (tabulate's own maxcolwidths re-wraps every cell). A cell's own
    # newlines are escaped first: the only line breaks in a cell are the wrapping's.
    text = printable(text, keep_newlines=False)
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = [WIDTHS[h] for h in headers]
    wrapped = [
        [_wrap(cell, width) for cell, width in zip(row, widths, strict=True)] for row in rows
    ]
    return tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True)


def _line(text: str) -> str:
    return printable(text, keep_newlines=False)


def _summary(evaluation: Evaluation, only: Collection[str]) -> str:
    """The counts over every finding, whichever are listed."""
    summary = evaluation.summary()
    plans = "; ".join(f"{p.info.number} ({p.id})" for p in evaluation.plans)
    listed = (
        f" · listed: {len(evaluation.listed(only))} "
        f"({', '.join(STATUS_LABEL[s] for s in STATUSES if s in only)})"
        if only
        else ""
    )
    return "\n".join(
        [
            _line(f"Plan: {plans}"),
            f"As of {evaluation.as_of:%d/%m/%Y} · engine: {evaluation.engine} · "
            f"{summary['findings']} findings{listed}",
            "  ".join(
                [
                    *(f"{STATUS_LABEL[s]}: {summary[s]}" for s in STATUSES),
                    f"warnings: {summary['warnings']}",
                ]
            ),
            f"Firm targets failed: {summary['firm_failures']} · aspirational (phấn đấu) "
            f"targets missed: {summary['aspirational_failures']}",
        ]
    )


def _warnings(evaluation: Evaluation) -> str:
    lines = [f"  - {_line(warning)}" for warning in evaluation.warnings]
    return "\n".join([f"Warnings ({len(lines)}):", *lines])


def _by_unit(findings: list[Finding]) -> list[str]:
    blocks = []
    ordered = sorted(findings, key=lambda f: f.unit_id)
    for (unit_id, unit_name), group in groupby(ordered, key=lambda f: (f.unit_id, f.unit_name)):
        rows = [
            [f.rule_id, f.title, f.period, _status(f), _kind(f), _evidence(f), f.gap or ""]
            for f in group
        ]
        headers = ["rule", "title", "period", "status", "kind", "evidence", "to comply"]
        blocks.append(_line(f"== {unit_name} [{unit_id}]") + f"\n{_table(rows, headers)}")
    return blocks


def _by_rule(findings: list[Finding]) -> list[str]:
    blocks = []
    for rule_id, group in groupby(findings, key=lambda f: f.rule_id):
        items = list(group)
        first = items[0]
        rows = [[f.unit_name, f.period, _status(f), _evidence(f), f.gap or ""] for f in items]
        headers = ["unit", "period", "status", "evidence", "to comply"]
        heading = "\n".join(
            [
                _line(f"== {rule_id} · {first.title} · {first.strength}"),
                _line(
                    f"   {first.citation.document}, {first.citation.clause}: "
                    f"“{first.citation.quote}”"
                ),
            ]
        )
        blocks.append(f"{heading}\n{_table(rows, headers)}")
    return blocks


GROUPINGS: dict[str, Callable[[list[Finding]], list[str]]] = {"unit": _by_unit, "rule": _by_rule}


def render_table(evaluation: Evaluation, group_by: str = "unit", only: Collection[str] = ()) -> str:
    """The summary (over every finding), the listed findings grouped, then the warnings."""
    blocks = [_summary(evaluation, only), *GROUPINGS[group_by](evaluation.listed(only))]
    if evaluation.rules_without_units:
        blocks.append(
            _line(
                "Rules with no unit of theirs in these facts: "
                + ", ".join(evaluation.rules_without_units)
            )
        )
    if evaluation.warnings:
        blocks.append(_warnings(evaluation))
    return "\n\n".join(blocks) + "\n"
