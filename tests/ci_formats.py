"""What the tests of the CI formats (JUnit, SARIF, GitHub annotations) share: the findings'
expected counts, worked out from the rule frames independently of any renderer, and an
evaluation whose unit names are hostile."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

import polars as pl

from cchc.engine.evaluation import Evaluation
from cchc.rules.schema import Rule

# A unit name from a fact file written to break out of its place: a percent sign and escape-like
# text, a line break, a command separator, property separators, a terminal escape, a bidi override.
HOSTILE_NAME = "Q 100% %0A %25\r\n::error file=x,line=1::owned, title=y\x1b[2J\u202e"
RAW_CONTROLS = ("\r", "\x1b", "\u202e")


def with_unit_names(evaluation: Evaluation, name: str = HOSTILE_NAME) -> Evaluation:
    """`evaluation` with every unit of its registry called `name`."""
    names = pl.Series("name", [name] * evaluation.units.height, dtype=pl.Utf8)
    return replace(evaluation, units=evaluation.units.with_columns(names))


def statuses_by_plan(evaluation: Evaluation) -> dict[str, Counter[tuple[str, str]]]:
    """Per plan id: how many findings have each (status, strength), from the rule frames."""
    counts: dict[str, Counter[tuple[str, str]]] = {plan.id: Counter() for plan in evaluation.plans}
    for part in evaluation.parts:
        plan = evaluation.plan_of(part.rule.id).id
        for status, n in part.frame["status"].value_counts().iter_rows():
            counts[plan][(status, part.rule.strength)] += n
    return counts


def written_at(rule: Rule, text: str) -> bool:
    """Whether a plan file's line `text` is where the rule is written: its `- id: X`, or for a
    rule of a score table its row's `code: C` (C ends the rule's clause, `Phụ lục A, 1.1`)."""
    if rule.id in text:
        return True
    code = rule.citation.clause.rsplit(", ", 1)[-1]
    return re.search(rf"\bcode: *[\"']?{re.escape(code)}[\"']?(,|$)", text) is not None
