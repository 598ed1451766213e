"""One reported count against a number: at least one CCHC initiative in the year."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import date
from fractions import Fraction

from cchc.facts.model import FactSet
from cchc.facts.periods import Period
from cchc.rules.measures.common import (
    SYMBOLS,
    applicable_units,
    compare_symbol,
    integer,
    number,
    period_closed,
    reported,
    rule_years,
    sign,
    year_report,
)
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import QuantityMeasure, Rule


def observe(rule: Rule, facts: FactSet, as_of: date) -> Iterator[Observation]:
    measure = rule.measure
    assert isinstance(measure, QuantityMeasure) and rule.target is not None
    target = rule.target.value
    assert target is not None
    wanted = f"{SYMBOLS[rule.target.op]} {number(target)}"
    for unit in applicable_units(rule.applies_to, facts):
        reports = facts.reports_of(unit.id)
        for year in sorted(rule_years(rule)):
            if measure.window == "year":
                chosen = year_report(reports, year, [measure.indicator])
                picked = [chosen] if chosen else []
            else:
                picked = [
                    r
                    for r in reports
                    if r.period.year == year and reported(r, measure.indicator) is not None
                ]
            closed = period_closed(Period(year), as_of)
            if not picked:
                yield Observation.without_data(
                    rule.id,
                    unit.id,
                    str(year),
                    closed,
                    wanted,
                    f"no report for {year} gives {measure.indicator}",
                )
            for report in picked:
                value = reported(report, measure.indicator) or 0
                label = str(year) if measure.window == "year" else str(report.period)
                if measure.window == "each_report":
                    closed = period_closed(report.period, as_of)
                gap = None
                if rule.target.op in (">=", ">") and not (
                    value > target if rule.target.op == ">" else value >= target
                ):
                    need = math.floor(target) + 1 if rule.target.op == ">" else math.ceil(target)
                    gap = f"{integer(need - value)} more {measure.counted} needed"
                yield Observation(
                    rule.id,
                    unit.id,
                    label,
                    "measured",
                    closed,
                    {"vs_target": sign(Fraction(value), target)},
                    actual=integer(value),
                    target=wanted,
                    arithmetic=f"{integer(value)} {compare_symbol(Fraction(value), target)} "
                    f"{number(target)}",
                    gap=gap,
                    detail=None
                    if report.period == Period(year)
                    else f"from the {report.period} report",
                    numbers={"value": value},
                )
