"""Numbers, dates and text as officers write them: read exactly, or refused at their place.

Each case is a class of input found misread or crashing (issue 6): the test asserts the exit
status, the located key path or line, and the values quoted back — never the prose around them.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from factsets import english

from cchc.cli import main
from cchc.facts.load import FactError, load_fact_files
from cchc.facts.periods import Period

UNITS_YAML = "units:\n  - {id: q, name: UBND quận Ba Đình, kind: district}\n"


def report_yaml(body: str, period: str = "2019-Q1") -> str:
    return f"{UNITS_YAML}reports:\n  - unit: q\n    period: {period}\n{body}"


def problems(*paths: Path) -> list[str]:
    with pytest.raises(FactError) as error:
        load_fact_files(paths)
    return english(error.value.problems)


def cli(*args: str):
    return CliRunner(env={"CCHC_LANG": "en"}).invoke(main, list(args))  # messages read in English


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "place", "quoted"),
    [
        ("    dossiers: {resolved_on_time: 1.000}\n", "dossiers.resolved_on_time", "1000"),
        ("    dossiers: {resolved_on_time: 4.000}\n", "dossiers.resolved_on_time", "4000"),
        ("    dossiers: {resolved_on_time: 1.5}\n", "dossiers.resolved_on_time", "'1.5'"),
        ("    dossiers: {resolved_on_time: true}\n", "dossiers.resolved_on_time", ""),
        ("    dossiers: {resolved_on_time: yes}\n", "dossiers.resolved_on_time", ""),
        ("    dossiers: {resolved_on_time: 1_5}\n", "dossiers.resolved_on_time", "'1_5'"),
        ("    dossiers: {resolved_on_time: 0x10}\n", "dossiers.resolved_on_time", "'0x10'"),
        ("    dossiers: {resolved_on_time: '１２'}\n", "dossiers.resolved_on_time", "'１２'"),
        ("    dossiers: {resolved_on_time: '٣'}\n", "dossiers.resolved_on_time", "'٣'"),
        ("    dossiers: {resolved_on_time: 1000000000001}\n", "dossiers.resolved_on_time", ""),
        ("    dossiers: {resolved_on_time: " + "9" * 5000 + "}\n", "dossiers.resolved_on_time", ""),
        ("    dossiers: {resolved_on_time: 1e30}\n", "dossiers.resolved_on_time", "'1e30'"),
        ("    submitted: 2019-06-31\n", "submitted", "'2019-06-31'"),
        ("    submitted: 2019-00-10\n", "submitted", "'2019-00-10'"),
        ("    submitted: !!timestamp 2019-02-31\n", "submitted", "'2019-02-31'"),
        ("    submitted: 12/31/2019\n", "submitted", "'12/31/2019'"),
        ("    submitted: 1556668800\n", "submitted", "'1556668800'"),
        ("    submitted: 2019-03-01 10:00:00\n", "submitted", "'2019-03-01 10:00:00'"),
        ("    scores: {PAR-1.1: .inf}\n", "scores.PAR-1.1", "'.inf'"),
        ("    scores: {PAR-1.1: .nan}\n", "scores.PAR-1.1", "'.nan'"),
        ("    scores: {PAR-1.1: 1e400}\n", "scores.PAR-1.1", "'1e400'"),
        ("    scores: {PAR-1.1: '1e+4000'}\n", "scores.PAR-1.1", "'1e+4000'"),
        ("    scores: {PAR-1.1: " + "1" * 10_000 + "}\n", "scores.PAR-1.1", ""),
        ("    duties: {cchc_plan_issued: {done: 1}}\n", "duties.cchc_plan_issued.done", "'1'"),
    ],
)
def test_a_value_that_cannot_be_read_exactly_is_refused_at_its_key_path(
    tmp_path: Path, body: str, place: str, quoted: str
) -> None:
    path = write(tmp_path, "facts.yaml", report_yaml(body))
    found = problems(path)
    located = [p for p in found if p.startswith(f"{path}: reports[0].{place}: ")]
    assert located, found
    assert quoted in located[0]
    assert all(len(p) < 400 for p in found)  # never the whole value echoed back


@pytest.mark.parametrize("period", ["0000", "1899", "2101", "２０１９", "2019-Q5"])
def test_a_period_outside_the_readable_years_or_forms_is_refused(
    tmp_path: Path, period: str
) -> None:
    path = write(tmp_path, "facts.yaml", report_yaml("", period=f"'{period}'"))
    assert any(p.startswith(f"{path}: reports[0].period: ") for p in problems(path))


def test_a_thousands_separator_in_csv_is_refused_with_the_number_to_write(tmp_path: Path) -> None:
    write(tmp_path, "units.csv", "id,name,kind\nq,Quận,district\n")
    dossiers = write(tmp_path, "dossiers.csv", "unit,period,resolved_on_time\nq,2019-Q1,60.000\n")
    found = problems(tmp_path / "units.csv", dossiers)
    assert found[0].startswith(f"{dossiers}: line 2, column resolved_on_time: ")
    assert "60000" in found[0]


@pytest.mark.parametrize("written", ["2019-03-04", "04/03/2019", "4/3/2019"])
def test_dates_are_read_in_iso_and_day_month_year_in_every_format(
    tmp_path: Path, written: str
) -> None:
    yaml_path = write(tmp_path, "a.yaml", report_yaml(f"    submitted: {written}\n"))
    json_path = write(
        tmp_path,
        "b.json",
        json.dumps(
            {
                "units": [{"id": "q", "name": "Quận", "kind": "district"}],
                "reports": [{"unit": "q", "period": "2019-Q1", "submitted": written}],
            }
        ),
    )
    (tmp_path / "csv").mkdir()
    write(tmp_path / "csv", "units.csv", "id,name,kind\nq,Quận,district\n")
    write(tmp_path / "csv", "reports.csv", f"unit,period,submitted\nq,2019-Q1,{written}\n")
    for paths in ([yaml_path], [json_path], sorted((tmp_path / "csv").iterdir())):
        report = load_fact_files(paths).report("q", Period.parse("2019-Q1"))
        assert report is not None and report.submitted.isoformat() == "2019-03-04"


@pytest.mark.parametrize("suffix", ["yaml", "json", "csv"])
def test_an_impossible_date_exits_2_in_every_format(tmp_path: Path, suffix: str) -> None:
    if suffix == "yaml":
        path = write(tmp_path, "f.yaml", report_yaml("    submitted: 2024-02-30\n"))
        place = f"{path}: reports[0].submitted: "
    elif suffix == "json":
        document = {
            "units": [{"id": "q", "name": "Quận", "kind": "district"}],
            "reports": [{"unit": "q", "period": "2024-Q1", "submitted": "2024-02-30"}],
        }
        path = write(tmp_path, "f.json", json.dumps(document))
        place = f"{path}: reports[0].submitted: "
    else:
        write(tmp_path, "units.csv", "id,name,kind\nq,Quận,district\n")
        path = write(tmp_path, "reports.csv", "unit,period,submitted\nq,2024-Q1,2024-02-30\n")
        place = f"{path}: line 2, column submitted: "
    for command in (["check"], ["facts", "validate"]):
        result = cli(*command, str(path.parent if suffix == "csv" else path))
        assert result.exit_code == 2, result.output
        assert place in result.output


def test_a_score_given_in_two_places_merges_and_stays_exact(tmp_path: Path) -> None:
    yaml_path = write(tmp_path, "a.yaml", report_yaml("    scores: {PAR-1.1: '81,4'}\n", "2022"))
    scores = write(
        tmp_path,
        "x-scores.csv",
        "unit,period,code,score\nq,2022,PAR-1.1,81.4\nq,2022,PAR-1.2,1.375\n",
    )
    report = load_fact_files([yaml_path, scores]).report("q", Period.parse("2022"))
    assert report is not None
    assert report.scores == {"PAR-1.1": Fraction(407, 5), "PAR-1.2": Fraction(11, 8)}


def test_a_score_above_its_criterion_maximum_is_refused_as_input(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "f.yaml",
        "jurisdiction: ha-noi\nunits:\n  - {id: tp, name: UBND Thành phố Hà Nội, kind: city}\n"
        "reports:\n  - unit: tp\n    period: 2022\n    scores: {PAR-1.1: 1.6}\n",
    )
    result = cli("check", str(path), "--as-of", "2023-06-01")
    assert result.exit_code == 2
    line = next(line for line in result.output.splitlines() if "reports[0].scores.PAR-1.1" in line)
    assert "1.6" in line and "1.5" in line


def test_every_kind_of_problem_is_reported_in_one_pass(tmp_path: Path) -> None:
    body = (
        "    submitted: 2019-02-31\n"
        "    dossiers: {resolved_early: 1, resolved_on_time: 2, resolved_late: 3, "
        "resolved_total: 7, resolved_ontime: 1}\n"
        "    events: [{kind: dialog, date: 2019-03-01}, {kind: dialogue, date: 2019-07-01}]\n"
        "    tasks: [{task: HN2019-PL-IX-9, completed: 2019-01-20}]\n"
    )
    path = write(tmp_path, "f.yaml", report_yaml(body))
    result = cli("check", str(path), "--plan", "hanoi-cchc-2019")
    assert result.exit_code == 2
    for place in (
        "reports[0].submitted",  # impossible date
        "reports[0].dossiers: ",  # unknown name, with its near miss
        "reports[0].events[0].kind",  # unknown event kind
        "reports[0].events[1].date",  # outside the period
        "reports[0].dossiers.resolved_total",  # the sum, checked despite the other errors
        "reports[0].tasks[0].task",  # the catalogue's own check
    ):
        assert f"{path}: {place}" in result.output, place
    assert "'resolved_on_time'" in result.output and "'dialogue'" in result.output


def test_a_comma_inside_an_unquoted_flow_mapping_is_told_to_be_quoted(tmp_path: Path) -> None:
    body = "    events: [{kind: dialogue, date: 2019-03-22, note: Đối thoại về TTHC, đất đai}]\n"
    path = write(tmp_path, "f.yaml", report_yaml(body))
    [problem] = problems(path)
    assert problem.startswith(f"{path}: reports[0].events[0].đất đai: ")
    assert '"' in problem  # shows the text to put in quotes


@pytest.mark.parametrize("word", ["true", "false", "có", "không", "yes", "no"])
def test_yes_no_is_read_from_true_false_and_vietnamese_words(tmp_path: Path, word: str) -> None:
    write(tmp_path, "units.csv", "id,name,kind\nq,Quận,district\n")
    write(tmp_path, "duties.csv", f"unit,period,duty,done\nq,2019,cchc_plan_issued,{word}\n")
    report = load_fact_files(sorted(tmp_path.iterdir())).report("q", Period.parse("2019"))
    assert report is not None
    assert report.duties["cchc_plan_issued"].done is (word in ("true", "có", "yes"))


def test_vietnamese_text_in_nfd_and_nfc_is_the_same_id(tmp_path: Path) -> None:
    nfd_id = "phường-phúc-xá".encode().decode()
    import unicodedata

    decomposed = unicodedata.normalize("NFD", nfd_id)
    text = (
        f"units:\n  - {{id: {nfd_id}, name: Phường, kind: commune}}\n"
        f"reports:\n  - {{unit: {decomposed}, period: 2019}}\n"
    )
    facts = load_fact_files([write(tmp_path, "f.yaml", text)])
    assert list(facts.units) == [unicodedata.normalize("NFC", nfd_id)]
    assert len(facts.reports) == 1


def test_a_cyrillic_look_alike_id_is_named_as_such(tmp_path: Path) -> None:
    text = (
        "units:\n  - {id: so-tu-phap, name: Sở Tư pháp, kind: department}\n"
        "reports:\n  - {unit: ѕo-tu-phap, period: 2019}\n"
    )
    path = write(tmp_path, "f.yaml", text)
    [problem] = problems(path)
    assert problem.startswith(f"{path}: reports[0].unit: ")
    assert "'so-tu-phap'" in problem and "look-alike" in problem
