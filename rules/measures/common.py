"""Helpers the measures share: which units a rule covers, sums of counts, exact formatting."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
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


def flat_counts(
    report: Report, field: str | None = None, excluding: tuple[str, ...] = ()
) -> dict[str, int]:
    """The report's counts as {"dossiers.x": n, "indicators.y": m}. With `field`, dossier counts
    are that field's only; with `excluding`, all dossiers less those fields (a count is dropped,
    i.e. not reported, when an excluded field does not give it)."""
    dossiers: dict[str, int] = dict(report.dossiers)
    if field is not None:
        dossiers = dict(report.dossiers_by_field.get(field, {}))
    elif excluding:
        parts = [report.dossiers_by_field.get(code, {}) for code in excluding]
        dossiers = {
            name: value - sum(part[name] for part in parts)
            for name, value in report.dossiers.items()
            if all(name in part for part in parts)
        }
    counts = {f"dossiers.{name}": value for name, value in dossiers.items()}
    counts.update({f"indicators.{name}": value for name, value in report.indicators.items()})
    return counts


def reported(report: Report, ref: str) -> int | None:
    return flat_counts(report).get(ref)


def total(counts: dict[str, int], refs: Iterable[str]) -> int | None:
    """The sum of the named counts, or None when any of them was not reported."""
    values = [counts.get(ref) for ref in refs]
    return None if any(v is None for v in values) else sum(values)  # type: ignore[misc]


def mentions_any(counts: dict[str, int], refs: Iterable[str]) -> bool:
    return any(ref in counts for ref in refs)


def missing_fields(counts: dict[str, int], refs: Iterable[str]) -> list[str]:
    return [ref for ref in refs if ref not in counts]


def year_report(
    reports: list[Report],
    year: int,
    refs: list[str],
    counts: Callable[[Report], dict[str, int]] = flat_counts,
) -> Report | None:
    """For a whole-year target: the annual report, else the one reaching furthest into the year."""
    candidates = [r for r in reports if r.period.year == year and mentions_any(counts(r), refs)]
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
