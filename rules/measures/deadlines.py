"""Deadlines: a period's report sent in time, an appendix task's product delivered by its date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cchc.facts.model import FactSet
from cchc.rules.measures.common import applicable_units, day
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import DataWindowMeasure, DeadlineMeasure, Rule, TaskMeasure


def _delivery(
    rule: Rule,
    unit_id: str,
    period: str,
    delivered_on: date | None,
    due: date,
    strict: bool,
    as_of: date,
    what: str,
) -> Observation:
    wanted = f"{what} before {day(due)}" if strict else f"{what} on or before {day(due)}"
    # "Before the 5th": once the 5th has come, the chance to be on time has gone.
    closed = as_of >= due if strict else as_of > due
    if delivered_on is None:
        return Observation(
            rule.id,
            unit_id,
            period,
            "measured",
            closed,
            {"delivered": False, "days_vs_due": 0},
            actual="not delivered",
            target=wanted,
            arithmetic=f"nothing recorded as of {day(as_of)}; due {day(due)}",
            gap=f"deliver {what} " + (f"before {day(due)}" if not closed else "(already late)"),
            due=due,
        )
    days = (delivered_on - due).days
    late = days >= 0 if strict else days > 0
    relation = f"{abs(days)} day(s) {'after' if days > 0 else 'before'} the due date"
    return Observation(
        rule.id,
        unit_id,
        period,
        "measured",
        closed,
        {"delivered": True, "days_vs_due": days},
        actual=f"delivered {day(delivered_on)}",
        target=wanted,
        arithmetic=(
            f"delivered on the due date itself, {day(due)}"
            if days == 0
            else f"{day(delivered_on)} is {relation} {day(due)}"
        ),
        gap=(
            "late: "
            + (
                "a 'before' deadline excludes the date itself"
                if days == 0
                else f"{days} day(s) late"
            )
        )
        if late
        else None,
        due=due,
        numbers={"delivered": delivered_on.isoformat(), "days_vs_due": days},
    )


def observe_report(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, DeadlineMeasure)
    strict = measure.due_is == "before"
    what = "thematic report" if measure.submission == "thematic_submitted" else "report"
    for unit in applicable_units(rule.applies_to, facts):
        for period, due in sorted(measure.due.items()):
            report = facts.report(unit.id, period)
            sent = getattr(report, measure.submission) if report is not None else None
            if sent is not None and sent > as_of:
                sent = None  # not known yet on the evaluation date
            yield _delivery(
                rule,
                unit.id,
                str(period),
                sent,
                due,
                strict,
                as_of,
                f"the {period.label_vi()} {what}",
            )


def _deliveries(facts: FactSet, unit_id: str, measure: TaskMeasure, as_of: date) -> list[date]:
    """The dates the unit delivered the task's product, known as of the date. Where the task is
    the same fact as a duty (the unit's CCHC plan), the duty reported done with a date is the
    delivery on that date: one entry answers both questions."""
    done = [
        task.completed
        for report in facts.reports_of(unit_id)
        for task in report.tasks
        if task.task == measure.task and task.completed <= as_of
    ]
    if measure.same_as_duty is not None:
        done += [
            word.date
            for report in facts.reports_of(unit_id)
            if (word := report.duties.get(measure.same_as_duty)) is not None
            and word.done
            and word.date is not None
            and word.date <= as_of
        ]
    return sorted(done)


def observe_task(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, TaskMeasure)
    for unit in applicable_units(rule.applies_to, facts):
        done = _deliveries(facts, unit.id, measure, as_of)
        yield _delivery(
            rule,
            unit.id,
            str(rule.periods[0]),
            done[0] if done else None,
            measure.due,
            False,
            as_of,
            "the product",
        )


def observe_window(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    """A report's declared data window (data_from, data_to) against the one the plan fixes."""
    measure = rule.measure
    assert isinstance(measure, DataWindowMeasure)
    for unit in applicable_units(rule.applies_to, facts):
        for period, (start, end) in sorted(measure.windows.items()):
            wanted = f"data from {day(start)} to {day(end)}"
            report = facts.report(unit.id, period)
            closed = as_of > period.end
            if report is None or report.data_from is None or report.data_to is None:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(period),
                    closed,
                    wanted,
                    f"the {period} report does not state its data window",
                    f"state data_from and data_to in the {period} report",
                )
                continue
            shifts = [(report.data_from - start).days, (report.data_to - end).days]
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"from_vs_expected": shifts[0], "to_vs_expected": shifts[1]},
                actual=f"data from {day(report.data_from)} to {day(report.data_to)}",
                target=wanted,
                arithmetic=(
                    f"from {day(report.data_from)} ({shifts[0]:+d} days), "
                    f"to {day(report.data_to)} ({shifts[1]:+d} days)"
                ),
                gap=None if shifts == [0, 0] else f"cover {day(start)} – {day(end)}",
                due=end,
            )
