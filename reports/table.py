"""The terminal report: the summary (per plan and per area), then the findings that need
attention, one table per unit (units with the most firm failures first, each headed by its
counts) or per rule, fitted to the terminal's width; `--all` lists every finding. Statuses are
coloured when the output is a terminal that wants colour (reports/view.RenderOptions.color)."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Callable
from functools import lru_cache

import click
from tabulate import tabulate

from cchc.engine.evaluation import Evaluation
from cchc.reports.terminal import printable
from cchc.reports.view import Counts, RenderOptions, ReportView, Row

# Each column's share of the width left once the fixed columns are laid out, and its floor.
FLEXIBLE = {"rule": (2, 8), "title": (3, 10), "unit": (3, 10), "evidence": (5, 14), "gap": (4, 12)}
MIN_WIDTH, MAX_WIDTH = 80, 240
GUTTER = 2  # two spaces between columns, as tabulate's "simple" format
GUTTER_TEXT = " " * GUTTER
# A cell to colour in a row: its column and how.
Paint = tuple[int, Callable[[str], str]] | None
COLOURS = {
    "pass": "green",
    "fail": "red",
    "at_risk": "magenta",
    "pending": "yellow",
    "missing": "yellow",
}


def terminal_width() -> int:
    """The terminal's width (COLUMNS when set), within reason: a pipe gets 120."""
    columns = shutil.get_terminal_size(fallback=(120, 24)).columns
    return max(MIN_WIDTH, min(MAX_WIDTH, columns))


