"""The terminal table: counts per unit in its heading, units with the most firm failures first,
both languages, colour only for a terminal that wants it."""

from __future__ import annotations

import re

import pytest
from conftest import EXAMPLE_DATES

from cchc.engine.evaluation import Evaluation
from cchc.reports.table import render
from cchc.reports.terminal import wants_colour
from cchc.reports.view import RenderOptions, ReportView

HEADING = re.compile(r"^== .* \[(?P<unit>[^\]]+)\] · ", re.M)
ANSI = "\x1b["


class Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("folder", sorted(EXAMPLE_DATES))
def test_units_come_most_firm_failures_first_each_headed_by_its_counts(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    options = RenderOptions(lang=lang)
    view = ReportView(evaluation, options)
    text = render(evaluation, options)
    shown = [match["unit"] for match in HEADING.finditer(text)]
    attention = {finding.unit_id for finding in view.listed()}
    assert shown == [unit.unit_id for unit in view.units if unit.unit_id in attention]
    firm = [unit.counts.firm_failures for unit in view.units]
    assert firm == sorted(firm, reverse=True)
    for unit in view.units:
        if unit.unit_id in attention:
            heading = next(line for line in text.splitlines() if f"[{unit.unit_id}] · " in line)
            failed = f"{view.status_word('fail')} {view.number(unit.counts['fail'])}"
            assert (failed in heading) == bool(unit.counts["fail"])


def test_statuses_are_coloured_only_when_asked(example_evaluations: dict[str, Evaluation]) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    plain = render(evaluation, RenderOptions(lang="vi"))
    coloured = render(evaluation, RenderOptions(lang="vi", color=True))
    assert ANSI not in plain
    assert "\x1b[31mKhông" in coloured  # red, as the status cells of failures
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain  # colour only, not one space more


@pytest.mark.parametrize(
    ("tty", "environ", "expected"),
    [
        (True, {}, True),
        (False, {}, False),  # piped or redirected
        (True, {"NO_COLOR": "1"}, False),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_colour_is_for_terminals_that_want_it(
    tty: bool, environ: dict[str, str], expected: bool
) -> None:
    assert wants_colour(Terminal(tty), environ) is expected
    assert wants_colour(None, {}) is False


@pytest.mark.parametrize("columns", ["80", "120", "200"])
@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("group_by", ["unit", "rule"])
def test_every_line_fits_the_terminal(
    example_evaluations: dict[str, Evaluation],
    monkeypatch: pytest.MonkeyPatch,
    columns: str,
    lang: str,
    group_by: str,
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    options = RenderOptions(lang=lang, group_by=group_by, everything=True)  # type: ignore[arg-type]
    text = render(example_evaluations["hanoi-2019"], options)
    assert max(map(len, text.splitlines())) <= int(columns)
