"""Yes/no duties the plan sets without a number: a plan issued, ISO applied; by a date if given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from cchc.facts.model import DutyReport, FactSet
from cchc.facts.periods import Period
from cchc.rules.measures.common import applicable_units, coverage, period_closed, spans
from cchc.rules.measures.observation import Evidence, Observation
from cchc.rules.schema import DutyMeasure, Rule


def _latest_word(
    facts: FactSet, unit_id: str, period: Period, duty: str, as_of: date
) -> tuple[Period, DutyReport] | None:
    """The latest report in the period that speaks of the duty says where it stands."""
    said = [
        (report.period, word)
        for report in facts.reports_of(unit_id)
        if report.period.overlaps(period)
        and (word := report.duties.get(duty)) is not None
        and (word.date is None or word.date <= as_of)
    ]
    return max(said, key=lambda item: (item[0].end, item[0].end - item[0].start), default=None)


def _last_on_time_day(measure: DutyMeasure, period: Period) -> date:
    """The day the duty's state is judged on: the period's end, or the last day a deadline
    allows ("before the 5th": the 4th)."""
    if measure.due is None:
        return period.end
    return measure.due - timedelta(days=1) if measure.due_is == "before" else measure.due


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            yield _judge(rule, measure, facts, unit.id, period, as_of)


def _judge(
    rule: Rule, measure: DutyMeasure, facts: FactSet, unit_id: str, period: Period, as_of: date
) -> Observation:
    strict = measure.due_is == "before"
    due = measure.due or period.end
    closed = (
        (as_of >= due if strict else as_of > due) if measure.due else period_closed(period, as_of)
    )
    latest = _latest_word(facts, unit_id, period, measure.duty, as_of)
    lacking = _lacking(rule, measure, unit_id, period, closed, latest)
    if lacking is not None:
        return lacking
    assert latest is not None
    source, word = latest
    return _observation(rule, measure, unit_id, period, closed, source, word, due)


def _lacking(
    rule: Rule,
    measure: DutyMeasure,
    unit_id: str,
    period: Period,
    closed: bool,
    latest: tuple[Period, DutyReport] | None,
) -> Observation | None:
    """Why the reports cannot decide the duty, with what to report; None when they can."""
    duty = measure.duty
    if latest is None:
        # No report in the period speaks of the duty: the whole period is uncovered.
        cover = coverage([], period.start, period.end, additive=False)
        evidence = {"wanted": [duty], "uncovered": spans(cover)}
        return Observation(
            rule.id,
            unit_id,
            str(period),
            "no_data",
            closed,
            evidence=evidence,
            reason="uncovered",
        )
    source, word = latest
    if measure.due is not None and word.done and word.date is None:
        evidence = {"wanted": [duty], "report": str(source), "done": True}
        return Observation(
            rule.id, unit_id, str(period), "no_data", closed, evidence=evidence, reason="undated"
        )
    judged_on = _last_on_time_day(measure, period)
    # A duty once done stays done, so "not done" as of a report's end speaks of every day up to
    # that end; of a later day it says nothing: it may have been done since.
    cover = coverage([(date.min, source.end)], judged_on, judged_on, additive=False)
    if not word.done and not cover.complete:
        evidence = {
            "wanted": [duty],
            "report": str(source),
            "done": False,
            "judged_on": judged_on.isoformat(),
            "uncovered": spans(cover),
        }
        return Observation(
            rule.id,
            unit_id,
            str(period),
            "no_data",
            closed,
            evidence=evidence,
            reason="not_done_since",
        )
    return None


def _observation(
    rule: Rule,
    measure: DutyMeasure,
    unit_id: str,
    period: Period,
    closed: bool,
    source: Period,
    word: DutyReport,
    due: date,
) -> Observation:
    """What the latest report says: done (on a date, if given) or not, and the report's own
    words. With a deadline, the days from it to the day done (0 when not done)."""
    values: dict[str, int | bool] = {"done": word.done}
    evidence: Evidence = {
        "done": word.done,
        "date": word.date.isoformat() if word.date else None,
        "report": str(source),
        "note": word.evidence,
    }
    if measure.due is not None:
        days = (word.date - measure.due).days if word.done and word.date else 0
        values["days_vs_due"] = days
        evidence["days_vs_due"] = days
    return Observation(rule.id, unit_id, str(period), "measured", closed, values, evidence, due=due)


def gap(rule: Rule, observation: Observation) -> dict[str, int | str]:
    """What a duty found unmet lacks: not done, to be done by its due date (the period's end
    without one); done, the days after the due date it was done (0: on a "before" date)."""
    if not observation.values["done"]:
        assert observation.due is not None
        return {"by": observation.due.isoformat()}
    return {"days_late": int(observation.values["days_vs_due"])}
