"""The one pass: facts and rules in, findings out. Load and validation happen before this."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

from cchc.engine import durable_evaluator
from cchc.engine.caveats import fact_warnings
from cchc.engine.decision import Status
from cchc.engine.findings import Finding, make_finding
from cchc.engine.python_evaluator import PythonEvaluator
from cchc.facts.model import FactSet
from cchc.facts.periods import Period
from cchc.rules.catalogue import Plan
from cchc.rules.conditions import Condition, compile_condition
from cchc.rules.measures import Observation, observe
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
    unit_names: dict[str, str] = field(default_factory=dict)

    @cached_property
    def rules(self) -> dict[str, tuple[Plan, Rule]]:
        """Each selected rule by id, with its plan: what findings join to for their metadata."""
        return {rule.id: (plan, rule) for plan in self.plans for rule in plan.rules}

    def rule(self, rule_id: str) -> Rule:
        return self.rules[rule_id][1]

    def plan_of(self, rule_id: str) -> Plan:
        return self.rules[rule_id][0]

    def unit_name(self, unit_id: str) -> str:
        return self.unit_names.get(unit_id, unit_id)

    def fails_firm_target(self, finding: Finding) -> bool:
        return finding.status == "fail" and self.rule(finding.rule_id).strength == "firm"

    def counts(self) -> Counter[str]:
        return Counter(finding.status for finding in self.findings)

    def summary(self) -> dict[str, int]:
        """The counts every output format states: over all findings, whatever is listed."""
        counts = self.counts()
        failed = Counter(self.rule(f.rule_id).strength for f in self.findings if f.status == "fail")
        return {
            "findings": len(self.findings),
            **{status: counts.get(status, 0) for status in STATUSES},
            "firm_failures": failed["firm"],
            "aspirational_failures": failed["aspirational"],
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
            if self.fails_firm_target(finding):
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
    observed = [(rule, obs) for _, rule in selected for obs in observe(rule, facts, as_of)]
    evaluator = make_evaluator(engine)
    statuses = decide(evaluator, observed)
    findings = [
        make_finding(rule, obs, status)
        for (rule, obs), status in zip(observed, statuses, strict=True)
    ]
    order = {rule.id: index for index, (_, rule) in enumerate(selected)}
    findings.sort(key=lambda f: (order[f.rule_id], f.unit_id, _chronological(f.period)))
    seen = {rule.id for rule, _ in observed}
    return Evaluation(
        findings,
        as_of,
        plans,
        evaluator.name,
        [rule.id for _, rule in selected if rule.id not in seen],
        all_warnings,
        {unit.id: unit.name for unit in facts.units.values()},
    )


def decide(
    evaluator: durable_evaluator.DurableEvaluator | PythonEvaluator,
    observed: list[tuple[Rule, Observation]],
) -> list[Status]:
    """Each observation's status. Rules with the same condition share one check, and the
    evaluator decides each distinct pattern (check, state, closed, signs) once: a national fact
    set has hundreds of thousands of observations and a few dozen patterns. The status is then
    joined back to every observation of the pattern."""
    checks: dict[str, str] = {}  # rule id -> check id
    conditions: dict[str, tuple[str, Condition]] = {}  # condition as JSON -> (check id, condition)
    for rule, _ in observed:
        if rule.id not in checks:
            condition = compile_condition(rule)
            key = json.dumps(condition, sort_keys=True)
            check = conditions.setdefault(key, (f"c{len(conditions)}", condition))
            checks[rule.id] = check[0]
    patterns: dict[tuple, int] = {}
    records: list[dict] = []
    of_observation: list[int] = []
    for rule, obs in observed:
        pattern = obs.pattern(checks[rule.id])
        index = patterns.get(pattern)
        if index is None:
            index = patterns[pattern] = len(records)
            records.append(obs.record(checks[rule.id], index))
        of_observation.append(index)
    if not records:
        return []
    decided = evaluator.evaluate(dict(conditions.values()), records)
    return [decided[index] for index in of_observation]


def available_engines() -> list[str]:
    """The evaluators that can run in this interpreter."""
    return ["python", "durable"] if durable_evaluator.available() else ["python"]
