"""Targets relative to a baseline year: staff cut by 5% against 2021, autonomous units up 20%.

The evidence keeps the two counts (`baseline`, `current`) and the change as `str(Fraction)`
("3/20" for 15%), exact; the render layer writes it as a percentage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    Coverage,
    applicable_units,
    needed_at_least,
    period_closed,
    period_coverage,
    reported,
    sign,
    spans,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import BaselineMeasure, Rule


def _figure(
    reports: list[Report], period: Period, ref: str, as_of: date
) -> tuple[int | None, Coverage]:
    """A count for a period: the annual figure, or while the period runs, the latest cumulative
    one. A report ending before a period that is over cannot give it; the coverage then says
    which part of the period no report covers."""
    chosen = year_report(reports, period.year, [ref])
    cover = period_coverage([chosen.period] if chosen else [], period, additive=False)
    if chosen is None or (not cover.complete and period_closed(period, as_of)):
        return None, cover
    return reported(chosen, ref) or 0, cover


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, BaselineMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    ref = measure.indicator
    for unit in applicable_units(rule.applies_to, facts):
        reports = facts.reports_of(unit.id)
        # The baseline period is always judged as over: it is the past the target refers to.
        base, base_cover = _figure(reports, measure.baseline, ref, date.max)
        for period in rule.periods:
            closed = period_closed(period, as_of)
            now, now_cover = _figure(reports, period, ref, as_of)
            if base is None or now is None:
                yield _lacking(
                    rule, measure, unit.id, period, closed, base, base_cover, now, now_cover
                )
                continue
            evidence = {"baseline": base, "current": now}
            if base == 0:
                yield Observation(
                    rule.id,
                    unit.id,
                    str(period),
                    "not_applicable",
                    closed,
                    evidence=evidence,
                    reason="zero_baseline",
                )
                continue
            change = Fraction(base - now if measure.direction == "decrease" else now - base, base)
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"vs_target": sign(change, target)},
                {**evidence, "change": str(change)},
            )


def _lacking(
    rule: Rule,
    measure: BaselineMeasure,
    unit_id: str,
    period: Period,
    closed: bool,
    base: int | None,
    base_cover: Coverage,
    now: int | None,
    now_cover: Coverage,
) -> Observation:
    """No report gives the count for the baseline period, the judged one, or both. `for` lists
    the periods lacking (the baseline first); `uncovered` all the spans no report covers, and
    `uncovered_baseline` / `uncovered_current` those of each period lacking; the count known
    for the other period, if any, is kept."""
    lacking = [
        (name, label, cover, value)
        for name, label, cover, value in (
            ("baseline", str(measure.baseline), base_cover, base),
            ("current", str(period), now_cover, now),
        )
        if value is None
    ]
    evidence: dict = {
        "wanted": [measure.indicator],
        "for": [label for _, label, _, _ in lacking],
        "uncovered": [span for _, _, cover, _ in lacking for span in spans(cover)],
    }
    evidence.update({f"uncovered_{name}": spans(cover) for name, _, cover, _ in lacking})
    evidence.update(
        {name: value for name, value in (("baseline", base), ("current", now)) if value is not None}
    )
    return Observation(
        rule.id, unit_id, str(period), "no_data", closed, evidence=evidence, reason="uncovered"
    )


def gap(rule: Rule, observation: Observation) -> dict[str, int]:
    """How much further the count must move, and the count it must reach (`goal`), if the
    baseline stays as reported. Called only for a change the engine found unmet."""
    measure = rule.measure
    assert isinstance(measure, BaselineMeasure)
    assert rule.target is not None and rule.target.value is not None
    base = int(observation.evidence["baseline"])  # type: ignore[arg-type]
    now = int(observation.evidence["current"])  # type: ignore[arg-type]
    needed_change = needed_at_least(rule.target.value, base, strict=rule.target.op == ">")
    if measure.direction == "decrease":
        goal = base - needed_change
        return {"more": now - goal, "goal": goal}
    goal = base + needed_change
    return {"more": goal - now, "goal": goal}
