"""Fact sets built in code, for tests and the benchmark: N units with plausible, varied figures."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from cchc.engine.evaluation import Evaluation, evaluate
from cchc.facts.load import facts_from_document
from cchc.facts.model import FactSet
from cchc.rules.catalogue import Plan, load_catalogue
from cchc.rules.schema import Rule

PERIODS = [
    ("2019-Q1", "2019-03-0"),
    ("2019-H1", "2019-06-0"),
    ("2019-9M", "2019-09-0"),
    ("2019", "2019-11-0"),
]


def generated_document(units: int, seed: int = 7) -> dict[str, Any]:
    """`units` departments and districts over the Hà Nội 2019 reporting periods."""
    rng = random.Random(seed)
    registry = [{"id": "tp", "name": "UBND Thành phố", "kind": "city"}]
    reports: list[dict[str, Any]] = []
    for index in range(units):
        kind = "district" if index % 3 else "department"
        unit_id = f"u{index:05d}"
        registry.append({"id": unit_id, "name": f"Đơn vị {index}", "kind": kind})
        scale = 1
        for period, sent_prefix in PERIODS:
            scale += 1
            resolved = rng.randint(0, 400) * scale
            late = min(resolved, rng.choice([0, 1, 2, 5, 20, 60]) * scale)
            early = rng.randint(0, resolved - late)
            received_online, received_in_person, received_postal = (
                rng.randint(0, 200) * scale,
                rng.randint(50, 400) * scale,
                rng.randint(0, 40) * scale,
            )
            dialogue_month = rng.choice(["02", "05", "08", "10"])
            reports.append(
                {
                    "unit": unit_id,
                    "period": period,
                    "submitted": f"{sent_prefix}{rng.choice([1, 2, 3, 4, 5, 6])}",
                    "dossiers": {
                        "resolved_early": early,
                        "resolved_on_time": resolved - late - early,
                        "resolved_late": late,
                        "received_online": received_online,
                        "received_in_person": received_in_person,
                        "received_postal": received_postal,
                    },
                    "indicators": {
                        "procedures_online_eligible": 100,
                        "procedures_online_l34": rng.randint(70, 100),
                        "cchc_initiatives": rng.randint(0, 3),
                    },
                    "duties": {"cchc_plan_issued": {"done": rng.random() > 0.1}},
                    "events": [{"kind": "dialogue", "date": f"2019-{dialogue_month}-15"}]
                    if period == "2019"
                    else [],
                }
            )
        if index % 4 == 0:
            reports[-1]["events"].append(
                {"kind": "inspection", "date": "2019-06-20", "inspected": unit_id}
            )
    return {"units": registry, "reports": reports}


def generated_facts(units: int, seed: int = 7) -> FactSet:
    return facts_from_document(generated_document(units, seed), f"generated-{units}")


def a_rule(year: int, **fields: Any) -> Rule:
    """A rule built in code for a test: a district's, over `year`, with the two examples the
    schema requires (they are not run); `fields` give the measure, target and the rest."""
    base = {
        "id": "T-1",
        "title": "test rule",
        "citation": {"clause": "x", "quote": "y"},
        "applies_to": {"kinds": ["district"]},
        "strength": "firm",
        "periods": [year],
        "examples": [
            {"name": "a", "as_of": f"{year + 1}-01-01", "expect": "pass"},
            {"name": "b", "as_of": f"{year + 1}-01-01", "expect": "fail"},
        ],
    }
    return Rule.model_validate(base | fields)


A_DISTRICT = [{"id": "q", "name": "Quận", "kind": "district"}]


def evaluate_rule(
    rule: Rule, reports: list[dict], as_of: str, engine: str, units: list[dict] | None = None
) -> Evaluation:
    """One rule over a small fact set (one district `q` unless `units` are given), as the plan
    Hà Nội 2019 would carry it: that plan lends only its identity to the findings."""
    host = load_catalogue().plans["hanoi-cchc-2019"]
    facts = facts_from_document({"units": units or A_DISTRICT, "reports": reports})
    plan = Plan(host.info, host.agencies, [rule], [], [], host.file)
    return evaluate([plan], facts, date.fromisoformat(as_of), engine)  # type: ignore[arg-type]


# The on-time share of the Hà Nội 2019 and Thanh Xuân plans, as a measure for rules built in tests.
ON_TIME_SHARE = {
    "kind": "share",
    "counted": "dossiers on time",
    "numerator": ["dossiers.resolved_early", "dossiers.resolved_on_time"],
    "denominator": [
        "dossiers.resolved_early",
        "dossiers.resolved_on_time",
        "dossiers.resolved_late",
    ],
}


def english(problems: list) -> list[str]:
    """Problems (facts/problems.py) as the English lines `cchc --lang en` prints: tests name
    places, values and, where the wording is the point, the English message."""
    from cchc.reports.wording import language
    from cchc.reports.wording.problems import word_problems

    return word_problems(list(problems), language("en"))
