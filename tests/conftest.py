from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cchc.app import CheckRequest, check
from cchc.engine.evaluation import Evaluation, available_engines
from cchc.engine.examples import ExampleResult, run_example
from cchc.rules.catalogue import Catalogue, load_catalogue


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def example_results(catalogue: Catalogue) -> dict[str, dict[tuple[str, int], ExampleResult]]:
    """Every rule example's result on each evaluator, run once for the whole session: several
    tests read them (the status each states, the gap each gives)."""
    results: dict[str, dict[tuple[str, int], ExampleResult]] = {}
    for engine in available_engines():
        by_example: dict[tuple[str, int], ExampleResult] = {}
        for plan in catalogue.plans.values():
            for rule in plan.rules:
                for index, example in enumerate(rule.examples):
                    by_example[(rule.id, index)] = run_example(plan, rule, example, engine)
        results[engine] = by_example
    return results


# Each shipped example folder with a date its README's counts table uses (the first).
EXAMPLE_DATES = {
    "bieu06": "2019-04-15",
    "hanoi-2019": "2020-01-15",
    "hanoi-papi-2018": "2019-01-20",
    "hanoi-par-sipas-2022": "2023-06-01",
    "thanh-xuan-2024": "2025-01-20",
    "thua-thien-hue-2018": "2019-01-20",
}


@pytest.fixture(scope="session")
def example_evaluations() -> dict[str, Evaluation]:
    """Every shipped example folder evaluated once (python evaluator): what the report format
    tests render."""
    root = Path(__file__).resolve().parents[1] / "examples"
    return {
        folder: check(CheckRequest([str(root / folder)], (), date.fromisoformat(day), "python"))
        for folder, day in EXAMPLE_DATES.items()
    }


# Costly session fixtures, computed once per worker under pytest-xdist: the tests that use one
# go to the same worker (--dist loadgroup), so no two workers compute it.
COSTLY_FIXTURES = ("example_results", "example_evaluations")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        used = [name for name in COSTLY_FIXTURES if name in getattr(item, "fixturenames", ())]
        if used:
            item.add_marker(pytest.mark.xdist_group(used[0]))
