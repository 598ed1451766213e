"""A language: its message catalogue and how it writes numbers, percentages and dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MESSAGES_DIR = Path(__file__).resolve().parents[1] / "messages"
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True)
class Wording:
    """The texts a report shows for one finding; empty or None where there is nothing to say."""

    actual: str = ""
    target: str = ""
    arithmetic: str = ""
    gap: str | None = None
    detail: str | None = None


class Language:
    def __init__(self, code: str, messages: dict[str, str]) -> None:
        self.code = code
        self.messages = messages
        self.thousands = messages.get("_thousands", ",")
        self.point = messages.get("_decimal_point", ".")

    def __call__(self, key: str, **values: Any) -> str:
        """The message `key` with its placeholders filled."""
        return self.messages[key].format(**values)

    def integer(self, value: int) -> str:
        return f"{value:,}".replace(",", self.thousands)

    def decimal(self, value: Fraction, digits: int = 6) -> str:
        """`value` rounded half-even to `digits` places, trailing zeros dropped; exact."""
        quantum = Decimal(1).scaleb(-digits)
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        text = f"{exact.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
        whole, dot, fraction = text.partition(".")
        sign = "-" if whole.startswith("-") else ""
        whole = self.integer(int(whole.lstrip("-") or 0))
        return sign + whole + (self.point + fraction if dot else "")

    def number(self, value: Fraction) -> str:
        return self.integer(value.numerator) if value.denominator == 1 else self.decimal(value, 2)

    def percent(self, value: Fraction, near: Fraction | None = None) -> str:
        """94.51%. Where rounding would make a value look equal to a target it is not, more
        digits are shown."""
        scaled = value * 100
        for digits in range(2, 7):
            text = self.decimal(scaled, digits)
            if near is None or value == near or text != self.decimal(near * 100, digits):
                return f"{text}%"
        return f"≈{self.decimal(scaled, 6)}%"

    def day(self, value: date | str) -> str:
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return value.strftime("%d/%m/%Y")

    def span(self, first: str, last: str) -> str:
        return self.day(first) if first == last else f"{self.day(first)} – {self.day(last)}"

    def spans(self, spans: list[list[str]]) -> str:
        return ", ".join(self.span(first, last) for first, last in spans)

    def names(self, names: list[str]) -> str:
        return ", ".join(names)

    @staticmethod
    def symbol(op: str) -> str:
        return SYMBOLS[op]

    @staticmethod
    def relation(actual: Fraction, bound: Fraction) -> str:
        return "=" if actual == bound else (">" if actual > bound else "<")


@cache
def language(code: str = "en") -> Language:
    """The catalogue of a language: every YAML file of reports/messages/<code>/, merged; a key
    given twice is a mistake in the catalogue."""
    folder = MESSAGES_DIR / code
    if not folder.is_dir():
        known = sorted(p.name for p in MESSAGES_DIR.iterdir() if p.is_dir())
        raise ValueError(f"no message catalogue for language {code!r}; known: {known}")
    messages: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        for key, text in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            if key in messages:
                raise ValueError(f"{path}: message {key!r} is defined twice")
            messages[key] = str(text)
    return Language(code, messages)
