"""The CSV report: a spreadsheet's table of every finding, with codes beside the words, plain
numbers, ISO dates, and no cell a spreadsheet could take for a formula."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import EXAMPLE_DATES
from hostile_reports import FORMULA_LEADS, HOSTILE_NAMES, HOSTILE_NOTE, hostile

from cchc.cli import main
from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.reports import csv_report
from cchc.reports.csv_report import COLUMNS
from cchc.reports.output import whole
from cchc.reports.terminal import printable
from cchc.reports.view import RenderOptions, ReportView

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
NUMERIC = {"csv.numerator", "csv.denominator", "csv.count", "csv.value", "csv.score"}
NUMERIC |= {"csv.days_vs_due"}
CASES = [(folder, lang) for folder in EXAMPLE_DATES for lang in ("vi", "en")]


def rendered(evaluation: Evaluation, options: RenderOptions) -> bytes:
    report = whole(csv_report.render(evaluation, options))
    assert isinstance(report, bytes)
    return report


def parsed(report: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """The header, and each row by its column's message key."""
    assert report.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(report.decode("utf-8-sig"), newline="")))
    keys = [column.key for column in COLUMNS]
    assert all(len(row) == len(keys) for row in rows)
    return header, [dict(zip(keys, row, strict=True)) for row in rows]


@pytest.mark.parametrize(("folder", "lang"), CASES)
def test_every_finding_is_a_row_and_the_counts_are_the_views(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    view = ReportView(evaluation, RenderOptions(lang))
    header, rows = parsed(rendered(evaluation, RenderOptions(lang)))
    assert header == [view(column.key) for column in COLUMNS]
    assert len(rows) == view.total.total == len(evaluation.findings)
    per_unit = Counter((row["csv.unit_id"], row["csv.status_code"]) for row in rows)
    assert per_unit == Counter(
        {(u.unit_id, s): n for u in view.units for s, n in u.counts.by_status.items()}
    )
    per_area = Counter(
        (row["report.plan"], row["csv.area_code"], row["csv.status_code"]) for row in rows
    )
    assert per_area == Counter(
        {(*key, s): n for key, counts in view.by_area.items() for s, n in counts.by_status.items()}
    )
    words = {view.status_word(status): status for status in STATUSES}
    assert all(words[row["report.status"]] == row["csv.status_code"] for row in rows)


@pytest.mark.parametrize(("folder", "lang"), CASES)
def test_strength_is_a_code_and_a_word_for_every_finding(
    example_evaluations: dict[str, Evaluation], folder: str, lang: str
) -> None:
    evaluation = example_evaluations[folder]
    view = ReportView(evaluation, RenderOptions(lang))
    _, rows = parsed(rendered(evaluation, RenderOptions(lang)))
    for row in rows:
        strength = evaluation.rule(row["report.rule"]).strength
        assert row["csv.strength_code"] == strength
        assert row["report.strength"] == view.strength_word(strength)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_numbers_are_plain_and_dates_iso_in_either_language(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    """Soc Son's first quarter: 1,843 of 1,950 dossiers on time, written 1843 and 1950."""
    _, rows = parsed(rendered(example_evaluations["hanoi-2019"], RenderOptions(lang)))
    (quarter,) = [
        row
        for row in rows
        if (row["report.rule"], row["csv.unit_id"], row["csv.period_code"])
        == ("HN2019-II-06", "soc-son", "2019-Q1")
    ]
    assert (quarter["csv.numerator"], quarter["csv.denominator"]) == ("1843", "1950")
    assert quarter["csv.status_code"] == "fail"
    dues = [row["report.due"] for row in rows if row["report.due"]]
    assert dues and all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", due) for due in dues)
    for row in rows:
        for key in NUMERIC:
            assert re.fullmatch(r"(-?\d+(\.\d+)?)?", row[key]), (key, row[key])


def test_a_score_is_its_decimal_value(example_evaluations: dict[str, Evaluation]) -> None:
    _, rows = parsed(rendered(example_evaluations["hanoi-par-sipas-2022"], RenderOptions("vi")))
    scores = [row["csv.score"] for row in rows if row["csv.score"]]
    assert scores and all(float(score) > 0 for score in scores)
    assert "88.4" in scores  # 442/5


def test_only_narrows_the_rows_and_all_changes_nothing(
    example_evaluations: dict[str, Evaluation],
) -> None:
    evaluation = example_evaluations["thua-thien-hue-2018"]
    summary = evaluation.summary()
    _, failing = parsed(rendered(evaluation, RenderOptions("vi", only=("fail",))))
    assert len(failing) == summary["fail"] > 0
    assert {row["csv.status_code"] for row in failing} == {"fail"}
    default = rendered(evaluation, RenderOptions("vi"))
    assert default == rendered(evaluation, RenderOptions("vi", everything=True))
    assert len(parsed(default)[1]) == summary["findings"]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_hostile_text_never_starts_a_formula(
    example_evaluations: dict[str, Evaluation], lang: str
) -> None:
    evaluation = hostile(example_evaluations["thua-thien-hue-2018"])  # 11 units, all named
    _, rows = parsed(rendered(evaluation, RenderOptions(lang)))
    for row in rows:
        for key, cell in row.items():
            if key not in NUMERIC:
                assert not cell.startswith(FORMULA_LEADS), (key, cell)
    names = {row["report.unit"] for row in rows}
    for name in HOSTILE_NAMES:
        shown = printable(name)
        expected = "'" + shown if shown.startswith(FORMULA_LEADS) else shown
        assert expected in names
    assert '\'=HYPERLINK("http://x","y")' in names
    assert "<script>alert(1)</script>" in names
    assert "\\x0d=2" in names  # a CR is written as an escape, and then starts nothing
    notes = [
        row["report.evidence"]
        for row in rows
        if HOSTILE_NOTE.split("\n")[0] in row["report.evidence"]
    ]
    assert notes  # kept as text: a CSV cell holds any text once it cannot start a formula


def test_a_report_comes_in_pieces_that_make_the_whole(
    example_evaluations: dict[str, Evaluation], monkeypatch: pytest.MonkeyPatch
) -> None:
    evaluation = example_evaluations["hanoi-2019"]
    whole_report = rendered(evaluation, RenderOptions("en"))
    monkeypatch.setattr(csv_report, "ROWS_PER_PIECE", 50)
    pieces = list(csv_report.render(evaluation, RenderOptions("en")))
    assert len(pieces) == 1 + -(-len(evaluation.findings) // 50)
    assert b"".join(pieces) == whole_report


def test_one_run_writes_csv_xlsx_and_markdown(tmp_path: Path) -> None:
    files = {name: tmp_path / f"report.{name}" for name in ("csv", "xlsx", "md")}
    arguments = ["check", str(EXAMPLES / "hanoi-2019"), "--as-of", "2020-01-15"]
    for name, path in files.items():
        arguments += ["--output", f"{name}:{path}"]
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 1  # firm targets fail in this example
    _, rows = parsed(files["csv"].read_bytes())
    assert len(rows) == 386
    workbook = openpyxl.load_workbook(files["xlsx"], read_only=True)
    assert len(workbook.sheetnames) == 2 + 5  # summary, findings, the five units listed
    markdown = files["md"].read_text(encoding="utf-8")
    assert markdown.startswith("# ") and markdown.count("\n### ") == 3 + 5
