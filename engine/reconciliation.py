"""Reported figures against the same figures recomputed from dossier records.

An inspector checks a unit's report (`dossiers:` counts, "98% on time") against the one-stop
system's records. Each reported count that differs from the recomputed one by more than the
tolerance is a discrepancy of its own: both numbers, the difference, and the dossiers behind the
recomputed figure to look at (`cchc dossiers explain` lists them all). A count the report does
not give is not compared; a unit × period the records do not cover is said to be uncovered,
never taken as zero.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from cchc.facts.model import FactSet

# Which dossiers to look at when a count differs (explain()'s `judged`): the ones the records
# judge late behind any resolved count (those a report counts on time or early are among them),
# past due behind an open count.
JUDGED_BY_COUNT = {
    "resolved_early": ("late",),
    "resolved_on_time": ("late",),
    "resolved_late": ("late",),
    "resolved_total": ("late",),
    "pending_within_due": ("pending_past_due",),
    "pending_past_due": ("pending_past_due",),
    "carried_over": ("carried_over",),
}
LISTED_DOSSIERS = 5  # per discrepancy; `cchc dossiers explain` lists every one


@dataclass(frozen=True)
class Tolerance:
    """How far a reported count may be from the recomputed one: `absolute` dossiers, or a
    `relative` share of the recomputed figure, whichever is larger."""

    absolute: int = 0
    relative: Fraction = Fraction(0)

    @classmethod
    def parse(cls, text: str) -> Tolerance:
        """`0`, `5` (dossiers) or `0.5%` (of the recomputed figure). Raises ValueError."""
        written = text.strip()
        if written.endswith("%"):
            share = Fraction(written[:-1].strip()) / 100
            if not 0 <= share < 1:
                raise ValueError(written)
            return cls(relative=share)
        if not written.isdigit():
            raise ValueError(written)
        return cls(absolute=int(written))

    def allows(self, reported: int, recomputed: int) -> bool:
        return abs(reported - recomputed) <= max(self.absolute, self.relative * recomputed)

    def __str__(self) -> str:
        if self.relative:
            return f"{float(self.relative * 100):g}%"
        return str(self.absolute)


@dataclass(frozen=True)
class Discrepancy:
    unit: str
    period: str
    field: str | None  # a field of procedures (dossiers_by_field), or None: the unit's total
    name: str  # the count (resolved_on_time…)
    reported: int
    recomputed: int | None  # None: no record of the unit in the period
    dossiers: tuple[str, ...] = ()  # some of the dossiers behind the recomputed figure
    more: int = 0  # how many more there are

    @property
    def difference(self) -> int | None:
        return None if self.recomputed is None else self.reported - self.recomputed

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "period": self.period,
            "field": self.field,
            "name": self.name,
            "reported": self.reported,
            "recomputed": self.recomputed,
            "difference": self.difference,
            "dossiers": list(self.dossiers),
            "more": self.more,
        }


@dataclass(frozen=True)
class Reconciliation:
    tolerance: Tolerance
    compared: int  # reported counts compared with a recomputed one
    discrepancies: list[Discrepancy] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "tolerance": str(self.tolerance),
            "compared": self.compared,
            "discrepancies": [d.as_dict() for d in self.discrepancies],
        }


Recomputed = dict[tuple[str, str, str | None], dict[str, int]]  # (unit, period, field) -> counts
Behind = Callable[[str, str, str | None, Sequence[str]], tuple[list[str], int]]


def reconcile(
    reported: FactSet,
    recomputed: Recomputed,
    tolerance: Tolerance,
    behind: Behind,
    names: Collection[str],
) -> Reconciliation:
    """Every count of `names` (those the records give) a report gives, against the records'
    figure for the same unit, period (and field). Units the records never name are not
    compared: the export does not cover them. `behind(unit, period, field, judged)` names some
    dossiers of those categories and how many more there are."""
    compared = 0
    found: list[Discrepancy] = []
    covered = {unit for unit, _, _ in recomputed}
    reports = [r for r in reported.reports.values() if r.unit in covered]
    for report in sorted(reports, key=lambda r: (r.unit, r.period)):
        period = str(report.period)
        given = [(None, report.dossiers), *report.dossiers_by_field.items()]
        for field_code, all_counts in given:
            computed = recomputed.get((report.unit, period, field_code))
            counts = {name: all_counts[name] for name in names if name in all_counts}
            for name, value in sorted(counts.items()):
                figure = 0 if computed is None else computed.get(name, 0)  # a unit it covers
                compared += 1
                if figure is not None and tolerance.allows(value, figure):
                    continue
                judged = JUDGED_BY_COUNT.get(name, ())
                listed, more = (
                    behind(report.unit, period, field_code, judged) if judged else ([], 0)
                )
                found.append(
                    Discrepancy(
                        report.unit, period, field_code, name, value, figure, tuple(listed), more
                    )
                )
    return Reconciliation(tolerance, compared, found)
