"""A small evaluator of the compiled conditions in plain Python, for where durable-rules cannot run
(CPython 3.13+) and as the reference the durable-rules results are checked against."""

from __future__ import annotations

import operator
from collections.abc import Callable, Collection
from typing import Any

from cchc.engine.decision import Status, UnmatchedRecord, status_clauses
from cchc.rules.conditions import Condition

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "lt": operator.lt,
    "lte": operator.le,
    "gt": operator.gt,
    "gte": operator.ge,
}


def holds(condition: Condition, record: dict[str, Any]) -> bool:
    if "all" in condition:
        return all(holds(part, record) for part in condition["all"])
    if "any" in condition:
        return any(holds(part, record) for part in condition["any"])
    field, op, value = condition["test"]
    if field not in record:
        return False  # as in durable-rules: a test on an absent field does not match
    if isinstance(value, bool) != isinstance(record[field], bool):
        return op == "ne"  # a bool never equals a number here, unlike in Python
    return _OPS[op](record[field], value)


class PythonEvaluator:
    name = "python"

    def evaluate(
        self,
        checks: dict[str, Condition],
        records: list[dict[str, Any]],
        at_risk: Collection[str] = (),
    ) -> list[Status]:
        """Each record's status; a check in `at_risk` has shortfalls in open periods at risk."""
        clauses = {
            check: status_clauses(condition, check in at_risk)
            for check, condition in checks.items()
        }
        statuses: list[Status] = []
        for record in records:
            matched = [
                status for status, clause in clauses[record["check"]] if holds(clause, record)
            ]
            if len(matched) != 1:
                raise UnmatchedRecord(f"record {record} matched {matched or 'no'} status clauses")
            statuses.append(matched[0])
        return statuses
