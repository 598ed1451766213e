"""The findings as a spreadsheet's table: UTF-8 with a byte order mark (so that Excel reads the
Vietnamese as UTF-8), one row per finding, one column per fact about it.

Which findings: every one, unless --only narrows it, as in the JSON report. A CSV file is data
for a spreadsheet or a script, filtered there; --all changes nothing (it is already all), and
the human formats' default of listing only what needs attention does not apply.

The header's words are the catalogue's, in the reader's language; the codes (status, strength,
area, period) are columns of their own beside their words, so that a filter or a script does
not depend on the language. Numbers are plain (1843, 88.4), dates ISO (2019-12-31). Warnings
and the summary are not in the CSV: the JSON, Markdown and XLSX reports carry them. Nor is the
check against dossier records (--dossiers): a discrepancy is not a finding, and no column says
what kind of row a row is, so it would read as a finding with empty cells; the JSON (for
scripts) and XLSX (for spreadsheets) reports carry it.

Text from fact files is untrusted: a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR is
prefixed with `'`, so that no spreadsheet takes it for a formula (OWASP, "CSV injection"), and
control and bidi characters are written as escapes (reports/terminal.py).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction
from functools import lru_cache

from cchc.engine.evaluation import Evaluation
from cchc.reports.terminal import printable
from cchc.reports.view import RenderOptions, ReportView, Row

BOM = "\ufeff"
ROWS_PER_PIECE = 5000  # rows encoded at a time: a national report is never held whole
# What a spreadsheet may take for the start of a formula (OWASP). CR is written as an escape
# by `printable` before this is checked; it stays listed for callers that check raw text.
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | None


@lru_cache(maxsize=65536)
def neutralised(text: str) -> str:
    """`text` safe for a spreadsheet cell: control and bidi characters escaped (newlines and
    tabs kept), and a leading formula character disarmed with `'`. Titles, clauses, quotes and
    unit names repeat on every row of a national report: each distinct text is done once."""
    text = printable(text)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def evidence_number(value: object) -> int | float | None:
    """An evidence figure as a number for a spreadsheet: ints as they are, a score (kept as a
    fraction's text, "442/5") as its decimal value; anything else (a flag, a list) is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            exact = Fraction(value)
        except (ValueError, ZeroDivisionError):
            return None
        return exact.numerator if exact.denominator == 1 else float(exact)
    return None


@dataclass(frozen=True)
class Column:
    """A column of the findings table (CSV, and the XLSX findings and unit sheets)."""

    key: str  # the message key of its header
    value: Callable[[Row], Cell]
    width: int  # in characters, for the XLSX sheets


def _figure(name: str) -> Callable[[Row], Cell]:
    return lambda row: evidence_number(row.finding.evidence.get(name))


# Every message key is written out (tests/test_wording.py looks for the literals).
COLUMNS: tuple[Column, ...] = (
    Column("report.rule", lambda row: row.finding.rule_id, 16),
    Column("report.plan", lambda row: row.plan_id, 16),
    Column("csv.area_code", lambda row: row.area, 14),
    Column("report.area", lambda row: row.area_name, 28),
    Column("report.title_column", lambda row: row.title, 48),
    Column("csv.strength_code", lambda row: row.strength, 12),
    Column("report.strength", lambda row: row.strength_word, 14),
    Column("csv.unit_id", lambda row: row.finding.unit_id, 14),
    Column("report.unit", lambda row: row.unit_name, 28),
    Column("csv.period_code", lambda row: row.finding.period, 10),
    Column("report.period", lambda row: row.period_name, 16),
    Column("csv.status_code", lambda row: row.finding.status, 12),
    Column("report.status", lambda row: row.status_word, 16),
    Column("report.due", lambda row: row.due, 12),
    Column("report.evidence", lambda row: row.evidence, 40),
    Column("report.target", lambda row: row.target, 20),
    Column("report.gap", lambda row: row.gap, 40),
    Column("csv.numerator", _figure("numerator"), 10),
    Column("csv.denominator", _figure("denominator"), 10),
    Column("csv.count", _figure("count"), 10),
    Column("csv.value", _figure("value"), 10),
    Column("csv.score", _figure("score"), 10),
    Column("csv.days_vs_due", _figure("days_vs_due"), 10),
    Column("report.clause", lambda row: row.clause, 20),
    Column("report.quote", lambda row: row.quote, 60),
)


def every_finding(options: RenderOptions) -> RenderOptions:
    """The options of a data format: every finding, or those of --only."""
    return replace(options, everything=True)


def _text(value: Cell) -> str:
    if isinstance(value, str):  # most cells: tested first
        return neutralised(value)
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)  # a number: plain digits, a point for decimals


def _encoded(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def chunks(view: ReportView) -> Iterator[bytes]:
    """The BOM and the header, then the rows, ROWS_PER_PIECE at a time."""
    yield (BOM.encode("utf-8") + _encoded([[neutralised(view(c.key)) for c in COLUMNS]]))
    piece: list[list[str]] = []
    for row in view.rows():
        piece.append([_text(column.value(row)) for column in COLUMNS])
        if len(piece) == ROWS_PER_PIECE:
            yield _encoded(piece)
            piece = []
    if piece:
        yield _encoded(piece)


def render(evaluation: Evaluation, options: RenderOptions) -> Iterator[bytes]:
    """Every finding (or those of --only) as CSV rows, in pieces of UTF-8."""
    return chunks(ReportView(evaluation, every_finding(options)))
