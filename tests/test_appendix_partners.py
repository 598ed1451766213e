"""The partners (cơ quan phối hợp) of each appendix row as units: codes the plan declares, every
partners cell either mapped or explained, and one reading per wording within a plan."""

from __future__ import annotations

import pytest

from cchc.rules.catalogue import load_catalogue
from cchc.rules.schema import AppendixTask, TaskMeasure

CATALOGUE = load_catalogue()
# A row whose partners cell is not mapped says why in a note that names the field.
UNMAPPED_MARKER = "partners_apply_to"


def _rows():
    for plan in CATALOGUE.plans.values():
        for task in plan.appendix_tasks:
            yield pytest.param(plan, task, id=task.id)


ROWS = list(_rows())


@pytest.mark.parametrize(("plan", "task"), ROWS)
def test_partner_agencies_are_declared_by_the_plan(plan, task: AppendixTask) -> None:
    partners = task.partners_apply_to
    unknown = [] if partners is None else sorted(set(partners.agencies) - set(plan.agencies))
    assert unknown == []


@pytest.mark.parametrize(("plan", "task"), ROWS)
def test_a_partners_cell_is_mapped_or_explained(plan, task: AppendixTask) -> None:
    explained = any(UNMAPPED_MARKER in note for note in task.notes)
    if task.partners is None:
        assert task.partners_apply_to is None and not explained
    else:
        assert (task.partners_apply_to is None) == explained


@pytest.mark.parametrize(("plan", "task"), ROWS)
def test_the_task_rule_carries_its_partners(plan, task: AppendixTask) -> None:
    rule = next(rule for rule in plan.rules if rule.id == task.id)
    assert isinstance(rule.measure, TaskMeasure)
    assert rule.measure.partners == task.partners_apply_to


@pytest.mark.parametrize("plan", CATALOGUE.plans.values(), ids=lambda plan: plan.id)
def test_the_same_wording_is_read_the_same_way(plan) -> None:
    readings: dict[str, set[str]] = {}
    for task in plan.appendix_tasks:
        if task.partners is not None:
            mapped = task.partners_apply_to
            reading = "" if mapped is None else mapped.model_dump_json()
            readings.setdefault(task.partners, set()).add(reading)
    assert {wording: len(found) for wording, found in readings.items() if len(found) > 1} == {}


def test_the_hue_partner_kinds() -> None:
    """“UBND các cấp” is the province (city), the districts and the communes, as PL-I-4 reads it."""
    tasks = {task.id: task for task in CATALOGUE.plans["thua-thien-hue-cchc-2018"].appendix_tasks}
    kinds = {
        rid: tasks[rid].partners_apply_to.kinds  # type: ignore[union-attr]
        for rid in ("TTH2018-PL-I-1a", "TTH2018-PL-II-1", "TTH2018-PL-II-5", "TTH2018-PL-III-3")
    }
    assert kinds == {
        "TTH2018-PL-I-1a": ["city", "department", "district", "commune"],
        "TTH2018-PL-II-1": ["department", "district"],
        "TTH2018-PL-II-5": ["department", "district", "commune"],
        "TTH2018-PL-III-3": ["department"],
    }
    assert tasks["TTH2018-PL-I-4"].applies_to.kinds == ["city", "department", "district", "commune"]
    assert tasks["TTH2018-PL-III-1"].partners_apply_to is None  # “Các cơ quan liên quan, …”
