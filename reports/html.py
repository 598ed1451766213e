"""The HTML report: one self-contained page (no network: styles, the SVG charts and the filter's
script are all inline) that a browser shows, filters and prints on A4.

It lays out reports/view.py's ReportView and nothing else: counts come from the view's Counts,
words from the message catalogue (report.yaml, html.yaml), findings worded by the view. What
this module adds is geometry and grouping: the chart's bar widths, which colour a cell takes,
the tree of units under their parents.

Text from fact files (unit names, ids, evidence, notes) is untrusted. The template is
autoescaped, attributes are quoted, control characters and lone surrogates are replaced before
escaping (`_printable`), and unit names sit in <bdi> so that a bidi control in one cannot
reorder the text around it. The page's Content-Security-Policy allows no network at all and only
the filter's own script, by its hash: a script that slipped into the page would not run.

With --dossiers, a section after the findings (before the warnings) shows the check against
dossier records: the view's heading and a row per reported count the records contradict, or
that every count agrees. report.html.j2 has no place for it: the section is rendered by the same
environment (autoescaped, through `_printable`) and written into the page before the first of
its markers, with its entry in the contents.

A national report is long: the page is rendered as it is written (Jinja's generate, in pieces
of about 64 kB), each finding worded once, the roll-up tree walked without recursion.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.reports.view import (
    ATTENTION,
    DISCREPANCY_COLUMNS,
    Counts,
    RenderOptions,
    ReportView,
    Row,
    UnitSummary,
)

TEMPLATES = Path(__file__).resolve().parent / "templates"
PIECE = 1 << 16  # characters per piece handed to reports.output

# Every catalogue key the templates ask for through `say(...)`: keys must appear in the code as
# literals (tests/test_wording.py), and `say` refuses any other, so this list cannot drift.
WORDS: frozenset[str] = frozenset(
    {
        "report.title",
        "report.as_of",
        "report.engine",
        "report.summary",
        "report.by_plan",
        "report.by_area",
        "report.scorecard",
        "report.findings",
        "report.attention",
        "report.all_findings",
        "report.warnings",
        "report.rules_without_units",
        "report.findings_count",
        "report.listed",
        "report.firm_failures",
        "report.aspirational_failures",
        "report.total",
        "report.unit",
        "report.area",
        "report.period",
        "report.status",
        "report.strength",
        "report.evidence",
        "report.target",
        "report.gap",
        "report.due",
        "report.plan",
        "report.none",
        "html.contents",
        "html.issued",
        "html.charts",
        "html.chart_title",
        "html.chart_desc",
        "html.legend",
        "html.scorecard_note",
        "html.rollup",
        "html.rollup_note",
        "html.own",
        "html.rolled_up",
        "html.filter",
        "html.filter_unit",
        "html.filter_reset",
        "html.shown",
        "html.no_match",
        "html.noscript",
        "html.statuses_listed",
        "html.all_hint",
        "html.nothing_listed",
        "html.citation",
        "html.status_strength",
        "html.count_of",
    }
)

# How the page shows a count: a kind of finding, as chips, chart segments and cell colours use
# it. Failures are split by strength so that firm and phấn đấu targets never look alike. The
# order is attention first; a cell takes the colour of the first kind it has ("the worst").
Kind = Literal["fail-firm", "fail-aim", "at_risk", "missing", "pending", "pass", "not_applicable"]
KINDS: tuple[Kind, ...] = (
    "fail-firm",
    "fail-aim",
    "at_risk",
    "missing",
    "pending",
    "pass",
    "not_applicable",
)
CHART_ORDER: tuple[Kind, ...] = (
    "pass",
    "fail-firm",
    "fail-aim",
    "at_risk",
    "pending",
    "missing",
    "not_applicable",
)

# Chart geometry, in SVG user units (the chart scales to the page's width).
CHART_WIDTH, BAR_WIDTH, ROW_HEIGHT, BAR_TOP, BAR_HEIGHT = 1000, 900, 46, 20, 18
MIN_SEGMENT = 3  # a count of 1 among 10,000 stays visible

# C0 and C1 controls (tab and newline excepted) and lone surrogates: nothing a fact file should
# put in a name, and nothing that may reach the page (HTML forbids most; UTF-8 cannot hold the
# surrogates). Each becomes U+FFFD, visibly.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_MARK = "\ue000"  # a private-use character: where a count goes in a sentence


def _printable(value: Any) -> Any:
    """Jinja's finalize: every value the templates print passes here before it is escaped."""
    if isinstance(value, str) and not value.isprintable() and not isinstance(value, Markup):
        return _UNPRINTABLE.sub("\ufffd", value)  # (most text is printable: tested in C first)
    return value


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,  # every template, whatever its name: data is never markup
        undefined=jinja2.StrictUndefined,
        finalize=_printable,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )


