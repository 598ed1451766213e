"""A Markdown report, for e-mail and wikis (GitHub-flavoured tables).

Layout: the title, the date and the plans; the summary (counts per plan with the total, per
area, per unit), over every finding; then the findings listed, per unit (most firm failures
first): a heading, the unit's counts ("Đạt 41 · Không đạt 3 · …"; for a unit with units under
it, also their counts together with its own), a table of its findings (rule, title, period,
status, kind of target, figures, what it takes to comply), and the clause and text of the plan
for each rule the unit did not meet; last, the warnings.

Listed: as in every human format, the findings that need attention, every one with --all, those
of --only. Findings are always grouped by unit here (--group-by rule is the terminal table's).

Text from fact files (unit names and ids, notes) is untrusted: Markdown's and HTML's special
characters are escaped with backslashes, a line break becomes a space, and control and bidi
characters are written as escapes, so a name like `**x**` or `<script>` stays text and never
breaks a table's columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import chain

from cchc.engine.evaluation import Evaluation
from cchc.reports.terminal import printable
from cchc.reports.view import ATTENTION, Counts, RenderOptions, ReportView, Row, UnitSummary

PIECE_SIZE = 1 << 16  # characters encoded and handed to the writer at a time
SEPARATOR = " · "
# Characters with a meaning in Markdown or HTML inline text (`$`: math on GitHub; `&`: an
# entity; `|`: a table's cell).
_MARKUP = re.compile(r"([\\`*_\[\]<>|#~&!$])")
# What starts a list at the beginning of a line: a bullet, or a number and a dot or a bracket.
_LIST_MARKER = re.compile(r"^([-+]|\d+[.)])(?=\s|$)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# The findings table: which Row text goes in each column, under which header.
FINDING_COLUMNS = (
    "report.rule",
    "report.title_column",
    "report.period",
    "report.status",
    "report.strength",
    "report.evidence",
    "report.gap",
)


@lru_cache(maxsize=65536)
def escaped(text: str) -> str:
    """`text` as Markdown that shows exactly it, on one line. Titles and words repeat on every
    row: each distinct text is escaped once."""
    text = _MARKUP.sub(r"\\\1", _LINE_BREAK.sub(" ", text).strip())
    text = _LIST_MARKER.sub(lambda match: match[1][:-1] + "\\" + match[1][-1], text)
    return printable(text, keep_newlines=False)


def table(headers: list[str], rows: Iterable[list[str]], numeric_from: int | None = None) -> str:
    """A table of escaped cells; the columns from `numeric_from` on are right-aligned."""
    rule = [
        "---:" if numeric_from is not None and index >= numeric_from else "---"
        for index in range(len(headers))
    ]
    lines = [headers, rule, *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines)


def _words(view: ReportView, keys: Iterable[str]) -> list[str]:
    return [escaped(view(key)) for key in keys]


# -- the summary ------------------------------------------------------------------------------
def _count_headers(view: ReportView) -> list[str]:
    words = [view.status_word(status) for status in view.shown_statuses]
    words += [view("report.total"), view("report.firm_failures")]
    return [escaped(word) for word in [*words, view("report.aspirational_failures")]]


def _count_cells(view: ReportView, counts: Counts) -> list[str]:
    numbers = [counts[status] for status in view.shown_statuses]
    numbers += [counts.total, counts.firm_failures, counts.aspirational_failures]
    return [view.number(number) for number in numbers]


def _head(view: ReportView) -> Iterator[str]:
    evaluation = view.evaluation
    yield f"# {escaped(view('report.title'))}"
    day = view("report.as_of", day=view.day(evaluation.as_of))
    yield escaped(day + SEPARATOR + view("report.engine", engine=evaluation.engine))
    label = view("report.plans") if len(evaluation.plans) > 1 else view("report.plan")
    plans = "; ".join(f"{plan.info.number} ({plan.id})" for plan in evaluation.plans)
    yield f"**{escaped(label)}:** {escaped(plans)}"


def _summary(view: ReportView) -> Iterator[str]:
    yield f"## {escaped(view('report.summary'))}"
    yield f"### {escaped(view('report.by_plan'))}"
    rows = [[escaped(plan_id), *_count_cells(view, c)] for plan_id, c in view.by_plan.items()]
    rows.append([f"**{escaped(view('report.total'))}**", *_count_cells(view, view.total)])
    yield table([*_words(view, ["report.plan"]), *_count_headers(view)], rows, 1)
    yield f"### {escaped(view('report.by_area'))}"
    rows = [
        [escaped(plan_id), escaped(view.area_name(area) if area else ""), *_count_cells(view, c)]
        for (plan_id, area), c in view.by_area.items()
    ]
    yield table([*_words(view, ["report.plan", "report.area"]), *_count_headers(view)], rows, 2)
    yield f"### {escaped(view('report.by_unit'))}"
    rows = [
        [escaped(unit.unit_id), escaped(unit.name), *_count_cells(view, unit.counts)]
        for unit in view.units
    ]
    yield table([*_words(view, ["csv.unit_id", "report.unit"]), *_count_headers(view)], rows, 2)


# -- findings ---------------------------------------------------------------------------------
def _heading(view: ReportView) -> str:
    statuses = view.options.statuses
    if statuses == ATTENTION:
        return view("report.attention")
    return view("report.all_findings") if not statuses else view("report.findings")


def _listed(view: ReportView, count: int) -> str:
    listing = view("report.listed", count=view.number(count))
    statuses = ", ".join(view.status_word(status) for status in view.listed_statuses)
    return escaped(f"{listing} ({statuses})" if statuses else listing)


def counts_line(view: ReportView, counts: Counts) -> str:
    """A unit's counts: each status it has, then its failures by kind of target."""
    parts = view.status_counts(counts)
    if counts.firm_failures:
        parts.append(f"{view('report.firm_failures')} {view.number(counts.firm_failures)}")
    if counts.aspirational_failures:
        number = view.number(counts.aspirational_failures)
        parts.append(f"{view('report.aspirational_failures')} {number}")
    return escaped(SEPARATOR.join(parts))


