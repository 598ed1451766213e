"""Warnings: computed from the facts, the selected plans and the as-of date; never a verdict."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from cchc.app import choose_plans
from cchc.engine.evaluation import evaluate
from cchc.facts.load import facts_from_document
from cchc.facts.notices import Notice
from cchc.facts.tables import FactTables, tables_of
from cchc.reports.wording import language
from cchc.reports.wording.notices import word_notice
from cchc.rules.catalogue import Catalogue, Plan
from cchc.rules.caveats import fact_warnings, names_read, plan_choice_warnings
from cchc.rules.schema import (
    AppliesTo,
    Citation,
    DutyMeasure,
    EventCountMeasure,
    PlanInfo,
    Rule,
    ScoreMeasure,
    ShareMeasure,
    TaskMeasure,
)

AS_OF = date(2020, 1, 15)
DISTRICTS = AppliesTo(kinds=["district"])


def rule(rule_id: str, measure: BaseModel, applies_to: AppliesTo = DISTRICTS) -> Rule:
    # model_construct: a rule's examples and target do not matter to warnings.
    return Rule.model_construct(
        id=rule_id,
        title=rule_id,
        citation=Citation(clause="1", quote="q"),
        applies_to=applies_to,
        strength="firm",
        measure=measure,
    )


def plan(*rules: Rule, year: int = 2019) -> Plan:
    info = PlanInfo(
        id=f"test-{year}",
        jurisdiction="ha-noi",
        number="KH 1",
        title="Test plan",
        issued=date(year, 1, 1),
        issuer="UBND",
        source="none.txt",
        year=year,
    )
    return Plan(info, {"so-noi-vu": "Sở Nội vụ"}, list(rules), [], [], Path("test.yaml"))


ON_TIME = rule(
    "T-SHARE",
    ShareMeasure(
        kind="share",
        numerator=["dossiers.resolved_on_time"],
        denominator=["dossiers.resolved_on_time", "dossiers.resolved_late"],
        counted="dossiers on time",
    ),
)
PLAN_ISSUED = rule("T-DUTY", DutyMeasure(kind="duty", duty="cchc_plan_issued"))
DIALOGUES = rule("T-EVENTS", EventCountMeasure(kind="event_count", event="dialogue", counted="x"))
TASK = rule(
    "T-TASK",
    TaskMeasure(
        kind="task_deadline",
        task="T-TASK",
        due=date(2019, 6, 30),
        partners=AppliesTo(kinds=["city"]),
    ),
)
SCORE = rule("T-SCORE", ScoreMeasure(kind="score", code="PAR-1"))
PLAN = plan(ON_TIME, PLAN_ISSUED, DIALOGUES, TASK, SCORE)

UNITS = [
    {"id": "q", "name": "UBND quận", "kind": "district"},
    {"id": "tp", "name": "UBND thành phố", "kind": "city"},
    {"id": "s", "name": "Sở", "kind": "department", "agency": "so-noi-vu"},
]


def facts(*reports: dict[str, Any], units: list[dict[str, Any]] = UNITS) -> FactTables:
    return tables_of(facts_from_document({"units": units, "reports": list(reports)}))


def warnings_for(fact_set: FactTables, plans: list[Plan] | None = None) -> list[Notice]:
    return fact_warnings(plans or [PLAN], fact_set, AS_OF)


def test_an_event_after_its_report_was_sent_is_warned_about_once_per_report() -> None:
    report = {
        "unit": "q",
        "period": "2019-Q1",
        "submitted": "2019-03-01",
        "events": [
            {"kind": "dialogue", "date": "2019-03-01"},  # the day it was sent: fine
            {"kind": "dialogue", "date": "2019-03-22"},
        ],
    }
    [warning] = warnings_for(facts(report))
    assert (warning.place, warning.code) == ("reports[q 2019-Q1].events[1]", "event_after_sending")
    assert dict(warning.values) == {
        "kind": "dialogue",
        "date": "2019-03-22",
        "submitted": "2019-03-01",
    }


def test_events_of_a_report_with_no_sending_date_or_not_yet_sent_are_not_warned_about() -> None:
    event = {"kind": "dialogue", "date": "2019-03-22"}
    unsent = {"unit": "q", "period": "2019-Q1", "events": [event]}
    assert warnings_for(facts(unsent)) == []
    # Sent after the as-of date: the report was not known yet, so nothing is said about it.
    later = {"unit": "q", "period": "2019-Q1", "submitted": "2019-03-01", "events": [event]}
    assert fact_warnings([PLAN], facts(later), date(2019, 2, 1)) == []


@pytest.mark.parametrize(("unit", "warned"), [("q", False), ("tp", False), ("s", True)])
def test_a_completion_by_a_unit_neither_owner_nor_partner_is_warned_about(
    unit: str, warned: bool
) -> None:
    completion = {"task": "T-TASK", "completed": "2019-05-01"}
    reports = [
        {"unit": unit, "period": period, "tasks": [completion]} for period in ("2019-H1", "2019")
    ]
    found = [w for w in warnings_for(facts(*reports)) if w.place == "tasks[task=T-TASK]"]
    # One warning for the unit and task, though both cumulative reports repeat the completion.
    assert len(found) == (1 if warned else 0)
    if warned:
        assert (found[0].code, found[0].value("unit")) == ("completion_by_outsider", unit)


def test_without_partners_only_owners_are_expected_to_report_a_completion() -> None:
    no_partners = rule("T-TASK", TaskMeasure(kind="task_deadline", task="T-TASK", due=AS_OF))
    report = {
        "unit": "tp",
        "period": "2019",
        "tasks": [{"task": "T-TASK", "completed": "2019-05-01"}],
    }
    [warning] = warnings_for(facts(report), [plan(no_partners)])
    assert (warning.place, warning.value("unit")) == ("tasks[task=T-TASK]", "tp")
    assert warning.code == "completion_by_outsider_no_partners"


def test_facts_no_selected_rule_reads_give_one_warning_per_name_with_the_report_count() -> None:
    given = {
        "dossiers": {"resolved_on_time": 5, "resolved_late": 1, "pending_past_due": 2},
        "indicators": {"civil_servants": 10},
        "duties": {"cchc_plan_issued": {"done": True}, "iso_9001_applied": {"done": True}},
        "events": [
            {"kind": "dialogue", "date": "2019-02-01"},
            {"kind": "staff_evaluation", "date": "2019-02-02"},
        ],
        "scores": {"PAR-1": 3, "PAR-2": 4},
        "tasks": [
            {"task": "T-TASK", "completed": "2019-02-03"},
            {"task": "X-OTHER", "completed": "2019-02-03"},
        ],
    }
    reports = [{"unit": "q", "period": p, **given} for p in ("2019-Q1", "2019-H1", "2019-9M")]
    found = warnings_for(facts(*reports))
    unread = [
        "dossiers.pending_past_due",
        "indicators.civil_servants",
        "duties.iso_9001_applied",
        "events[kind=staff_evaluation]",
        "scores.PAR-2",
        "tasks[task=X-OTHER]",
    ]
    assert sorted(w.place for w in found) == sorted(unread)
    assert all((w.code, w.value("reports")) == ("unread_fact", 3) for w in found)


def test_fields_of_procedures_no_rule_selects_are_warned_about() -> None:
    by_field = {"dossiers_by_field": {"dat-dai": {"resolved_late": 1}}}
    report = {"unit": "q", "period": "2019-Q1", "dossiers": {"resolved_late": 1}, **by_field}
    [warning] = warnings_for(facts(report))
    assert (warning.place, warning.code) == ("dossiers_by_field.dat-dai", "unread_fact_once")
    excepted = rule(
        "T-EXCEPT",
        ShareMeasure(
            kind="share",
            numerator=["dossiers.resolved_late"],
            denominator=["dossiers.resolved_late"],
            counted="x",
            excluding_fields=["dat-dai"],
        ),
    )
    assert warnings_for(facts(report), [plan(excepted)]) == []


class FutureTaskMeasure(BaseModel):
    """A measure with fields the schema does not have yet: a task whose product is a duty."""

    kind: str = "task_deadline"
    task: str
    same_as_duty: str
    inspectors: list[str]


def test_names_read_come_from_any_measure_field_including_ones_added_later() -> None:
    future = rule(
        "T-FUTURE",
        FutureTaskMeasure(
            task="T-FUTURE", same_as_duty="iso_9001_applied", inspectors=["subordinate_inspection"]
        ),
    )
    read = names_read([plan(future)])
    assert {"T-FUTURE", "iso_9001_applied", "subordinate_inspection"} <= read
    assert "task_deadline" not in read  # the measure's kind is not a fact's name
    report = {
        "unit": "q",
        "period": "2019",
        "duties": {"iso_9001_applied": {"done": True}},
        "events": [{"kind": "subordinate_inspection", "date": "2019-05-01", "inspected": "q"}],
    }
    assert warnings_for(facts(report), [plan(future)]) == []


def test_an_agency_code_no_selected_plan_names_is_warned_about() -> None:
    units = [*UNITS, {"id": "s2", "name": "Sở khác", "kind": "department", "agency": "so-typo"}]
    [warning] = warnings_for(facts(units=units))
    assert (warning.place, warning.value("agency")) == ("units[s2].agency", "so-typo")


def test_an_agency_named_only_as_a_partner_or_population_is_known() -> None:
    partnered = rule(
        "T-TASK",
        TaskMeasure(
            kind="task_deadline", task="T-TASK", due=AS_OF, partners=AppliesTo(agencies=["so-typo"])
        ),
    )
    units = [{"id": "s2", "name": "Sở", "kind": "department", "agency": "so-typo"}]
    assert warnings_for(facts(units=units), [plan(partnered)]) == []


def test_the_loaders_own_warnings_are_listed() -> None:
    skipped = Notice.of("report.json", "skipped_report", schema="cchc-findings/2")
    with_warning = replace(facts(), warnings=(skipped,))
    assert warnings_for(with_warning) == [skipped]


def test_an_explicit_plan_for_another_jurisdiction_or_year_is_warned_about(
    catalogue: Catalogue,
) -> None:
    document = {
        "jurisdiction": "thanh-xuan",
        "units": UNITS,
        "reports": [{"unit": "q", "period": "2024"}],
    }
    fact_set = tables_of(facts_from_document(document))
    choice = choose_plans(catalogue, ["hanoi-cchc-2019", "hanoi-cchc-2019"], fact_set)
    assert [p.id for p in choice.plans] == ["hanoi-cchc-2019"]  # named twice, checked once
    assert len(choice.warnings) == 2
    assert {w.place for w in choice.warnings} == {"--plan hanoi-cchc-2019"}
    [other_place] = [w for w in choice.warnings if w.code == "plan_other_jurisdiction"]
    assert dict(other_place.values) == {"plan_jurisdiction": "ha-noi", "jurisdiction": "thanh-xuan"}
    [other_year] = [w for w in choice.warnings if w.code == "plan_other_year"]
    assert dict(other_year.values) == {"plan_year": 2019, "years": "2024"}
    assert choose_plans(catalogue, [], fact_set).warnings == []
    assert plan_choice_warnings([plan(year=2024)], facts({"unit": "q", "period": "2024"})) == []


def test_evaluate_lists_every_warning_once_sorted_and_counts_them(catalogue: Catalogue) -> None:
    report = {
        "unit": "q",
        "period": "2019-Q1",
        "submitted": "2019-03-01",
        "dossiers": {"pending_past_due": 5},
        "events": [{"kind": "dialogue", "date": "2019-03-22"}],
    }
    plans = [catalogue.plans["hanoi-cchc-2019"]]
    given_a = Notice.of("--plan a", "plan_no_period", plan_year=2019)
    given = [Notice.of("--plan z", "plan_no_period", plan_year=2019), given_a, given_a]
    evaluation = evaluate(plans, facts(report), AS_OF, "python", given)
    assert evaluation.warnings == sorted(set(evaluation.warnings))
    assert evaluation.warnings.count(given_a) == 1
    assert len(evaluation.warnings) == 4  # the two given, the late event, the unread indicator
    assert evaluation.summary()["warnings"] == 4


EVERY_NOTICE = [
    Notice.of("reports[q 2019]", "event_after_sending", kind="dialogue", date="2019-03-22",
              submitted="2019-03-01"),
    Notice.of("tasks[task=T]", "completion_by_outsider", unit="s", owners="q", partners="tp"),
    Notice.of("tasks[task=T]", "completion_by_outsider_no_partners", unit="s", owners="q"),
    Notice.of("indicators.x", "unread_fact", reports=3),
    Notice.of("indicators.x", "unread_fact_once"),
    Notice.of("units[s].agency", "unknown_agency", agency="so-typo"),
    Notice.of("--plan p", "plan_other_jurisdiction", plan_jurisdiction="hn", jurisdiction="hue"),
    Notice.of("--plan p", "plan_other_year", plan_year=2019, years="2024"),
    Notice.of("--plan p", "plan_no_period", plan_year=2019),
    Notice.of("r.json", "skipped_report", schema="cchc-findings/2"),
    Notice.of("facts/notes.docx", "not_read_file"),
    Notice.of("facts/old", "not_read_folder"),
]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("notice", EVERY_NOTICE, ids=lambda n: n.code)
def test_every_notice_is_worded_in_each_language_with_its_place_and_values(
    notice: Notice, lang: str
) -> None:
    words = language(lang)
    text = word_notice(notice, words)
    assert text.startswith(f"{notice.place}: ")
    for name, value in notice.values:
        shown = words.day(str(value)) if name in ("date", "submitted") else str(value)
        assert shown in text


def test_the_notice_codes_worded_are_exactly_those_of_the_catalogue() -> None:
    for lang in ("en", "vi"):
        keys = {
            key.removeprefix("notice.")
            for key in language(lang).messages
            if key.startswith("notice.")
        }
        assert keys == {notice.code for notice in EVERY_NOTICE}


def test_no_file_in_a_facts_folder_is_skipped_silently(tmp_path: Path) -> None:
    """What a folder holds besides facts is named in a warning (its README excepted); a workbook
    cchc cannot read is an error naming the format to save it in."""
    import shutil

    from cchc import app

    folder = tmp_path / "facts"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "bieu06", folder)
    (folder / "notes.docx").write_bytes(b"PK")
    (folder / "old").mkdir()
    tables = app.load_facts([str(folder)], app.catalogue())
    unread = {(w.place, w.code) for w in tables.warnings}
    assert unread == {
        (str(folder / "notes.docx"), "not_read_file"),
        (str(folder / "old"), "not_read_folder"),
    }
    (folder / "q1.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(app.InputError) as refused:
        app.load_facts([str(folder)], app.catalogue())
    [problem] = refused.value.problems
    assert (problem.place.file, problem.code) == (str(folder / "q1.xls"), "unsupported_workbook")