@cache
def _script() -> tuple[Markup, str]:
    """The filter's script (our own, static) and its CSP hash."""
    text = (TEMPLATES / "report-filter.js").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return Markup(text), f"'sha256-{digest}'"


@dataclass(frozen=True)
class Chip:
    """One count of a kind of finding, with the words that name the kind."""

    kind: Kind
    count: str
    label: str


@dataclass(frozen=True)
class Cell:
    """Counts as chips, and the kind whose colour the cell takes (None: no findings)."""

    worst: Kind | None
    chips: tuple[Chip, ...]


@dataclass(frozen=True)
class Segment:
    kind: Kind
    x: float
    width: float
    label: str  # the kind and its count: the segment's <title>


@dataclass(frozen=True)
class Bar:
    label: str
    total: str
    y: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Chart:
    anchor: str
    title: str
    height: int
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class ScoreRow:
    unit: UnitSummary
    anchor: str | None  # the unit's findings, when it has any listed
    cells: tuple[Cell, ...]
    total: Cell


@dataclass(frozen=True)
class Step:
    """The roll-up tree, flattened: `open` a unit with units under it, a `leaf`, or `close` the
    last unit opened. A flat walk renders any depth without recursion."""

    action: Literal["open", "leaf", "close"]
    depth: int = 0
    unit: UnitSummary | None = None
    own: Cell | None = None
    rolled: Cell | None = None


@dataclass(frozen=True)
class Group:
    """The findings listed for one unit (group by unit) or one rule (group by rule)."""

    anchor: str
    unit: UnitSummary | None
    rule: Row | None  # the group's first row, for the rule's title and citation
    rows: list[Row]


def _by_kind(counts: Counts) -> dict[Kind, int]:
    return {
        "fail-firm": counts.firm_failures,
        "fail-aim": counts.aspirational_failures,
        "at_risk": counts["at_risk"],
        "missing": counts["missing"],
        "pending": counts["pending"],
        "pass": counts["pass"],
        "not_applicable": counts["not_applicable"],
    }


