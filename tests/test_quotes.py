"""Sources are law: every quote in the catalogue stands, verbatim, in the text the project ships."""

from __future__ import annotations

import re

import pytest

from cchc.rules.catalogue import load_catalogue
from cchc.rules.schema import AppendixTask

CATALOGUE = load_catalogue()


# An appendix row whose deadline cell is empty has no text to quote: its `due_text` says so with
# this marker, and test_an_empty_deadline_cell_is_empty_in_the_source checks the cell instead.
EMPTY_CELL = "(trống)"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _quotes():
    for plan in CATALOGUE.plans.values():
        for rule in plan.rules:
            yield pytest.param(plan, rule.citation.quote, id=f"{rule.id} quote")
        for item in plan.not_checkable:
            yield pytest.param(plan, item.quote, id=f"{plan.id} not checkable {item.clause}")
        for task in plan.appendix_tasks:
            for name in ("product", "owner", "due_text", "partners", "budget"):
                value = getattr(task, name)
                if value and not (name == "due_text" and value == EMPTY_CELL):
                    yield pytest.param(plan, value, id=f"{task.id} {name}")
        for table in plan.score_tables:
            for row in table.rows:
                yield pytest.param(plan, row.title, id=f"{table.id_prefix} {row.code} title")


@pytest.mark.parametrize(("plan", "quote"), list(_quotes()))
def test_quote_is_found_in_its_source(plan, quote: str) -> None:
    assert normalised(quote) in normalised(plan.source_text())


def _empty_deadline_rows():
    for plan in CATALOGUE.plans.values():
        for task in plan.appendix_tasks:
            if task.due_text == EMPTY_CELL:
                yield pytest.param(plan, task, id=task.id)


def _cell_after_row(cells: list[str], task: AppendixTask) -> str:
    """The cell after a row's printed cells (product, owner, partners, budget) in a `|`-table.
    The content may quote its cell's beginning only; a product that is not a cell of its own must
    be part of the content (an empty product cell)."""
    content = normalised(task.content)
    position = start = next(i for i, cell in enumerate(cells) if cell.startswith(content))
    for value in (task.product, task.owner, task.partners, task.budget):
        if value is None:
            continue
        window = cells[position + 1 : position + 3]
        if normalised(value) in window[:1] or window == ["", normalised(value)]:
            position += 1 + window.index(normalised(value))  # the next cell, or past one empty
        else:
            assert value == task.product and normalised(value) in cells[start], value
    return cells[position + 1]


@pytest.mark.parametrize(("plan", "task"), list(_empty_deadline_rows()))
def test_an_empty_deadline_cell_is_empty_in_the_source(plan, task: AppendixTask) -> None:
    cells = [normalised(cell) for cell in plan.source_text().split("|")]
    assert _cell_after_row(cells, task) == ""


def test_the_empty_cell_check_finds_a_printed_deadline() -> None:
    plan = CATALOGUE.plans["thua-thien-hue-cchc-2018"]
    cells = [normalised(cell) for cell in plan.source_text().split("|")]
    dated = next(task for task in plan.appendix_tasks if task.id == "TTH2018-PL-II-1")
    assert _cell_after_row(cells, dated) == "Quý IV/2017"


def test_the_shipped_source_is_the_shared_one_unchanged() -> None:
    from pathlib import Path

    shared = Path(__file__).resolve().parents[2] / "shared" / "sources"
    if not shared.is_dir():
        pytest.skip("no ../shared/sources beside this checkout")
    for plan in CATALOGUE.plans.values():
        assert plan.source_text() == (shared / plan.info.source).read_text(encoding="utf-8")


def test_a_quote_that_is_not_in_the_source_is_caught() -> None:
    plan = CATALOGUE.plans["hanoi-cchc-2019"]
    corrected = "Phấn đầu 100% các cơ quan, đơn vị có sáng kiến CCHC."  # "fixing" the typo
    assert normalised(corrected) not in normalised(plan.source_text())
