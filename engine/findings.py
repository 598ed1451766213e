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
        # Names without their prefix, and which columns hold spans, worked out once per rule.
        evidence_names = [name[len(EVIDENCE) :] for name in evidence]
        gap_names = [name[2:] for name in gaps]
        spans = {
            name[len(EVIDENCE) :] if name.startswith(EVIDENCE) else name[2:]
            for name in (*evidence, *gaps)
            if isinstance(self.frame.schema[name], pl.List)
            and isinstance(self.frame.schema[name].inner, pl.Struct)
        }
        split = 6 + len(evidence)
        for row in self.frame.select(*base, *evidence, *gaps).iter_rows():
            unit, period, status, state, reason, due = row[:6]
            found = _present(evidence_names, row[6:split], spans)
            gap = _present(gap_names, row[split:], spans)
            yield Finding(
                self.rule.id, unit, period, status, state, found, gap or None, reason, due
            )


def _present(names: list[str], values: tuple, spans: set[str]) -> dict[str, Any]:
    """The named values that are given; spans as [first, last]."""
    given = {name: value for name, value in zip(names, values, strict=True) if value is not None}
    for name in spans & given.keys():
        given[name] = _plain(given[name])
    return given


def _plain(value: Any) -> Any:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return [[span["first"], span["last"]] for span in value]
    return value