class Page:
    """What the template lays out, from the view: words, cells, charts, the tree, the groups."""

    def __init__(self, view: ReportView) -> None:
        self.view = view
        self.words: dict[str, str] = {}
        self.cells: dict[tuple[int, ...], Cell] = {}
        self.labels: dict[Kind, str] = {
            "fail-firm": self.say(
                "html.status_strength",
                status=view.status_word("fail"),
                strength=view.strength_word("firm"),
            ),
            "fail-aim": self.say(
                "html.status_strength",
                status=view.status_word("fail"),
                strength=view.strength_word("aspirational"),
            ),
            **{
                s: view.status_word(s)
                for s in ("at_risk", "missing", "pending", "pass", "not_applicable")
            },
        }
        statuses = view.options.statuses
        # What is listed, from the view's counts: the findings themselves are listed (and
        # worded) once, as they are rendered.
        self.listed = sum(view.total[s] for s in statuses) if statuses else view.total.total
        self.anchors: dict[str, str] = {}
        if view.options.group_by == "unit":
            self.anchors = {
                unit.unit_id: f"unit-{index}"
                for index, unit in enumerate(view.units)
                if not statuses or any(unit.counts[s] for s in statuses)
            }

    def say(self, key: str, **values: object) -> str:
        """A word of the catalogue: only those in WORDS."""
        if key not in WORDS:
            raise KeyError(f"{key!r} is not in reports/html.py's WORDS")
        if values:
            return self.view(key, **values)
        if key not in self.words:
            self.words[key] = self.view(key)
        return self.words[key]

    def number(self, value: int) -> str:
        return self.view.number(value)

    def cell(self, counts: Counts | None) -> Cell:
        if counts is None:
            return Cell(None, ())
        numbers = _by_kind(counts)
        key = tuple(numbers.values())
        if key not in self.cells:  # a national scorecard has 100,000 cells, few distinct
            chips = tuple(
                Chip(kind, self.view.number(numbers[kind]), self.labels[kind])
                for kind in KINDS
                if numbers[kind]
            )
            self.cells[key] = Cell(chips[0].kind if chips else None, chips)
        return self.cells[key]

    @staticmethod
    def kind_of(row: Row) -> Kind:
        """How a finding is coloured: its status, a failure by its strength."""
        if row.finding.status == "fail":
            return "fail-firm" if row.strength == "firm" else "fail-aim"
        return row.finding.status

    def area_label(self, area: str) -> str:
        return self.view.area_name(area) if area else self.say("report.none")

    def area_rows(self, plan_id: str) -> Iterator[tuple[str, Counts]]:
        for (plan, area), counts in self.view.by_area.items():
            if plan == plan_id:
                yield self.area_label(area), counts

    def chart(self, index: int, plan_id: str, plan_label: str) -> Chart:
        """A 100% stacked bar per area (the plan's total first): each status's share of the
        area's findings, its count in the segment's title and the total after the bar."""
        rows = [(self.say("report.total"), self.view.by_plan[plan_id])]
        rows += list(self.area_rows(plan_id))
        bars = tuple(
            Bar(label, self.number(counts.total), ROW_HEIGHT * place, self._segments(counts))
            for place, (label, counts) in enumerate(rows)
        )
        title = self.say("html.chart_title", plan=plan_label)
        return Chart(f"chart-{index}", title, ROW_HEIGHT * len(rows) + 4, bars)

    def _segments(self, counts: Counts) -> tuple[Segment, ...]:
        numbers = _by_kind(counts)
        present = [kind for kind in CHART_ORDER if numbers[kind]]
        if not present:
            return ()
        widths = [max(MIN_SEGMENT, numbers[kind] * BAR_WIDTH / counts.total) for kind in present]
        scale = BAR_WIDTH / sum(widths)
        segments, x = [], 0.0
        for kind, width in zip(present, widths, strict=True):
            label = self.say(
                "html.count_of", label=self.labels[kind], count=self.number(numbers[kind])
            )
            segments.append(Segment(kind, round(x, 2), round(width * scale, 2), label))
            x += width * scale
        return tuple(segments)

    def scorecard(self) -> Iterator[ScoreRow]:
        """One row per unit, in the view's order (most firm failures first)."""
        by_cell = self.view.by_unit_area
        for unit in self.view.units:
            cells = tuple(self.cell(by_cell.get((unit.unit_id, a))) for a in self.view.areas)
            yield ScoreRow(unit, self.anchors.get(unit.unit_id), cells, self.cell(unit.counts))

    def tree(self) -> Iterator[Step]:
        """Units with units under them, each followed by those units, nested. Roots: units
        whose parent has no findings here; then any unit a cycle of parents left out."""
        units = self.view.units
        present = {unit.unit_id for unit in units}
        under: dict[str, list[UnitSummary]] = {}
        for unit in units:
            if unit.parent in present and unit.parent != unit.unit_id:
                under.setdefault(unit.parent, []).append(unit)
        seen: set[str] = set()
        roots = [u for u in units if u.unit_id in under and u.parent not in present]
        for start in [*roots, *(u for u in units if u.unit_id in under)]:
            if start.unit_id not in seen:
                yield from self._walk(start, under, seen)

    def _walk(
        self, start: UnitSummary, under: dict[str, list[UnitSummary]], seen: set[str]
    ) -> Iterator[Step]:
        stack: list[tuple[UnitSummary, int, bool]] = [(start, 0, False)]
        while stack:
            unit, depth, finished = stack.pop()
            if finished:
                yield Step("close", depth)
                continue
            seen.add(unit.unit_id)
            children = [child for child in under.get(unit.unit_id, []) if child.unit_id not in seen]
            own = self.cell(unit.counts)
            if not children:
                yield Step("leaf", depth, unit, own)
                continue
            yield Step("open", depth, unit, own, self.cell(self.view.rolled_up(unit.unit_id)))
            seen.update(child.unit_id for child in children)
            stack.append((unit, depth, True))
            stack.extend((child, depth + 1, False) for child in reversed(children))

    def groups(self) -> Iterator[Group]:
        """The listed findings, grouped as the options ask, worded as they are rendered."""
        if self.view.options.group_by == "rule":
            rows = self.view.rows()
            for index, (_, group) in enumerate(groupby(rows, key=lambda r: r.finding.rule_id)):
                listed = list(group)
                yield Group(f"rule-{index}", None, listed[0], listed)
            return
        for unit, unit_rows in self.view.by_unit_rows():
            yield Group(self.anchors[unit.unit_id], unit, None, unit_rows)

    def heading(self) -> str:
        statuses = self.view.options.statuses
        if statuses == ATTENTION:
            return self.say("report.attention")
        return self.say("report.findings" if statuses else "report.all_findings")

    def statuses_listed(self) -> str | None:
        statuses = self.view.options.statuses
        if not statuses:
            return None
        words = [self.view.status_word(s) for s in STATUSES if s in self.view.listed_statuses]
        return self.say("html.statuses_listed", statuses=self.view.lang.names(words))

    def shown(self) -> tuple[str, str]:
        """html.shown around the count the filter updates: the text before it and after it."""
        total = self.number(self.listed)
        before, _, after = self.say("html.shown", shown=_MARK, total=total).partition(_MARK)
        return before, after

    def filter_statuses(self) -> list[str]:
        """The statuses a reader can filter on: those listed that have findings."""
        statuses = self.view.options.statuses
        return [s for s in STATUSES if (not statuses or s in statuses) and self.view.total[s]]


