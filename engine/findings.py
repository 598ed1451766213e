"""Findings: each rule's verdicts on its units and periods, with the evidence they rest on.

Findings stay a table (one frame per rule) until a report needs them one by one: then each row
becomes a Finding, carrying numbers and dates, never a sentence, and naming its rule by id. The
rule's title, citation and strength are the evaluation's, joined by id where a report needs them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from cchc.engine.decision import Status
from cchc.rules.measures.columns import EVIDENCE
from cchc.rules.measures.observation import Evidence, Reason, State
from cchc.rules.schema import Rule


@dataclass(frozen=True, slots=True)
class Finding:
    rule_id: str
    unit_id: str
    period: str
    status: Status
    state: State  # measured, no_data or not_applicable: what the measure could do
    evidence: Evidence
    gap: dict[str, Any] | None  # what it takes to comply, as numbers: only when not met
    reason: Reason | None = None  # why not measured
    due: date | None = None

    def as_dict(self) -> dict[str, Any]:
        """The finding as plain data, as the machine-readable formats write it."""
        return {
            "rule": self.rule_id,
            "unit": self.unit_id,
            "period": self.period,
            "status": self.status,
            "state": self.state,
            "reason": self.reason,
            "due": self.due,
            "evidence": self.evidence,
            "gap": self.gap,
        }


@dataclass(frozen=True)
class RuleFindings:
    """One rule's findings: its observations' frame with `status` and the gap columns."""

    rule: Rule
    frame: pl.DataFrame

    def statuses(self) -> Counter[str]:
        counts = self.frame["status"].value_counts()
        return Counter(dict(zip(counts["status"], counts["count"], strict=True)))

    def rows(self) -> Iterator[Finding]:
        evidence = [c for c in self.frame.columns if c.startswith(EVIDENCE)]
        gaps = [c for c in self.frame.columns if c.startswith("g.")]
        base = ["unit", "period", "status", "state", "reason", "due"]
        for row in self.frame.select(*base, *evidence, *gaps).iter_rows():
            unit, period, status, state, reason, due = row[:6]
            found = _present(evidence, row[6 : 6 + len(evidence)], len(EVIDENCE))
            gap = _present(gaps, row[6 + len(evidence) :], 2)
            yield Finding(
                self.rule.id, unit, period, status, state, found, gap or None, reason, due
            )


def _present(names: list[str], values: tuple, prefix: int) -> dict[str, Any]:
    """The named values that are given, without their column prefix; spans as [first, last]."""
    return {
        name[prefix:]: _plain(value)
        for name, value in zip(names, values, strict=True)
        if value is not None
    }


def _plain(value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [[span["first"], span["last"]] for span in value]
    return value
