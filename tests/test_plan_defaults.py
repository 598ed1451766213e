"""Plan files say once what most rules share (`defaults:`), and the catalogue writes the mechanical
boundary examples of a share or ratio target itself (rules/boundaries.py)."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from cchc.engine.evaluation import available_engines
from cchc.engine.examples import run_example
from cchc.facts.model import Report, report_problems
from cchc.facts.periods import Period
from cchc.rules.boundaries import NotGenerated, boundary_examples, generates
from cchc.rules.catalogue import CatalogueError, load_catalogue, load_plan
from cchc.rules.schema import ShareMeasure, Target

ENGINES = available_engines()
SOURCE = "000_b2df6c4f106955d6.txt"  # any file under rules/sources/: quotes are not checked here


def _plan(tmp_path: Path, rules: list[dict], **top: object) -> Path:
    document = {
        "plan": {
            "id": "test-plan",
            "jurisdiction": "ha-noi",
            "number": "1/KH",
            "title": "A test plan",
            "issued": date(2018, 12, 28),
            "issuer": "UBND",
            "source": SOURCE,
            "year": 2019,
        },
        "agencies": {"so-noi-vu": "Sở Nội vụ"},
        **top,
        "rules": rules,
    }
    path = tmp_path / "test-plan.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def _duty_rule(rule_id: str, **keys: object) -> dict:
    """A duty rule with its two examples, and only the keys given of the defaultable ones."""
    return {
        "id": rule_id,
        "title": "The unit issues its CCHC plan",
        "title_vi": "Đơn vị ban hành Kế hoạch CCHC",
        "area": "chi-dao-dieu-hanh",
        "citation": {"clause": "II.1", "quote": "xây dựng Kế hoạch"},
        **keys,
        "measure": {"kind": "duty", "duty": "cchc_plan_issued"},
        "examples": [
            {
                "name": "issued",
                "as_of": date(2020, 1, 15),
                "expect": "pass",
                "reports": [{"period": 2019, "duties": {"cchc_plan_issued": {"done": True}}}],
            },
            {
                "name": "not issued",
                "as_of": date(2020, 1, 15),
                "expect": "fail",
                "reports": [{"period": 2019, "duties": {"cchc_plan_issued": {"done": False}}}],
            },
        ],
    }


DEFAULTS = {
    "periods": [2019],
    "applies_to": {"kinds": ["department", "district"], "text": "Sở, UBND quận"},
    "strength": "firm",
}


def test_a_rule_takes_the_defaults_it_does_not_give(tmp_path: Path) -> None:
    plan = load_plan(_plan(tmp_path, [_duty_rule("T-1")], defaults=DEFAULTS))
    (rule,) = plan.rules
    assert rule.periods == [Period(2019)]
    assert rule.applies_to.kinds == ["department", "district"]
    assert rule.applies_to.text == "Sở, UBND quận"
    assert rule.strength == "firm"


def test_a_rules_own_value_replaces_the_default_whole(tmp_path: Path) -> None:
    own = _duty_rule(
        "T-2",
        periods=[2020],
        applies_to={"kinds": ["city"]},
        strength="aspirational",
    )
    plan = load_plan(_plan(tmp_path, [_duty_rule("T-1"), own], defaults=DEFAULTS))
    default, overridden = plan.rules
    assert overridden.periods == [Period(2020)]
    assert overridden.applies_to.kinds == ["city"]
    assert overridden.applies_to.text is None  # not merged with the default's `text`
    assert overridden.strength == "aspirational"
    assert default.applies_to.kinds == ["department", "district"]  # the next rule is untouched


def test_without_defaults_a_rule_must_give_the_keys(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as error:
        load_plan(_plan(tmp_path, [_duty_rule("T-1", applies_to={"kinds": ["city"]})]))
    problems = error.value.problems
    assert any(p.endswith("rules[0].periods (T-1): Field required") for p in problems)
    assert any(p.endswith("rules[0].strength (T-1): Field required") for p in problems)


def test_a_bad_default_is_reported_once_where_it_is_written(tmp_path: Path) -> None:
    defaults = {**DEFAULTS, "periods": ["2019-Q5"]}
    rules = [_duty_rule("T-1"), _duty_rule("T-2")]
    with pytest.raises(CatalogueError) as error:
        load_plan(_plan(tmp_path, rules, defaults=defaults))
    (problem,) = error.value.problems
    assert problem.startswith(f"{tmp_path / 'test-plan.yaml'}: defaults.periods[0]: ")
    assert "2019-Q5" in problem


def test_a_default_for_an_unknown_key_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as error:
        load_plan(_plan(tmp_path, [_duty_rule("T-1")], defaults={**DEFAULTS, "due_text": "x"}))
    (problem,) = error.value.problems
    assert "test-plan.yaml: defaults.due_text: " in problem


def test_an_unknown_agency_in_the_defaults_is_named_once(tmp_path: Path) -> None:
    defaults = {**DEFAULTS, "applies_to": {"agencies": ["so-xyz"]}}
    rules = [_duty_rule("T-1"), _duty_rule("T-2", applies_to={"agencies": ["so-abc"]})]
    with pytest.raises(CatalogueError) as error:
        load_plan(_plan(tmp_path, rules, defaults=defaults))
    assert error.value.problems == [
        f"{tmp_path / 'test-plan.yaml'}: defaults.applies_to: unknown agency 'so-xyz'; "
        "declare it in `agencies`",
        f"{tmp_path / 'test-plan.yaml'}: T-2: unknown agency 'so-abc'; declare it in `agencies`",
    ]


def test_a_rule_error_still_names_the_rule_and_the_key_path(tmp_path: Path) -> None:
    broken = _duty_rule("T-2")
    broken["measure"] = {"kind": "duty", "duty": "no_such_duty"}
    with pytest.raises(CatalogueError) as error:
        load_plan(_plan(tmp_path, [_duty_rule("T-1"), broken], defaults=DEFAULTS))
    (problem,) = error.value.problems
    assert "test-plan.yaml: rules[1].measure.duty.duty (T-2): " in problem


# ------------------------------------------------------------------ generated boundary examples

ON_TIME = {
    "kind": "share",
    "numerator": ["dossiers.resolved_early", "dossiers.resolved_on_time"],
    "denominator": [
        "dossiers.resolved_early",
        "dossiers.resolved_on_time",
        "dossiers.resolved_late",
    ],
    "counted": "dossiers resolved on time",
    "counted_vi": "dossiers resolved on time",
}
ONLINE = {
    "kind": "share",
    "numerator": ["indicators.procedures_online_l34"],
    "denominator": ["indicators.procedures_online_eligible"],
    "window": "year",
    "counted": "procedures online",
    "counted_vi": "procedures online",
}
SPENDING = {
    "kind": "ratio",
    "numerator": ["indicators.recurrent_spending"],
    "denominator": ["indicators.local_budget_spending"],
    "counted": "recurrent spending",
    "counted_vi": "recurrent spending",
}


def _share_rule(rule_id: str, measure: dict, target: dict, **keys: object) -> dict:
    return {
        "id": rule_id,
        "title": "A share",
        "title_vi": "Một tỷ lệ",
        "area": "tthc",
        "citation": {"clause": "II.2", "quote": "tỷ lệ"},
        "measure": measure,
        "target": target,
        **keys,
    }


# target, measure -> (numerator, denominator, expected status) of each generated example
CASES = {
    "95%": ({"op": ">=", "value": "95%"}, ON_TIME, [(19, 20, "pass"), (18, 20, "fail")]),
    "100%": ({"op": ">=", "value": "100%"}, ONLINE, [(20, 20, "pass"), (19, 20, "fail")]),
    "99%": ({"op": ">=", "value": "99%"}, ON_TIME, [(99, 100, "pass"), (98, 100, "fail")]),
    "2/3": ({"op": ">=", "value": "2/3"}, ONLINE, [(14, 21, "pass"), (13, 21, "fail")]),
    "above 50%": ({"op": ">", "value": "50%"}, ON_TIME, [(11, 20, "pass"), (10, 20, "fail")]),
    "at most 10%": ({"op": "<=", "value": "10%"}, ONLINE, [(2, 20, "pass"), (3, 20, "fail")]),
    "under 10%": ({"op": "<", "value": "10%"}, ON_TIME, [(1, 20, "pass"), (2, 20, "fail")]),
    "at most 0%": ({"op": "<=", "value": 0}, ON_TIME, [(0, 20, "pass"), (1, 20, "fail")]),
    "50-52%": (
        {"op": "between", "low": "50%", "high": "52%"},
        SPENDING,
        [(25, 50, "pass"), (24, 50, "fail"), (26, 50, "pass"), (27, 50, "fail")],
    ),
}


def _figures(finding) -> dict:
    """The finding's raw figures: `evidence` (earlier `numbers`, as the engine still names them
    in some versions)."""
    return finding.evidence if hasattr(finding, "evidence") else finding.numbers


@pytest.fixture(scope="module")
def boundary_plan(tmp_path_factory: pytest.TempPathFactory):
    rules = [
        _share_rule(f"T-{n}", measure, target)
        for n, (target, measure, _) in enumerate(CASES.values())
    ]
    return load_plan(_plan(tmp_path_factory.mktemp("plan"), rules, defaults=DEFAULTS))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES)
def test_generated_examples_sit_exactly_on_the_boundary(boundary_plan, case, engine) -> None:
    """A rule that gives no example of its own has the generated ones, which pass and fail."""
    index = list(CASES).index(case)
    rule = boundary_plan.rules[index]
    expected = CASES[case][2]
    assert len(rule.examples) == len(expected)
    for example, (numerator, denominator, status) in zip(rule.examples, expected, strict=True):
        assert example.expect == status
        assert example.as_of == date(2020, 1, 1)  # the day after the first period, 2019
        assert [report["period"] for report in example.reports] == ["2019"]
        result = run_example(boundary_plan, rule, example, engine)
        assert result.ok, result.problem
        assert result.finding is not None and result.finding.status == status
        figures = _figures(result.finding)
        assert (figures["numerator"], figures["denominator"]) == (numerator, denominator)


@pytest.mark.parametrize("engine", ENGINES)
def test_a_first_period_of_part_of_a_year_is_judged_on_its_own(tmp_path: Path, engine) -> None:
    rule = _share_rule("T-1", ON_TIME, {"op": ">=", "value": "95%"}, periods=["2019-Q1", 2019])
    plan = load_plan(_plan(tmp_path, [rule], defaults=DEFAULTS))
    (loaded,) = plan.rules
    assert [(e.as_of, e.period, e.expect) for e in loaded.examples] == [
        (date(2019, 4, 1), "2019-Q1", "pass"),
        (date(2019, 4, 1), "2019-Q1", "fail"),
    ]
    for example in loaded.examples:
        result = run_example(plan, loaded, example, engine)
        assert result.ok, result.problem


def test_the_counts_keep_the_numerator_inside_the_denominator(boundary_plan) -> None:
    """`resolved_early + resolved_on_time` of `… + resolved_late`: the numerator's counts are part
    of the denominator's, and the late ones are the rest."""
    rule = boundary_plan.rules[list(CASES).index("95%")]
    meets, short = (example.reports[0]["dossiers"] for example in rule.examples)
    assert meets == {"resolved_early": 19, "resolved_on_time": 0, "resolved_late": 1}
    assert short == {"resolved_early": 18, "resolved_on_time": 0, "resolved_late": 2}


