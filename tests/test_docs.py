"""The README documents what the code accepts: every name of the fact vocabulary is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cchc.facts.load import CSV_TABLES
from cchc.facts.vocabulary import CORE_NAMES, DOSSIER_FIELDS, DUTIES, EVENT_KINDS, INDICATORS
from cchc.rules.measures import MEASURES

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
NAMES = [*sorted(CORE_NAMES), *CSV_TABLES, *MEASURES]


@pytest.mark.parametrize("name", NAMES)
def test_readme_names_it(name: str) -> None:
    assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", README), name


def test_readme_test_command_is_what_ci_runs() -> None:
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text(encoding="utf-8")
    assert ".venv/bin/pytest" in README and ".venv/bin/pytest" in ci


@pytest.mark.parametrize("table", [DOSSIER_FIELDS, INDICATORS, DUTIES, EVENT_KINDS])
def test_every_vocabulary_entry_says_what_it_means(table: dict) -> None:
    for name, entry in table.items():
        assert entry.meaning.strip(), name


def test_facts_vocabulary_prints_every_name() -> None:
    from click.testing import CliRunner

    from cchc.cli import main

    output = CliRunner().invoke(main, ["facts", "vocabulary"]).output
    for name in [*DOSSIER_FIELDS, *INDICATORS, *DUTIES, *EVENT_KINDS]:
        assert name in output