# -- the check against dossier records -----------------------------------------------------------
NUMERIC_COLUMNS = (
    "reconciliation.column_reported",
    "reconciliation.column_recomputed",
    "reconciliation.column_difference",
)


def _reconciliation(view: ReportView) -> dict[str, object] | None:
    """The section of the check against dossier records (report.html.j2), if any."""
    worded = view.reconciliation()
    if worded is None:
        return None
    heading, headers, rows = worded
    numeric = [key in NUMERIC_COLUMNS for key in DISCREPANCY_COLUMNS]  # by column, from 0
    title = view("reconciliation.title")
    return {
        "title": title,
        "heading": heading,
        "headers": headers,
        "rows": rows,
        "numeric": numeric,
    }


def _pieces(text: Iterable[str]) -> Iterator[bytes]:
    """The page in pieces of about PIECE characters, UTF-8."""
    buffer: list[str] = []
    size = 0
    for part in text:
        buffer.append(part)
        size += len(part)
        if size >= PIECE:
            yield "".join(buffer).encode("utf-8")
            buffer, size = [], 0
    if buffer:
        yield "".join(buffer).encode("utf-8")


def render(evaluation: Evaluation, options: RenderOptions) -> Iterator[bytes]:
    """The page, UTF-8, in pieces as it is rendered."""
    view = ReportView(evaluation, options)
    page = Page(view)
    script, script_hash = _script()
    template = _environment().get_template("report.html.j2")
    context = {
        "page": page,
        "view": view,
        "say": page.say,
        "evaluation": evaluation,
        "statuses": view.shown_statuses,
        "kinds": KINDS,
        "script": script,
        "script_hash": script_hash,
        "chart_width": CHART_WIDTH,
        "bar_width": BAR_WIDTH,
        "bar_top": BAR_TOP,
        "bar_height": BAR_HEIGHT,
        "reconciliation": _reconciliation(view),
    }
    return _pieces(template.generate(context))