def test_the_counts_go_where_the_fact_loader_accepts_them() -> None:
    """The first field of the denominator would leave `processed_online_l3` above its whole,
    `processed_in_l3_procedures`, at 0: the whole takes the count instead."""
    measure = ShareMeasure.model_validate(
        {
            "kind": "share",
            "numerator": ["dossiers.processed_online_l3"],
            "denominator": [
                "dossiers.processed_in_l4_procedures",
                "dossiers.processed_in_l3_procedures",
            ],
            "counted": "dossiers online",
            "counted_vi": "dossiers online",
        }
    )
    examples = boundary_examples(measure, Target(op=">=", value=Fraction(2, 5)), [Period(2019)])
    for example in examples:
        (report,) = example.reports
        assert not report_problems(Report.model_validate({"unit": "u1", **report}))
        assert report["dossiers"]["processed_in_l4_procedures"] == 0
        assert report["dossiers"]["processed_in_l3_procedures"] == 20
    assert [e.reports[0]["dossiers"]["processed_online_l3"] for e in examples] == [8, 7]


def _on_time_example(name: str, expect: str, late: int) -> dict:
    dossiers = {"resolved_early": 5, "resolved_on_time": 5 - late, "resolved_late": late}
    return {
        "name": name,
        "as_of": date(2020, 1, 15),
        "expect": expect,
        "reports": [{"period": 2019, "dossiers": dossiers}],
    }


