"""The measure kinds the later plans need, each tested on a rule written here, both engines."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from factsets import ON_TIME_SHARE, evaluate_rule
from factsets import a_rule as rule_in

from cchc.engine.evaluation import available_engines
from cchc.facts.load import facts_from_document
from cchc.rules.catalogue import load_catalogue
from cchc.rules.schema import Rule, ScoreRow, ScoreTable
from cchc.rules.score_tables import score_table_rules, table_discrepancies

ENGINES = available_engines()
HOST = load_catalogue().plans["hanoi-cchc-2019"]  # only for the plan's identity in findings


def a_rule(**fields: Any) -> Rule:
    return rule_in(year=2024, **fields)


def statuses(
    rule: Rule, reports: list[dict], as_of: str, engine: str, units: list[dict] | None = None
) -> dict[tuple[str, str], str]:
    findings = evaluate_rule(rule, reports, as_of, engine, units).findings
    return {(f.unit_id, f.period): f.status for f in findings}


EXCEPTION_RULE = dict(
    measure=ON_TIME_SHARE,
    target={"op": ">=", "value": "100%"},
)


def by_field(late_land: int, late_other: int) -> list[dict]:
    return [
        {
            "unit": "q",
            "period": "2024-Q1",
            "dossiers": {
                "resolved_early": 0,
                "resolved_on_time": 1000,
                "resolved_late": late_land + late_other,
            },
            "dossiers_by_field": {
                "tai-nguyen-moi-truong": {
                    "resolved_early": 0,
                    "resolved_on_time": 199,
                    "resolved_late": late_land,
                }
            },
        }
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_a_target_with_an_exception_excludes_the_excepted_field(engine: str) -> None:
    rest = a_rule(
        **(
            EXCEPTION_RULE
            | {
                "measure": EXCEPTION_RULE["measure"]
                | {"excluding_fields": ["tai-nguyen-moi-truong"]}
            }
        )
    )
    land = a_rule(
        **(
            EXCEPTION_RULE
            | {
                "measure": EXCEPTION_RULE["measure"] | {"field": "tai-nguyen-moi-truong"},
                "target": {"op": ">=", "value": "99%"},
            }
        )
    )
    # 2 late land dossiers: 199/201 = 99.0% meets 99%; the rest 801/801 meets 100%.
    q1 = ("q", "2024-Q1")  # the Q1 report's own finding; the year itself is still pending
    assert statuses(rest, by_field(2, 0), "2024-04-10", engine)[q1] == "pass"
    assert statuses(land, by_field(2, 0), "2024-04-10", engine)[q1] == "pass"
    # 3 late land dossiers: 199/202 = 98.5% fails 99%; the rest still 100%.
    assert statuses(land, by_field(3, 0), "2024-04-10", engine)[q1] == "fail"
    assert statuses(rest, by_field(3, 0), "2024-04-10", engine)[q1] == "pass"
    # one late dossier elsewhere fails the 100% part.
    assert statuses(rest, by_field(0, 1), "2024-04-10", engine)[q1] == "fail"


def test_a_field_cannot_report_more_than_all_dossiers() -> None:
    from cchc.facts.load import FactError

    report = by_field(2, 0)[0]
    report["dossiers"]["resolved_on_time"] = 100
    with pytest.raises(FactError, match="field_above_all_fields"):
        facts_from_document(
            {"units": [{"id": "q", "name": "Q", "kind": "district"}], "reports": [report]}
        )


STAFF_CUT = dict(
    measure={
        "kind": "change_vs_baseline",
        "indicator": "indicators.civil_servants",
        "baseline": 2021,
        "direction": "decrease",
        "counted": "civil servants",
    },
    target={"op": ">=", "value": "5%"},
)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("now", "expected"), [(190, "pass"), (191, "fail"), (200, "fail")])
def test_a_cut_against_a_baseline_year_is_exact(engine: str, now: int, expected: str) -> None:
    reports = [
        {"unit": "q", "period": "2021", "indicators": {"civil_servants": 200}},
        {"unit": "q", "period": "2024", "indicators": {"civil_servants": now}},
    ]
    assert statuses(a_rule(**STAFF_CUT), reports, "2025-01-10", engine) == {("q", "2024"): expected}


def test_a_baseline_missing_is_missing_data() -> None:
    reports = [{"unit": "q", "period": "2024", "indicators": {"civil_servants": 190}}]
    assert statuses(a_rule(**STAFF_CUT), reports, "2025-01-10", "python") == {
        ("q", "2024"): "missing"
    }


COMMUNES = [
    {"id": "q1", "name": "Huyện 1", "kind": "district"},
    {"id": "q2", "name": "Huyện 2", "kind": "district"},
    *[{"id": f"x1-{i}", "name": f"Xã {i}", "kind": "commune", "parent": "q1"} for i in range(10)],
    *[{"id": f"x2-{i}", "name": f"Xã {i}", "kind": "commune", "parent": "q2"} for i in range(4)],
]


@pytest.mark.parametrize("engine", ENGINES)
def test_each_district_is_judged_over_its_own_communes(engine: str) -> None:
    rule = a_rule(
        measure={
            "kind": "population_share",
            "event": "inspection",
            "scope": "children",
            "population": {"kinds": ["commune"]},
            "counted": "communes inspected",
        },
        target={"op": ">=", "value": "30%"},
        periods=[2018],
    )
    inspections = [
        {"kind": "inspection", "date": "2018-05-02", "inspected": unit}
        for unit in ["x1-0", "x1-1", "x1-2", "x2-0"]
    ]
    reports = [
        {"unit": "q1", "period": "2018", "events": inspections[:3]},
        {"unit": "q2", "period": "2018", "events": inspections[3:]},
    ]
    # q1: 3 of 10 = 30% meets it; q2: 1 of 4 = 25% falls short although the pool is 4/14.
    assert statuses(rule, reports, "2019-01-10", engine, COMMUNES) == {
        ("q1", "2018"): "pass",
        ("q2", "2018"): "fail",
    }


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("issued", "as_of", "expected"),
    [
        ("2024-03-04", "2024-03-10", "pass"),
        ("2024-03-05", "2024-03-10", "fail"),
        (None, "2024-03-10", "fail"),
        (None, "2024-03-01", "pending"),
    ],
)
def test_a_duty_with_a_before_deadline(
    engine: str, issued: str | None, as_of: str, expected: str
) -> None:
    rule = a_rule(
        measure={
            "kind": "duty",
            "duty": "cchc_plan_issued",
            "due": "2024-03-05",
            "due_is": "before",
        }
    )
    duty = {"done": True, "date": issued} if issued else {"done": False}
    reports = [{"unit": "q", "period": "2024-Q1", "duties": {"cchc_plan_issued": duty}}]
    assert statuses(rule, reports, as_of, engine) == {("q", "2024"): expected}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (("2023-12-05", "2024-03-05"), "pass"),
        (("2024-01-01", "2024-03-05"), "fail"),
        (None, "missing"),
    ],
)
def test_a_report_covers_the_data_window_the_plan_fixes(engine: str, window, expected: str) -> None:
    rule = a_rule(
        measure={"kind": "data_window", "windows": {"2024-Q1": ["2023-12-05", "2024-03-05"]}},
        periods=["2024-Q1"],
    )
    report: dict[str, Any] = {"unit": "q", "period": "2024-Q1"}
    if window:
        report |= {"data_from": window[0], "data_to": window[1]}
    assert statuses(rule, [report], "2024-04-10", engine) == {("q", "2024-Q1"): expected}


TABLE = ScoreTable(
    id_prefix="T-PAR",
    code_prefix="PAR-",
    clause="Phụ lục A",
    applies_to={"kinds": ["city"]},
    strength="aspirational",
    period=2022,
    aggregate="sum",
    rows=[
        ScoreRow(code="1", title="Lĩnh vực 1", maximum="3", baseline="2.5", target="3"),
        ScoreRow(code="1.1", title="Tiêu chí 1.1", maximum="1", baseline="1", target="1"),
        ScoreRow(code="1.2", title="Tiêu chí 1.2", maximum="2", baseline="1.4", target="1.9"),
        ScoreRow(code="total", title="TỔNG", maximum="3", baseline="2.5", target=">2.9"),
    ],
)


def test_a_score_table_becomes_rules_and_its_own_sums_are_checked() -> None:
    rules = {rule.id: rule for rule in score_table_rules(TABLE)}
    assert set(rules) == {
        "T-PAR-1",
        "T-PAR-1.1",
        "T-PAR-1.2",
        "T-PAR-total",
        "T-PAR-1-SUM",
        "T-PAR-total-SUM",
    }
    assert rules["T-PAR-total"].target.op == ">"
    assert table_discrepancies(TABLE) == [
        "Phụ lục A total target: the parts add up to 3, the table says 2.9",
        "Phụ lục A 1 baseline: the parts add up to 2.4, the table says 2.5",
        "Phụ lục A 1 target: the parts add up to 2.9, the table says 3",
    ]


@pytest.mark.parametrize("engine", ENGINES)
def test_scores_meet_targets_and_parts_add_up(engine: str) -> None:
    rules = {rule.id: rule for rule in score_table_rules(TABLE)}
    city = [{"id": "tp", "name": "Thành phố", "kind": "city"}]

    def judge(rule_id: str, scores: dict[str, str]) -> str:
        reports = [{"unit": "tp", "period": "2022", "scores": scores}]
        return statuses(rules[rule_id], reports, "2023-03-01", engine, city)[("tp", "2022")]

    assert judge("T-PAR-1.2", {"PAR-1.2": "1.9"}) == "pass"
    assert judge("T-PAR-1.2", {"PAR-1.2": "1.899"}) == "fail"
    assert judge("T-PAR-1.2", {"PAR-1.2": "2"}) == "pass"  # the maximum itself
    assert judge("T-PAR-total", {"PAR-total": "2.9"}) == "fail"  # ">2.9" is strict
    consistent = {"PAR-1": "2.9", "PAR-1.1": "1", "PAR-1.2": "1.9"}
    assert judge("T-PAR-1-SUM", consistent) == "pass"
    assert judge("T-PAR-1-SUM", consistent | {"PAR-1": "3"}) == "fail"
    assert judge("T-PAR-1-SUM", {"PAR-1": "3"}) == "missing"


def test_scores_are_exact_decimals_and_unknown_codes_are_refused(tmp_path) -> None:
    from cchc.facts.load import FactError
    from cchc.rules.references import check_task_references

    facts = facts_from_document(
        {
            "units": [{"id": "tp", "name": "TP", "kind": "city"}],
            "reports": [{"unit": "tp", "period": "2022", "scores": {"PAR-9.9": 0.1}}],
        }
    )
    [report] = facts.reports.values()
    assert report.scores["PAR-9.9"] == Fraction(1, 10)  # 0.1 read as its decimal, not a float
    with pytest.raises(FactError, match="unknown_score_code"):
        check_task_references(facts, load_catalogue())
