"""A rule's condition, compiled to plain data that both evaluators in engine/ read.

A condition is a tree: {"all": [...]}, {"any": [...]} or a test {"test": [field, op, value]}
over the fields of an observation. Comparisons of shares are exact: the measure posts the sign
of (actual - target) as an integer, so the engine compares integers and never a float.
"""

from __future__ import annotations

from typing import Any

from cchc.rules.schema import (
    DataWindowMeasure,
    DeadlineMeasure,
    DutyMeasure,
    Rule,
    ScoreSumMeasure,
    TaskMeasure,
)

Condition = dict[str, Any]

OPERATORS = {">=": "gte", ">": "gt", "<=": "lte", "<": "lt"}
NEGATED = {"eq": "ne", "ne": "eq", "lt": "gte", "gte": "lt", "gt": "lte", "lte": "gt"}


def test(field: str, op: str, value: int | bool | str) -> Condition:
    return {"test": [field, op, value]}


def compile_condition(rule: Rule) -> Condition:
    """What must hold for the rule to be met, over the observation's fields."""
    measure = rule.measure
    if isinstance(measure, DeadlineMeasure | TaskMeasure):
        on_time = "lt" if getattr(measure, "due_is", "on_or_before") == "before" else "lte"
        return {"all": [test("delivered", "eq", True), test("days_vs_due", on_time, 0)]}
    if isinstance(measure, DutyMeasure):
        if measure.due is None:
            return test("done", "eq", True)
        on_time = "lt" if measure.due_is == "before" else "lte"
        return {"all": [test("done", "eq", True), test("days_vs_due", on_time, 0)]}
    if isinstance(measure, ScoreSumMeasure):
        return test("parts_vs_total", "eq", 0)
    if isinstance(measure, DataWindowMeasure):
        return {"all": [test("from_vs_expected", "eq", 0), test("to_vs_expected", "eq", 0)]}
    assert rule.target is not None  # the schema requires it for every other measure
    if rule.target.op == "between":
        return {"all": [test("vs_low", "gte", 0), test("vs_high", "lte", 0)]}
    # A score's maximum is not part of its condition: the input layer refuses a score above it.
    return test("vs_target", OPERATORS[rule.target.op], 0)


def negate(condition: Condition) -> Condition:
    """De Morgan, so each status clause is a plain positive condition the engine can match."""
    if "all" in condition:
        return {"any": [negate(part) for part in condition["all"]]}
    if "any" in condition:
        return {"all": [negate(part) for part in condition["any"]]}
    field, op, value = condition["test"]
    return test(field, NEGATED[op], value)


def fields_of(condition: Condition) -> set[str]:
    if "test" in condition:
        return {condition["test"][0]}
    return set().union(
        *(fields_of(part) for part in condition.get("all", condition.get("any", [])))
    )