def _finding_cells(row: Row) -> list[str]:
    texts = [row.finding.rule_id, row.title, row.period_name, row.status_word]
    texts += [row.strength_word, row.evidence, row.gap or ""]
    return [escaped(text) for text in texts]


def _citations(view: ReportView, rows: list[Row]) -> str | None:
    """The clause and text of each rule the unit did not meet, once per rule."""
    cited: dict[str, Row] = {}
    for row in rows:
        if row.finding.status == "fail":
            cited.setdefault(row.finding.rule_id, row)
    if not cited:
        return None
    lines = [f"**{escaped(view('markdown.clauses_not_met'))}**", ""]
    lines += [
        f"- **{escaped(rule_id)}** ({escaped(row.clause)}): “{escaped(row.quote)}”"
        for rule_id, row in cited.items()
    ]
    return "\n".join(lines)


def _unit(view: ReportView, unit: UnitSummary, rows: list[Row]) -> str:
    counts = counts_line(view, unit.counts)
    if unit.children:  # a district: its counts with its communes' too
        label = escaped(view("markdown.with_units_under"))
        counts += f"  \n{label}: {counts_line(view, view.rolled_up(unit.unit_id))}"
    blocks = [
        f"### {escaped(unit.name)} ({escaped(unit.unit_id)})",
        counts,
        table(_words(view, FINDING_COLUMNS), map(_finding_cells, rows)),
    ]
    citations = _citations(view, rows)
    return "\n\n".join([*blocks, citations] if citations else blocks)


def _findings(view: ReportView) -> Iterator[str]:
    yield f"## {escaped(_heading(view))}"
    listed = len(view.listed())
    yield _listed(view, listed)
    if not listed:
        yield escaped(view("markdown.nothing_listed"))
    for unit, rows in view.by_unit_rows():  # each unit's findings worded as it is written
        yield _unit(view, unit, rows)


def _warnings(view: ReportView) -> Iterator[str]:
    reconciliation = view.reconciliation()
    if reconciliation is not None:
        heading, headers, rows = reconciliation
        yield f"## {escaped(heading)}"
        if rows:
            lines = [headers, ["---"] * len(headers), *rows]
            yield "\n".join("| " + " | ".join(map(escaped, line)) + " |" for line in lines)
    rules = view.evaluation.rules_without_units
    if rules:
        yield escaped(view("report.rules_without_units", rules=", ".join(rules)))
    if view.warnings:
        heading = view("report.warnings", count=view.number(len(view.warnings)))
        yield f"## {escaped(heading)}\n\n" + "\n".join(f"- {escaped(w)}" for w in view.warnings)


def _pieces(blocks: Iterable[str]) -> Iterator[bytes]:
    """Blocks separated by blank lines, as UTF-8 pieces of about PIECE_SIZE characters."""
    piece: list[str] = []
    size = 0
    for index, block in enumerate(blocks):
        piece.append(f"\n\n{block}" if index else block)
        size += len(block) + 2
        if size >= PIECE_SIZE:
            yield "".join(piece).encode("utf-8")
            piece, size = [], 0
    yield "".join(piece).encode("utf-8") + b"\n"


def render(evaluation: Evaluation, options: RenderOptions) -> Iterator[bytes]:
    """The report as UTF-8 pieces (reports.output writes each while the next is made)."""
    view = ReportView(evaluation, options)
    return _pieces(chain(_head(view), _summary(view), _findings(view), _warnings(view)))
