"""Every shipped example: `cchc check` picks its plan by itself and fails firm targets on purpose,
on both evaluators. The counts its README states are checked by test_example_readmes.py."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_example_readmes import readme, table_rows

from cchc.cli import main
from cchc.engine.evaluation import available_engines

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# folder, the as-of date its README explains, the plan picked
EXPECTED = [
    ("hanoi-2019", "2020-01-15", "hanoi-cchc-2019"),
    ("thanh-xuan-2024", "2025-01-20", "thanh-xuan-cchc-2024"),
    ("thua-thien-hue-2018", "2019-01-20", "thua-thien-hue-cchc-2018"),
    ("hanoi-par-sipas-2022", "2023-06-01", "hanoi-par-sipas-2022"),
    ("hanoi-papi-2018", "2019-01-20", "hanoi-papi-2018"),
    ("bieu06", "2019-04-15", "hanoi-cchc-2019"),
]


def test_every_example_folder_is_covered() -> None:
    # examples/records holds dossier records for `check --dossiers`, not a fact folder.
    folders = {p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "records"}
    assert folders == {folder for folder, *_ in EXPECTED}


@pytest.mark.parametrize("engine", available_engines())
@pytest.mark.parametrize(("folder", "as_of", "plan"), EXPECTED)
def test_the_example_picks_its_plan_and_fails_firm_targets(
    engine: str, folder: str, as_of: str, plan: str
) -> None:
    result = CliRunner().invoke(
        main,
        ["check", str(EXAMPLES / folder), "--as-of", as_of, "--format", "json", "--engine", engine],
    )
    assert result.exit_code == 1, result.output  # each example fails firm targets on purpose
    document = json.loads(result.output)
    assert [p["id"] for p in document["plans"]] == [plan]
    assert document["summary"]["firm_failures"] > 0


@pytest.mark.parametrize(("folder", "as_of", "plan"), EXPECTED)
def test_the_readme_counts_cover_the_date_it_explains(folder: str, as_of: str, plan: str) -> None:
    assert (as_of, "all") in {row[:2] for row in table_rows(readme(folder))}
