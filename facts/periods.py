"""Reporting periods: a quarter, a half-year, the first nine months, or a whole year."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

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
}
_LABELS_VI = {
    "Q1": "Quý I",
    "Q2": "Quý II",
    "Q3": "Quý III",
    "Q4": "Quý IV",
    "H1": "6 tháng đầu năm",
    "H2": "6 tháng cuối năm",
    "9M": "9 tháng",
    "Y": "năm",
}
_PATTERN = re.compile(r"^(?P<year>[0-9]{4})(?:-(?P<part>Q[1-4]|H[12]|9M))?$")
MIN_YEAR, MAX_YEAR = 1900, 2100  # as for dates: facts.values


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period of one year. Written `2019`, `2019-Q1`, `2019-H1` or `2019-9M`."""

    year: int
    part: str = "Y"

    @classmethod
    def parse(cls, text: object) -> Period:
        if isinstance(text, Period):
            return text
        if isinstance(text, int) and not isinstance(text, bool):
            text = str(text)
        if not isinstance(text, str) or not (match := _PATTERN.fullmatch(text.strip())):
            shown = repr(text)[:40]
            raise PeriodError(
                f"{shown} is not a period: write 2019, 2019-Q1…2019-Q4, 2019-H1, 2019-H2 or 2019-9M"
            )
        year = int(match["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"the year {year} is outside {MIN_YEAR}–{MAX_YEAR}, which cchc reads")
        return cls(year, match["part"] or "Y")

    @property
    def start(self) -> date:
        return date(self.year, _PARTS[self.part][0], 1)

    @property
    def end(self) -> date:
        last_month = _PARTS[self.part][1]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def last_month(self) -> int:
        return _PARTS[self.part][1]

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def label_vi(self) -> str:
        return f"{_LABELS_VI[self.part]} {self.year}"

    def __str__(self) -> str:
        return str(self.year) if self.part == "Y" else f"{self.year}-{self.part}"
