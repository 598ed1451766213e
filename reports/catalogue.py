"""The catalogue as text: generated from the loaded rules, so it cannot drift from them."""

from __future__ import annotations

import json
import re
from collections import Counter

from tabulate import tabulate

from cchc.reports.wording.catalogues import language
from cchc.rules.catalogue import Plan
from cchc.rules.conditions import compile_condition
from cchc.rules.schema import Rule, ScoreMeasure

PERCENT_KINDS = ("share", "ratio", "population_share", "change_vs_baseline")


def _measure_text(rule: Rule) -> str:
    data = rule.measure.model_dump(mode="json", exclude={"kind"})
    if isinstance(rule.measure, ScoreMeasure) and rule.measure.maximum is not None:
        data["maximum"] = language("en").decimal(rule.measure.maximum)
    return json.dumps(data, ensure_ascii=False)


def _target_text(rule: Rule) -> str:
    target = rule.target
    if target is None:
        return rule.due_text or "done"
    english = language("en")
    shown = english.percent if rule.measure.kind in PERCENT_KINDS else english.number
    if isinstance(rule.measure, ScoreMeasure):
        shown = english.decimal
    if target.op == "between":
        assert target.low is not None and target.high is not None
        return f"{shown(target.low)} – {shown(target.high)}"
    assert target.value is not None
    return f"{target.op} {shown(target.value)}"


def rule_rows(plans: list[Plan]) -> str:
    rows = [
        [rule.id, rule.strength, rule.measure.kind, _target_text(rule), rule.title]
        for plan in plans
        for rule in plan.rules
    ]
    return tabulate(
        rows,
        headers=["id", "strength", "measure", "target", "title"],
        tablefmt="simple",
        disable_numparse=True,
    )


def describe_rule(plan: Plan, rule: Rule) -> str:
    lines = [
        f"{rule.id}: {rule.title}",
        f"  plan:       {plan.info.number} ({plan.id}), {plan.info.issuer}, "
        f"{plan.info.issued:%d/%m/%Y}",
        f"  clause:     {rule.citation.clause}",
        f"  quote:      “{rule.citation.quote}”",
        f"  applies to: {rule.applies_to.describe()}",
        f"  strength:   {rule.strength}"
        + (" (phấn đấu: an aim, not a firm target)" if rule.strength == "aspirational" else ""),
        f"  measure:    {rule.measure.kind} {_measure_text(rule)}",
        f"  target:     {_target_text(rule)}",
        f"  periods:    {', '.join(map(str, rule.periods))}",
        f"  condition:  {json.dumps(compile_condition(rule), ensure_ascii=False)}",
    ]
    if rule.notes:
        lines.append("  notes:")
        lines += [f"    - {note}" for note in rule.notes]
    lines.append("  examples:")
    lines += [f"    - [{example.expect}] {example.name}" for example in rule.examples]
    return "\n".join(lines)


def section_of(clause: str) -> str:
    """'II, gạch đầu dòng 6' -> 'II'; 'III (Chế độ báo cáo).1' -> 'III (Chế độ báo cáo)'."""
    head = clause.split(",")[0].strip()
    return re.sub(r"\.\d+$", "", head)


def coverage_rows(plans: list[Plan]) -> str:
    blocks = []
    for plan in plans:
        checked = Counter(section_of(rule.citation.clause) for rule in plan.rules)
        unchecked = Counter(section_of(item.clause) for item in plan.not_checkable)
        sections = sorted(set(checked) | set(unchecked), key=lambda s: (s.startswith("("), s))
        rows = [[s, checked.get(s, 0), unchecked.get(s, 0)] for s in sections]
        rows.append(["total", sum(checked.values()), sum(unchecked.values())])
        table = tabulate(rows, headers=["section", "rules", "not checkable"], tablefmt="simple")
        reasons = "\n".join(
            f"  - {item.clause}: “{item.quote}” — {item.reason}" for item in plan.not_checkable
        )
        block = f"{plan.info.number} ({plan.id})\n{table}\n\nNot checkable:\n{reasons}"
        if plan.table_discrepancies:
            block += "\n\nSource tables whose parts do not add up (encoded as printed):\n" + (
                "\n".join(f"  - {item}" for item in plan.table_discrepancies)
            )
        blocks.append(block)
    return "\n\n".join(blocks)