def test_a_rule_may_opt_out_and_then_needs_its_own_examples(tmp_path: Path) -> None:
    rule = _share_rule("T-1", ON_TIME, {"op": ">=", "value": "95%"}, generated_examples=False)
    rule["examples"] = [_on_time_example("all on time", "pass", 0)] * 2
    with pytest.raises(CatalogueError, match=r"rules\[0\] \(T-1\): examples need at least one"):
        load_plan(_plan(tmp_path, [rule], defaults=DEFAULTS))
    rule["examples"] = [
        _on_time_example("all on time", "pass", 0),
        _on_time_example("half late", "fail", 5),
    ]
    (loaded,) = load_plan(_plan(tmp_path, [rule], defaults=DEFAULTS)).rules
    assert [example.name for example in loaded.examples] == ["all on time", "half late"]


def test_the_generated_examples_make_up_a_missing_fail(tmp_path: Path) -> None:
    """The check for a passing and a failing example runs after generation."""
    rule = _share_rule("T-1", ON_TIME, {"op": ">=", "value": "95%"})
    rule["examples"] = [_on_time_example("all on time", "pass", 0)]
    (loaded,) = load_plan(_plan(tmp_path, [rule], defaults=DEFAULTS)).rules
    assert [example.expect for example in loaded.examples] == ["pass", "pass", "fail"]


