"""Named metrics, the `compare` measure (a metric against the same unit's previous or baseline
year) and duties judged month by month. Data-driven: each case is a fact set, a date and the
status and numbers it must give, on every evaluator. Statuses and numbers, never sentences."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from factsets import a_rule, evaluate_rule
from pydantic import ValidationError
from test_vocabulary import bounded_by

from cchc.engine.evaluation import available_engines
from cchc.rules.catalogue import load_catalogue
from cchc.rules.metrics import METRICS, MetricError, load_metrics, parse_formula
from cchc.rules.schema import Rule

ENGINES = available_engines()
DISTRICT_AND_COMMUNE = [
    {"id": "q", "name": "Quận", "kind": "district"},
    {"id": "x", "name": "Phường", "kind": "commune", "parent": "q"},
]


def online(period: str, total: int, with_dossiers: int) -> dict[str, Any]:
    indicators = {"procedures_online_l34": total, "procedures_online_with_dossiers": with_dossiers}
    return {"period": period, "indicators": indicators}


def rank(period: str, place: int) -> dict[str, Any]:
    return {"period": period, "indicators": {"par_index_rank": place}}


def inspections(period: str, *dates: str) -> dict[str, Any]:
    return {
        "period": period,
        "events": [{"kind": "subordinate_inspection", "date": d} for d in dates],
    }


ONLINE = {"kind": "compare", "metric": "online_share", "against": "previous_year"}
ONLINE_VS_2021 = {**ONLINE, "against": 2021}
RANK = {"kind": "compare", "metric": "par_index_rank", "against": 2021}
RANK_DOWN = {**RANK, "direction": "lower_is_better"}
INSPECTIONS = {"kind": "compare", "metric": "inspections", "against": "previous_year"}
MORE = {"op": ">", "value": 0}

# (name, measure, target, judged year, reports, as of, status, evidence subset, gap subset)
CASES: list[tuple] = [
    (
        "a higher share than the previous year",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022", 1200, 505)],
        "2023-01-20",
        "pass",
        {"numerator": 505, "denominator": 1200, "reference_numerator": 420},
        None,
    ),
    (
        "the same share again is not higher: the numerator needed at the current denominator",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022", 1200, 504)],
        "2023-01-20",
        "fail",
        {"reference": "2021", "source": "2022", "reference_source": "2021"},
        {"more": 1, "need": 505, "of": 1200},
    ),
    (
        "more procedures with dossiers but a lower share",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022", 1500, 600)],
        "2023-01-20",
        "fail",
        {"numerator": 600},
        {"more": 31, "need": 631, "of": 1500},
    ),
    (
        "at least as high: the same share meets it",
        ONLINE,
        {"op": ">=", "value": 0},
        2022,
        [online("2021", 1000, 420), online("2022", 1200, 504)],
        "2023-01-20",
        "pass",
        {},
        None,
    ),
    (
        "a margin of 5 points, met exactly",
        ONLINE,
        {"op": ">=", "value": "5%"},
        2022,
        [online("2021", 1000, 420), online("2022", 1000, 470)],
        "2023-01-20",
        "pass",
        {},
        None,
    ),
    (
        "a margin of 5 points, missed by one procedure",
        ONLINE,
        {"op": ">=", "value": "5%"},
        2022,
        [online("2021", 1000, 420), online("2022", 1000, 469)],
        "2023-01-20",
        "fail",
        {},
        {"more": 1, "need": 470, "of": 1000},
    ),
    (
        "against a named baseline year, skipping the year between",
        ONLINE_VS_2021,
        MORE,
        2023,
        [online("2021", 1000, 420), online("2022", 1000, 600), online("2023", 1000, 421)],
        "2024-01-20",
        "pass",
        {"reference": "2021", "reference_numerator": 420},
        None,
    ),
    (
        "a missing previous year is missing data, the year lacking named",
        ONLINE,
        MORE,
        2022,
        [online("2022", 1200, 505)],
        "2023-01-20",
        "missing",
        {"for": ["2021"], "numerator": 505},
        {"for": ["2021"], "whole": True},
    ),
    (
        "a previous year known only by its first half is missing data",
        ONLINE,
        MORE,
        2022,
        [online("2021-H1", 500, 100), online("2022", 1200, 505)],
        "2023-01-20",
        "missing",
        {"for": ["2021"], "uncovered": [["2021-07-01", "2021-12-31"]]},
        None,
    ),
    (
        "a running year below the reference is not yet due",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022-H1", 1100, 440)],
        "2022-08-01",
        "pending",
        {"source": "2022-H1", "numerator": 440},
        {"more": 23, "need": 463, "of": 1100},
    ),
    (
        "a running year without any report is not yet due",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420)],
        "2022-08-01",
        "pending",
        {"for": ["2022"]},
        None,
    ),
    (
        "a running year already above the reference passes on the latest report",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022-9M", 1100, 500)],
        "2022-10-15",
        "pass",
        {"source": "2022-9M"},
        None,
    ),
    (
        "a year that is over needs a report covering it",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022-9M", 1100, 500)],
        "2023-01-20",
        "missing",
        {"for": ["2022"], "uncovered": [["2022-10-01", "2022-12-31"]]},
        None,
    ),
    (
        "nothing to divide in the judged year",
        ONLINE,
        MORE,
        2022,
        [online("2021", 1000, 420), online("2022", 0, 0)],
        "2023-01-20",
        "not_applicable",
        {"denominator": 0},
        None,
    ),
    (
        "shares of twelve-digit counts are told apart exactly",
        ONLINE,
        MORE,
        2022,
        [
            online("2021", 999_999_999_999, 999_999_999_998),
            online("2022", 1_000_000_000_000, 999_999_999_999),
        ],
        "2023-01-20",
        "pass",
        {},
        None,
    ),
    (
        "…and a share a hair lower fails",
        ONLINE,
        MORE,
        2022,
        [
            online("2021", 1_000_000_000_000, 999_999_999_999),
            online("2022", 999_999_999_999, 999_999_999_998),
        ],
        "2023-01-20",
        "fail",
        {},
        {"more": 1, "need": 999_999_999_999, "of": 999_999_999_999},
    ),
    (
        "a rank up two places meets a margin of two (lower is better)",
        {**RANK_DOWN},
        {"op": ">=", "value": 2},
        2022,
        [rank("2021", 9), rank("2022", 7)],
        "2023-06-01",
        "pass",
        {"value": 7, "reference_value": 9},
        None,
    ),
    (
        "a rank up one place misses a margin of two: one more place to climb",
        {**RANK_DOWN},
        {"op": ">=", "value": 2},
        2022,
        [rank("2021", 9), rank("2022", 8)],
        "2023-06-01",
        "fail",
        {},
        {"fewer": 1, "allowed": 7},
    ),
    (
        "a rank that fell three places: four to climb",
        {**RANK_DOWN},
        {"op": ">=", "value": 1},
        2022,
        [rank("2021", 9), rank("2022", 12)],
        "2023-06-01",
        "fail",
        {},
        {"fewer": 4, "allowed": 8},
    ),
    (
        "higher is better by default: a higher rank number is more",
        RANK,
        MORE,
        2022,
        [rank("2021", 9), rank("2022", 12)],
        "2023-06-01",
        "pass",
        {},
        None,
    ),
    (
        "a count at most the reference's (a cap)",
        RANK,
        {"op": "<=", "value": 0},
        2022,
        [rank("2021", 9), rank("2022", 12)],
        "2023-06-01",
        "fail",
        {},
        {"fewer": 3, "allowed": 9},
    ),
    (
        "more inspections than the previous year",
        INSPECTIONS,
        MORE,
        2022,
        [
            inspections("2021", "2021-04-10", "2021-10-10"),
            inspections("2022", "2022-03-10", "2022-06-10", "2022-11-10"),
        ],
        "2023-01-20",
        "pass",
        {"value": 3, "reference_value": 2},
        None,
    ),
    (
        "the same number of inspections is not more",
        INSPECTIONS,
        MORE,
        2022,
        [inspections("2021", "2021-04-10"), inspections("2022", "2022-03-10")],
        "2023-01-20",
        "fail",
        {"value": 1, "reference_value": 1},
        {"more": 1, "need": 2},
    ),
    (
        "an inspection repeated in cumulative reports counts once",
        INSPECTIONS,
        MORE,
        2022,
        [
            inspections("2021", "2021-04-10"),
            inspections("2022-H1", "2022-03-10"),
            inspections("2022", "2022-03-10"),
        ],
        "2023-01-20",
        "fail",
        {"value": 1},
        None,
    ),
    (
        "inspections of other units count too",
        INSPECTIONS,
        MORE,
        2022,
        [
            inspections("2021", "2021-04-10"),
            {
                "period": "2022",
                "events": [
                    {"kind": "inspection", "date": "2022-05-10", "inspected": "x"},
                    {"kind": "subordinate_inspection", "date": "2022-06-10"},
                ],
            },
        ],
        "2023-01-20",
        "pass",
        {"value": 2},
        None,
    ),
    (
        "reports covering the year together count its events",
        INSPECTIONS,
        MORE,
        2022,
        [
            inspections("2021", "2021-04-10"),
            inspections("2022-H1", "2022-03-10"),
            inspections("2022-H2", "2022-09-10"),
        ],
        "2023-01-20",
        "pass",
        {"value": 2},
        None,
    ),
    (
        "already more by June decides the year, whatever the rest adds",
        INSPECTIONS,
        MORE,
        2022,
        [
            inspections("2021", "2021-04-10"),
            inspections("2022-H1", "2022-03-10", "2022-05-10"),
        ],
        "2023-01-20",
        "pass",
        {"value": 2},
        None,
    ),
    (
        "not yet more by June, and nothing on the rest of the year: missing, events to report",
        INSPECTIONS,
        MORE,
        2022,
        [inspections("2021", "2021-04-10"), inspections("2022-H1", "2022-03-10")],
        "2023-01-20",
        "missing",
        {"for": ["2022"], "additive": True, "uncovered": [["2022-07-01", "2022-12-31"]]},
        {"whole": False},
    ),
    (
        "a previous year whose report says nothing of events is missing data",
        INSPECTIONS,
        MORE,
        2022,
        [{"period": "2021"}, inspections("2022", "2022-03-10")],
        "2023-01-20",
        "missing",
        {"for": ["2021"]},
        None,
    ),
    (
        "a previous year with no inspection at all (events: [])",
        INSPECTIONS,
        MORE,
        2022,
        [inspections("2021"), inspections("2022", "2022-03-10")],
        "2023-01-20",
        "pass",
        {"value": 1, "reference_value": 0},
        None,
    ),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("measure", "target", "year", "reports", "as_of", "status", "evidence", "gap"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_compare(
    measure: dict,
    target: dict,
    year: int,
    reports: list[dict],
    as_of: str,
    status: str,
    evidence: dict,
    gap: dict | None,
    engine: str,
) -> None:
    rule = a_rule(year, measure=measure, target=target)
    facts = [{"unit": "q", **report} for report in reports]
    evaluation = evaluate_rule(rule, facts, as_of, engine, DISTRICT_AND_COMMUNE)
    (finding,) = [f for f in evaluation.findings if f.unit_id == "q"]
    assert finding.period == str(year)
    assert finding.status == status, finding
    assert {key: finding.evidence.get(key) for key in evidence} == evidence
    if gap is None:
        if status in ("pass", "not_applicable"):
            assert finding.gap is None
    else:
        assert finding.gap is not None
        assert {key: finding.gap.get(key) for key in gap} == gap


def test_two_judged_years_each_compare_with_their_own_previous_year() -> None:
    rule = a_rule(2022, measure=ONLINE, target=MORE, periods=[2022, 2023])
    reports = [online("2021", 100, 40), online("2022", 100, 41), online("2023", 100, 41)]
    facts = [{"unit": "q", **report} for report in reports]
    for engine in ENGINES:
        evaluation = evaluate_rule(rule, facts, "2024-01-20", engine)
        statuses = {f.period: (f.status, f.evidence["reference"]) for f in evaluation.findings}
        assert statuses == {"2022": ("pass", "2021"), "2023": ("fail", "2022")}


# The schema: what a compare rule and a metric may say


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"measure": {**ONLINE, "metric": "no_such_metric"}}, "unknown metric"),
        (
            {"measure": {**ONLINE, "numerator": ["indicators.procedures_online_l34"]}},
            "not both",
        ),
        ({"measure": ONLINE, "periods": ["2022-Q1"]}, "whole years"),
        ({"measure": {**ONLINE, "against": 2022}}, "before every judged year"),
        ({"measure": ONLINE, "target": {"op": "between", "low": 0, "high": 1}}, "margin"),
        ({"measure": ONLINE, "target": {"op": ">", "value": -1}}, "margin"),
        ({"measure": {**ONLINE, "direction": "down"}}, "direction"),
        (
            {
                "measure": {"kind": "share", "metric": "inspections", "counted": "x"},
                "target": {"op": ">=", "value": 1},
            },
            "is not a share",
        ),
    ],
)
def test_a_compare_rule_that_cannot_be_read_is_refused(fields: dict, problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        a_rule(2022, **({"target": MORE} | fields))


def test_a_metric_fills_in_what_the_measure_reads() -> None:
    rule = a_rule(2022, measure=ONLINE, target=MORE)
    measure = rule.measure
    assert measure.numerator == ["indicators.procedures_online_with_dossiers"]
    assert measure.denominator == ["indicators.procedures_online_l34"]
    assert measure.counted == METRICS["online_share"].counted
    assert type(measure).model_validate(measure.model_dump()) == measure  # a round trip
    events = a_rule(2022, measure=INSPECTIONS, target=MORE).measure
    assert events.events == ["inspection", "subordinate_inspection"]
    assert events.denominator == []


@pytest.mark.parametrize(
    ("formula", "numerator", "denominator"),
    [
        ("indicators.par_index_rank", ("indicators.par_index_rank",), ()),
        (
            "(dossiers.resolved_early + dossiers.resolved_on_time) / dossiers.resolved_total",
            ("dossiers.resolved_early", "dossiers.resolved_on_time"),
            ("dossiers.resolved_total",),
        ),
        ("events.inspection + events.dialogue", ("events.inspection", "events.dialogue"), ()),
    ],
)
def test_a_formula_is_read_exactly(formula: str, numerator: tuple, denominator: tuple) -> None:
    assert parse_formula(formula) == (numerator, denominator)


@pytest.mark.parametrize(
    ("formula", "problem"),
    [
        ("indicators.no_such_count", "not a word"),
        ("dossiers.resolved_late / dossiers.resolved_total / dossiers.received_total", "one `/`"),
        ("events.inspection / dossiers.resolved_total", "never divided"),
        ("events.inspection + dossiers.resolved_total", "event kinds only"),
        ("resolved_late", "not a name"),
        ("((dossiers.resolved_late))", "parentheses"),
    ],
)
def test_a_formula_that_cannot_be_read_is_refused(formula: str, problem: str) -> None:
    with pytest.raises(MetricError, match=problem):
        parse_formula(formula)


def test_a_metrics_file_with_a_bad_entry_names_the_file_and_the_metric(tmp_path: Path) -> None:
    path = tmp_path / "metrics.yaml"
    path.write_text(
        "late:\n  formula: dossiers.resolved_lat\n  meaning: m\n  counted: c\n  counted_vi: c\n",
        encoding="utf-8",
    )
    with pytest.raises(MetricError, match=r"metrics\.yaml: late\.formula"):
        load_metrics(path)
    path.write_text("late:\n  formula: dossiers.resolved_late\n  meaning: m\n", encoding="utf-8")
    with pytest.raises(MetricError, match="counted"):
        load_metrics(path)


def test_every_metric_means_something_and_every_share_divides_a_part_by_its_whole() -> None:
    for metric in METRICS.values():
        assert metric.meaning and metric.counted
        if metric.kind == "share":
            assert bounded_by(list(metric.numerator), list(metric.denominator)), metric.name


def test_a_share_rule_naming_its_metric_reads_what_it_spelled_out() -> None:
    """The share rules converted to `metric:` read exactly the counts they spelled before."""
    catalogue = load_catalogue()
    spelled = {
        "HN2019-II-12b": (
            ["dossiers.received_postal"],
            ["dossiers.received_online", "dossiers.received_in_person", "dossiers.received_postal"],
        ),
        "HN2019-II-12c": (["dossiers.returned_postal"], ["dossiers.returned_total"]),
        "HN192-II.2.4-APOLOGY": (
            ["indicators.late_dossiers_apologised"],
            ["dossiers.resolved_late"],
        ),
        "TX2024-II.1.1-FEEDBACK": (
            ["indicators.tthc_feedback_handled_in_time"],
            ["indicators.tthc_feedback_received"],
        ),
    }
    for rule_id, (numerator, denominator) in spelled.items():
        measure = catalogue.rule(rule_id)[1].measure
        assert measure.metric is not None
        assert (measure.numerator, measure.denominator) == (numerator, denominator)
        written = measure.model_dump() | {"metric": None}
        assert type(measure).model_validate(written) == measure.model_copy(update={"metric": None})
        assert type(measure).model_validate(measure.model_dump()) == measure  # a round trip


# Duties judged month by month

MONTHLY = {"kind": "duty", "duty": "cchc_plan_issued", "every": "month"}


def duty(period: str, done: bool, on: str | None = None) -> dict[str, Any]:
    word: dict[str, Any] = {"done": done} | ({"date": on} if on else {})
    return {"period": period, "duties": {"cchc_plan_issued": word}}


MONTH_CASES = [
    (
        "each month of the judged half-year is its own finding",
        [duty("2022-M07", True), duty("2022-Q3", False), duty("2022-M10", True, "2022-10-30")],
        "2022-11-15",
        {
            "2022-M07": "pass",  # its own report beats the quarter's
            "2022-M08": "fail",  # the quarter's word covers it
            "2022-M09": "fail",
            "2022-M10": "pass",
            "2022-M11": "pending",  # no word yet while the month runs
            "2022-M12": "pending",
        },
    ),
    (
        "a done dated in another month says nothing of this one",
        [duty("2022-M08", True, "2022-07-29"), duty("2022-M07", True, "2022-07-29")],
        "2023-01-20",
        {
            "2022-M07": "pass",
            "2022-M08": "missing",
            "2022-M09": "missing",
            "2022-M10": "missing",
            "2022-M11": "missing",
            "2022-M12": "missing",
        },
    ),
    (
        "an annual word covers every month",
        [duty("2022", True)],
        "2023-01-20",
        dict.fromkeys([f"2022-M{m:02d}" for m in range(7, 13)], "pass"),
    ),
]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(
    ("reports", "as_of", "statuses"), [pytest.param(*c[1:], id=c[0]) for c in MONTH_CASES]
)
def test_a_monthly_duty_is_judged_month_by_month(
    reports: list[dict], as_of: str, statuses: dict[str, str], engine: str
) -> None:
    rule = a_rule(2022, measure=MONTHLY, periods=["2022-H2"])
    facts = [{"unit": "q", **report} for report in reports]
    evaluation = evaluate_rule(rule, facts, as_of, engine)
    assert {f.period: f.status for f in evaluation.findings} == statuses


def test_a_failed_month_is_due_by_its_own_end() -> None:
    rule = a_rule(2022, measure=MONTHLY, periods=["2022-Q3"])
    evaluation = evaluate_rule(
        rule, [{"unit": "q", **duty("2022-Q3", False)}], "2022-10-15", "python"
    )
    gaps = {f.period: f.gap["by"].isoformat() for f in evaluation.findings}
    assert gaps == {"2022-M07": "2022-07-31", "2022-M08": "2022-08-31", "2022-M09": "2022-09-30"}


def test_a_monthly_duty_has_no_single_due_date() -> None:
    with pytest.raises(ValidationError, match="no single `due` date"):
        a_rule(2022, measure={**MONTHLY, "due": "2022-07-05"})


def test_a_duty_without_every_is_judged_over_its_periods_as_before() -> None:
    rule: Rule = a_rule(2022, measure={"kind": "duty", "duty": "cchc_plan_issued"})
    reports = [{"unit": "q", **duty("2022-M03", True)}, {"unit": "q", **duty("2022", False)}]
    (finding,) = evaluate_rule(rule, reports, "2023-01-20", "python").findings
    assert (finding.period, finding.status, finding.evidence["report"]) == ("2022", "fail", "2022")
