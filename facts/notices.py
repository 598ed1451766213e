"""Notices: what a reader of the findings should know that changes no verdict, as data.

A notice says where (a file, a key path in the facts such as `reports[u1 2019].events[3]`, or an
option such as `--plan X`), what kind of thing was noticed (`code`), and the values a message
shows. It carries no sentence: reports/wording/notices.py words it in the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Value = str | int


@dataclass(frozen=True, order=True)
class Notice:
    place: str
    code: str
    values: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, place: str, code: str, **values: Value) -> Notice:
        return cls(place, code, tuple(sorted(values.items())))

    def value(self, name: str) -> Value:
        return dict(self.values)[name]

    def as_dict(self) -> dict[str, Any]:
        """As the JSON report writes it."""
        return {"at": self.place, "code": self.code, **dict(self.values)}
