"""From a rule's compiled condition to the status clauses both evaluators match a record against.

The clauses are mutually exclusive and cover every record, so each record gets exactly one
status; a record that matches none is a bug, and both evaluators say so.
"""

from __future__ import annotations

from typing import Literal

from cchc.rules.conditions import Condition, negate, test

Status = Literal["pass", "fail", "at_risk", "pending", "missing", "not_applicable"]
STATUSES: tuple[Status, ...] = ("fail", "at_risk", "missing", "pending", "pass", "not_applicable")


# The measures whose figures stand as reported (a share, a ratio, a score, a change): before
# sending, a shortfall in an open period is `at_risk`. Counts that only grow as the period runs
# (events held, units inspected) and deliveries before their due date stay `pending`: time
# alone can still meet them.
AT_RISK_KINDS = frozenset(
    {"share", "quantity", "ratio", "score", "score_sum", "change_vs_baseline", "compare"}
)


def status_clauses(condition: Condition, at_risk: bool = False) -> list[tuple[Status, Condition]]:
    """`at_risk` (an officer's self-check, for the kinds above): a target not met in a period
    still open is `at_risk` — it would fail if the period ended today — not `pending`."""
    measured = test("state", "eq", "measured")
    no_data = test("state", "eq", "no_data")
    unmet = negate(condition)
    return [
        ("not_applicable", test("state", "eq", "not_applicable")),
        ("missing", {"all": [no_data, test("closed", "eq", True)]}),
        ("pending", {"all": [no_data, test("closed", "eq", False)]}),
        ("pass", {"all": [measured, condition]}),
        (
            "at_risk" if at_risk else "pending",
            {"all": [measured, test("closed", "eq", False), unmet]},
        ),
        ("fail", {"all": [measured, test("closed", "eq", True), unmet]}),
    ]


class UnmatchedRecord(RuntimeError):
    """No status clause matched a record: the clauses are not exhaustive for it."""
