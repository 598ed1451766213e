"""Reporting periods: a month, a quarter, a half-year, the first nine months, or a whole year.

Written `2019` (the year), `2019-Q1`…`2019-Q4` (quarters), `2019-H1`/`2019-H2` (half-years),
`2019-9M` (January to September) and `2019-M01`…`2019-M12` (months, always two digits).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Literal

Kind = Literal["year", "half", "quarter", "nine_months", "month"]

# part -> (first month, last month)
_PARTS: dict[str, tuple[int, int]] = {
    "Q1": (1, 3),
    "Q2": (4, 6),
    "Q3": (7, 9),
    "Q4": (10, 12),
    "H1": (1, 6),
    "H2": (7, 12),
    "9M": (1, 9),
    "Y": (1, 12),
    **{f"M{month:02d}": (month, month) for month in range(1, 13)},
}
_KINDS: dict[str, Kind] = {
    "Q": "quarter",
    "H": "half",
    "9": "nine_months",
    "Y": "year",
    "M": "month",
}
# ASCII digits only ([0-9], not \d): a month is M01…M09 or M10…M12, two digits always.
_PATTERN = re.compile(
    r"^(?P<year>[0-9]{4})(?:-(?P<part>Q[1-4]|H[12]|9M|M0[1-9]|M1[0-2]))?$", re.ASCII
)
FORMS = "2019, 2019-Q1…2019-Q4, 2019-H1, 2019-H2, 2019-9M or 2019-M01…2019-M12"
MIN_YEAR, MAX_YEAR = 1900, 2100  # as for dates: facts.values


class PeriodError(ValueError):
    """A period refused: `code` and `values` name the problem (facts/problems.py words it)."""

    def __init__(self, code: str, **values: str | int) -> None:
        self.code = code
        self.values = {"forms": FORMS, **values}
        super().__init__(f"{code}: {self.values}")


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period within one year. Written `2019`, `2019-Q1`, `2019-H1`, `2019-9M` or
    `2019-M03`; `part` keeps that spelling ("Y" for the whole year, "M03" for March).

    Periods are ordered (by year, then by `part` as text) only so that they can be sorted into a
    stable order: within a year that order is not chronological (`9M` < `H1` < `M01` < `Q1` <
    `Y`), so compare `start` and `end` when time matters."""

    year: int
    part: str = "Y"

    def __post_init__(self) -> None:
        if self.part not in _PARTS:
            raise PeriodError("not_a_period_part", value=repr(self.part))

    @classmethod
    def parse(cls, text: object) -> Period:
        if isinstance(text, Period):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str) or not (match := _PATTERN.fullmatch(text.strip())):
            raise PeriodError("not_a_period", value=repr(text)[:40])
        year = int(match["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError("year_out_of_range", year=year, first=MIN_YEAR, last=MAX_YEAR)
        return cls(year, match["part"] or "Y")

    @property
    def kind(self) -> Kind:
        """What sort of period this is: `year`, `half`, `quarter`, `nine_months` or `month`."""
        return _KINDS[self.part[0]]

    @cached_property
    def start(self) -> date:
        return date(self.year, _PARTS[self.part][0], 1)

    @cached_property
    def end(self) -> date:
        # Cached: measures and loaders ask for it once per report, tens of thousands of times.
        last_month = _PARTS[self.part][1]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def last_month(self) -> int:
        return _PARTS[self.part][1]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def __str__(self) -> str:
        return str(self.year) if self.part == "Y" else f"{self.year}-{self.part}"


def months_of(period: Period | str) -> list[Period]:
    """The months a period spans, in calendar order: `2019-Q2` gives `2019-M04`…`2019-M06`, a
    month gives itself."""
    period = Period.parse(period)
    first, last = _PARTS[period.part]
    return [Period(period.year, f"M{month:02d}") for month in range(first, last + 1)]
