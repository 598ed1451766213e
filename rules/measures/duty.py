"""Yes/no duties the plan sets without a number: a plan issued, ISO applied."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from cchc.facts.model import FactSet
from cchc.rules.measures.common import applicable_units, day, period_closed
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import DutyMeasure, Rule


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    for unit in applicable_units(rule.applies_to, facts):
        for period in rule.periods:
            closed = period_closed(period, as_of)
            # The latest report in the period that speaks of the duty says where it stands.
            said = [
                (report.period.end, report.period, duty)
                for report in facts.reports_of(unit.id)
                if report.period.overlaps(period)
                and (duty := report.duties.get(measure.duty)) is not None
                and (duty.date is None or duty.date <= as_of)
            ]
            if not said:
                yield Observation(
                    rule.id,
                    unit.id,
                    str(period),
                    "no_data",
                    closed,
                    target="done",
                    detail=f"no report in {period} says whether {measure.duty} is done",
                )
                continue
            _, source, duty = max(said, key=lambda item: (item[0], item[1]))
            when = f" on {day(duty.date)}" if duty.date else ""
            yield Observation(
                rule.id,
                unit.id,
                str(period),
                "measured",
                closed,
                {"done": duty.done},
                actual=("done" + when) if duty.done else "not done",
                target="done",
                arithmetic=f"the {source} report says {'done' if duty.done else 'not done'}{when}",
                gap=None if duty.done else f"{measure.duty} to be done by {day(period.end)}",
                detail=duty.evidence,
                due=period.end,
                numbers={"done": str(duty.done).lower()},
            )
