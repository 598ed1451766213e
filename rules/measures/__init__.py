"""Measures turn a rule and the facts into observations: one per rule × unit × period.

Counts, shares, coverage and date arithmetic are all done here, exactly, before any engine runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from cchc.facts.model import FactSet
from cchc.rules.measures import baseline, deadlines, duty, events, quantity, scores, share
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import Rule

Observe = Callable[[Rule, FactSet, date], Iterator[Observation]]

MEASURES: dict[str, Observe] = {
    "share": share.observe,
    "ratio": share.observe,
    "quantity": quantity.observe,
    "event_count": events.observe_count,
    "population_share": events.observe_population,
    "report_deadline": deadlines.observe_report,
    "task_deadline": deadlines.observe_task,
    "duty": duty.observe,
    "score": scores.observe_score,
    "score_sum": scores.observe_sum,
    "change_vs_baseline": baseline.observe,
    "data_window": deadlines.observe_window,
}


def observe(rule: Rule, facts: FactSet, as_of: date) -> list[Observation]:
    return list(MEASURES[rule.measure.kind](rule, facts, as_of))


__all__ = ["MEASURES", "Observation", "observe"]
