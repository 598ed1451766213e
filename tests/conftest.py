from __future__ import annotations

import pytest

from cchc.engine.evaluation import available_engines
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
