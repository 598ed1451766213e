"""Load the plan files under rules/plans/ into a validated catalogue of rules."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from cchc.facts.documents import parse_plan_yaml
from cchc.facts.periods import Period
from cchc.rules.boundaries import BoundarySource, NotGenerated, boundary_examples
from cchc.rules.schema import (
    AppendixTask,
    Citation,
    Example,
    NotCheckable,
    PlanDefaults,
    PlanFile,
    PlanInfo,
    Rule,
    ScoreTable,
    TaskMeasure,
    short_title,
)
from cchc.rules.score_tables import score_table_rules, table_discrepancies

PLANS_DIR = Path(__file__).parent / "plans"
SOURCES_DIR = Path(__file__).parent / "sources"


class CatalogueError(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class Plan:
    info: PlanInfo
    agencies: dict[str, str]
    rules: list[Rule]
    not_checkable: list[NotCheckable]
    appendix_tasks: list[AppendixTask]
    file: Path
    score_tables: list[ScoreTable] = field(default_factory=list)
    # Where a score table's parts do not add up to their parent, as printed in the source.
    table_discrepancies: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.info.id

    def source_text(self) -> str:
        return (SOURCES_DIR / self.info.source).read_text(encoding="utf-8")


@dataclass
class Catalogue:
    plans: dict[str, Plan] = field(default_factory=dict)

    @property
    def rules(self) -> list[Rule]:
        return [rule for plan in self.plans.values() for rule in plan.rules]

    def rule(self, rule_id: str) -> tuple[Plan, Rule]:
        for plan in self.plans.values():
            for rule in plan.rules:
                if rule.id == rule_id:
                    return plan, rule
        raise KeyError(rule_id)

    def plan_of(self, rule_id: str) -> Plan:
        return self.rule(rule_id)[0]


def load_catalogue(directory: Path = PLANS_DIR) -> Catalogue:
    """The shipped catalogue is read once per process (it is the same for every check, test or
    example run); any other folder is read each time."""
    if directory == PLANS_DIR:
        return _shipped_catalogue()
    return _read_catalogue(directory)


@cache
def _shipped_catalogue() -> Catalogue:
    return _read_catalogue(PLANS_DIR)


def _read_catalogue(directory: Path) -> Catalogue:
    problems: list[str] = []
    catalogue = Catalogue()
    for path in sorted(directory.glob("*.yaml")):
        try:
            plan = load_plan(path)
        except CatalogueError as error:
            problems.extend(error.problems)
            continue
        if plan.id in catalogue.plans:
            problems.append(f"{path}: plan.id: {plan.id!r} is used by another plan file")
        catalogue.plans[plan.id] = plan
    seen: dict[str, str] = {}
    for plan in catalogue.plans.values():
        for rule in plan.rules:
            if rule.id in seen:
                problems.append(f"{plan.file}: {rule.id}: id already used in {seen[rule.id]}")
            seen[rule.id] = str(plan.file)
    if problems:
        raise CatalogueError(problems)
    return catalogue


def load_plan(path: Path) -> Plan:
    try:
        document = parse_plan_yaml(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise CatalogueError([f"{path}: cannot read: {error}"]) from error
    try:
        defaults = _defaults(document)
    except ValidationError as error:
        raise CatalogueError(
            [
                _describe(path, document, {**e, "loc": ("defaults", *e["loc"])})
                for e in error.errors()
            ]
        ) from error
    # A rule taking the default addressees is not named for an unknown agency in them: the
    # default is, once.
    takes_default = (
        {rule.get("id") for rule in _rule_entries(document) if "applies_to" not in rule}
        if "applies_to" in defaults
        else set()
    )
    document = _with_generated_examples(_with_defaults(document, defaults))
    try:
        plan_file = PlanFile.model_validate(document)
    except ValidationError as error:
        raise CatalogueError([_describe(path, document, e) for e in error.errors()]) from error
    rules = list(plan_file.rules) + [_task_rule(task) for task in plan_file.appendix_tasks]
    discrepancies: list[str] = []
    for table in plan_file.score_tables:
        rules += score_table_rules(table)
        discrepancies += table_discrepancies(table)
    default_to = plan_file.defaults.applies_to
    problems = [
        f"{path}: defaults.applies_to: unknown agency {code!r}; declare it in `agencies`"
        for code in (default_to.agencies if default_to else [])
        if code not in plan_file.agencies
    ]
    problems += [
        f"{path}: {rule.id}: unknown agency {code!r}; declare it in `agencies`"
        for rule in rules
        for code in [
            *(rule.applies_to.agencies if rule.id not in takes_default else []),
            *getattr(getattr(rule.measure, "population", None), "agencies", []),
            *getattr(getattr(rule.measure, "inspectors", None), "agencies", []),
            *getattr(getattr(rule.measure, "partners", None), "agencies", []),
        ]
        if code not in plan_file.agencies
    ]
    problems += _untranslated(path, rules)
    if not (SOURCES_DIR / plan_file.plan.source).is_file():
        problems.append(f"{path}: plan.source: no file {plan_file.plan.source!r} in {SOURCES_DIR}")
    if problems:
        raise CatalogueError(problems)
    return Plan(
        plan_file.plan,
        dict(plan_file.agencies),
        rules,
        list(plan_file.not_checkable),
        list(plan_file.appendix_tasks),
        path,
        list(plan_file.score_tables),
        discrepancies,
    )


# What every rule of a plan file says in both languages, and where it belongs (reports need
# them; rules built in memory, as tests do, may leave them out).
_BOTH_LANGUAGES = (("title_vi", "title"), ("area", None))


def _untranslated(path: Path, rules: list[Rule]) -> list[str]:
    problems = [
        f"{path}: {rule.id}: give `{key}`" + (f" (beside `{beside}`)" if beside else "")
        for rule in rules
        for key, beside in _BOTH_LANGUAGES
        if getattr(rule, key) is None
    ]
    problems += [
        f"{path}: {rule.id}: measure: give `counted_vi` beside `counted`"
        for rule in rules
        if getattr(rule.measure, "counted", None) and not getattr(rule.measure, "counted_vi", None)
    ]
    return problems


def _rule_entries(document: object) -> list[dict[str, Any]]:
    rules = document.get("rules") if isinstance(document, dict) else None
    return [rule for rule in rules if isinstance(rule, dict)] if isinstance(rules, list) else []


def _defaults(document: object) -> dict[str, Any]:
    """The plan's `defaults:` as written, once they validate on their own (so a bad default is
    reported once, where it is written, not in every rule that takes it)."""
    written = document.get("defaults") if isinstance(document, dict) else None
    if written is None:
        return {}
    PlanDefaults.model_validate(written)
    return {key: value for key, value in written.items() if value is not None}


def _with_defaults(document: object, defaults: dict[str, Any]) -> object:
    """Each rule as validated: the plan's defaults for the keys it does not give itself. A rule's
    own value wins whole (no merging of, say, two `applies_to`)."""
    if not defaults or not _rule_entries(document):
        return document
    assert isinstance(document, dict)
    rules = [
        {**{key: copy.deepcopy(value) for key, value in defaults.items()}, **rule}
        if isinstance(rule, dict)
        else rule
        for rule in document["rules"]
    ]
    return {**document, "rules": rules}


def _with_generated_examples(document: object) -> object:
    """Each share or ratio rule with its boundary examples (rules/boundaries.py) after its own,
    so that the check for a passing and a failing example sees them, and an error in a written
    example keeps its index. A rule that does not validate far enough to generate them is left
    as written, for the full validation to report."""
    if not _rule_entries(document):
        return document
    assert isinstance(document, dict)
    rules = []
    for rule in document["rules"]:
        generated = _boundary_examples(rule) if isinstance(rule, dict) else []
        if generated:
            written = rule.get("examples", [])
            if isinstance(written, list):
                rule = {**rule, "examples": [*written, *generated]}
        rules.append(rule)
    return {**document, "rules": rules}


def _boundary_examples(rule: dict[str, Any]) -> list[Example]:
    try:
        source = BoundarySource.model_validate(rule)
    except ValidationError:
        return []
    if not source.generated_examples:
        return []
    try:
        return boundary_examples(source.measure, source.target, source.periods)
    except NotGenerated:
        return []  # the rule's own examples must then show its boundary


def _describe(path: Path, document: object, error: dict) -> str:
    """Name the file, the rule id when the error is inside a rule, and the key path."""
    loc = list(error["loc"])
    where = ""
    if len(loc) >= 2 and loc[0] in ("rules", "appendix_tasks") and isinstance(loc[1], int):
        try:
            rule_id = document[loc[0]][loc[1]].get("id", "?")  # type: ignore[index]
        except (AttributeError, IndexError, KeyError, TypeError):
            rule_id = "?"
        where = f" ({rule_id})"
    path_text = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")
    message = error["msg"].removeprefix("Value error, ")
    return f"{path}: {path_text}{where}: {message}"


def _task_rule(task: AppendixTask) -> Rule:
    """An appendix row becomes a deadline rule; its examples are built from its own due date."""
    year_of_due = Period(task.due.year)
    completion = {"task": task.id, "completed": task.due.isoformat(), "product": task.product}
    day_after = task.due + timedelta(days=1)
    late = {**completion, "completed": day_after.isoformat()}
    after_due = (task.due + timedelta(days=30)).isoformat()
    examples = [
        Example(
            name="the product delivered on the due date meets the deadline",
            as_of=after_due,
            expect="pass",
            reports=[{"period": str(year_of_due), "tasks": [completion]}],
        ),
        Example(
            name="the product delivered one day after the due date misses it",
            as_of=after_due,
            expect="fail",
            reports=[{"period": str(Period(day_after.year)), "tasks": [late]}],
        ),
        Example(
            name="nothing delivered and the due date passed fails",
            as_of=after_due,
            expect="fail",
            reports=[{"period": str(year_of_due), "submitted": task.due.isoformat()}],
        ),
        Example(
            name="nothing delivered before the due date is pending",
            as_of=task.due.isoformat(),
            expect="pending",
            reports=[{"period": str(year_of_due)}],
        ),
    ]
    return Rule(
        id=task.id,
        title=task.title or short_title(task.content),
        title_vi=short_title(task.content),
        area=task.area,
        citation=Citation(clause=task.clause, quote=task.content),
        applies_to=task.applies_to,
        strength=task.strength,
        measure=TaskMeasure(
            kind="task_deadline",
            task=task.id,
            due=task.due,
            partners=task.partners_apply_to,
            same_as_duty=task.same_as_duty,
        ),
        periods=[year_of_due],
        due_text=task.due_text,
        notes=[
            f"Product: {task.product}. Owner as the plan names it: {task.owner}.",
            f"Due “{task.due_text}”, read as delivered on or before {task.due:%d/%m/%Y}.",
            *task.notes,
        ],
        examples=examples,
    )
