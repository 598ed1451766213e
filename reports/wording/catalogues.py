"""A language: its message catalogue and how it writes numbers, percentages, dates and periods,
and which of a plan's phrases (`counted`, `title`) it reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from cchc.facts.periods import Period, PeriodError

MESSAGES_DIR = Path(__file__).resolve().parents[1] / "messages"
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}
# The language the plans' own phrases are written in (`counted`, `title`); another language reads
# `<field>_<code>` (`counted_vi`, `title_vi`) where the plan gives it.
PLAN_LANGUAGE = "en"

# The message naming a period, by the period's part (`Q1`…`Q4` share one, as do the months), in
# each form: `plain` wherever a period is shown, `title` as a report's title names it.
PeriodForm = Literal["plain", "title"]
PERIOD_KEYS: dict[str, dict[str, str]] = {
    "plain": {
        "Y": "period.year",
        "Q": "period.quarter",
        "H1": "period.first_half",
        "H2": "period.second_half",
        "9M": "period.nine_months",
        "M": "period.month",
    },
    "title": {
        "Y": "period_title.year",
        "Q": "period_title.quarter",
        "H1": "period_title.first_half",
        "H2": "period_title.second_half",
        "9M": "period_title.nine_months",
        "M": "period_title.month",
    },
}
_MEMO_LIMIT = 200_000  # worded percentages kept per language
_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


class Numeral(int):
    """A day, month or quarter for a template: formats as an int (`{month:02d}`), or in Roman
    numerals with the spec `roman` (`quý {quarter:roman}/{year}`: "quý III/2019")."""

    def __format__(self, spec: str) -> str:
        if spec != "roman":
            return int.__format__(self, spec)
        rest, text = int(self), ""
        for value, letters in _ROMAN:
            count, rest = divmod(rest, value)
            text += letters * count
        return text


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
        # Periods and days repeat across a report's findings: each is worded once.
        self._periods: dict[tuple[str, str], str] = {}
        self._days: dict[date | str, str] = {}
        self._percents: dict[tuple[Fraction, Fraction | None], str] = {}

    def __call__(self, key: str, /, **values: Any) -> str:
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
        key = (value, near)
        if key not in self._percents:
            if len(self._percents) > _MEMO_LIMIT:  # a national report's shares: bounded
                self._percents.clear()
            self._percents[key] = self._percent(value, near)
        return self._percents[key]

    def _percent(self, value: Fraction, near: Fraction | None) -> str:
        scaled = value * 100
        for digits in range(2, 7):
            text = self.decimal(scaled, digits)
            if near is None or value == near or text != self.decimal(near * 100, digits):
                return f"{text}%"
        return f"≈{self.decimal(scaled, 6)}%"

    def day(self, value: date | str) -> str:
        """A date as the catalogue's `date.day` writes it: "05/03/2024" (en), "05/3/2024" (vi)."""
        if value not in self._days:
            day = date.fromisoformat(value) if isinstance(value, str) else value
            self._days[value] = self(
                "date.day", day=Numeral(day.day), month=Numeral(day.month), year=day.year
            )
        return self._days[value]

    def period(self, value: object, form: PeriodForm = "plain") -> str:
        """A reporting period (`2019`, `2019-Q3`, `2019-H1`, `2019-9M`, `2019-M03`, or a Period)
        named the language's way: "quý III/2019", "6 tháng đầu năm 2019" (vi). Text that is not
        a period is shown as it is."""
        key = (str(value), form)
        if key not in self._periods:
            self._periods[key] = self._period(value, form)
        return self._periods[key]

    def _period(self, value: object, form: PeriodForm) -> str:
        try:
            parsed = Period.parse(value)
        except PeriodError:
            return str(value)
        part, keys = parsed.part, PERIOD_KEYS[form]
        if part.startswith("Q"):
            return self(keys["Q"], year=parsed.year, quarter=Numeral(int(part[1:])))
        if part.startswith("M"):
            return self(keys["M"], year=parsed.year, month=Numeral(int(part[1:])))
        return self(keys[part], year=parsed.year)

    def counted(self, measure: object) -> str:
        """What a measure counts, as a gap names it: the plan's `counted`, or in another
        language its `counted_<code>` (`counted_vi`) where the plan gives one."""
        return self._plan_text(measure, "counted")

    def title(self, rule: object) -> str:
        """A rule's title: `title`, or in another language `title_<code>` where given."""
        return self._plan_text(rule, "title")

    def _plan_text(self, item: object, field: str) -> str:
        if self.code != PLAN_LANGUAGE:
            translated = getattr(item, f"{field}_{self.code}", None)
            if translated:
                return str(translated)
        return str(getattr(item, field))

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
