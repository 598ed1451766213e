"""Measures turn a rule and the facts into observations: one per rule × unit × period.

Counts, shares, coverage and date arithmetic are all done here, exactly, before any engine
runs. A measure kind is one module with two functions: `observe` (the evidence) and `gap`
(what it takes to comply, as numbers, for an observation the engine found unmet). The engine
decides; `gap` never compares with the target again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any, NamedTuple

from cchc.facts.model import FactSet
from cchc.rules.measures import baseline, deadlines, duty, events, quantity, scores, share
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import Rule

Observe = Callable[[Rule, FactSet, date], Iterator[Observation]]
Gap = Callable[[Rule, Observation], dict[str, Any]]


class MeasureKind(NamedTuple):
    observe: Observe
    gap: Gap


MEASURES: dict[str, MeasureKind] = {
    "share": MeasureKind(share.observe, share.gap),
    "ratio": MeasureKind(share.observe, share.gap),
    "quantity": MeasureKind(quantity.observe, quantity.gap),
    "event_count": MeasureKind(events.observe_count, events.count_gap),
    "population_share": MeasureKind(events.observe_population, events.population_gap),
    "report_deadline": MeasureKind(deadlines.observe_report, deadlines.gap),
    "task_deadline": MeasureKind(deadlines.observe_task, deadlines.gap),
    "duty": MeasureKind(duty.observe, duty.gap),
    "score": MeasureKind(scores.observe_score, scores.score_gap),
    "score_sum": MeasureKind(scores.observe_sum, scores.sum_gap),
    "change_vs_baseline": MeasureKind(baseline.observe, baseline.gap),
    "data_window": MeasureKind(deadlines.observe_window, deadlines.window_gap),
}
UNMET = frozenset({"fail", "pending", "missing"})


def observe(rule: Rule, facts: FactSet, as_of: date) -> list[Observation]:
    return list(MEASURES[rule.measure.kind].observe(rule, facts, as_of))


def gap(rule: Rule, status: str, observation: Observation) -> dict[str, Any] | None:
    """What it takes to comply, from the decided status and the evidence: nothing for a finding
    that is met or does not apply; for one that could not be measured, what to report (and what
    the evidence known already asks for); else the measure kind's own gap."""
    if status not in UNMET:
        return None
    if observation.state == "no_data":
        return reporting_gap(observation)
    return MEASURES[rule.measure.kind].gap(rule, observation)


def reporting_gap(observation: Observation) -> dict[str, Any]:
    """The figures to report and the period to report them for. A measure may add to it what
    the figures known already ask for (`more`: events still to hold, whatever is reported)."""
    evidence = observation.evidence
    if observation.reason == "not_given":
        wanted = {"report": evidence["absent"], "for": evidence["report"]}
    else:
        wanted = {
            "report": evidence.get("wanted", []),
            "for": evidence.get("for", observation.period),
            "whole": observation.reason == "uncovered" and not evidence.get("additive"),
        }
    wanted.update({key: evidence[key] for key in ("more", "by") if key in evidence})
    return wanted


__all__ = ["MEASURES", "Observation", "gap", "observe"]
