"""Problems with input are data (facts/problems.py), worded in the reader's language: every code
the readers raise has its message in both catalogues, and an officer reading Vietnamese gets
Vietnamese, places included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from click.testing import CliRunner

from cchc.cli import main
from cchc.facts.load import load_fact_files
from cchc.facts.problems import FactError, Place, Problem
from cchc.reports.wording import language
from cchc.reports.wording.problems import word_place, word_problem

ROOT = Path(__file__).resolve().parents[1]
# The calls whose literal argument is a problem's code, and its position.
CODE_ARGUMENT = {
    "invalid": 0,
    "DocumentError": 0,
    "NotReadable": 0,
    "PeriodError": 0,
    "of": 1,  # Problem.of(place, code, …)
    "problem": 1,  # Origin.problem(loc, code, …)
    "ReportProblem": 1,
    "add": 1,  # a saved result's problems: add(where, code, …) (engine/saved.py)
}
# Codes built at run time from a part (f"unknown_{what}", f"word_of_other_plans_{group}_…").
BUILT = [
    f"unknown_{what}{several}"
    for what in ("dossier_count", "indicator", "duty")
    for several in ("", "_several")
]
BUILT += [f"unknown_{role}_unit" for role in ("inspected", "by")]
BUILT += [
    f"word_of_{kind}_{group}{count}"
    for group in ("dossiers", "indicators", "duties", "events")
    for kind, counts in (("no_plan", [""]), ("other_plans", ["_one", "_several"]))
    for count in counts
]
# A saved result's evidence or gap value not of its column's form (engine/saved.py's _FORMS).
BUILT += [
    f"saved_not_{form}"
    for form in ("whole_number", "text", "true_false", "a_date", "texts", "spans")
]


def literal_codes() -> set[str]:
    sources = [*(ROOT / "facts").rglob("*.py"), ROOT / "rules/references.py", ROOT / "app.py"]
    sources.append(ROOT / "engine/saved.py")
    codes = set()
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            position = CODE_ARGUMENT.get(name)
            if name == "of" and getattr(func.value, "id", "") != "Problem":
                continue  # Notice.of: a warning's code (tests/test_warnings.py)
            if position is None or len(node.args) <= position:
                continue
            argument = node.args[position]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                codes.add(argument.value)
    return codes - {"too_large"}  # NotReadable's, worded as file_too_large with the limit


@pytest.mark.parametrize("code", ["en", "vi"])
def test_every_code_the_readers_raise_has_its_message(code: str) -> None:
    codes = literal_codes() | set(BUILT)
    assert len(codes) > 80  # the scan found the readers' codes
    messages = language(code).messages
    missing = sorted(c for c in codes if f"problem.{c}" not in messages)
    assert not missing


@pytest.mark.parametrize(
    ("place", "english", "vietnamese"),
    [
        (
            Place("a.csv", line=3, column="submitted"),
            "a.csv: line 3, column submitted",
            "a.csv: dòng 3, cột submitted",
        ),
        (
            Place("a.yaml", path="reports[0].unit"),
            "a.yaml: reports[0].unit",
            "a.yaml: reports[0].unit",
        ),
        (
            Place("b.xlsx", sheet="Hồ sơ", cell="D7", column="resolved_late"),
            "b.xlsx: Hồ sơ!D7 (resolved_late)",
            "b.xlsx: Hồ sơ!D7 (cột resolved_late)",
        ),
        (
            Place("c.ndjson", line=4, path="units[0].id"),
            "c.ndjson: line 4: units[0].id",
            "c.ndjson: dòng 4: units[0].id",
        ),
        (Place(path="--plan x"), "--plan x", "--plan x"),
    ],
)
def test_a_place_is_worded_in_each_language(place: Place, english: str, vietnamese: str) -> None:
    assert word_place(place, language("en")) == english
    assert word_place(place, language("vi")) == vietnamese


def test_a_near_miss_is_offered_in_the_readers_language(tmp_path: Path) -> None:
    problem = Problem.of(
        Place("f.yaml", path="reports[0].colour"),
        "unknown_key",
        key="'colr'",
        did_you_mean="'color'",
    )
    assert word_problem(problem, language("en")).endswith("; did you mean 'color'?")
    assert word_problem(problem, language("vi")).endswith("; có phải là 'color'?")


def test_a_bad_csv_value_is_a_code_with_its_values_at_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("id,name,kind\nq,Quận,district\n", encoding="utf-8")
    (tmp_path / "q-dossiers.csv").write_text(
        "unit,period,resolved_late\nq,2019-Q1,1.450\n", encoding="utf-8"
    )
    with pytest.raises(FactError) as raised:
        load_fact_files(sorted(tmp_path.iterdir()))
    [problem] = raised.value.problems
    assert problem.place == Place(str(tmp_path / "q-dossiers.csv"), line=2, column="resolved_late")
    assert (problem.code, problem.value("plain")) == ("count_with_separator", "1450")


def test_the_officer_reads_vietnamese_and_ci_can_ask_for_english(tmp_path: Path) -> None:
    facts = tmp_path / "facts.yaml"
    facts.write_text(
        "units: [{id: q, name: Q, kind: district}]\n"
        "reports: [{unit: q, period: 2019-Q1, submitted: 2019-02-30}]\n",
        encoding="utf-8",
    )
    vietnamese = CliRunner().invoke(main, ["check", str(facts)])
    english = CliRunner().invoke(main, ["check", str(facts), "--lang", "en"])
    assert (vietnamese.exit_code, english.exit_code) == (2, 2)
    assert vietnamese.stderr.splitlines() == [
        "cchc: " + language("vi")("error.facts_invalid"),
        f"  {facts}: reports[0].submitted: "
        + language("vi")(
            "problem.not_a_calendar_day",
            value="'2019-02-30'",
            reason="day is out of range for month",
        ),
    ]
    assert english.stderr.splitlines()[0] == "cchc: the facts are invalid; nothing was evaluated:"
