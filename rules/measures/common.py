"""Exact helpers the measures share: names once each, signs and decimals decided exactly."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction


def unique(items: Iterable[str]) -> list[str]:
    """Each item once, in first-seen order: a numerator's counts are also in its denominator,
    and a message names each once."""
    return list(dict.fromkeys(items))


def sign(actual: Fraction, target: Fraction) -> int:
    """-1, 0 or 1 as actual is below, at or above target: decided exactly, so that the engine
    compares small integers and never a rounded float."""
    return (actual > target) - (actual < target)


def decimal_text(value: Fraction, digits: int) -> str:
    """`value` rounded half-even to `digits` places, trailing zeros dropped; exact throughout."""
    quantum = Decimal(1).scaleb(-digits)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{exact.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
