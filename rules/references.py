"""Fact checks that need the catalogue: task ids and score codes must be ones it knows, and a
score may not exceed its criterion's maximum. Run inside the loader's single validation pass.

A score above the maximum of the plan's own table (PAR 1.6 of 1.5 points, SIPAS 100.5%) is
refused as input, like a part larger than its whole: the table defines what a score can be, so
such a figure is a reporting error to fix before anything is judged, not a target missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from cchc.facts.load import key_path
from cchc.facts.model import FactSet, Report, ReportProblem
from cchc.facts.problems import FactError, Place, Problem
from cchc.facts.values import did_you_mean, excerpt
from cchc.rules.catalogue import Catalogue
from cchc.rules.measures.common import decimal_text
from cchc.rules.schema import ScoreMeasure, ScoreSumMeasure, TaskMeasure


@dataclass(frozen=True)
class CatalogueReferences:
    """What the catalogue knows that facts may name: task ids, score codes and their maxima."""

    tasks: frozenset[str]
    score_codes: frozenset[str]
    maxima: dict[str, Fraction]

    @classmethod
    def of(cls, catalogue: Catalogue) -> CatalogueReferences:
        tasks = {r.measure.task for r in catalogue.rules if isinstance(r.measure, TaskMeasure)}
        codes: set[str] = set()
        maxima: dict[str, Fraction] = {}
        for plan in catalogue.plans.values():
            for table in plan.score_tables:
                for row in table.rows:
                    code = f"{table.code_prefix}{row.code}"
                    codes.add(code)
                    if row.maximum is not None:  # two plans: the larger maximum is the bound
                        maxima[code] = max(row.maximum, maxima.get(code, row.maximum))
        for rule in catalogue.rules:
            if isinstance(rule.measure, ScoreMeasure):
                codes.add(rule.measure.code)
                if rule.measure.maximum is not None:
                    maximum = rule.measure.maximum
                    maxima[rule.measure.code] = max(maximum, maxima.get(rule.measure.code, maximum))
            elif isinstance(rule.measure, ScoreSumMeasure):
                codes.update([rule.measure.code, *rule.measure.parts])
        return cls(frozenset(tasks), frozenset(codes), maxima)

    def problems(self, report: Report) -> list[ReportProblem]:
        """Located inside the report, for the loader to place in its file."""
        found = [
            ReportProblem(
                ("tasks", index, "task"),
                "unknown_task",
                {"task": excerpt(task.task), **did_you_mean(task.task, self.tasks)},
            )
            for index, task in enumerate(report.tasks)
            if task.task not in self.tasks
        ]
        for code, score in report.scores.items():
            if code not in self.score_codes:
                hint = did_you_mean(code, self.score_codes)
                found.append(
                    ReportProblem(
                        ("scores", code), "unknown_score_code", {"code": excerpt(code), **hint}
                    )
                )
            elif code in self.maxima and score > self.maxima[code]:
                values = {
                    "score": decimal_text(score, 6),
                    "maximum": decimal_text(self.maxima[code], 6),
                }
                found.append(ReportProblem(("scores", code), "score_above_maximum", values))
        return found


def check_task_references(facts: FactSet, catalogue: Catalogue) -> None:
    """The same checks on an already loaded fact set (raises FactError), for callers that did
    not pass `CatalogueReferences.problems` to the loader."""
    references = CatalogueReferences.of(catalogue)
    problems = [
        Problem.of(
            Place(path=f"reports[{report.unit} {report.period}]" + key_path(loc, first=False)),
            code,
            **values,
        )
        for report in facts.reports.values()
        for loc, code, values in references.problems(report)
    ]
    if problems:
        raise FactError(problems)
