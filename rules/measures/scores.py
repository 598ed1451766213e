"""Index scores (PAR INDEX points, SIPAS percentages): against a target, and parts that must add
up to their parent. A score above its criterion's maximum is refused as input, never seen here.

Scores are exact decimals: the evidence keeps each as `str(Fraction)` ("1053/125" for 8.424),
which `Fraction(text)` reads back exactly; the render layer writes them as decimals."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    Coverage,
    applicable_units,
    decimal_text,
    period_closed,
    period_coverage,
    sign,
    uncovered,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import Rule, ScoreMeasure, ScoreSumMeasure


def decimal(value: Fraction) -> str:
    """8.424 as 8.424 (up to 6 places), exact: for the score tables and rule descriptions, which
    write scores outside any report (reports write them with their language's `decimal`)."""
    return decimal_text(value, 6)


def _latest_with(
    reports: list[Report], period: Period, codes: list[str], as_of: date
) -> tuple[Report | None, Coverage]:
    """The report to read the scores from: the latest of the year that gives them all. Scores are
    as of one report, so once the period is over, one ending before it cannot decide; the
    coverage then says which part of the period no report covers."""
    candidates = [
        r for r in reports if r.period.year == period.year and all(c in r.scores for c in codes)
    ]
    latest = max(
        candidates, key=lambda r: (r.period.end, r.period.end - r.period.start), default=None
    )
    cover = period_coverage([latest.period] if latest else [], period, additive=False)
    if latest is None or (not cover.complete and period_closed(period, as_of)):
        return None, cover
    return latest, cover


def observe_score(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, ScoreMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            closed = period_closed(period, as_of)
            report, cover = _latest_with(facts.reports_of(unit.id), period, [measure.code], as_of)
            if report is None:
                yield uncovered(rule, unit.id, period, closed, [measure.code], cover)
                continue
            value = report.scores[measure.code]
            evidence = {
                "score": str(value),
                "code": measure.code,
                "source": str(report.period) if report.period != period else None,
            }
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"vs_target": sign(value, target)},
                evidence,
            )


def observe_sum(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, ScoreSumMeasure)
    codes = [measure.code, *measure.parts]
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            closed = period_closed(period, as_of)
            report, cover = _latest_with(facts.reports_of(unit.id), period, codes, as_of)
            if report is None:
                yield uncovered(rule, unit.id, period, closed, codes, cover)
                continue
            parts = [report.scores[code] for code in measure.parts]
            parts_sum = sum(parts, Fraction(0))
            whole = report.scores[measure.code]
            evidence = {
                "parts": str(parts_sum),
                "whole": str(whole),
                "part_scores": [str(part) for part in parts],  # in the order of measure.parts
                "source": str(report.period) if report.period != period else None,
            }
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"parts_vs_total": sign(parts_sum, whole)},
                evidence,
            )


def score_gap(rule: Rule, observation: Observation) -> dict[str, str]:
    """The points a score not met lacks (exact, as `str(Fraction)`): `more` for a minimum,
    `more_than` for a strict one; `fewer`/`fewer_than` for a cap. Called only when unmet."""
    target = rule.target
    assert target is not None and target.value is not None
    value = Fraction(str(observation.evidence["score"]))
    key = {">=": "more", ">": "more_than", "<=": "fewer", "<": "fewer_than"}[target.op]
    points = target.value - value if target.op in (">=", ">") else value - target.value
    return {key: str(points)}


def sum_gap(rule: Rule, observation: Observation) -> dict[str, str]:
    """How far the parts are from their parent: called only when they do not add up."""
    parts = Fraction(str(observation.evidence["parts"]))
    whole = Fraction(str(observation.evidence["whole"]))
    return {"difference": str(abs(parts - whole))}
