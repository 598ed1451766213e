"""Fact-set checks that need the catalogue: task ids and score codes must be ones it knows."""

from __future__ import annotations

from cchc.facts.load import FactError
from cchc.facts.model import FactSet
from cchc.rules.catalogue import Catalogue
from cchc.rules.schema import Rule, ScoreMeasure, ScoreSumMeasure, TaskMeasure


def check_task_references(facts: FactSet, catalogue: Catalogue) -> None:
    """Task completions and scores must name a task or criterion the catalogue knows; a typo is
    an input error, not silently "no data"."""
    tasks = {rule.measure.task for rule in catalogue.rules if isinstance(rule.measure, TaskMeasure)}
    codes = {code for rule in catalogue.rules for code in _score_codes(rule)}
    problems = []
    for report in facts.reports.values():
        where = f"{', '.join(facts.files)}: reports[{report.unit} {report.period}]"
        problems += [
            f"{where}.tasks[{i}].task: unknown task {task.task!r}; see `cchc rules list`"
            for i, task in enumerate(report.tasks)
            if task.task not in tasks
        ]
        problems += [
            f"{where}.scores.{code}: unknown criterion code {code!r}"
            for code in report.scores
            if code not in codes
        ]
    if problems:
        raise FactError(problems)


def _score_codes(rule: Rule) -> list[str]:
    if isinstance(rule.measure, ScoreMeasure):
        return [rule.measure.code]
    if isinstance(rule.measure, ScoreSumMeasure):
        return [rule.measure.code, *rule.measure.parts]
    return []
