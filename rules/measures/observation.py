"""What a measure hands the engine: one record per rule × unit × period, with its arithmetic."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

State = Literal["measured", "no_data", "not_applicable"]
# No measure gives this unit any more: a population-level finding belongs to the registered unit
# responsible for it, or there is none. Kept only because engine/findings.py still names it.


@dataclass(frozen=True)
class Observation:
    rule_id: str
    unit_id: str
    period: str
    state: State
    closed: bool  # the period is over or the deadline has passed, as of the evaluation date
    values: dict[str, int | bool] = field(default_factory=dict)  # what the condition reads
    actual: str = ""  # "1,843 / 1,950 = 94.51%"
    target: str = ""  # "≥ 95%"
    arithmetic: str = ""  # "1,843 / 1,950 = 94.51% < 95%"
    gap: str | None = None  # what it would take to comply
    detail: str | None = None  # where the figures came from, or why there are none
    due: date | None = None
    numbers: dict[str, int | str] = field(default_factory=dict)  # raw figures, for JSON output

    @classmethod
    def without_data(
        cls,
        rule_id: str,
        unit_id: str,
        period: str,
        closed: bool,
        target: str,
        detail: str,
        gap: str,
        numbers: dict[str, int | str] | None = None,
        due: date | None = None,
    ) -> Observation:
        """Not enough reported to decide on: missing once the period is over, pending before.
        The gap says what to report; `numbers` keeps the partial figures that did not decide."""
        return cls(
            rule_id,
            unit_id,
            period,
            "no_data",
            closed,
            target=target,
            gap=gap,
            detail=detail,
            due=due,
            numbers=dict(numbers or {}),
        )

    def record(self, check: str, index: int) -> dict[str, int | bool | str]:
        """The flat record posted to an evaluator: only scalars, only what conditions read."""
        return {
            "id": str(index),
            "check": check,
            "state": self.state,
            "closed": self.closed,
            **self.values,
        }
