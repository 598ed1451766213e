"""Every shipped example: `cchc check` picks its plan by itself and gives the findings its README
explains, identically on both evaluators."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc.cli import main
from cchc.engine.evaluate import available_engines

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# folder, as-of, the plan picked, and (pass, fail, pending, missing, not_applicable)
EXPECTED = [
    ("hanoi-2019", "2020-01-15", "hanoi-cchc-2019", (348, 18, 3, 1, 1)),
    ("thanh-xuan-2024", "2025-01-20", "thanh-xuan-cchc-2024", (294, 18, 0, 5, 10)),
    ("thua-thien-hue-2018", "2019-01-20", "thua-thien-hue-cchc-2018", (205, 20, 0, 4, 7)),
    ("hanoi-par-sipas-2022", "2023-06-01", "hanoi-par-sipas-2022", (156, 11, 0, 1, 0)),
    ("hanoi-papi-2018", "2019-01-20", "hanoi-papi-2018", (16, 6, 0, 2, 0)),
]


def test_every_example_folder_is_covered() -> None:
    folders = {p.name for p in EXAMPLES.iterdir() if p.is_dir()}
    assert folders == {folder for folder, *_ in EXPECTED}


@pytest.mark.parametrize("engine", available_engines())
@pytest.mark.parametrize(("folder", "as_of", "plan", "counts"), EXPECTED)
def test_the_example_gives_the_findings_its_readme_explains(
    engine: str, folder: str, as_of: str, plan: str, counts: tuple[int, ...]
) -> None:
    result = CliRunner().invoke(
        main,
        ["check", str(EXAMPLES / folder), "--as-of", as_of, "--format", "json", "--engine", engine],
    )
    assert result.exit_code == 1, result.output  # each example fails firm targets on purpose
    document = json.loads(result.output)
    assert [p["id"] for p in document["plans"]] == [plan]
    summary = document["summary"]
    statuses = ("pass", "fail", "pending", "missing", "not_applicable")
    assert tuple(summary[s] for s in statuses) == counts
    readme = (EXAMPLES / folder / "README.md").read_text(encoding="utf-8")
    assert str(summary["findings"]) in readme
