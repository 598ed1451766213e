"""Run a rule's own examples: each is a small fact set and the status the rule must give it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cchc.engine.evaluation import EngineName, evaluate
from cchc.engine.findings import Finding
from cchc.facts.load import facts_from_document
from cchc.rules.catalogue import Plan
from cchc.rules.schema import Example, Rule


@dataclass(frozen=True)
class ExampleResult:
    rule_id: str
    example: Example
    finding: Finding | None
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def example_document(rule: Rule, example: Example) -> dict[str, Any]:
    """The example's facts; by default one unit `u1` of a kind (or agency) the rule covers."""
    if example.units is not None:
        units = example.units
    elif rule.applies_to.kinds:
        units = [{"id": "u1", "name": "Example unit", "kind": rule.applies_to.kinds[0]}]
    else:
        units = [
            {
                "id": "u1",
                "name": "Example unit",
                "kind": "department",
                "agency": rule.applies_to.agencies[0],
            }
        ]
    reports = [{"unit": "u1", **report} for report in example.reports]
    return {"units": units, "reports": reports}


def run_example(
    plan: Plan, rule: Rule, example: Example, engine: EngineName = "python"
) -> ExampleResult:
    facts = facts_from_document(example_document(rule, example), f"{rule.id} example")
    single = Plan(plan.info, plan.agencies, [rule], [], [], plan.file)
    findings = [
        f
        for f in evaluate([single], facts, example.as_of, engine, warn=False).findings
        if f.unit_id == example.unit and (example.period is None or f.period == example.period)
    ]
    if len(findings) != 1:
        periods = ", ".join(f.period for f in findings) or "none"
        return ExampleResult(
            rule.id,
            example,
            None,
            f"expected one finding for {example.unit}, got {periods}; name the `period` to check",
        )
    finding = findings[0]
    problem = (
        None
        if finding.status == example.expect
        else (
            f"expected {example.expect}, got {finding.status}: "
            f"{finding.reason or 'evidence'} {finding.evidence}"
        )
    )
    return ExampleResult(rule.id, example, finding, problem)


def run_examples(plans: list[Plan], engine: EngineName = "python") -> list[ExampleResult]:
    return [
        run_example(plan, rule, example, engine)
        for plan in plans
        for rule in plan.rules
        for example in rule.examples
    ]
