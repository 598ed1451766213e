"""Deadlines: a period's report sent in time, an appendix task's product delivered by its date."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cchc.facts.model import FactSet
from cchc.rules.measures.common import applicable_units
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
) -> Observation:
    """A delivery by a due date: the day delivered and how far it is from the due date, or, with
    nothing delivered, the day nothing was known by. Whether it is late the engine decides."""
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
            {"as_of": as_of.isoformat()},
            due=due,
        )
    days = (delivered_on - due).days
    return Observation(
        rule.id,
        unit_id,
        period,
        "measured",
        closed,
        {"delivered": True, "days_vs_due": days},
        {"delivered": delivered_on.isoformat(), "days_vs_due": days},
        due=due,
    )


def observe_report(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, DeadlineMeasure)
    strict = measure.due_is == "before"
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
        )


def observe_window(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    """A report's declared data window (data_from, data_to) against the one the plan fixes."""
    measure = rule.measure
    assert isinstance(measure, DataWindowMeasure)
    for unit in applicable_units(rule.applies_to, facts):
        for period, (start, end) in sorted(measure.windows.items()):
            report = facts.report(unit.id, period)
            closed = as_of > period.end
            if report is None or report.data_from is None or report.data_to is None:
                yield Observation(
                    rule.id,
                    unit.id,
                    str(period),
                    "no_data",
                    closed,
                    evidence={"wanted": ["data_from", "data_to"]},
                    reason="no_window",
                )
                continue
            shifts = {
                "from_vs_expected": (report.data_from - start).days,
                "to_vs_expected": (report.data_to - end).days,
            }
            evidence = {
                "data_from": report.data_from.isoformat(),
                "data_to": report.data_to.isoformat(),
                **shifts,
            }
            yield Observation(
                rule.id, unit.id, str(period), "measured", closed, dict(shifts), evidence, due=end
            )


def gap(rule: Rule, observation: Observation) -> dict[str, int | bool]:
    """What a delivery found unmet lacks: delivered, the days it came late (0: on the due date
    a "before" deadline excludes); not delivered, whether the due date is already past."""
    if observation.values["delivered"]:
        return {"days_late": int(observation.values["days_vs_due"])}
    return {"deliver": True, "overdue": observation.closed}


def window_gap(rule: Rule, observation: Observation) -> dict[str, str]:
    """The window a report found off the plan's must cover, as the plan fixes it."""
    measure = rule.measure
    assert isinstance(measure, DataWindowMeasure)
    start, end = next(
        window for period, window in measure.windows.items() if str(period) == observation.period
    )
    return {"from": start.isoformat(), "to": end.isoformat()}
