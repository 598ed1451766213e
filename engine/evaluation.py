"""The one pass: facts and rules in, findings out. Load and validation happen before this."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

import polars as pl

from cchc.engine import durable_evaluator
from cchc.engine.decision import AT_RISK_KINDS
from cchc.engine.findings import Finding, RuleFindings
from cchc.engine.python_evaluator import PythonEvaluator
from cchc.engine.reconciliation import Reconciliation
from cchc.facts.model import FactSet
from cchc.facts.notices import Notice
from cchc.facts.periods import Period
from cchc.facts.tables import FactTables, tables_of
from cchc.rules.catalogue import Plan
from cchc.rules.caveats import fact_warnings
from cchc.rules.conditions import Condition, compile_condition, fields_of
from cchc.rules.measures import observe, with_gaps
from cchc.rules.schema import Rule

MEASURING_THREADS = 4  # Polars frees the GIL while it computes: rules overlap even on 2 cores

UNIT_COLUMNS = {
    "id": pl.Utf8,
    "name": pl.Utf8,
    "kind": pl.Utf8,
    "agency": pl.Utf8,
    "parent": pl.Utf8,
}
EngineName = Literal["auto", "durable", "python"]
STATUSES: tuple[str, ...] = ("pass", "fail", "at_risk", "pending", "missing", "not_applicable")


@dataclass
class Evaluation:
    parts: list[RuleFindings]  # one per rule with findings, in the plans' order of rules
    as_of: date
    plans: list[Plan]
    engine: str
    rules_without_units: list[str] = field(default_factory=list)
    # Things a reader should know that do not change a verdict: an event dated after its report
    # was sent, facts no selected rule reads… Listed in every output format.
    warnings: list[Notice] = field(default_factory=list)
    # The registry's units: id, name, kind, agency, parent (for names and roll-ups).
    units: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=UNIT_COLUMNS))
    # An officer's self-check before sending: shortfalls in open periods are `at_risk`.
    before_sending: bool = False
    # Reported dossier counts against the same counts recomputed from records (check --dossiers).
    reconciliation: Reconciliation | None = None

    @cached_property
    def unit_names(self) -> dict[str, str]:
        return dict(zip(self.units["id"], self.units["name"], strict=True))

    @cached_property
    def findings(self) -> list[Finding]:
        """Every finding, one object each: for reports that go through them one by one."""
        return [finding for part in self.parts for finding in part.rows()]

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
        return sum((part.statuses() for part in self.parts), Counter())

    def summary(self) -> dict[str, int]:
        """The counts every output format states: over all findings, whatever is listed."""
        counts = self.counts()
        failed: Counter[str] = Counter()
        at_risk: Counter[str] = Counter()
        for part in self.parts:
            failed[part.rule.strength] += part.statuses().get("fail", 0)
            at_risk[part.rule.strength] += part.statuses().get("at_risk", 0)
        return {
            "findings": sum(counts.values()),
            **{status: counts.get(status, 0) for status in STATUSES},
            "firm_failures": failed["firm"],
            "aspirational_failures": failed["aspirational"],
            "firm_at_risk": at_risk["firm"],
            "aspirational_at_risk": at_risk["aspirational"],
            "warnings": len(self.warnings),
        }

    def listed(self, only: Collection[str] = ()) -> list[Finding]:
        """The findings to list: all, or those whose status is in `only` (--only)."""
        if not only:
            return self.findings
        wanted = set(only)
        return [
            finding
            for part in self.parts
            if wanted & set(part.statuses())
            for finding in RuleFindings(
                part.rule, part.frame.filter(pl.col("status").is_in(list(wanted)))
            ).rows()
        ]

    def exit_code(self, strict: bool = False) -> int:
        """1 when a firm target fails or, before sending, is at risk; with strict, aspirational
        failures and risks and missing data too."""
        summary = self.summary()
        if summary["firm_failures"] or summary["firm_at_risk"]:
            return 1
        if self.reconciliation is not None and self.reconciliation.discrepancies:
            return 1  # the records contradict a reported figure
        if strict and (summary["fail"] or summary["at_risk"] or summary["missing"]):
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
    facts: FactTables | FactSet,
    as_of: date,
    engine: EngineName = "auto",
    warnings: Iterable[Notice] = (),
    warn: bool = True,
    before_sending: bool = False,
) -> Evaluation:
    """Every selected rule over the facts known on `as_of`. `warnings` are the caller's own (how
    the plans were chosen); the facts' warnings are added here, and the list is sorted, each
    warning once, so that every output format lists the same."""
    if isinstance(facts, FactSet):  # validated in memory (tests, a rule's examples)
        facts = tables_of(facts)
    # A rule's own examples have nothing to warn about: `warn=False` spares them the checks.
    noticed = fact_warnings(plans, facts, as_of) if warn else []
    all_warnings = sorted({*warnings, *noticed})
    tables = facts.known_as_of(as_of)
    selected: list[tuple[Plan, Rule]] = [(plan, rule) for plan in plans for rule in plan.rules]
    with ThreadPoolExecutor(max_workers=MEASURING_THREADS) as pool:
        frames = list(pool.map(lambda rule: observe(rule, tables, as_of), [r for _, r in selected]))
    observed = [(rule, frame) for (_, rule), frame in zip(selected, frames, strict=True)]
    observed = [(rule, frame) for rule, frame in observed if frame.height]
    evaluator = make_evaluator(engine)
    decided = decide(evaluator, observed, before_sending)
    parts = [RuleFindings(rule, with_gaps(rule, frame)) for rule, frame in decided]
    seen = {rule.id for rule, _ in observed}
    return Evaluation(
        parts,
        as_of,
        plans,
        evaluator.name,
        [rule.id for _, rule in selected if rule.id not in seen],
        all_warnings,
        facts.units.select(*UNIT_COLUMNS),
        before_sending,
    )


def decide(
    evaluator: durable_evaluator.DurableEvaluator | PythonEvaluator,
    observed: list[tuple[Rule, pl.DataFrame]],
    before_sending: bool = False,
) -> list[tuple[Rule, pl.DataFrame]]:
    """Each observation's status, as a `status` column. Rules with the same condition share one
    check, and the evaluator decides each distinct pattern (check, state, closed, the values the
    condition reads) once: a national fact set has hundreds of thousands of observations and a
    few dozen patterns. The status is then joined back to every row of the pattern."""
    conditions: dict[str, tuple[str, Condition]] = {}  # condition as JSON -> (check, condition)
    patterns: dict[tuple, int] = {}
    records: list[dict] = []
    keyed: list[tuple[Rule, pl.DataFrame, list[str]]] = []
    for rule, frame in observed:
        condition = compile_condition(rule)
        key = _check_key(rule, condition, before_sending)
        check = conditions.setdefault(key, (f"c{len(conditions)}", condition))[0]
        fields = ["state", "closed", *sorted(fields_of(condition))]
        frame = frame.with_columns(
            [pl.lit(None).alias(f) for f in fields if f not in frame.columns]
        )
        indices = []
        for row in frame.select(fields).unique(maintain_order=True).iter_rows():
            pattern = (check, *row)
            if pattern not in patterns:
                patterns[pattern] = len(records)
                record = {"id": str(len(records)), "check": check}
                record.update({f: v for f, v in zip(fields, row, strict=True) if v is not None})
                records.append(record)
            indices.append(patterns[pattern])
        keyed.append((rule, frame, fields))
    checks = dict(conditions.values())
    at_risk = {check for key, (check, _) in conditions.items() if key.startswith(AT_RISK)}
    statuses = evaluator.evaluate(checks, records, at_risk) if records else []
    decided = []
    for rule, frame, fields in keyed:
        check = conditions[_check_key(rule, compile_condition(rule), before_sending)][0]
        table = frame.select(fields).unique(maintain_order=True)
        table = table.with_columns(
            pl.Series(
                "status",
                [statuses[patterns[(check, *row)]] for row in table.iter_rows()],
                dtype=pl.Utf8,
            )
        )
        decided.append(
            (
                rule,
                frame.join(table, on=fields, how="left", nulls_equal=True, maintain_order="left"),
            )
        )
    return decided


AT_RISK = "at risk: "


def _check_key(rule: Rule, condition: Condition, before_sending: bool) -> str:
    """Rules share a check when they have the same condition and the same reading of an open
    period's shortfall (at risk before sending, for the measures whose figures stand)."""
    risky = before_sending and rule.measure.kind in AT_RISK_KINDS
    return (AT_RISK if risky else "") + json.dumps(condition, sort_keys=True)


def available_engines() -> list[str]:
    """The evaluators that can run in this interpreter."""
    return ["python", "durable"] if durable_evaluator.available() else ["python"]
