"""Warnings: what a reader of the findings should know that changes no verdict.

Nothing here refuses facts or alters a finding. Each function returns notices (facts/notices.py):
where, what kind, and the values, never a sentence; `evaluate()` lists them, sorted and once
each, and every output format words them in its reader's language.

The facts are read as tables (facts/tables.py), column-wise: a fact set of ten thousand units is
checked in a few Polars queries, never one report at a time. Only the plans' rules, and the few
distinct task ids they name, are looped over.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from functools import reduce
from typing import Any

import polars as pl

from cchc.facts.notices import Notice
from cchc.facts.tables import REPORT_KEY, FactTables
from cchc.facts.vocabulary import QUANTITIES
from cchc.rules.catalogue import Plan
from cchc.rules.schema import AppliesTo, Rule, TaskMeasure

# Measure fields that hold prose or the measure's own kind, never the name of a fact.
_PROSE_FIELDS = frozenset({"kind", "counted", "text"})


def fact_warnings(plans: Sequence[Plan], tables: FactTables, as_of: date) -> list[Notice]:
    """The warnings about a fact set checked against the selected plans on a date: the loader's
    own, events dated after their report was sent, task completions by units with no part in
    the task, facts no selected rule reads, and agency codes no selected plan knows."""
    known = tables.known_as_of(as_of)  # what the findings were judged on
    found = [
        *tables.warnings,
        *events_after_sending(known),
        *completions_by_outsiders(plans, known),
        *unread_facts(plans, known),
        *unknown_agencies(plans, tables),
    ]
    return sorted(set(found))


def plan_choice_warnings(plans: Sequence[Plan], tables: FactTables) -> list[Notice]:
    """Plans chosen by hand (--plan) that do not fit the facts: another jurisdiction, or a year
    the facts do not report. Plans picked automatically fit by construction."""
    years = sorted(tables.years())
    warnings = []
    for plan in plans:
        place = f"--plan {plan.id}"
        if tables.jurisdiction is not None and plan.info.jurisdiction != tables.jurisdiction:
            warnings.append(
                Notice.of(
                    place,
                    "plan_other_jurisdiction",
                    plan_jurisdiction=plan.info.jurisdiction,
                    jurisdiction=tables.jurisdiction,
                )
            )
        if plan.info.year not in years:
            code, reported = ("plan_other_year", {"years": ", ".join(map(str, years))})
            if not years:
                code, reported = ("plan_no_period", {})
            warnings.append(Notice.of(place, code, plan_year=plan.info.year, **reported))
    return warnings


def _notices(frame: pl.DataFrame, code: str, place: pl.Expr, **values: pl.Expr) -> list[Notice]:
    """One notice per row: its place and values from the row."""
    rows = frame.select(place.alias("place"), *(v.alias(k) for k, v in values.items()))
    return [Notice.of(row.pop("place"), code, **row) for row in rows.iter_rows(named=True)]


def events_after_sending(tables: FactTables) -> list[Notice]:
    """A report cannot truly tell of an event held after it was sent: a typo in a date, or a
    report edited after sending."""
    sent = tables.reports.select(*REPORT_KEY, "submitted").filter(pl.col("submitted").is_not_null())
    late = tables.events.join(sent, on=REPORT_KEY, how="inner").filter(
        pl.col("date") > pl.col("submitted")
    )
    return _notices(
        late,
        "event_after_sending",
        pl.format("reports[{} {}].events[{}]", "unit", "period", "index"),
        kind=pl.col("kind"),
        date=pl.col("date").cast(pl.Utf8),
        submitted=pl.col("submitted").cast(pl.Utf8),
    )


def _task_rules(plans: Sequence[Plan]) -> dict[str, list[Rule]]:
    rules: dict[str, list[Rule]] = {}
    for plan in plans:
        for rule in plan.rules:
            if isinstance(rule.measure, TaskMeasure):
                rules.setdefault(rule.measure.task, []).append(rule)
    return rules


def _matches(applies_to: AppliesTo) -> pl.Expr:
    """`AppliesTo.matches` over the `kind` and `agency` columns of units (agency may be null)."""
    by_agency = pl.col("agency").is_in(list(applies_to.agencies)).fill_null(False)
    return pl.col("kind").is_in(list(applies_to.kinds)) | by_agency


def _takes_part(rule: Rule) -> pl.Expr:
    assert isinstance(rule.measure, TaskMeasure)
    partners = rule.measure.partners
    owner = _matches(rule.applies_to)
    return owner if partners is None else owner | _matches(partners)


def completions_by_outsiders(plans: Sequence[Plan], tables: FactTables) -> list[Notice]:
    """A task completion reported by a unit that neither owns the task nor partners in it: most
    likely the wrong task id, or the wrong unit's report. One warning per unit and task, as
    cumulative reports repeat the same completion."""
    rules_of_task = _task_rules(plans)
    if not rules_of_task:
        return []
    about = pl.DataFrame(
        {
            "task": list(rules_of_task),
            "owners": [rules[0].applies_to.describe() for rules in rules_of_task.values()],
            "partners": [_partners_text(rules[0]) for rules in rules_of_task.values()],
        },
        schema={"task": pl.Utf8, "owners": pl.Utf8, "partners": pl.Utf8},
    )
    # Whether the completing unit takes part: the rules of its own task only.
    takes_part = pl.lit(False)
    for task, rules in rules_of_task.items():
        any_rule = reduce(lambda a, b: a | b, (_takes_part(rule) for rule in rules))
        takes_part = pl.when(pl.col("task") == task).then(any_rule).otherwise(takes_part)
    outsiders = (
        tables.tasks.select("unit", "task")
        .unique()
        .join(about, on="task", how="inner")
        .join(
            tables.units.select(pl.col("id").alias("unit"), "kind", "agency"),
            on="unit",
            how="inner",
        )
        .filter(takes_part.not_())
    )
    place = pl.format("tasks[task={}]", "task")
    unit, owners = pl.col("unit"), pl.col("owners")
    named = pl.col("partners").is_not_null()
    return [
        *_notices(
            outsiders.filter(named),
            "completion_by_outsider",
            place,
            unit=unit,
            owners=owners,
            partners=pl.col("partners"),
        ),
        *_notices(
            outsiders.filter(~named),
            "completion_by_outsider_no_partners",
            place,
            unit=unit,
            owners=owners,
        ),
    ]


def _partners_text(rule: Rule) -> str | None:
    partners = getattr(rule.measure, "partners", None)
    return partners.describe() if partners is not None else None


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


# The long tables whose rows are facts given: (table, the column a measure names the fact by,
# how the fact is written in a warning).
_LONG_FACTS = (
    ("by_field", "field", "dossiers_by_field.{}"),
    ("duties", "duty", "duties.{}"),
    ("scores", "code", "scores.{}"),
    ("events", "kind", "events[kind={}]"),
    ("tasks", "task", "tasks[task={}]"),
)
_GIVING = {"label": pl.Utf8, "reports": pl.Int64}


def _reports_giving(tables: FactTables, read: set[str]) -> pl.DataFrame:
    """label (how the fact is written), reports (how many reports give it): facts not read."""
    unread = sorted(read)
    columns = [column for column in tables.counts() if column not in read]
    frames = []
    if columns:  # a count column is null where the report does not give the figure
        frames.append(
            tables.reports.select(pl.col(columns).is_not_null().sum().cast(pl.Int64))
            .unpivot(variable_name="label", value_name="reports")
            .select(*_GIVING)
        )
    for name, column, written in _LONG_FACTS:
        given = getattr(tables, name).filter(pl.col(column).is_in(unread).not_())
        frames.append(
            given.select(pl.format(written, column).alias("label"), *REPORT_KEY)
            .unique()
            .group_by("label")
            .agg(pl.len().cast(pl.Int64).alias("reports"))
            .select(*_GIVING)
        )
    return pl.concat(frames).filter(pl.col("reports") > 0)


def unread_facts(plans: Sequence[Plan], tables: FactTables) -> list[Notice]:
    """Facts no rule of the selected plans reads: a fact for another plan, or a plan that
    does not check it. One warning per name, with the number of reports giving it."""
    giving = _reports_giving(tables, names_read(plans))
    once = pl.col("reports") == 1
    return [
        *_notices(giving.filter(once), "unread_fact_once", pl.col("label")),
        *_notices(giving.filter(~once), "unread_fact", pl.col("label"), reports=pl.col("reports")),
    ]


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


def unknown_agencies(plans: Sequence[Plan], tables: FactTables) -> list[Notice]:
    """A unit's `agency:` code that no selected plan knows is likely a typo: the rules the plan
    addresses to that agency by name then miss the unit."""
    known = sorted(set().union(*(_agencies_named(plan) for plan in plans)))
    unknown = tables.units.filter(
        pl.col("agency").is_not_null() & pl.col("agency").is_in(known).not_()
    )
    return _notices(
        unknown, "unknown_agency", pl.format("units[{}].agency", "id"), agency=pl.col("agency")
    )
