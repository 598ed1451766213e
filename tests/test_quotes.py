"""Sources are law: every quote in the catalogue stands, verbatim, in the text the project ships."""

from __future__ import annotations

import re

import pytest

from cchc.rules.catalogue import load_catalogue

CATALOGUE = load_catalogue()


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
                if getattr(task, name):
                    yield pytest.param(plan, getattr(task, name), id=f"{task.id} {name}")
        for table in plan.score_tables:
            for row in table.rows:
                yield pytest.param(plan, row.title, id=f"{table.id_prefix} {row.code} title")


@pytest.mark.parametrize(("plan", "quote"), list(_quotes()))
def test_quote_is_found_in_its_source(plan, quote: str) -> None:
    assert normalised(quote) in normalised(plan.source_text())


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
