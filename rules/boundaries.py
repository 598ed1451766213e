"""The mechanical boundary examples of a share or ratio rule, generated from its target.

A rule's target fixes its boundary: "at least 95%" is met by 19 dossiers of 20 and missed by 18.
Those two examples are the same for every such rule, so the catalogue writes them (as it writes
an appendix task's examples from its due date) and a plan file keeps only the examples that teach
a reading: missing data, pending, a field left out, a cap with nothing to divide by.

The fact set is one report of one unit for the rule's first period, read the day after that
period ends. The denominator is the smallest multiple of the target's own denominator that is at
least 20 (95% = 19/20 gives 20; 2/3 gives 21; 99% gives 100), so the bound is a whole count:

    >= t   meets the target exactly: t·d          one short of the target: t·d − 1
    >  t   one above the target: t·d + 1          at the target, not above it: t·d
    <= t   at the cap exactly: t·d                one over the cap: t·d + 1
    <  t   one under the cap: t·d − 1             at the cap, not under it: t·d
    between low and high: each end exactly (pass) and one beyond it (fail)

The counts go to the measure's fields: the numerator's share of the counts to one of its own
fields, the rest of the denominator to one of the denominator's other fields, every other field
named 0. Which fields receive the counts is chosen so that the report keeps the fact loader's
arithmetic (a part never above its whole, a total equal to its parts). A measure restricted to
one field of procedures (`field`) is reported under `dossiers_by_field`; one leaving fields out
(`excluding_fields`) reports those fields as zero rows.
"""

from __future__ import annotations

import itertools
import math
from datetime import timedelta
from fractions import Fraction
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cchc.facts.model import Report, report_problems
from cchc.facts.periods import Period
from cchc.rules.schema import (
    Example,
    Measure,
    PeriodField,
    RangeMeasure,
    ShareMeasure,
    Status,
    Target,
)

MIN_DENOMINATOR = 20


class NotGenerated(Exception):
    """A share or ratio rule whose boundary examples cannot be written mechanically."""


class BoundarySource(BaseModel):
    """The parts of a rule (as written in a plan file, defaults applied) that the examples are
    generated from; the rest is left to the rule's own validation."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    measure: Measure
    target: Target | None = None
    periods: list[PeriodField] = Field(min_length=1)
    generated_examples: bool = True


def generates(measure: object) -> bool:
    """Whether rules of this measure get generated boundary examples."""
    return isinstance(measure, ShareMeasure | RangeMeasure)


def boundary_denominator(*bounds: Fraction) -> int:
    """The smallest multiple of the bounds' denominators that is at least 20."""
    step = math.lcm(*(bound.denominator for bound in bounds))
    return step * max(1, -(-MIN_DENOMINATOR // step))


def boundary_points(target: Target) -> list[tuple[str, Status, int, int]]:
    """(name, expected status, numerator, denominator) for each boundary example of a target."""
    if target.op == "between":
        assert target.low is not None and target.high is not None
        d = boundary_denominator(target.low, target.high)
        low, high = int(target.low * d), int(target.high * d)
        points = [
            ("at the low end of the range exactly", "pass", low),
            ("one below the range", "fail", low - 1),
            ("at the high end of the range exactly", "pass", high),
            ("one above the range", "fail", high + 1),
        ]
    else:
        assert target.value is not None
        d = boundary_denominator(target.value)
        n = int(target.value * d)
        points = {
            ">=": [
                ("meets the target exactly", "pass", n),
                ("one short of the target", "fail", n - 1),
            ],
            ">": [
                ("one above the target", "pass", n + 1),
                ("at the target exactly, not above it", "fail", n),
            ],
            "<=": [
                ("at the cap exactly", "pass", n),
                ("one over the cap", "fail", n + 1),
            ],
            "<": [
                ("one under the cap", "pass", n - 1),
                ("at the cap exactly, not under it", "fail", n),
            ],
        }[target.op]
    return [(f"{words}: {num} of {d}", expect, num, d) for words, expect, num in points]


def boundary_examples(
    measure: Measure, target: Target | None, periods: list[Period]
) -> list[Example]:
    """The boundary examples of a share or ratio rule; none for other measures. Raises
    NotGenerated, with the reason, for a share or ratio rule they cannot be written for."""
    if not isinstance(measure, ShareMeasure | RangeMeasure) or target is None:
        return []
    period = periods[0]
    if measure.window == "year" and period.part != "Y":
        raise NotGenerated(f"a whole-year measure whose first period is {period}, not a year")
    is_share = isinstance(measure, ShareMeasure)
    points = [
        point
        for point in boundary_points(target)
        if point[2] >= 0 and (point[2] <= point[3] or not is_share)
    ]
    if {expect for _, expect, _, _ in points} != {"pass", "fail"}:
        raise NotGenerated("every share from 0% to 100% lies on the same side of the target")
    reports = _reports(measure, str(period), [(num, d) for _, _, num, d in points])
    as_of = period.end + timedelta(days=1)
    # A report for part of a year is judged on its own, beside the year it leaves uncovered.
    judged = None if period.part == "Y" else str(period)
    return [
        Example(name=name, as_of=as_of, expect=expect, reports=[report], period=judged)
        for (name, expect, _, _), report in zip(points, reports, strict=True)
    ]


def _reports(
    measure: ShareMeasure | RangeMeasure, period: str, values: list[tuple[int, int]]
) -> list[dict[str, Any]]:
    """One report for each (numerator, denominator), all with the counts on the same fields:
    the first choice of fields that keeps every report's arithmetic."""
    numerator = list(dict.fromkeys(measure.numerator))
    denominator = list(dict.fromkeys(measure.denominator))
    shared = [ref for ref in numerator if ref in denominator]
    only_top = [ref for ref in numerator if ref not in denominator]
    rest = [ref for ref in denominator if ref not in numerator]
    if not rest:
        raise NotGenerated("the denominator has no count of its own besides the numerator's")
    # Numerator on shared counts, the rest of the denominator on its own ones; or, where the
    # numerator has counts of its own, those carry it and the denominator's own carry it all.
    top_choices = only_top or shared
    for top, other in itertools.product(top_choices, rest):
        reports = []
        for num, d in values:
            counts = dict.fromkeys([*numerator, *denominator], 0)
            counts[top] += num
            counts[other] += d - num if top in shared else d
            reports.append(_report(measure, period, counts))
        if all(_consistent(report) for report in reports):
            return reports
    raise NotGenerated("no choice of fields gives a report the fact loader accepts")


def _report(
    measure: ShareMeasure | RangeMeasure, period: str, counts: dict[str, int]
) -> dict[str, Any]:
    groups: dict[str, dict[str, int]] = {}
    for ref, value in counts.items():
        group, _, name = ref.partition(".")
        groups.setdefault(group, {})[name] = value
    report: dict[str, Any] = {"period": period, **groups}
    field = getattr(measure, "field", None)
    excluding = getattr(measure, "excluding_fields", [])
    if field is not None:
        report["dossiers_by_field"] = {field: report.pop("dossiers")}
    elif excluding:
        zeros = dict.fromkeys(report["dossiers"], 0)
        report["dossiers_by_field"] = {code: dict(zeros) for code in excluding}
    return report


def _consistent(report: dict[str, Any]) -> bool:
    return not report_problems(Report.model_validate({"unit": "u1", **report}))
