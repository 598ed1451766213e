"""Every example README states its status counts in one machine-readable table, and the checker
gives exactly those counts, on both evaluators. On a mismatch the failure prints the table to paste.

The table sits between `<!-- counts:begin -->` and `<!-- counts:end -->` under `## Status counts`:

| as of | unit | findings | PASS | FAIL | FAIL firm | FAIL aim | pending | missing | n/a |

with one `all` row per as-of date the README discusses and, for a date whose findings the README
explains unit by unit, one row per unit with findings (by unit id). The prose refers to the table
and states no count of its own."""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc.cli import main
from cchc.engine.evaluation import available_engines

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
BEGIN, END = "<!-- counts:begin -->", "<!-- counts:end -->"
HEADER = ("as of", "unit", "findings", "PASS", "FAIL", "FAIL firm", "FAIL aim", "pending")
HEADER += ("missing", "n/a")
STATUSES = ("pass", "fail", "pending", "missing", "not_applicable")
TOTAL = "all"

Row = tuple[str, ...]


def readme(folder: str) -> str:
    return (EXAMPLES / folder / "README.md").read_text(encoding="utf-8")


def table_rows(text: str) -> list[Row]:
    """The rows of the counts table, header and separator excluded."""
    assert text.count(BEGIN) == 1 and text.count(END) == 1, "one counts table, delimited"
    block = text.split(BEGIN)[1].split(END)[0]
    lines = [line.strip() for line in block.strip().splitlines()]
    rows = [tuple(cell.strip() for cell in line.strip("|").split("|")) for line in lines]
    assert rows[0] == HEADER, rows[0]
    assert all(set(cell) <= set("-: ") for cell in rows[1]), "a separator row after the header"
    return rows[2:]


def counts_row(as_of: str, unit: str, findings: list[dict], rules: dict) -> Row:
    statuses = Counter(finding["status"] for finding in findings)
    strengths = Counter(rules[f["rule"]]["strength"] for f in findings if f["status"] == "fail")
    numbers = [len(findings), statuses["pass"], statuses["fail"], strengths["firm"]]
    numbers += [strengths["aspirational"], *(statuses[s] for s in STATUSES[2:])]
    return (as_of, unit, *map(str, numbers))


@cache
def checked(folder: str, as_of: str, engine: str) -> dict:
    arguments = ["check", str(EXAMPLES / folder), "--as-of", as_of, "--format", "json"]
    result = CliRunner().invoke(main, [*arguments, "--engine", engine])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def tool_rows(folder: str, as_of: str, engine: str, by_unit: bool) -> list[Row]:
    document = checked(folder, as_of, engine)
    findings = document["findings"]
    rules = document["rules"]
    rows = [counts_row(as_of, TOTAL, findings, rules)]
    summary = [document["summary"][status] for status in STATUSES]
    assert summary == [int(rows[0][column]) for column in (3, 4, 7, 8, 9)]
    if by_unit:
        for unit in sorted({str(f["unit"]) for f in findings}):
            mine = [f for f in findings if str(f["unit"]) == unit]
            rows.append(counts_row(as_of, unit, mine, rules))
    return rows


def markdown(rows: list[Row]) -> str:
    lines = [HEADER, tuple("---" for _ in HEADER), *rows]
    return "\n".join("| " + " | ".join(row) + " |" for row in lines)


def expected_table(folder: str, stated: list[Row], engine: str) -> list[Row]:
    """The tool's rows for the dates the README states, unit by unit where the README goes so."""
    dates = list(dict.fromkeys(row[0] for row in stated))
    by_unit = {row[0] for row in stated if row[1] != TOTAL}
    return [row for day in dates for row in tool_rows(folder, day, engine, day in by_unit)]


# Fact folders (examples/records holds dossier records for `check --dossiers`; its README's
# counts are tested in tests/test_reconciliation.py).
FOLDERS = sorted(
    p.name for p in EXAMPLES.iterdir() if (p / "README.md").is_file() and p.name != "records"
)


@pytest.mark.parametrize("engine", available_engines())
@pytest.mark.parametrize("folder", FOLDERS)
def test_the_readme_states_the_counts_the_tool_gives(folder: str, engine: str) -> None:
    stated = table_rows(readme(folder))
    expected = expected_table(folder, stated, engine)
    wrong = [row for row in expected if row not in stated]
    message = (
        f"examples/{folder}/README.md: the counts table is stale ({engine} evaluator). "
        "Rows the tool gives that the README lacks:\n"
        + "\n".join("| " + " | ".join(row) + " |" for row in wrong)
        + f"\nThe whole table to paste between {BEGIN} and {END}:\n{markdown(expected)}"
    )
    assert stated == expected, message


@pytest.mark.parametrize("folder", FOLDERS)
def test_each_readme_has_a_total_row_per_date(folder: str) -> None:
    stated = table_rows(readme(folder))
    dates = {row[0] for row in stated}
    assert dates and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day) for day in dates)
    assert sorted(row[0] for row in stated if row[1] == TOTAL) == sorted(dates)


@pytest.mark.parametrize("folder", FOLDERS)
def test_the_prose_states_no_total_of_its_own(folder: str) -> None:
    """Totals live in the table only: prose like "371 findings" or "PASS 348" would go stale."""
    prose = readme(folder).replace(readme(folder).split(BEGIN)[1].split(END)[0], "")
    counted = r"(?<![\w/.-])\d[\d,]* (findings|PASS|FAIL|pending|missing|n/a)\b"
    stated = r"\b(PASS|FAIL|pending|missing|n/a) \d+\b"
    assert re.findall(counted, prose) == [] and re.findall(stated, prose) == []


def test_a_stale_table_is_caught() -> None:
    stated = table_rows(readme("hanoi-papi-2018"))
    first = stated[0]
    stale = (first[0], first[1], str(int(first[2]) + 1), *first[3:])
    engine = available_engines()[0]
    assert expected_table("hanoi-papi-2018", [stale, *stated[1:]], engine)[0] != stale
