"""The Markdown report: its tables keep their columns whatever the data, its counts are the
view's, numbers are written the reader's way, and text from fact files stays text."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from conftest import EXAMPLE_DATES
from hostile_reports import hostile

from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.reports import markdown
from cchc.reports.markdown import FINDING_COLUMNS, escaped
from cchc.reports.output import whole
from cchc.reports.view import Counts, RenderOptions, ReportView

CASES = [(folder, lang) for folder in EXAMPLE_DATES for lang in ("vi", "en")]
UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def rendered(evaluation: Evaluation, options: RenderOptions) -> str:
    report = whole(markdown.render(evaluation, options))
    assert isinstance(report, bytes)
    return report.decode("utf-8")


def tables(document: str) -> list[list[list[str]]]:
    """Each table (consecutive lines starting with `|`) as rows of cells; every row must have
    as many cells as the header."""
    found: list[list[list[str]]] = []
    previous = ""
    for line in document.split("\n"):
        if line.startswith("|"):
            assert line.startswith("| ") and line.endswith(" |"), line
            cells = [cell.strip() for cell in UNESCAPED_PIPE.split(line[2:-2])]
            if not previous.startswith("|"):
                found.append([])
            found[-1].append(cells)
        previous = line
    for table in found:
        assert all(len(row) == len(table[0]) for row in table), table[0]
        assert all(re.fullmatch(r"-{3}:?", cell) for cell in table[1])
    return found


def finding_rows(document: str, view: ReportView) -> list[list[str]]:
    header = [escaped(view(key)) for key in FINDING_COLUMNS]
    return [row for table in tables(document) if table[0] == header for row in table[2:]]


def number(text: str, view: ReportView) -> int:
    return int(text.replace(view.lang.thousands, ""))


Tally = dict[str, int]


def read_counts(line: str, view: ReportView) -> Tally:
    """A counts line read back: {status, or "firm"/"asp" failures: number}."""
    words = {view.status_word(status): status for status in STATUSES}
    words |= {view("report.firm_failures"): "firm", view("report.aspirational_failures"): "asp"}
    parts = [part.rsplit(" ", 1) for part in line.split(" · ")]
    return {words[word]: number(value, view) for word, value in parts}


def unit_counts(document: str, view: ReportView) -> dict[str, tuple[Tally, Tally | None]]:
    """Each unit's counts, and its counts with the units under it where it has any."""
    counted: dict[str, tuple[Tally, Tally | None]] = {}
    for block in document.split("\n### ")[1:]:
        heading, _, rest = block.partition("\n\n")
        own, _, under = rest.split("\n\n")[0].partition("  \n")
        if own.startswith("|"):  # a summary table, not a unit
            continue
        unit_id = heading.rsplit("(", 1)[1].rstrip(")")
        label = escaped(view("markdown.with_units_under")) + ": "
        assert not under or under.startswith(label)
        rolled = read_counts(under.removeprefix(label), view) if under else None
        counted[unit_id] = (read_counts(own, view), rolled)
    return counted


def expected_tally(counts: Counts) -> Tally:
    failures = {"firm": counts.firm_failures, "asp": counts.aspirational_failures}
    return {k: n for k, n in (counts.by_status | failures).items() if n}


