"""Appendix rows with no printed date: an empty deadline cell or “Chuyển tiếp từ năm 2017” in an
appendix titled “… NĂM 2018” is read as due by the last day of the plan's year."""

from __future__ import annotations

from datetime import date

import pytest
from test_quotes import EMPTY_CELL, normalised

from cchc.rules.catalogue import load_catalogue
from cchc.rules.schema import AppendixTask, TaskMeasure

CATALOGUE = load_catalogue()
CARRIED_OVER = "Chuyển tiếp từ năm 2017"
HUE = "thua-thien-hue-cchc-2018"


def _undated_rows():
    for plan in CATALOGUE.plans.values():
        for task in plan.appendix_tasks:
            if task.due_text in (EMPTY_CELL, CARRIED_OVER):
                yield pytest.param(plan, task, id=task.id)


@pytest.mark.parametrize(("plan", "task"), list(_undated_rows()))
def test_an_undated_row_is_due_at_the_end_of_the_plan_year(plan, task: AppendixTask) -> None:
    assert task.due == date(plan.info.year, 12, 31)
    rule = next(rule for rule in plan.rules if rule.id == task.id)
    assert isinstance(rule.measure, TaskMeasure) and rule.measure.due == task.due
    assert [str(period) for period in rule.periods] == [str(plan.info.year)]


def test_the_hue_appendix_is_titled_with_its_year() -> None:
    plan = CATALOGUE.plans[HUE]
    title = "NHIỆM VỤ CỤ THỂ TRIỂN KHAI CÔNG TÁC CẢI CÁCH HÀNH CHÍNH NĂM 2018"
    assert normalised(title) in normalised(plan.source_text())
    assert title in {item.quote for item in plan.not_checkable}


def test_the_hue_undated_rows() -> None:
    tasks = CATALOGUE.plans[HUE].appendix_tasks
    undated = {t.id: t.due_text for t in tasks if t.due_text in (EMPTY_CELL, CARRIED_OVER)}
    carried = sorted(rid for rid, text in undated.items() if text == CARRIED_OVER)
    assert carried == ["TTH2018-PL-III-2", "TTH2018-PL-V-1"]
    assert len(undated) - len(carried) == 11


def test_no_hue_appendix_row_is_left_uncheckable() -> None:
    """Every numbered row of the appendix is a task or a rule; only its title and total are not."""
    plan = CATALOGUE.plans[HUE]
    rows = [item.clause for item in plan.not_checkable if item.clause.startswith("Phụ lục, mục")]
    assert rows == []


def test_a_year_end_row_passes_on_the_day_and_fails_the_day_after() -> None:
    """The generated examples (run by test_catalogue) put the boundary at 31/12/2018."""
    plan = CATALOGUE.plans[HUE]
    rule = next(rule for rule in plan.rules if rule.id == "TTH2018-PL-VII-3")
    delivered = sorted(
        (example.reports[0]["tasks"][0]["completed"], example.expect)
        for example in rule.examples
        if example.reports and example.reports[0].get("tasks")
    )
    assert delivered == [("2018-12-31", "pass"), ("2019-01-01", "fail")]