def column_widths(
    columns: list[str],
    fixed: dict[str, int],
    narrow: dict[str, int],
    floors: dict[str, int],
    width: int,
) -> list[int]:
    """Widths that make the table fit `width`: short columns at their longest text, or, when
    that leaves too little room, at their longest word; the rest shared out, none below its
    floor."""
    flexible = [c for c in columns if c in FLEXIBLE]
    gutters = GUTTER * (len(columns) - 1)
    wanted = sum(fixed.get(c, 0) for c in columns) + sum(floors[c] for c in flexible)
    if wanted + gutters > width:
        fixed = narrow
    room = width - sum(fixed.get(c, 0) for c in columns) - gutters
    weights = sum(FLEXIBLE[c][0] for c in flexible)
    shares = {c: max(floors[c], room * FLEXIBLE[c][0] // weights) for c in flexible}
    widest = max(flexible, key=shares.__getitem__)  # floors may overshoot: it gives way
    shares[widest] = max(floors[widest], shares[widest] - (sum(shares.values()) - room))
    return [fixed.get(c) or shares[c] for c in columns]


@lru_cache(maxsize=65536)
def _wrap(text: str, width: int) -> str:
    # Titles, targets and gaps repeat across units: wrapping each distinct cell once keeps a
    # 10,000-unit report fast. A cell's own newlines are escaped first: the only line breaks in
    # a cell are the wrapping's.
    text = printable(text, keep_newlines=False)
    return "\n".join(textwrap.wrap(text, width)) if len(text) > width else text


def _line(text: str) -> str:
    return printable(text, keep_newlines=False)


def _prose(text: str) -> str:
    """A line of the summary or a warning, wrapped to the terminal's width."""
    return "\n".join(textwrap.wrap(_line(text), terminal_width(), subsequent_indent="    "))


def _longest_word(text: str) -> int:
    return max((len(word) for word in text.split()), default=1)


class _Layout:
    """The words and widths of one report: computed once, used for every table."""

    def __init__(self, view: ReportView) -> None:
        self.view = view
        self.kind = {"firm": view("report.kind_firm"), "aspirational": view("report.kind_aim")}
        self.headers = {
            "rule": view("report.rule"),
            "title": view("report.title_column"),
            "unit": view("report.unit"),
            "period": view("report.period"),
            "status": view("report.status"),
            "kind": view("report.strength"),
            "evidence": view("report.evidence"),
            "gap": view("report.gap"),
        }
        # Short columns as wide as their longest text (or header), or on a narrow terminal as
        # their longest word: "Chưa đến hạn" may take three lines, never a broken word.
        texts = {
            "period": self._period_names(),
            "status": [view.status_word(s) for s in view.shown_statuses],
            "kind": list(self.kind.values()),
        }
        # (A header takes two more: tabulate pads it.)
        self.fixed = {
            column: max(len(self.headers[column]) + 2, *map(len, words))
            for column, words in texts.items()
        }
        self.floors = {
            column: max(floor, _longest_word(self.headers[column]) + 2)
            for column, (_, floor) in FLEXIBLE.items()
        }
        self.narrow = {
            column: max(_longest_word(self.headers[column]) + 2, *map(_longest_word, words))
            for column, words in texts.items()
        }

    def _period_names(self) -> list[str]:
        return [self.view.lang.period(p) for p in self._periods()] or [""]

    def _periods(self) -> set[str]:
        return {p for part in self.view.evaluation.parts for p in part.frame["period"].unique()}

    def status(self, status: str, word: str) -> str:
        colour = COLOURS.get(status)
        return click.style(word, fg=colour) if colour and self.view.options.color else word

    def paint(self, status: str, column: int) -> Paint:
        if status not in COLOURS or not self.view.options.color:
            return None
        return column, lambda text: self.status(status, text)

    def cells(self, row: Row) -> dict[str, str]:
        return {
            "rule": row.finding.rule_id,
            "title": row.title,
            "unit": row.unit_name,
            "period": row.period_name,
            "status": row.status_word,
            "kind": self.kind[row.strength],
            "evidence": row.evidence,
            "gap": row.gap or "",
        }

    def table(self, rows: list[Row], columns: list[str]) -> str:
        widths = column_widths(columns, self.fixed, self.narrow, self.floors, terminal_width())
        status_at = columns.index("status")
        body = []
        for row in rows:
            cells = self.cells(row)
            wrapped = [_wrap(cells[c], w) for c, w in zip(columns, widths, strict=True)]
            body.append((wrapped, self.paint(row.finding.status, status_at)))
        headers = [_wrap(self.headers[c], w) for c, w in zip(columns, widths, strict=True)]
        return _grid(headers, body, widths)


def _grid(headers: list[str], body: list[tuple[list[str], Paint]], widths: list[int]) -> str:
    """A findings table laid out like tabulate's "simple" format, at widths already decided and
    cells already wrapped: a national report has 10,000 of these tables, and tabulate, which
    measures and types every cell again, would spend minutes on them (it still lays out the
    small summary tables)."""
    lines = [*_row_lines(headers, widths), GUTTER_TEXT.join("-" * width for width in widths)]
    for cells, paint in body:
        lines += _row_lines(cells, widths, paint)
    return "\n".join(lines)


def _row_lines(cells: list[str], widths: list[int], paint: Paint = None) -> list[str]:
    """A row's lines, each cell padded to its width; `paint` (column, style) colours one cell
    after padding, so that its escapes do not count as width."""
    if paint is None and not any("\n" in cell for cell in cells):  # most rows: one line
        return [GUTTER_TEXT.join(map(str.ljust, cells, widths)).rstrip()]
    parts = [cell.split("\n") for cell in cells]
    lines = []
    for index in range(max(map(len, parts))):
        padded = [
            (part[index] if index < len(part) else "").ljust(width)
            for part, width in zip(parts, widths, strict=True)
        ]
        if paint is not None:
            column, style = paint
            text = padded[column].rstrip()  # the padding stays plain: rstrip still trims it
            if text:
                padded[column] = style(text) + " " * (len(padded[column]) - len(text))
        lines.append(GUTTER_TEXT.join(padded).rstrip())
    return lines


def counts_line(view: ReportView, counts: Counts) -> str:
    """ "Đạt 41 · Không đạt 3 · …": the statuses a unit or area has, in the usual order."""
    return " · ".join(view.status_counts(counts)) or view("report.none")


def _summary(view: ReportView, layout: _Layout) -> list[str]:
    evaluation, total = view.evaluation, view.total
    plans = "; ".join(f"{p.info.number} ({p.id})" for p in evaluation.plans)
    statuses = view.options.statuses
    listed = sum(total[s] for s in statuses) if statuses else total.total
    shown = [view("report.findings_count", count=view.number(total.total))]
    if statuses:
        words = ", ".join(view.status_word(s) for s in view.listed_statuses)
        shown.append(view("table.listed_statuses", count=view.number(listed), statuses=words))
    lines = [
        f"{view('report.plan')}: {plans}",
        " · ".join(
            [
                view("report.as_of", day=view.day(evaluation.as_of)),
                view("report.engine", engine=evaluation.engine),
                *shown,
            ]
        ),
        counts_line(view, total)
        + f" · {view('report.warnings', count=view.number(len(evaluation.warnings)))}",
        f"{view('report.firm_failures')}: {view.number(total.firm_failures)} · "
        f"{view('report.aspirational_failures')}: {view.number(total.aspirational_failures)}",
    ]
    return ["\n".join(map(_prose, lines)), _areas(view)]


def _areas(view: ReportView) -> str:
    """Counts per plan and area: where a plan is failing, before any unit's detail."""
    several = len(view.evaluation.plans) > 1
    # The status headers wrap at their longest word, and the area names share what is left
    # (at least 24): the table fits 80 columns.
    area_width = max(24, terminal_width() - 60)
    rows = [
        [
            *([plan_id] if several else []),
            _wrap(view.area_name(area), area_width) if area else "",
            *(view.number(counts[s]) for s in view.shown_statuses),
        ]
        for (plan_id, area), counts in view.by_area.items()
    ]
    words = [view.status_word(s) for s in view.shown_statuses]
    headers = [
        *([view("report.plan")] if several else []),
        view("report.area"),
        *(_wrap(word, _longest_word(word)) for word in words),
    ]
    table = tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True)
    return f"{view('report.by_area')}\n{table}"


def _by_unit(view: ReportView, layout: _Layout) -> list[str]:
    columns = ["rule", "title", "period", "status", "kind", "evidence", "gap"]
    return [
        _prose(f"== {unit.name} [{unit.unit_id}] · {counts_line(view, unit.counts)}")
        + f"\n{layout.table(rows, columns)}"
        for unit, rows in view.by_unit_rows()
    ]


def _by_rule(view: ReportView, layout: _Layout) -> list[str]:
    columns = ["unit", "period", "status", "evidence", "gap"]
    grouped: dict[str, list[Row]] = {}
    for row in view.rows():
        grouped.setdefault(row.finding.rule_id, []).append(row)
    blocks = []
    for rule_id, rows in grouped.items():
        first = rows[0]
        heading = "\n".join(
            [
                _prose(f"== {rule_id} · {first.title} · {first.strength_word}"),
                _prose(f"   {first.document}, {first.clause}: “{first.quote}”"),
            ]
        )
        blocks.append(f"{heading}\n{layout.table(rows, columns)}")
    return blocks


def render(evaluation: Evaluation, options: RenderOptions) -> str:
    """The summary (over every finding), the listed findings grouped, then the warnings."""
    view = ReportView(evaluation, options)
    layout = _Layout(view)
    blocks = _summary(view, layout)
    blocks += _by_unit(view, layout) if options.group_by == "unit" else _by_rule(view, layout)
    reconciliation = view.reconciliation()
    if reconciliation is not None:
        heading, headers, rows = reconciliation
        table = tabulate(rows, headers=headers, disable_numparse=True) if rows else ""
        blocks.append("\n".join(filter(None, [_prose(heading), table])))
    if evaluation.rules_without_units:
        rules = ", ".join(evaluation.rules_without_units)
        blocks.append(_prose(view("report.rules_without_units", rules=rules)))
    if evaluation.warnings:
        heading = view("report.warnings", count=view.number(len(evaluation.warnings)))
        blocks.append("\n".join([f"{heading}:", *(_prose(f"  - {w}") for w in view.warnings)]))
    return "\n\n".join(blocks) + "\n"
