"""Helpers the measures share: which units a rule covers, sums of counts, exact formatting."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period
from cchc.rules.schema import AppliesTo, Rule

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def applicable_units(applies_to: AppliesTo, facts: FactSet) -> list[Unit]:
    return [unit for unit in facts.units.values() if applies_to.matches(unit)]


def rule_years(rule: Rule) -> set[int]:
    return {period.year for period in rule.periods}


def reported(report: Report, ref: str) -> int | None:
    group, _, name = ref.partition(".")
    return getattr(report, group).get(name)


def total(report: Report, refs: Iterable[str]) -> int | None:
    """The sum of the named counts, or None when any of them was not reported."""
    values = [reported(report, ref) for ref in refs]
    return None if any(v is None for v in values) else sum(values)  # type: ignore[arg-type]


def mentions_any(report: Report, refs: Iterable[str]) -> bool:
    return any(reported(report, ref) is not None for ref in refs)


def missing_fields(report: Report, refs: Iterable[str]) -> list[str]:
    return [ref for ref in refs if reported(report, ref) is None]


def year_report(reports: list[Report], year: int, refs: list[str]) -> Report | None:
    """For a whole-year target: the annual report, else the one reaching furthest into the year."""
    candidates = [r for r in reports if r.period.year == year and mentions_any(r, refs)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.period.end, r.period.end - r.period.start))


def period_closed(period: Period, as_of: date) -> bool:
    return as_of > period.end


def sign(actual: Fraction, target: Fraction) -> int:
    """-1, 0 or 1 as actual is below, at or above target: decided exactly, so that the engine
    compares small integers and never a rounded float."""
    return (actual > target) - (actual < target)


def integer(value: int) -> str:
    return f"{value:,}"


def _decimal_text(value: Fraction, digits: int) -> str:
    quantum = Decimal(1).scaleb(-digits)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{exact.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Fraction, near: Fraction | None = None) -> str:
    """94.51%. When rounding would make a value look equal to the target it is not, add digits."""
    scaled = value * 100
    for digits in range(2, 7):
        text = _decimal_text(scaled, digits)
        if near is None or value == near or text != _decimal_text(near * 100, digits):
            return f"{text}%"
    return f"≈{_decimal_text(scaled, 6)}%"


def number(value: Fraction) -> str:
    if value.denominator == 1:
        return integer(value.numerator)
    return _decimal_text(value, 2)


def compare_symbol(actual: Fraction, target: Fraction) -> str:
    return "=" if actual == target else (">" if actual > target else "<")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def needed_at_least(target: Fraction, denominator: int, strict: bool) -> int:
    """The smallest numerator n with n / denominator ≥ target (> when strict)."""
    bound = target * denominator
    return math.floor(bound) + 1 if strict else math.ceil(bound)


def allowed_at_most(target: Fraction, denominator: int, strict: bool) -> int:
    """The largest numerator n with n / denominator ≤ target (< when strict)."""
    bound = target * denominator
    return math.ceil(bound) - 1 if strict else math.floor(bound)
