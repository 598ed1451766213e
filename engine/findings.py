"""A finding: one rule's verdict on one unit for one period, with the evidence it rests on.

A finding carries numbers and dates, never a sentence, and names its rule by id: the rule's
title, citation and strength are the evaluation's, joined by id where a report needs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from cchc.engine.decision import Status
from cchc.rules.measures import gap
from cchc.rules.measures.observation import Evidence, Observation, Reason, State
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
        """The finding as plain data, for the machine-readable formats."""
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


def make_finding(rule: Rule, observation: Observation, status: Status) -> Finding:
    return Finding(
        rule_id=rule.id,
        unit_id=observation.unit_id,
        period=observation.period,
        status=status,
        state=observation.state,
        evidence=observation.evidence,
        gap=gap(rule, status, observation),
        reason=observation.reason,
        due=observation.due,
    )
