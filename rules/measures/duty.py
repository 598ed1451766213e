"""Yes/no duties the plan sets without a number: a plan issued, ISO applied; by a date if given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from cchc.facts.model import DutyReport, FactSet
from cchc.facts.periods import Period
from cchc.rules.measures.common import applicable_units, coverage, day, period_closed
from cchc.rules.measures.observation import Observation
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
    wanted = (
        "done"
        if measure.due is None
        else f"done {'before' if strict else 'on or before'} {day(measure.due)}"
    )
    latest = _latest_word(facts, unit_id, period, measure.duty, as_of)
    lacking = _lacking(measure, period, latest)
    if lacking is not None:
        detail, gap = lacking
        return Observation.without_data(rule.id, unit_id, str(period), closed, wanted, detail, gap)
    assert latest is not None
    source, word = latest
    return _observation(rule, measure, unit_id, period, closed, source, word, wanted, due)


def _lacking(
    measure: DutyMeasure, period: Period, latest: tuple[Period, DutyReport] | None
) -> tuple[str, str] | None:
    """Why the reports cannot decide the duty, and what to report; None when they can."""
    duty = measure.duty
    if latest is None:
        return (
            f"no report in {period} says whether {duty} is done",
            f"report whether {duty} is done, with its date, for {period}",
        )
    source, word = latest
    if measure.due is not None and word.done and word.date is None:
        return (
            f"{duty} reported done, without the date the deadline needs",
            f"report the date {duty} was done",
        )
    judged_on = _last_on_time_day(measure, period)
    # A duty once done stays done, so "not done" as of a report's end speaks of every day up to
    # that end; of a later day it says nothing: it may have been done since.
    cover = coverage([(date.min, source.end)], judged_on, judged_on, additive=False)
    if not word.done and not cover.complete:
        return (
            f"the {source} report says not done, but no report covers {day(judged_on)}",
            f"report whether {duty} is done, in a report covering {day(judged_on)}",
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
    wanted: str,
    due: date,
) -> Observation:
    when = f" on {day(word.date)}" if word.date else ""
    values: dict[str, int | bool] = {"done": word.done}
    gap = None if word.done else f"{measure.duty} to be done by {day(due)}"
    if measure.due is not None:
        days = (word.date - measure.due).days if word.done and word.date else 0
        values["days_vs_due"] = days
        late = days >= 0 if measure.due_is == "before" else days > 0
        if word.done and late:
            gap = (
                f"done {abs(days)} day(s) after the due date"
                if days
                else "done on the due date itself, which a 'before' deadline excludes"
            )
    return Observation(
        rule.id,
        unit_id,
        str(period),
        "measured",
        closed,
        values,
        actual=("done" + when) if word.done else "not done",
        target=wanted,
        arithmetic=f"the {source} report says {'done' if word.done else 'not done'}{when}",
        gap=gap,
        detail=word.evidence,
        due=due,
        numbers={"done": str(word.done).lower()},
    )
