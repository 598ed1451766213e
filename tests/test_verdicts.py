"""Classes of wrong verdict, each proved on rules written here, on both evaluators: absent is not
zero, who acted matters, a cap of zero is a cap, a rule with no responsible unit gives no finding,
every gap matches its verdict, a unit is judged on the fields it handles, the same fact asked
twice is read from one entry."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from factsets import ON_TIME_SHARE, evaluate_rule
from factsets import a_rule as rule_in

from cchc.engine.evaluation import Evaluation, available_engines
from cchc.engine.findings import Finding
from cchc.rules.catalogue import load_catalogue
from cchc.rules.conditions import compile_condition, fields_of
from cchc.rules.schema import Rule

ENGINES = available_engines()
CATALOGUE = load_catalogue()
HOST = CATALOGUE.plans["hanoi-cchc-2019"]  # only for the plan's identity in findings
QUAN = [{"id": "q", "name": "Quận", "kind": "district"}]


def a_rule(**fields: Any) -> Rule:
    return rule_in(year=2019, **fields)


def run(
    rule: Rule, reports: list[dict], as_of: str, engine: str, units: list[dict] | None = None
) -> Evaluation:
    return evaluate_rule(rule, reports, as_of, engine, units or QUAN)


def findings(rule: Rule, reports: list[dict], as_of: str, engine: str, **kw) -> dict:
    return {(f.unit_id, f.period): f for f in run(rule, reports, as_of, engine, **kw).findings}


def status(rule: Rule, reports: list[dict], as_of: str, engine: str, key=("q", "2019"), **kw):
    return findings(rule, reports, as_of, engine, **kw)[key].status


ON_TIME = ON_TIME_SHARE
Q1_DOSSIERS = {"resolved_early": 10, "resolved_on_time": 90, "resolved_late": 0}
TRAINED = {
    "kind": "share",
    "numerator": ["indicators.civil_servants_trained"],
    "denominator": ["indicators.civil_servants"],
    "window": "year",
    "counted": "trained",
}
INITIATIVES = {
    "kind": "quantity",
    "indicator": "indicators.cchc_initiatives",
    "window": "year",
    "counted": "initiatives",
}
DIALOGUES = {"kind": "event_count", "event": "dialogue", "counted": "dialogues"}
AT_LEAST_2 = {"op": ">=", "value": 2}

# ------------------------------------------------------------------ 1. absent is not zero

# For every measure kind judged over a period: a rule, and a Q1 report holding what it reads
# without deciding it. Once 2019 is over, the year is not enough data.
Q1_ONLY: list[tuple[str, dict, dict]] = [
    ("share each_report", {"measure": ON_TIME, "target": {"op": ">=", "value": "95%"}},
     {"dossiers": Q1_DOSSIERS}),
    ("share year", {"measure": TRAINED, "target": {"op": ">=", "value": "100%"}},
     {"indicators": {"civil_servants": 10, "civil_servants_trained": 10}}),
    ("ratio", {"measure": {**TRAINED, "kind": "ratio"},
               "target": {"op": "between", "low": "50%", "high": "52%"}},
     {"indicators": {"civil_servants": 100, "civil_servants_trained": 51}}),
    ("quantity", {"measure": INITIATIVES, "target": {"op": ">=", "value": 1}},
     {"indicators": {"cchc_initiatives": 3}}),
    ("cumulative quantity", {"measure": {**INITIATIVES, "cumulative": True},
                             "target": {"op": ">=", "value": 5}},
     {"indicators": {"cchc_initiatives": 3}}),
    ("event_count", {"measure": DIALOGUES, "target": AT_LEAST_2},
     {"events": [{"kind": "dialogue", "date": "2019-02-01"}]}),
    ("duty", {"measure": {"kind": "duty", "duty": "cchc_plan_issued"}},
     {"duties": {"cchc_plan_issued": {"done": False}}}),
    ("score", {"measure": {"kind": "score", "code": "PAR", "maximum": 100},
               "target": {"op": ">=", "value": 90}},
     {"scores": {"PAR": 95}}),
    ("score_sum", {"measure": {"kind": "score_sum", "code": "P", "parts": ["P.1", "P.2"]}},
     {"scores": {"P": 3, "P.1": 1, "P.2": 2}}),
    ("change_vs_baseline", {"measure": {"kind": "change_vs_baseline",
                                        "indicator": "indicators.civil_servants",
                                        "baseline": 2018, "direction": "decrease",
                                        "counted": "civil servants"},
                            "target": {"op": ">=", "value": "5%"}},
     {"indicators": {"civil_servants": 90}}),
]  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("kind", "fields", "q1"), Q1_ONLY, ids=[k for k, *_ in Q1_ONLY])
def test_an_ended_year_with_only_a_q1_report_is_missing_for_every_kind(
    engine: str, kind: str, fields: dict, q1: dict
) -> None:
    reports = [{"unit": "q", "period": "2019-Q1", **q1}]
    if kind == "change_vs_baseline":
        reports.append({"unit": "q", "period": "2018", "indicators": {"civil_servants": 100}})
    year = findings(a_rule(**fields), reports, "2020-01-15", engine)[("q", "2019")]
    assert year.status == "missing" and year.gap
    # While the year runs, the same facts are not yet due, never a fail.
    assert status(a_rule(**fields), reports, "2019-04-15", engine) in ("pending", "pass")


@pytest.mark.parametrize("engine", ENGINES)
def test_each_report_shares_keep_their_own_findings_and_add_the_uncovered_year(
    engine: str,
) -> None:
    rule = a_rule(measure=ON_TIME, target={"op": ">=", "value": "95%"})
    q1 = [{"unit": "q", "period": "2019-Q1", "dossiers": Q1_DOSSIERS}]
    got = {k: f.status for k, f in findings(rule, q1, "2020-01-15", engine).items()}
    assert got == {("q", "2019-Q1"): "pass", ("q", "2019"): "missing"}
    annual = [*q1, {"unit": "q", "period": "2019", "dossiers": Q1_DOSSIERS}]
    got = {k: f.status for k, f in findings(rule, annual, "2020-01-15", engine).items()}
    assert got == {("q", "2019-Q1"): "pass", ("q", "2019"): "pass"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_report_without_events_is_not_zero_events(engine: str) -> None:
    rule = a_rule(measure=DIALOGUES, target=AT_LEAST_2)
    silent = [{"unit": "q", "period": "2019", "submitted": "2019-11-05"}]
    none = [{"unit": "q", "period": "2019", "events": []}]
    assert status(rule, silent, "2020-01-15", engine) == "missing"
    assert status(rule, none, "2020-01-15", engine) == "fail"


@pytest.mark.parametrize("engine", ENGINES)
def test_events_add_up_across_reports_that_cover_the_year_together(engine: str) -> None:
    rule = a_rule(measure=DIALOGUES, target=AT_LEAST_2)
    one = [{"kind": "dialogue", "date": "2019-05-02"}]
    quarters = [
        {"unit": "q", "period": f"2019-Q{n}", "events": one if n == 2 else []} for n in (1, 2, 3, 4)
    ]
    [year] = run(rule, quarters, "2020-01-15", engine).findings
    assert (year.status, {k: year.evidence[k] for k in {"count": 1}}) == ("fail", {"count": 1})
    without_q3 = [r for r in quarters if r["period"] != "2019-Q3"]
    [year] = run(rule, without_q3, "2020-01-15", engine).findings
    assert (year.status, {k: year.evidence[k] for k in {"count": 1}}) == ("missing", {"count": 1})


@pytest.mark.parametrize("engine", ENGINES)
def test_evidence_that_already_decides_decides_before_the_year_is_covered(engine: str) -> None:
    dialogues = a_rule(measure=DIALOGUES, target=AT_LEAST_2)
    two = [{"kind": "dialogue", "date": "2019-02-01"}, {"kind": "dialogue", "date": "2019-03-01"}]
    assert status(dialogues, [{"unit": "q", "period": "2019-Q1", "events": two}],
                  "2020-01-15", engine) == "pass"  # fmt: skip
    cap = a_rule(
        measure={**INITIATIVES, "cumulative": True}, target={"op": "<=", "value": 0}
    )  # read as "no more than 0": a cumulative count over it stays over it
    over = [{"unit": "q", "period": "2019-9M", "indicators": {"cchc_initiatives": 2}}]
    assert status(cap, over, "2020-01-15", engine) == "fail"
    assert status(cap, over, "2019-10-15", engine) == "pending"
    within = [{"unit": "q", "period": "2019-9M", "indicators": {"cchc_initiatives": 0}}]
    assert status(cap, within, "2020-01-15", engine) == "missing"
    stock = a_rule(measure=INITIATIVES, target={"op": ">=", "value": 1})  # not cumulative
    met = [{"unit": "q", "period": "2019-9M", "indicators": {"cchc_initiatives": 2}}]
    assert status(stock, met, "2020-01-15", engine) == "missing"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_whole_year_share_from_9_months_is_pending_while_open_missing_after(
    engine: str,
) -> None:
    rule = a_rule(measure=TRAINED, target={"op": ">=", "value": "100%"})
    nine = [
        {"unit": "q", "period": "2019-9M", "indicators": {"civil_servants": 85,
                                                          "civil_servants_trained": 80}}
    ]  # fmt: skip
    open_year = findings(rule, nine, "2019-10-15", engine)[("q", "2019")]
    assert (open_year.status, open_year.evidence["numerator"]) == ("pending", 80)
    assert status(rule, nine, "2020-01-15", engine) == "missing"


@pytest.mark.parametrize("engine", ENGINES)
def test_a_deadline_with_nothing_delivered_after_its_date_still_fails(engine: str) -> None:
    report_due = a_rule(
        measure={"kind": "report_deadline", "submission": "submitted", "due_is": "before",
                 "due": {"2019-Q1": "2019-03-05"}},
        periods=["2019-Q1"],
    )  # fmt: skip
    assert status(report_due, [], "2019-04-01", engine, key=("q", "2019-Q1")) == "fail"
    task_due = a_rule(measure={"kind": "task_deadline", "task": "T-1", "due": "2019-01-31"})
    assert status(task_due, [], "2019-02-01", engine) == "fail"


# ------------------------------------------------------------------ 2. who acted matters

COMMUNES = {
    "kind": "population_share",
    "event": "inspection",
    "scope": "children",
    "population": {"kinds": ["commune"]},
    "counted": "communes inspected",
}
DISTRICTS_AND_COMMUNES = [
    {"id": "h1", "name": "Huyện 1", "kind": "district"},
    {"id": "h2", "name": "Huyện 2", "kind": "district"},
    {"id": "tinh", "name": "Tỉnh", "kind": "city"},
    *[{"id": f"x{i}", "name": f"Xã {i}", "kind": "commune", "parent": "h1"} for i in range(3)],
    {"id": "y0", "name": "Xã y0", "kind": "commune", "parent": "h2"},
]


def inspection(inspected: str, day: str = "2019-05-02", by: str | None = None) -> dict:
    return {"kind": "inspection", "date": day, "inspected": inspected} | ({"by": by} if by else {})


@pytest.mark.parametrize("engine", ENGINES)
def test_only_a_districts_own_inspections_of_its_own_communes_count(engine: str) -> None:
    rule = a_rule(measure=COMMUNES, target={"op": ">=", "value": "30%"})
    units = DISTRICTS_AND_COMMUNES
    h1 = ("h1", "2019")

    def judged(reports: list[dict]) -> Finding:
        return findings(rule, reports, "2020-01-15", engine, units=units)[h1]

    own = judged([{"unit": "h1", "period": "2019", "events": [inspection("x0")]}])
    assert (own.status, {k: own.evidence[k] for k in {"inspected": 1, "population": 3}}) == (
        "pass",
        {"inspected": 1, "population": 3},
    )
    by_other_district = judged(
        [
            {"unit": "h1", "period": "2019", "events": []},
            {"unit": "h2", "period": "2019", "events": [inspection("x0")]},
        ]
    )
    assert (by_other_district.status, by_other_district.evidence["inspected"]) == ("fail", 0)
    # The province's inspection of h1's commune, even reported in h1's own report.
    by_province = judged(
        [{"unit": "h1", "period": "2019", "events": [inspection("x0", by="tinh")]}]
    )
    assert (by_province.status, by_province.evidence["inspected"]) == ("fail", 0)
    of_other_commune = judged([{"unit": "h1", "period": "2019", "events": [inspection("y0")]}])
    assert (of_other_commune.status, of_other_commune.evidence["inspected"]) == ("fail", 0)


REGISTRY_WIDE = {
    "kind": "population_share",
    "event": "inspection",
    "population": {"kinds": ["department", "district"]},
    "inspectors": {"agencies": ["so-noi-vu"]},
    "counted": "units inspected",
}
PROVINCE = [
    {"id": "tinh", "name": "Tỉnh", "kind": "city"},
    {"id": "snv", "name": "Sở Nội vụ", "kind": "department", "agency": "so-noi-vu"},
    {"id": "stp", "name": "Sở Tư pháp", "kind": "department", "agency": "so-tu-phap"},
    *[{"id": f"d{i}", "name": f"Sở {i}", "kind": "department"} for i in range(3)],
    *[{"id": f"h{i}", "name": f"Huyện {i}", "kind": "district"} for i in range(4)],
    {"id": "x0", "name": "Xã", "kind": "commune", "parent": "h0"},
]  # 9 departments and districts: 30% is 3 of them


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("reports", "expected", "inspected"),
    [
        # the province's own inspections count
        ([{"unit": "tinh", "period": "2019",
           "events": [inspection("d0"), inspection("d1"), inspection("h0")]}], "pass", 3),
        # Sở Nội vụ's, in its own report or named with `by` in the province's
        ([{"unit": "snv", "period": "2019",
           "events": [inspection("d0"), inspection("d1"), inspection("h0")]}], "pass", 3),
        ([{"unit": "tinh", "period": "2019",
           "events": [inspection("d0", by="snv"), inspection("d1", by="snv"),
                      inspection("h0")]}], "pass", 3),
        # another department's are not credited, nor a unit's inspection of itself
        ([{"unit": "tinh", "period": "2019", "events": []},
          {"unit": "stp", "period": "2019",
           "events": [inspection("d0"), inspection("d1"), inspection("h0")]}], "fail", 0),
        ([{"unit": "snv", "period": "2019",
           "events": [inspection("snv"), inspection("d1"), inspection("h0")]}], "fail", 2),
        # nor an inspection of a unit outside the population
        ([{"unit": "tinh", "period": "2019",
           "events": [inspection("x0"), inspection("d1"), inspection("h0")]}], "fail", 2),
        # the same inspection reported twice, by the same actor, counts once
        ([{"unit": "tinh", "period": "2019",
           "events": [inspection("d0", by="snv"), inspection("h0")]},
          {"unit": "snv", "period": "2019", "events": [inspection("d0")]}], "fail", 2),
    ],
)  # fmt: skip
def test_registry_inspections_count_by_the_owner_or_the_named_inspectors(
    engine: str, reports: list[dict], expected: str, inspected: int
) -> None:
    rule = a_rule(
        measure=REGISTRY_WIDE,
        applies_to={"kinds": ["city"]},
        target={"op": ">=", "value": "30%"},
    )
    finding = findings(rule, reports, "2020-01-15", engine, units=PROVINCE)[("tinh", "2019")]
    assert (
        finding.status,
        {k: finding.evidence[k] for k in {"inspected": inspected, "population": 9}},
    ) == (expected, {"inspected": inspected, "population": 9})


@pytest.mark.parametrize("engine", ENGINES)
def test_events_are_counted_for_the_unit_that_held_them(engine: str) -> None:
    rule = a_rule(measure=DIALOGUES, target=AT_LEAST_2)
    units = [*QUAN, {"id": "p", "name": "Quận P", "kind": "district"}]
    day = "2019-04-10"
    reports = [
        # the same day: q's own dialogue, repeated in two reports, and one p held
        {"unit": "q", "period": "2019-H1", "events": [{"kind": "dialogue", "date": day}]},
        {"unit": "q", "period": "2019", "events": [
            {"kind": "dialogue", "date": day},
            {"kind": "dialogue", "date": day, "by": "p"},
        ]},
        {"unit": "p", "period": "2019", "events": [{"kind": "dialogue", "date": "2019-09-10"}]},
    ]  # fmt: skip
    got = findings(rule, reports, "2020-01-15", engine, units=units)
    assert (
        got[("q", "2019")].status,
        {k: got[("q", "2019")].evidence[k] for k in {"count": 1}},
    ) == ("fail", {"count": 1})
    assert (
        got[("p", "2019")].status,
        {k: got[("p", "2019")].evidence[k] for k in {"count": 2}},
    ) == ("pass", {"count": 2})


# ------------------------------------------------------------------ 3. a cap of zero is a cap

HIRES = {
    "kind": "share",
    "numerator": ["indicators.staff_recruited_new"],
    "denominator": ["indicators.staff_cut_streamlining", "indicators.staff_left_retired_resigned"],
    "window": "year",
    "counted": "new hires",
}


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("target", "hires", "freed", "expected"),
    [
        ({"op": "<=", "value": "50%"}, 3, 0, "fail"),
        ({"op": "<=", "value": "50%"}, 1, 0, "fail"),
        ({"op": "<", "value": "50%"}, 1, 0, "fail"),
        ({"op": "<=", "value": "50%"}, 0, 0, "not_applicable"),
        ({"op": "<=", "value": "50%"}, 1, 2, "pass"),
        ({"op": "<=", "value": "50%"}, 2, 2, "fail"),
        ({"op": ">=", "value": "50%"}, 0, 0, "not_applicable"),
    ],
)
def test_a_cap_of_zero_is_a_cap(
    engine: str, target: dict, hires: int, freed: int, expected: str
) -> None:
    rule = a_rule(measure=HIRES, target=target, periods=[2018])
    indicators = {
        "staff_recruited_new": hires,
        "staff_cut_streamlining": freed,
        "staff_left_retired_resigned": 0,
    }
    reports = [{"unit": "q", "period": "2018", "indicators": indicators}]
    finding = findings(rule, reports, "2019-01-20", engine)[("q", "2018")]
    assert finding.status == expected
    assert (finding.evidence["numerator"], finding.evidence["denominator"]) == (hires, freed)
    assert bool(finding.gap) == (expected == "fail")


@pytest.mark.parametrize("engine", ENGINES)
def test_a_range_with_nothing_to_divide_by_and_something_on_top_is_above_it(engine: str) -> None:
    rule = a_rule(
        measure={**HIRES, "kind": "ratio"}, target={"op": "between", "low": "50%", "high": "52%"}
    )
    freed = {"staff_cut_streamlining": 0, "staff_left_retired_resigned": 0}
    above = [{"unit": "q", "period": "2019", "indicators": {"staff_recruited_new": 5, **freed}}]
    nothing = [{"unit": "q", "period": "2019", "indicators": {"staff_recruited_new": 0, **freed}}]
    assert status(rule, above, "2020-01-15", engine) == "fail"
    assert status(rule, nothing, "2020-01-15", engine) == "not_applicable"


# ------------------------------------------------------------------ 4. no responsible unit


@pytest.mark.parametrize("engine", ENGINES)
def test_a_population_rule_without_its_responsible_unit_gives_no_finding(engine: str) -> None:
    rule = a_rule(
        measure=REGISTRY_WIDE, applies_to={"kinds": ["city"]}, target={"op": ">=", "value": "30%"}
    )
    lone = [{"id": "d0", "name": "Sở", "kind": "department"}]
    evaluation = run(rule, [{"unit": "d0", "period": "2019", "events": []}], "2020-01-15",
                     engine, units=lone)  # fmt: skip
    assert evaluation.findings == [] and evaluation.rules_without_units == ["T-1"]
    with_city = run(rule, [], "2020-01-15", engine, units=PROVINCE)
    assert [f.unit_id for f in with_city.findings] == ["tinh"]


# ------------------------------------------------------------- 5. every gap matches its verdict


@pytest.mark.parametrize("engine", ENGINES)
def test_every_catalogue_example_states_a_gap_exactly_when_it_is_not_met(
    engine: str, example_results: dict
) -> None:
    results = list(example_results[engine].values())
    assert results and all(result.finding is not None for result in results)
    wrong = [
        (result.rule_id, result.example.name, result.finding.status, result.finding.gap)
        for result in results
        if result.finding is not None
        and (result.finding.status in ("fail", "pending", "missing")) != bool(result.finding.gap)
    ]
    assert wrong == []
    assert {r.finding.status for r in results if r.finding} == {
        "pass", "fail", "pending", "missing", "not_applicable"
    }  # fmt: skip


@pytest.mark.parametrize("engine", ENGINES)
def test_an_upper_bound_quantity_over_its_cap_states_the_gap(engine: str) -> None:
    rule = a_rule(measure=INITIATIVES, target={"op": "<=", "value": 0})
    reports = [{"unit": "q", "period": "2019", "indicators": {"cchc_initiatives": 2}}]
    finding = findings(rule, reports, "2020-01-15", engine)[("q", "2019")]
    assert (finding.status, {k: finding.evidence[k] for k in {"value": 2}}) == (
        "fail",
        {"value": 2},
    ) and finding.gap


# ------------------------------------------------------------------ 6. the fields a unit handles

EXCEPT_LAND = {**ON_TIME, "excluding_fields": ["tai-nguyen-moi-truong"]}
LAND_ONLY = {**ON_TIME, "field": "tai-nguyen-moi-truong"}


@pytest.mark.parametrize("engine", ENGINES)
def test_a_field_the_unit_does_not_handle_has_no_dossiers(engine: str) -> None:
    without_land = [{**QUAN[0], "fields": ["tu-phap"]}]
    undeclared = QUAN
    reports = [{"unit": "q", "period": "2019", "dossiers": Q1_DOSSIERS}]
    full = {"op": ">=", "value": "100%"}
    rest = findings(a_rule(measure=EXCEPT_LAND, target=full), reports, "2020-01-15", engine,
                    units=without_land)[("q", "2019")]  # fmt: skip
    assert (rest.status, rest.evidence["denominator"]) == ("pass", 100)
    unknown = status(a_rule(measure=EXCEPT_LAND, target=full), reports, "2020-01-15", engine,
                     units=undeclared)  # fmt: skip
    assert unknown == "missing"  # undeclared fields: the land counts must be reported
    land = a_rule(measure=LAND_ONLY, target={"op": ">=", "value": "99%"})
    assert status(land, reports, "2020-01-15", engine, units=without_land) == "not_applicable"
    assert status(land, reports, "2020-01-15", engine, units=undeclared) == "missing"
    handles_land = [{**QUAN[0], "fields": ["tai-nguyen-moi-truong"]}]
    assert status(land, reports, "2020-01-15", engine, units=handles_land) == "missing"


# ------------------------------------------------------------------ 7. the same fact asked twice


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("same_as_duty", "duty", "expected"),
    [
        ("cchc_plan_issued", {"done": True, "date": "2019-01-20"}, "pass"),
        ("cchc_plan_issued", {"done": True, "date": "2019-02-01"}, "fail"),
        ("cchc_plan_issued", {"done": True}, "fail"),  # undated: no delivery to date it by
        ("cchc_plan_issued", {"done": False}, "fail"),
        (None, {"done": True, "date": "2019-01-20"}, "fail"),  # not the same fact unless said
    ],
)
def test_a_task_that_is_a_duty_is_delivered_by_the_duty_done_with_its_date(
    engine: str, same_as_duty: str | None, duty: dict, expected: str
) -> None:
    rule = a_rule(
        id="T-PLAN",
        measure={
            "kind": "task_deadline",
            "task": "T-PLAN",
            "due": "2019-01-31",
            "same_as_duty": same_as_duty,
        },
    )
    reports = [{"unit": "q", "period": "2019-Q1", "duties": {"cchc_plan_issued": duty}}]
    assert status(rule, reports, "2019-04-01", engine) == expected


def test_same_as_duty_names_a_known_duty() -> None:
    with pytest.raises(ValueError, match="unknown duty"):
        a_rule(measure={"kind": "task_deadline", "task": "T-1", "due": "2019-01-31",
                        "same_as_duty": "plan_issued"})  # fmt: skip


# ------------------------------------------------------------------ 8. each field named once


@pytest.mark.parametrize("engine", ENGINES)
def test_a_missing_data_message_names_each_field_once(engine: str) -> None:
    rule = a_rule(measure=ON_TIME, target={"op": ">=", "value": "95%"})
    partial = [{"unit": "q", "period": "2019", "dossiers": {"resolved_late": 1}}]
    for reports in ([], partial):
        finding = findings(rule, reports, "2020-01-15", engine)[("q", "2019")]
        assert finding.status == "missing"
        named = [*finding.evidence.get("wanted", []), *finding.evidence.get("absent", [])]
        assert finding.gap is not None and len(finding.gap["report"]) == len(set(named))
        assert len(named) == len(set(named))


# ------------------------------------------------------------------ 9. scores


@pytest.mark.parametrize("engine", ENGINES)
def test_a_score_is_judged_on_its_target_alone(engine: str) -> None:
    rule = a_rule(
        measure={"kind": "score", "code": "PAR", "maximum": 10}, target={"op": ">=", "value": 9}
    )
    assert fields_of(compile_condition(rule)) == {"vs_target"}
    at_maximum = [{"unit": "q", "period": "2019", "scores": {"PAR": 10}}]
    finding = findings(rule, at_maximum, "2020-01-15", engine)[("q", "2019")]
    assert (finding.status, finding.evidence["score"]) == ("pass", "10")


def test_no_score_rule_example_reports_a_score_above_its_maximum() -> None:
    for rule in CATALOGUE.rules:
        maximum = getattr(rule.measure, "maximum", None)
        if rule.measure.kind != "score" or maximum is None:
            continue
        for example in rule.examples:
            for report in example.reports:
                scores = report.get("scores") or {}
                if rule.measure.code in scores:
                    # the input layer refuses a score above its maximum, so no example needs one
                    assert Fraction(str(scores[rule.measure.code])) <= maximum, rule.id
