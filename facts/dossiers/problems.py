"""What is wrong with dossier records or the files holding them, as data: a code and its values.

No sentence is made here. The render layer words a problem from `problem.records_<code>` in
reports/messages/<language>/dossiers.yaml, filling the `{placeholders}` from `values`; the place
(file, row, column, MaHoSo) is shown beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

Value = str | int


@dataclass(frozen=True)
class RecordProblem:
    """One problem at one place. `row` is the record's position in its file (the first record is
    1; in a CSV file the header is not counted), None for a problem of the whole file or of a
    mapping file (then `column` holds the key path). `column` is the column as the file names it
    (a vendor's name when a mapping renamed it)."""

    file: str
    row: int | None
    dossier: str | None
    column: str | None
    code: str
    values: dict[str, Value] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "dossier": self.dossier,
            "column": self.column,
            "code": self.code,
            "values": dict(self.values),
        }


class DossierError(Exception):
    """The records cannot be counted. `problems` lists what was found (at most `LISTED` of them;
    `total` says how many there were). `code` is `too_many_bad_rows` when bad rows passed the
    threshold (`values`: bad, read, limit), `unusable_input` when a file or the mapping cannot
    be used at all."""

    def __init__(
        self,
        problems: Sequence[RecordProblem],
        code: str = "unusable_input",
        values: dict[str, Value] | None = None,
        total: int | None = None,
    ) -> None:
        self.problems = list(problems)
        self.code = code
        self.values = dict(values or {})
        self.total = len(self.problems) if total is None else total
        codes = sorted({problem.code for problem in self.problems})
        super().__init__(f"{code}: {self.total} problems ({', '.join(codes)})")


def file_problem(file: str, column: str | None, code: str, **values: Value) -> RecordProblem:
    return RecordProblem(file, None, None, column, code, values)
