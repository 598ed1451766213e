"""The one pass: facts and rules in, findings out. Load and validation happen before this."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from cchc.engine import durable_evaluator
from cchc.engine.caveats import fact_warnings
from cchc.engine.findings import Finding, make_finding
from cchc.engine.python_evaluator import PythonEvaluator
from cchc.facts.model import FactSet
from cchc.facts.periods import Period
from cchc.rules.catalogue import Plan
from cchc.rules.conditions import compile_condition
from cchc.rules.measures import observe
from cchc.rules.schema import Rule

EngineName = Literal["auto", "durable", "python"]
STATUSES: tuple[str, ...] = ("pass", "fail", "pending", "missing", "not_applicable")


@dataclass
class Evaluation:
    findings: list[Finding]
    as_of: date
    plans: list[Plan]
    engine: str
    rules_without_units: list[str] = field(default_factory=list)
    # Things a reader should know that do not change a verdict: an event dated after its report
    # was sent, facts no selected rule reads… Listed in every output format.
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(finding.status for finding in self.findings)

    def summary(self) -> dict[str, int]:
        """The counts every output format states: over all findings, whatever is listed."""
        counts = self.counts()
        return {
            "findings": len(self.findings),
            **{status: counts.get(status, 0) for status in STATUSES},
            "firm_failures": sum(f.fails_firm_target for f in self.findings),
            "aspirational_failures": sum(
                f.status == "fail" and f.strength == "aspirational" for f in self.findings
            ),
            "warnings": len(self.warnings),
        }

    def listed(self, only: Collection[str] = ()) -> list[Finding]:
        """The findings to list: all, or those whose status is in `only` (--only)."""
        if not only:
            return self.findings
        return [finding for finding in self.findings if finding.status in only]

    def exit_code(self, strict: bool = False) -> int:
        """1 when a firm target fails; with strict, aspirational failures and missing data too."""
        for finding in self.findings:
            if finding.fails_firm_target:
                return 1
            if strict and finding.status in ("fail", "missing"):
                return 1
        return 0


def _chronological(period: str) -> tuple[date, date]:
    parsed = Period.parse(period)
    return parsed.end, parsed.start


def make_evaluator(engine: EngineName) -> durable_evaluator.DurableEvaluator | PythonEvaluator:
    if engine == "python" or (engine == "auto" and not durable_evaluator.available()):
        return PythonEvaluator()
    return durable_evaluator.DurableEvaluator()


def evaluate(
    plans: list[Plan],
    facts: FactSet,
    as_of: date,
    engine: EngineName = "auto",
    warnings: Iterable[str] = (),
) -> Evaluation:
    """Every selected rule over the facts known on `as_of`. `warnings` are the caller's own (how
    the plans were chosen); the facts' warnings are added here, and the list is sorted, each
    warning once, so that every output format lists the same."""
    all_warnings = sorted({*warnings, *fact_warnings(plans, facts, as_of)})
    facts = facts.known_as_of(as_of)
    selected: list[tuple[Plan, Rule]] = [(plan, rule) for plan in plans for rule in plan.rules]
    observed = [(plan, rule, obs) for plan, rule in selected for obs in observe(rule, facts, as_of)]
    conditions: dict[str, dict] = {}
    checks: dict[str, str] = {}  # rule id -> check id; rules with the same condition share one
    for _, rule, _ in observed:
        if rule.id not in checks:
            condition = compile_condition(rule)
            key = json.dumps(condition, sort_keys=True)
            check = conditions.setdefault(
                key, {"id": f"c{len(conditions)}", "condition": condition}
            )
            checks[rule.id] = check["id"]
    records = [obs.record(checks[rule.id], index) for index, (_, rule, obs) in enumerate(observed)]
    evaluator = make_evaluator(engine)
    statuses = (
        evaluator.evaluate({c["id"]: c["condition"] for c in conditions.values()}, records)
        if records
        else []
    )
    names = {unit.id: unit.name for unit in facts.units.values()}
    findings = [
        make_finding(plan, rule, obs, status, names)
        for (plan, rule, obs), status in zip(observed, statuses, strict=True)
    ]
    order = {rule.id: index for index, (_, rule) in enumerate(selected)}
    findings.sort(key=lambda f: (order[f.rule_id], f.unit_id, _chronological(f.period)))
    seen = {rule.id for _, rule, _ in observed}
    return Evaluation(
        findings,
        as_of,
        plans,
        evaluator.name,
        [rule.id for _, rule in selected if rule.id not in seen],
        all_warnings,
    )


def available_engines() -> list[str]:
    """The evaluators that can run in this interpreter."""
    return ["python", "durable"] if durable_evaluator.available() else ["python"]
