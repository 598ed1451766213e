"""Yes/no duties the plan sets without a number: a plan issued, ISO applied; by a date if given."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cchc.facts.model import DutyReport, FactSet
from cchc.facts.periods import Period
from cchc.rules.measures.common import applicable_units, day, period_closed
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


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    strict = measure.due_is == "before"
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            due = measure.due or period.end
            closed = (
                (as_of >= due if strict else as_of > due)
                if measure.due
                else (period_closed(period, as_of))
            )
            wanted = (
                "done"
                if measure.due is None
                else (f"done {'before' if strict else 'on or before'} {day(measure.due)}")
            )
            latest = _latest_word(facts, unit.id, period, measure.duty, as_of)
            if latest is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"no report in {period} says whether {measure.duty} is done",
                )
                continue
            source, word = latest
            if measure.due is not None and word.done and word.date is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"{measure.duty} reported done, without the date the deadline needs",
                )
                continue
            yield _observation(rule, measure, unit.id, period, closed, source, word, wanted, due)


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
