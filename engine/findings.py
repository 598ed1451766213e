"""A finding: one rule's verdict on one unit for one period, carrying the rule's metadata."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from cchc.engine.decision import Status
from cchc.rules.catalogue import Plan
from cchc.rules.measures import Observation
from cchc.rules.schema import Rule

STATUS_TEXT = {
    "pass": "met",
    "fail": "not met",
    "pending": "not yet due",
    "missing": "not enough data",
    "not_applicable": "does not apply",
}


@dataclass(frozen=True)
class Citation:
    plan: str
    document: str
    issued: date
    issuer: str
    clause: str
    quote: str


@dataclass(frozen=True)
class Finding:
    rule_id: str
    title: str
    strength: str  # "firm" or "aspirational": a "Phấn đấu" target never reads as a firm one
    unit_id: str
    unit_name: str
    period: str
    status: Status
    actual: str
    target: str
    arithmetic: str
    gap: str | None
    detail: str | None
    due: date | None
    citation: Citation
    numbers: dict[str, int | str] = field(default_factory=dict)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT[self.status]

    @property
    def fails_firm_target(self) -> bool:
        return self.status == "fail" and self.strength == "firm"

    def as_dict(self) -> dict[str, Any]:
        # Shallow on purpose: dataclasses.asdict deep-copies every value, which made JSON
        # rendering the slowest stage at 10,000 units. Every field here is immutable or copied.
        data = {item.name: getattr(self, item.name) for item in fields(self)}
        data["citation"] = {
            item.name: getattr(self.citation, item.name) for item in fields(self.citation)
        }
        data["citation"]["issued"] = self.citation.issued.isoformat()
        data["numbers"] = dict(self.numbers)
        data["status_text"] = self.status_text
        data["due"] = self.due.isoformat() if self.due else None
        return data


def make_finding(
    plan: Plan, rule: Rule, observation: Observation, status: Status, unit_names: dict[str, str]
) -> Finding:
    unit_name = unit_names.get(observation.unit_id)
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        strength=rule.strength,
        unit_id=observation.unit_id,
        unit_name=unit_name or observation.unit_id,
        period=observation.period,
        status=status,
        actual=observation.actual,
        target=observation.target,
        arithmetic=observation.arithmetic,
        gap=observation.gap if status in ("fail", "pending", "missing") else None,
        detail=observation.detail,
        due=observation.due,
        citation=Citation(
            plan=plan.id,
            document=plan.info.number,
            issued=plan.info.issued,
            issuer=plan.info.issuer,
            clause=rule.citation.clause,
            quote=rule.citation.quote,
        ),
        numbers=dict(observation.numbers),
    )
