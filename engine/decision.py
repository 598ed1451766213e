"""From a rule's compiled condition to the status clauses both evaluators match a record against.

The clauses are mutually exclusive and cover every record, so each record gets exactly one
status; a record that matches none is a bug, and both evaluators say so.
"""

from __future__ import annotations

from typing import Literal

from cchc.rules.conditions import Condition, negate, test

Status = Literal["pass", "fail", "pending", "missing", "not_applicable"]
STATUSES: tuple[Status, ...] = ("fail", "missing", "pending", "pass", "not_applicable")


def status_clauses(condition: Condition) -> list[tuple[Status, Condition]]:
    measured = test("state", "eq", "measured")
    no_data = test("state", "eq", "no_data")
    unmet = negate(condition)
    return [
        ("not_applicable", test("state", "eq", "not_applicable")),
        ("missing", {"all": [no_data, test("closed", "eq", True)]}),
        ("pending", {"all": [no_data, test("closed", "eq", False)]}),
        ("pass", {"all": [measured, condition]}),
        ("pending", {"all": [measured, test("closed", "eq", False), unmet]}),
        ("fail", {"all": [measured, test("closed", "eq", True), unmet]}),
    ]


class UnmatchedRecord(RuntimeError):
    """No status clause matched a record: the clauses are not exhaustive for it."""