@pytest.mark.parametrize(("folder", "lang"), CASES)
def test_every_table_keeps_its_columns_and_lists_the_findings_listed(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    for options in (RenderOptions(lang), RenderOptions(lang, everything=True)):
        view = ReportView(evaluation, options)
        document = rendered(evaluation, options)
        assert document.startswith(f"# {escaped(view('report.title'))}\n")
        rows = finding_rows(document, view)
        assert len(rows) == len(view.listed())
        statuses = {escaped(view.status_word(s)) for s in view.options.statuses or STATUSES}
        assert {row[3] for row in rows} <= statuses
        strengths = {view.strength_word(s) for s in ("firm", "aspirational")}
        assert {row[4] for row in rows} <= {escaped(word) for word in strengths}


@pytest.mark.parametrize(("folder", "lang"), CASES)
def test_the_counts_per_plan_area_and_unit_are_the_views(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    view = ReportView(evaluation, RenderOptions(lang))
    document = rendered(evaluation, RenderOptions(lang))
    by_plan, by_area, by_unit = tables(document)[:3]
    assert [[number(c, view) for c in row[1:6]] for row in by_plan[2:-1]] == [
        [counts[s] for s in view.shown_statuses] for counts in view.by_plan.values()
    ]
    assert [[number(c, view) for c in row[2:7]] for row in by_area[2:]] == [
        [counts[s] for s in view.shown_statuses] for counts in view.by_area.values()
    ]
    assert [row[0] for row in by_unit[2:]] == [unit.unit_id for unit in view.units]
    listed = [unit for unit, _ in view.by_unit_rows()]
    counted = unit_counts(document, view)
    assert list(counted) == [unit.unit_id for unit in listed]
    for unit in listed:
        own, rolled = counted[unit.unit_id]
        assert own == expected_tally(unit.counts)
        if unit.children:
            assert rolled == expected_tally(view.rolled_up(unit.unit_id))
        else:
            assert rolled is None


@pytest.mark.parametrize(("lang", "total"), [("vi", "1.158"), ("en", "1,158")])
def test_numbers_are_written_the_readers_way(
    example_evaluations: dict[str, Evaluation], lang: str, total: str
) -> None:
    """Three times the Hanoi findings: 1,158, grouped with a dot in Vietnamese."""
    evaluation = example_evaluations["hanoi-2019"]
    tripled = replace(evaluation, parts=evaluation.parts * 3)
    by_plan = tables(rendered(tripled, RenderOptions(lang)))[0]
    assert by_plan[2][0] == "hanoi-cchc-2019" and by_plan[2][6] == total


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hostile_text_stays_text(example_evaluations: dict[str, Evaluation], lang: str) -> None:
    evaluation = hostile(example_evaluations["thua-thien-hue-2018"])  # 11 units, all named
    options = RenderOptions(lang, everything=True)
    document = rendered(evaluation, options)
    assert len(finding_rows(document, ReportView(evaluation, options))) == len(evaluation.findings)
    assert not re.search(r"(?<!\\)[<>]", document)  # no tag, no raw angle bracket at all
    for raw in ("**bold**", "[link]", "a|b", "\t", "\r"):
        assert raw not in document
    for shown in (r"\*\*bold\*\*", r"\[link\]", r"a\|b", r"\<script\>", r"### \#N/A ("):
        assert shown in document
    assert "second line" in document and "\nsecond line" not in document


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("a|b", r"a\|b"),
        ("<b>x</b>", r"\<b\>x\</b\>"),
        ("- item", r"\- item"),
        ("12. item", r"12\. item"),
        ("one\r\ntwo\nthree", "one two three"),
        ("\x1b[31m", r"\x1b\[31m"),
        ("x_y `z` $1 & #2", r"x\_y \`z\` \$1 \& \#2"),
    ],
)
def test_escaping(text: str, shown: str) -> None:
    assert escaped(text) == shown


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_nothing_listed_is_said(example_evaluations: dict[str, Evaluation], lang: str) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    options = RenderOptions(lang, only=("missing",))
    without = replace(
        evaluation, parts=[p for p in evaluation.parts if not p.statuses()["missing"]]
    )
    view = ReportView(without, options)
    document = rendered(without, options)
    nothing = escaped(view("markdown.nothing_listed"))
    assert finding_rows(document, view) == [] and nothing in document
    assert nothing not in rendered(evaluation, options)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_unit_with_units_under_it_also_shows_their_counts_together(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    """Thừa Thiên Huế: the province's own counts, then with its departments and districts
    (and their communes): every finding of the fact set."""
    evaluation = example_evaluations["thua-thien-hue-2018"]
    view = ReportView(evaluation, RenderOptions(lang))
    own, rolled = unit_counts(rendered(evaluation, RenderOptions(lang)), view)["tinh-tth"]
    assert own == expected_tally(next(u for u in view.units if u.unit_id == "tinh-tth").counts)
    assert rolled == expected_tally(view.total)
