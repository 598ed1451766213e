"""Warnings: what a reader of the findings should know that changes no verdict.

Nothing here refuses facts or alters a finding. Each function returns plain sentences, one per
thing noticed; `evaluate()` lists them, sorted and once each, in every output format.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.vocabulary import QUANTITIES
from cchc.rules.catalogue import Plan
from cchc.rules.schema import Rule, TaskMeasure

# Measure fields that hold prose or the measure's own kind, never the name of a fact.
_PROSE_FIELDS = frozenset({"kind", "counted", "text"})


def fact_warnings(plans: Sequence[Plan], facts: FactSet, as_of: date) -> list[str]:
    """The warnings about a fact set checked against the selected plans on a date: the loader's
    own, events dated after their report was sent, task completions by units with no part in
    the task, facts no selected rule reads, and agency codes no selected plan knows."""
    known = facts.known_as_of(as_of)  # what the findings were judged on
    found = [
        *facts.warnings,
        *events_after_sending(known),
        *completions_by_outsiders(plans, known),
        *unread_facts(plans, known),
        *unknown_agencies(plans, facts),
    ]
    return sorted(set(found))


def plan_choice_warnings(plans: Sequence[Plan], facts: FactSet) -> list[str]:
    """Plans chosen by hand (--plan) that do not fit the facts: another jurisdiction, or a year
    the facts do not report. Plans picked automatically fit by construction."""
    years = sorted({period.year for _, period in facts.reports})
    reported = ", ".join(map(str, years)) or "no period"
    warnings = []
    for plan in plans:
        if facts.jurisdiction is not None and plan.info.jurisdiction != facts.jurisdiction:
            warnings.append(
                f"--plan {plan.id}: the plan is for {plan.info.jurisdiction}, "
                f"the facts are for {facts.jurisdiction}"
            )
        if plan.info.year not in years:
            warnings.append(
                f"--plan {plan.id}: the plan is for {plan.info.year}, the facts report {reported}"
            )
    return warnings


def _where(report: Report) -> str:
    return f"reports[{report.unit} {report.period}]"


def events_after_sending(facts: FactSet) -> Iterator[str]:
    """A report cannot truly tell of an event held after it was sent: a typo in a date, or a
    report edited after sending."""
    for report in facts.reports.values():
        if report.submitted is None:
            continue
        for index, event in enumerate(report.events or ()):
            if event.date > report.submitted:
                yield (
                    f"{_where(report)}.events[{index}]: the {event.kind} dated {event.date} "
                    f"is after the report was sent on {report.submitted}"
                )


def _task_rules(plans: Sequence[Plan]) -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {}
    for plan in plans:
        for rule in plan.rules:
            if isinstance(rule.measure, TaskMeasure):
                rules.setdefault(rule.measure.task, []).append(rule)
    return rules


def _takes_part(rule: Rule, unit: Unit) -> bool:
    assert isinstance(rule.measure, TaskMeasure)
    partners = rule.measure.partners
    return rule.applies_to.matches(unit) or (partners is not None and partners.matches(unit))


def completions_by_outsiders(plans: Sequence[Plan], facts: FactSet) -> Iterator[str]:
    """A task completion reported by a unit that neither owns the task nor partners in it: most
    likely the wrong task id, or the wrong unit's report. One warning per unit and task, as
    cumulative reports repeat the same completion."""
    rules_of_task = _task_rules(plans)
    seen: set[tuple[str, str]] = set()
    for report in facts.reports.values():
        unit = facts.units[report.unit]
        for completion in report.tasks:
            rules = rules_of_task.get(completion.task, [])
            if not rules or (unit.id, completion.task) in seen:
                continue
            seen.add((unit.id, completion.task))
            if any(_takes_part(rule, unit) for rule in rules):
                continue
            yield (
                f"tasks[task={completion.task}]: a completion is reported by {unit.id}, which "
                f"is neither an owner ({rules[0].applies_to.describe()}) nor a partner "
                f"({_partners_text(rules[0])})"
            )


def _partners_text(rule: Rule) -> str:
    partners = getattr(rule.measure, "partners", None)
    return partners.describe() if partners is not None else "none named as units"


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a dumped measure, skipping prose fields."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in _PROSE_FIELDS:
                yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def names_read(plans: Sequence[Plan]) -> set[str]:
    """Every name the plans' measures mention: count refs (`dossiers.resolved_late`), duties,
    event kinds, score codes, task ids, fields of procedures. Taken from whatever fields the
    measures have, so a measure field added later (a duty a task rule reads…) counts as read
    without this module changing. A total (`resolved_total`) whose parts a rule reads counts as
    read too: the loader checks it against those parts."""
    read = {
        name
        for plan in plans
        for rule in plan.rules
        for name in _strings(rule.measure.model_dump(mode="json"))
    }
    totals = {
        quantity.ref
        for table in QUANTITIES.values()
        for quantity in table.values()
        if any(f"{quantity.group}.{part}" in read for part in quantity.total_of)
    }
    return read | totals


def _given(report: Report) -> Iterable[tuple[str, str]]:
    """(how the fact is written, the name a measure would use for it) for each fact given."""
    yield from ((f"dossiers.{name}", f"dossiers.{name}") for name in report.dossiers)
    yield from ((f"indicators.{name}", f"indicators.{name}") for name in report.indicators)
    yield from ((f"dossiers_by_field.{code}", code) for code in report.dossiers_by_field)
    yield from ((f"duties.{name}", name) for name in report.duties)
    yield from ((f"scores.{code}", code) for code in report.scores)
    yield from ((f"events[kind={event.kind}]", event.kind) for event in report.events or ())
    yield from ((f"tasks[task={task.task}]", task.task) for task in report.tasks)


def unread_facts(plans: Sequence[Plan], facts: FactSet) -> Iterator[str]:
    """Facts no rule of the selected plans reads: a fact for another plan, or a plan that
    does not check it. One warning per name, with the number of reports giving it."""
    read = names_read(plans)
    reports_giving: Counter[str] = Counter()
    for report in facts.reports.values():
        reports_giving.update({label for label, name in _given(report) if name not in read})
    for label, count in reports_giving.items():
        reports = "1 report" if count == 1 else f"{count} reports"
        yield f"{label}: given in {reports}; no rule of the selected plans reads it"


def _agencies_named(plan: Plan) -> set[str]:
    named = set(plan.agencies)
    for rule in plan.rules:
        named.update(rule.applies_to.agencies)
        named.update(_values_under(rule.measure.model_dump(mode="json"), "agencies"))
    return named


def _values_under(value: Any, key: str) -> Iterator[str]:
    """The strings listed under `key` anywhere inside dumped data (a population, partners…)."""
    if isinstance(value, dict):
        for name, item in value.items():
            if name == key:
                yield from _strings(item)
            else:
                yield from _values_under(item, key)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _values_under(item, key)


def unknown_agencies(plans: Sequence[Plan], facts: FactSet) -> Iterator[str]:
    """A unit's `agency:` code that no selected plan knows is likely a typo: the rules the plan
    addresses to that agency by name then miss the unit."""
    known = set().union(*(_agencies_named(plan) for plan in plans))
    for unit in facts.units.values():
        if unit.agency is not None and unit.agency not in known:
            yield f"units[{unit.id}].agency: {unit.agency} is an agency no selected plan names"
