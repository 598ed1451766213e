"""Problems with input, as data: where, what kind, and the values a message shows.

A problem says where (a `Place`: a file, a CSV line and column, a workbook's sheet and cell, a key
path inside a document, or a command-line option), what is wrong (`code`) and the values a message
needs. It carries no sentence: reports/wording/problems.py words it in the reader's language from
the `problem.<code>` messages, so an officer reads "dòng 3, cột resolved_on_time" and a CI log
"line 3, column resolved_on_time" for the same problem.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pydantic_core import PydanticCustomError


@dataclass(frozen=True)
class Place:
    file: str = ""
    line: int | None = None  # a CSV line, a YAML/JSON line, an NDJSON record's line
    column: str | int | None = None  # a CSV column's name (or a workbook column's), a YAML column
    sheet: str | None = None  # a workbook's sheet
    cell: str | None = None  # "D7"
    path: str = (
        ""  # a key path inside a document ("reports[0].dossiers"), or an option ("--plan X")
    )
    # One report joined from several pieces (CSV tables, files): the pieces' places.
    pieces: tuple[Place, ...] = ()

    def under(self, path: str) -> Place:
        """The same place, one step deeper in the document (`reports[0]` → `reports[0].unit`)."""
        joined = (
            f"{self.path}.{path}" if self.path and not path.startswith("[") else self.path + path
        )
        return replace(self, path=joined)

    def as_dict(self) -> dict[str, Any]:
        fields = {k: v for k, v in vars(self).items() if v not in (None, "", ())}
        if self.pieces:
            fields["pieces"] = [piece.as_dict() for piece in self.pieces]
        return fields

    def sort_key(self) -> tuple[Any, ...]:
        return (self.file, self.sheet or "", self.line or 0, self.cell or "", self.path)


Value = str | int | Place


@dataclass(frozen=True)
class Problem:
    place: Place
    code: str
    values: tuple[tuple[str, Value], ...] = ()

    @classmethod
    def of(cls, place: Place, code: str, /, **values: Value) -> Problem:
        return cls(place, code, tuple(values.items()))

    def value(self, name: str) -> Value:
        return dict(self.values)[name]

    def as_dict(self) -> dict[str, Any]:
        """For a machine reader (`--format json` of `cchc facts validate`)."""
        values = {k: v.as_dict() if isinstance(v, Place) else v for k, v in self.values}
        return {"at": self.place.as_dict(), "code": self.code, **values}


class FactError(Exception):
    """The input is invalid. `problems` lists each one with its place."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s): " + ", ".join(p.code for p in problems[:5]))


def invalid(code: str, **values: Value) -> PydanticCustomError:
    """A value refused, as a ValueError pydantic reports with its code and values (`type` and
    `ctx` of the error's details), so the place is added where the record is validated."""
    return PydanticCustomError(code, code, values)
