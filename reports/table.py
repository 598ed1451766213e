"""A terminal report: a summary, then the findings that need attention, one table per unit (or
per rule), fitted to the terminal's width. `--all` lists every finding."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable, Collection
from functools import lru_cache
from itertools import groupby

from tabulate import tabulate

from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.engine.findings import Finding
from cchc.reports.terminal import printable
from cchc.reports.view import RenderOptions
from cchc.reports.wording import Wording, language, word
from cchc.reports.wording.notices import word_notice

STATUS_LABEL = {
    "pass": "PASS",
    "fail": "FAIL",
    "pending": "pending",
    "missing": "missing",
    "not_applicable": "n/a",
}
# Each column's share of the width left once the fixed columns are laid out, and its floor.
FIXED = {"period": 8, "status": 7, "kind": 4}
FLEXIBLE = {
    "rule": (2, 10),
    "title": (3, 12),
    "unit": (3, 12),
    "evidence": (5, 16),
    "to comply": (4, 14),
}
MIN_WIDTH, MAX_WIDTH = 80, 240
# tabulate's "simple" format puts two spaces between columns.
GUTTER = 2


def terminal_width() -> int:
    """The terminal's width (COLUMNS when set), within reason: a pipe gets 120."""
    columns = shutil.get_terminal_size(fallback=(120, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def column_widths(headers: list[str], width: int) -> list[int]:
    """Widths that make the table fit `width`: fixed columns first, the rest shared out."""
    fixed = sum(FIXED.get(h, 0) for h in headers)
    flexible = [h for h in headers if h in FLEXIBLE]
    room = width - fixed - GUTTER * (len(headers) - 1)
    weights = sum(FLEXIBLE[h][0] for h in flexible)
    shares = {h: max(FLEXIBLE[h][1], room * FLEXIBLE[h][0] // weights) for h in flexible}
    return [FIXED.get(h) or shares[h] for h in headers]


@lru_cache(maxsize=65536)
def _wrap(text: str, width: int) -> str:
    # Titles, targets and gaps repeat across units: wrapping each distinct cell once keeps a
    # 10,000-unit report fast. A cell's own newlines are escaped first: the only line breaks in
    # a cell are the wrapping's.
    text = printable(text, keep_newlines=False)
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _table(rows: list[list[str]], headers: list[str]) -> str:
    widths = column_widths(headers, terminal_width())
    wrapped = [
        [_wrap(cell, width) for cell, width in zip(row, widths, strict=True)] for row in rows
    ]
    return tabulate(wrapped, headers=headers, tablefmt="simple", disable_numparse=True)


def _line(text: str) -> str:
    return printable(text, keep_newlines=False)


def _evidence(wording: Wording) -> str:
    text = wording.arithmetic or wording.actual or wording.detail or ""
    if wording.arithmetic and wording.detail:
        text += f" ({wording.detail})"
    return text


class _Rows:
    """Findings with their wording, computed once per finding listed."""

    def __init__(self, evaluation: Evaluation, lang: str) -> None:
        self.evaluation = evaluation
        self.lang = lang

    def cells(self, finding: Finding) -> dict[str, str]:
        rule = self.evaluation.rule(finding.rule_id)
        wording = word(rule, finding, self.lang)
        return {
            "rule": finding.rule_id,
            "title": rule.title,
            "unit": self.evaluation.unit_name(finding.unit_id),
            "period": finding.period,
            "status": STATUS_LABEL[finding.status],
            "kind": "firm" if rule.strength == "firm" else "aim",  # "aim": a phấn đấu target
            "evidence": _evidence(wording),
            "to comply": wording.gap or "",
        }


def _summary(evaluation: Evaluation, listed: list[Finding], statuses: Collection[str]) -> str:
    """The counts over every finding, whichever are listed."""
    summary = evaluation.summary()
    plans = "; ".join(f"{p.info.number} ({p.id})" for p in evaluation.plans)
    shown = (
        f" · listed: {len(listed)} "
        f"({', '.join(STATUS_LABEL[s] for s in STATUSES if s in statuses)}; --all lists every "
        "finding)"
        if statuses
        else ""
    )
    return "\n".join(
        [
            _line(f"Plan: {plans}"),
            f"As of {evaluation.as_of:%d/%m/%Y} · engine: {evaluation.engine} · "
            f"{summary['findings']} findings{shown}",
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


def _warnings(evaluation: Evaluation, lang: str) -> str:
    words = language(lang)
    lines = [f"  - {_line(word_notice(notice, words))}" for notice in evaluation.warnings]
    return "\n".join([f"Warnings ({len(lines)}):", *lines])


def _by_unit(findings: list[Finding], rows: _Rows) -> list[str]:
    blocks = []
    headers = ["rule", "title", "period", "status", "kind", "evidence", "to comply"]
    for unit_id, group in groupby(sorted(findings, key=lambda f: f.unit_id), lambda f: f.unit_id):
        table = [[cells[h] for h in headers] for cells in map(rows.cells, group)]
        name = rows.evaluation.unit_name(unit_id)
        blocks.append(_line(f"== {name} [{unit_id}]") + f"\n{_table(table, headers)}")
    return blocks


def _by_rule(findings: list[Finding], rows: _Rows) -> list[str]:
    blocks = []
    headers = ["unit", "period", "status", "evidence", "to comply"]
    for rule_id, group in groupby(findings, key=lambda f: f.rule_id):
        plan, rule = rows.evaluation.rules[rule_id]
        table = [[cells[h] for h in headers] for cells in map(rows.cells, group)]
        heading = "\n".join(
            [
                _line(f"== {rule_id} · {rule.title} · {rule.strength}"),
                _line(f"   {plan.info.number}, {rule.citation.clause}: “{rule.citation.quote}”"),
            ]
        )
        blocks.append(f"{heading}\n{_table(table, headers)}")
    return blocks


GROUPINGS: dict[str, Callable[[list[Finding], _Rows], list[str]]] = {
    "unit": _by_unit,
    "rule": _by_rule,
}


def render(evaluation: Evaluation, options: RenderOptions) -> str:
    """The summary (over every finding), the listed findings grouped, then the warnings. Listed:
    those of the statuses in `only`; else every finding with `everything`; else those that need
    attention (fail, pending, missing)."""
    statuses, group_by, lang = options.statuses, options.group_by, options.lang
    listed = evaluation.listed(statuses)
    blocks = [_summary(evaluation, listed, statuses)]
    blocks += GROUPINGS[group_by](listed, _Rows(evaluation, lang))
    if evaluation.rules_without_units:
        blocks.append(
            _line(
                "Rules with no unit of theirs in these facts: "
                + ", ".join(evaluation.rules_without_units)
            )
        )
    if evaluation.warnings:
        blocks.append(_warnings(evaluation, lang))
    return "\n\n".join(blocks) + "\n"