def test_the_written_examples_come_first_and_keep_their_index(tmp_path: Path) -> None:
    """An error in a written example names its place in the file, generated ones coming after."""
    rule = _share_rule("T-1", ON_TIME, {"op": ">=", "value": "95%"})
    rule["examples"] = [{"name": "no date", "expect": "missing", "reports": []}]
    with pytest.raises(CatalogueError) as error:
        load_plan(_plan(tmp_path, [rule], defaults=DEFAULTS))
    assert any(
        "rules[0].examples[0].as_of (T-1): Field required" in p for p in error.value.problems
    )


def test_a_target_with_no_whole_count_on_one_side_generates_nothing() -> None:
    measure = ShareMeasure.model_validate(ON_TIME)
    for target in (Target(op=">=", value=0), Target(op="<=", value=1), Target(op=">", value=1)):
        with pytest.raises(NotGenerated):
            boundary_examples(measure, target, [Period(2019)])


def test_every_share_and_ratio_rule_of_the_catalogue_gets_its_boundary_examples() -> None:
    for plan in load_catalogue().plans.values():
        for rule in plan.rules:
            if generates(rule.measure) and rule.generated_examples:
                generated = boundary_examples(rule.measure, rule.target, rule.periods)
                assert generated, rule.id
                assert rule.examples[-len(generated) :] == generated, rule.id


def test_a_plan_rule_without_its_vietnamese_title_area_or_counted_is_refused(
    tmp_path: Path,
) -> None:
    rule = _duty_rule("T-NO-VI")
    del rule["title_vi"], rule["area"]
    with pytest.raises(CatalogueError) as raised:
        load_plan(_plan(tmp_path, [rule], defaults=DEFAULTS))
    assert sorted(p.split(": ")[-1] for p in raised.value.problems) == [
        "give `area`",
        "give `title_vi` (beside `title`)",
    ]


def test_every_shipped_rule_has_both_titles_an_area_and_both_counted_phrases() -> None:
    for plan in load_catalogue().plans.values():
        for rule in plan.rules:
            assert rule.title and rule.title_vi and rule.area, rule.id
            if getattr(rule.measure, "counted", None):
                assert getattr(rule.measure, "counted_vi", None), rule.id
