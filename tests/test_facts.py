"""Loading facts: three formats, one shape, and a precise message for every kind of bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from factsets import english

from cchc.facts.load import FactError, load_fact_files
from cchc.facts.periods import Period

UNITS = [
    {"id": "q-ba-dinh", "name": "UBND quận Ba Đình", "kind": "district"},
    {"id": "so-tp", "name": "Sở Tư pháp", "kind": "department", "agency": "so-tu-phap"},
]
Q1_REPORT = {
    "unit": "q-ba-dinh",
    "period": "2019-Q1",
    "submitted": "2019-03-04",
    "dossiers": {
        "resolved_early": 10,
        "resolved_on_time": 85,
        "resolved_late": 5,
        "resolved_total": 100,
    },
    "events": [
        {"kind": "dialogue", "date": "2019-02-20"},
        {"kind": "inspection", "date": "2019-03-01", "inspected": "so-tp"},
    ],
}


def write_yaml(tmp_path: Path, document: dict, name: str = "facts.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def problems_of(*paths: Path) -> str:
    with pytest.raises(FactError) as error:
        load_fact_files(paths)
    return "\n".join(english(error.value.problems))


def test_yaml_and_json_load_to_the_same_fact_set(tmp_path: Path) -> None:
    document = {"schema": "cchc-facts/1", "units": UNITS, "reports": [Q1_REPORT]}
    from_yaml = load_fact_files([write_yaml(tmp_path, document)])
    json_path = tmp_path / "facts.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    from_json = load_fact_files([json_path])
    assert from_yaml.units == from_json.units
    assert from_yaml.reports == from_json.reports
    report = from_yaml.report("q-ba-dinh", Period.parse("2019-Q1"))
    assert report is not None and report.dossiers["resolved_on_time"] == 85


def test_csv_tables_join_into_one_report_per_unit_and_period(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(
        "id,name,kind,parent,agency\nq-ba-dinh,UBND quận Ba Đình,district,,\n"
        "so-tp,Sở Tư pháp,department,,so-tu-phap\n",
        encoding="utf-8",
    )
    (tmp_path / "q1-reports.csv").write_text(
        "unit,period,submitted\nq-ba-dinh,2019-Q1,2019-03-04\n", encoding="utf-8"
    )
    (tmp_path / "q1-dossiers.csv").write_text(
        "unit,period,resolved_early,resolved_on_time,resolved_late,resolved_total\n"
        "q-ba-dinh,2019-Q1,10,85,5,100\n",
        encoding="utf-8",
    )
    (tmp_path / "q1-events.csv").write_text(
        "unit,period,kind,date,inspected\nq-ba-dinh,2019-Q1,dialogue,2019-02-20,\n"
        "q-ba-dinh,2019-Q1,inspection,2019-03-01,so-tp\n",
        encoding="utf-8",
    )
    from_csv = load_fact_files(sorted(tmp_path.glob("*.csv")))
    from_yaml = load_fact_files([write_yaml(tmp_path, {"units": UNITS, "reports": [Q1_REPORT]})])
    assert from_csv.reports == from_yaml.reports


def test_a_spreadsheet_formula_in_a_cell_is_text_and_never_a_number(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(
        'id,name,kind\nq1,=HYPERLINK("http://x"),district\n', encoding="utf-8"
    )
    (tmp_path / "dossiers.csv").write_text(
        "unit,period,resolved_on_time\nq1,2019-Q1,=1+1\n", encoding="utf-8"
    )
    message = problems_of(tmp_path / "units.csv", tmp_path / "dossiers.csv")
    assert "dossiers.csv: line 2, column resolved_on_time" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            {"dossiers": {"resolved_late": -3}},
            ("reports[0].dossiers.resolved_late", ["-3"]),
            id="negative count",
        ),
        pytest.param(
            {
                "dossiers": {
                    "resolved_early": 10,
                    "resolved_on_time": 95,
                    "resolved_late": 5,
                    "resolved_total": 100,
                }
            },
            ("reports[0].dossiers.resolved_total", ["100", "110"]),
            id="on time more than resolved",
        ),
        pytest.param(
            {"indicators": {"procedures_online_eligible": 10, "procedures_online_l34": 12}},
            ("reports[0].indicators.procedures_online_l34", ["12", "10"]),
            id="part larger than its whole",
        ),
        pytest.param(
            {"events": [{"kind": "dialogue", "date": "2019-05-02"}]},
            ("reports[0].events[0].date", ["2019-05-02", "2019-Q1"]),
            id="date outside its period",
        ),
        pytest.param(
            {"unit": "q-hoan-kiem"},
            ("reports[0].unit", ["'q-hoan-kiem'"]),
            id="unknown unit",
        ),
        pytest.param(
            {"period": "2019-Q5"},
            ("reports[0].period", ["'2019-Q5'"]),
            id="bad period",
        ),
        pytest.param(
            {"dossiers": {"resolved_in_time": 3}},
            ("reports[0].dossiers", ["'resolved_in_time'", "'resolved_on_time'"]),
            id="unknown count name",
        ),
        pytest.param(
            {"events": [{"kind": "inspection", "date": "2019-03-01"}]},
            ("reports[0].events[0]", ["inspected"]),
            id="inspection without its subject",
        ),
        pytest.param(
            {"events": [{"kind": "inspection", "date": "2019-03-01", "inspected": "nobody"}]},
            ("reports[0].events[0].inspected", ["'nobody'"]),
            id="inspection of an unknown unit",
        ),
        pytest.param(
            {"submitted": "2018-12-30"},
            ("reports[0].submitted", ["2018-12-30", "2019-Q1"]),
            id="sent before its period",
        ),
        pytest.param(
            {"colour": "blue"},
            ("reports[0].colour", ["'colour'"]),
            id="unknown field",
        ),
    ],
)
def test_a_bad_report_is_refused_with_file_key_path_and_field(
    tmp_path: Path, change, expected
) -> None:
    report = {**Q1_REPORT, **change}
    path = write_yaml(tmp_path, {"units": UNITS, "reports": [report]})
    place, quoted = expected
    lines = problems_of(path).splitlines()
    located = [line for line in lines if line.startswith(f"{path}: {place}: ")]
    assert located, lines
    assert any(all(part in line for part in quoted) for line in located), located


def test_a_missing_required_field_is_named(tmp_path: Path) -> None:
    path = write_yaml(tmp_path, {"units": [{"id": "x", "kind": "district"}]})
    assert f"{path}: units[0].name: " in problems_of(path)


def test_a_duplicate_unit_names_both_places(tmp_path: Path) -> None:
    first = write_yaml(tmp_path, {"units": UNITS}, "a.yaml")
    second = write_yaml(tmp_path, {"units": [UNITS[0]]}, "b.yaml")
    message = problems_of(first, second)
    assert "b.yaml: units[0].id: duplicate unit 'q-ba-dinh'" in message and "a.yaml" in message


def test_a_key_given_twice_in_yaml_is_an_error_not_an_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text(
        "units:\n  - id: a\n    id: b\n    name: A\n    kind: district\n", encoding="utf-8"
    )
    assert "key 'id' is given twice" in problems_of(path)


def test_yaml_tags_that_would_run_code_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "facts.yaml"
    path.write_text("units: !!python/object/apply:os.system ['echo hacked']\n", encoding="utf-8")
    assert "not valid YAML" in problems_of(path)


def test_conflicting_values_for_one_report_across_files_are_refused(tmp_path: Path) -> None:
    base = write_yaml(tmp_path, {"units": UNITS, "reports": [Q1_REPORT]}, "a.yaml")
    other = write_yaml(
        tmp_path, {"reports": [{**Q1_REPORT, "submitted": "2019-03-02", "events": []}]}, "b.yaml"
    )
    assert "submitted is given twice with different values" in problems_of(base, other)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    bad = [
        {**Q1_REPORT, "dossiers": {"resolved_late": -1}},
        {**Q1_REPORT, "unit": "ghost", "period": "2019-H1"},
    ]
    message = problems_of(write_yaml(tmp_path, {"units": UNITS, "reports": bad}))
    assert "resolved_late" in message and "unknown unit 'ghost'" in message


def test_csv_rows_and_columns_are_named_in_errors(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text("id,name,kind\nq1,Quận 1,district\n", encoding="utf-8")
    (tmp_path / "dossiers.csv").write_text(
        "unit,period,resolved_on_time,resolved_late\nq1,2019-Q1,12,4\nq1,2019-H1,-2,4\n",
        encoding="utf-8",
    )
    message = problems_of(tmp_path / "units.csv", tmp_path / "dossiers.csv")
    assert "dossiers.csv: line 3, column resolved_on_time" in message


def test_an_unknown_csv_table_or_column_is_refused(tmp_path: Path) -> None:
    (tmp_path / "things.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert "cannot tell which table" in problems_of(tmp_path / "things.csv")
    (tmp_path / "events.csv").write_text("unit,period,kind,when\n", encoding="utf-8")
    assert "header: unknown column 'when'" in problems_of(tmp_path / "events.csv")


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2019", "2019-01-01", "2019-12-31"),
        ("2019-Q1", "2019-01-01", "2019-03-31"),
        ("2019-H1", "2019-01-01", "2019-06-30"),
        ("2019-9M", "2019-01-01", "2019-09-30"),
        ("2020-Q4", "2020-10-01", "2020-12-31"),
        ("2024-H2", "2024-07-01", "2024-12-31"),
    ],
)
def test_periods_span_their_months(text: str, start: str, end: str) -> None:
    period = Period.parse(text)
    assert (period.start.isoformat(), period.end.isoformat(), str(period)) == (start, end, text)


def test_the_unit_kinds_are_one_list() -> None:
    """The fact format names the kinds once (facts/format.py); the model's type says the same."""
    from typing import get_args

    from cchc.facts.format import UNIT_KINDS
    from cchc.facts.model import UnitKind

    assert get_args(UnitKind) == UNIT_KINDS
