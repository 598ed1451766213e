"""`cchc report RESULT.json`: a saved result reads back as the evaluation it was written from,
finding for finding, and renders again byte for byte; anything else is refused with exit 2,
each problem at its key path (a code and its values, worded in --lang), and no report written."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import polars as pl
import pytest
from click.testing import CliRunner

from cchc import __version__, app
from cchc.cli import main
from cchc.engine import saved
from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.facts.problems import Place, Problem
from cchc.reports import json_report
from cchc.reports.wording import language
from cchc.rules.catalogue import Catalogue
from cchc.rules.measures.columns import EVIDENCE

FOLDERS = ["hanoi-2019", "hanoi-papi-2018", "hanoi-par-sipas-2022", "thanh-xuan-2024"]
FOLDERS += ["thua-thien-hue-2018"]


@pytest.fixture(scope="module")
def documents(example_evaluations: dict[str, Evaluation]) -> dict[str, bytes]:
    """Each example's result as `cchc check --format json` saves it."""
    return {
        folder: b"".join(json_report.render(evaluation))
        for folder, evaluation in example_evaluations.items()
    }


def laid_out(document: dict[str, Any]) -> bytes:
    """A document in the JSON report's layout: one top-level key a line, one finding a line."""
    header = [orjson.dumps(k) + b": " + orjson.dumps(v) for k, v in document.items()]
    findings = b",\n".join(map(orjson.dumps, document["findings"]))
    return b"{\n" + b",\n".join(header[:-1]) + b',\n"findings": [\n' + findings + b"\n]}\n"


def compared_columns(frame: pl.DataFrame) -> dict[str, pl.DataType]:
    """What a saved result keeps of a rule's frame: the base, evidence and gap columns."""
    kept = (*saved.BASE, EVIDENCE, saved.GAP)
    return {name: dtype for name, dtype in frame.schema.items() if name.startswith(kept)}


def assert_same(reloaded: Evaluation, original: Evaluation) -> None:
    assert reloaded.summary() == original.summary()
    for strict in (False, True):
        assert reloaded.exit_code(strict) == original.exit_code(strict)
    assert reloaded.findings == original.findings
    # True == 1 in Python: the reprs tell a boolean from a number, a date from its text.
    assert list(map(repr, reloaded.findings)) == list(map(repr, original.findings))
    assert reloaded.warnings == original.warnings
    assert reloaded.units.equals(original.units.sort("id"))
    assert reloaded.plans == original.plans
    assert (reloaded.as_of, reloaded.engine) == (original.as_of, original.engine)
    assert reloaded.rules_without_units == original.rules_without_units
    assert [p.rule.id for p in reloaded.parts] == [p.rule.id for p in original.parts]
    for again, part in zip(reloaded.parts, original.parts, strict=True):
        assert compared_columns(again.frame) == compared_columns(part.frame), part.rule.id


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_parsed_result_reads_back_as_the_evaluation(
    folder: str,
    documents: dict[str, bytes],
    example_evaluations: dict[str, Evaluation],
    catalogue: Catalogue,
) -> None:
    reloaded = saved.evaluation_from_document(orjson.loads(documents[folder]), catalogue)
    assert_same(reloaded, example_evaluations[folder])
    assert b"".join(json_report.render(reloaded)) == documents[folder]


@pytest.mark.parametrize("folder", FOLDERS)
def test_a_result_as_written_is_read_by_lines(
    folder: str,
    documents: dict[str, bytes],
    example_evaluations: dict[str, Evaluation],
    catalogue: Catalogue,
) -> None:
    split = saved.split_document(documents[folder])
    assert split is not None
    reloaded = saved.evaluation_from_lines(*split, catalogue)
    assert reloaded is not None
    assert_same(reloaded, example_evaluations[folder])
    assert b"".join(json_report.render(reloaded)) == documents[folder]


@pytest.mark.parametrize("folder", FOLDERS)
def test_cchc_report_renders_a_saved_result_again(
    folder: str,
    documents: dict[str, bytes],
    example_evaluations: dict[str, Evaluation],
    tmp_path: Path,
) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(documents[folder])
    assert_same(app.saved_result(path), example_evaluations[folder])
    result = CliRunner().invoke(main, ["report", str(path), "--format", "json"])
    assert result.exit_code == example_evaluations[folder].exit_code()
    assert result.stdout_bytes == documents[folder]


def test_the_fast_way_takes_a_result_of_another_version(
    documents: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = f'"generator": "cchc {__version__}",'.encode()
    assert ours in documents["hanoi-2019"]
    path = tmp_path / "result.json"
    path.write_bytes(documents["hanoi-2019"].replace(ours, b'"generator": "cchc 0.0.1",'))

    def parsed_whole(*_args: object) -> None:
        raise AssertionError("parsed whole")

    monkeypatch.setattr(app, "evaluation_from_document", parsed_whole)
    assert b"".join(json_report.render(app.saved_result(path))) == documents["hanoi-2019"]


@pytest.mark.parametrize("indent", [None, 2])
def test_a_result_in_another_layout_is_parsed_whole(
    indent: int | None,
    documents: dict[str, bytes],
    example_evaluations: dict[str, Evaluation],
    tmp_path: Path,
) -> None:
    document = json.loads(documents["thua-thien-hue-2018"])
    path = tmp_path / "result.json"
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=True), encoding="utf-8")
    assert saved.split_document(path.read_bytes()) is None
    assert_same(app.saved_result(path), example_evaluations["thua-thien-hue-2018"])


def test_exact_text_stays_text(documents: dict[str, bytes], catalogue: Catalogue) -> None:
    """A text field that reads like a date or a number is the text it was."""
    document = orjson.loads(documents["hanoi-2019"])
    index, finding = next(
        (i, f) for i, f in enumerate(document["findings"]) if (f["evidence"] or {}).get("report")
    )
    finding["evidence"]["report"] = "2019-03-05"
    reloaded = saved.evaluation_from_document(document, catalogue)
    assert reloaded.findings[index].evidence["report"] == "2019-03-05"


def test_every_rule_has_a_frame_the_reader_knows(catalogue: Catalogue) -> None:
    codes = set()
    for plan in catalogue.plans.values():
        for rule in plan.rules:
            schema = saved.frame_schema(rule, plan.info.issued)
            for name, dtype in schema.items():
                if name.startswith((EVIDENCE, saved.GAP)):
                    codes.add(saved.json_form(dtype)[1])  # raises for a dtype it cannot read
    # A value not of its column's form is a problem worded in both languages.
    for lang in ("en", "vi"):
        assert {c for c in codes if f"problem.{c}" not in language(lang).messages} == set()


# -- bad input ---------------------------------------------------------------------------------


def _first(document: dict[str, Any], test: Callable[[dict[str, Any]], bool]) -> int:
    return next(i for i, f in enumerate(document["findings"]) if test(f))


def _a_number_field(document: dict[str, Any]) -> str:
    index = _first(document, lambda f: any(type(v) is int for v in (f["evidence"] or {}).values()))
    evidence = document["findings"][index]["evidence"]
    name = next(k for k, v in evidence.items() if type(v) is int)
    evidence[name] = str(evidence[name])
    return f"findings[{index}].evidence.{name}"


def _status(document: dict[str, Any]) -> str:
    document["findings"][3]["status"] = "passed"
    return "findings[3].status"


def _unknown_rule(document: dict[str, Any]) -> str:
    document["rules"]["HN2019-NOT-A-RULE"] = next(iter(document["rules"].values()))
    return "rules.HN2019-NOT-A-RULE"


def _retitled(document: dict[str, Any]) -> str:
    rule_id = next(iter(document["rules"]))
    document["rules"][rule_id]["title"] += " (old wording)"
    return f"rules.{rule_id}.title"


def _requoted(document: dict[str, Any]) -> str:
    rule_id = list(document["rules"])[-1]
    document["rules"][rule_id]["citation"]["quote"] = "an older quote"
    return f"rules.{rule_id}.citation.quote"


def _target(document: dict[str, Any]) -> str:
    rule_id = next(r for r, e in document["rules"].items() if e["target"])
    document["rules"][rule_id]["target"]["value"] = "1/2"
    return f"rules.{rule_id}.target.value"


def _rule_left_out(document: dict[str, Any]) -> str:
    rule_id = document["rules_without_units"][0]
    del document["rules"][rule_id]
    document["rules_without_units"].remove(rule_id)
    return f"rules.{rule_id}"


def _finding_of_unknown_rule(document: dict[str, Any]) -> str:
    document["findings"][5]["rule"] = "HN2019-NOT-A-RULE"
    return "findings[5].rule"


def _unknown_unit(document: dict[str, Any]) -> str:
    document["findings"][7]["unit"] = "nowhere"
    return "findings[7].unit"


def _unknown_field(document: dict[str, Any]) -> str:
    index = _first(document, lambda f: f["evidence"] is not None)
    document["findings"][index]["evidence"]["invented"] = 1
    return f"findings[{index}].evidence.invented"


def _evidence_left_out(document: dict[str, Any]) -> str:
    """Each value is fine, the finding is not: no numerator for a share's failure."""
    index = _first(document, lambda f: f["status"] == "fail" and f["state"] == "measured")
    finding = document["findings"][index]
    finding["evidence"] = None
    return f"findings[{finding['rule']} {finding['unit']} {finding['period']}]"


def _date(document: dict[str, Any]) -> str:
    index = _first(document, lambda f: f["due"] is not None)
    document["findings"][index]["due"] = "2019-02-30"
    return f"findings[{index}].due"


def _summary(document: dict[str, Any]) -> str:
    document["summary"]["fail"] += 1
    return "summary.fail"


def _only(document: dict[str, Any]) -> str:
    document["only"] = ["fail"]
    return "only"


def _plan(document: dict[str, Any]) -> str:
    document["plans"][0]["id"] = "hanoi-cchc-2099"
    return "plans[0].id"


def _schema(document: dict[str, Any]) -> str:
    document["schema"] = "cchc-findings/1"
    return "schema"


def _warning(document: dict[str, Any]) -> str:
    document["warnings"].append({"at": "facts.yaml", "code": "from_a_later_version"})
    document["summary"]["warnings"] += 1
    return f"warnings[{len(document['warnings']) - 1}].code"


def _unit(document: dict[str, Any]) -> str:
    unit_id = next(iter(document["units"]))
    document["units"][unit_id]["parent"] = 7
    return f"units.{unit_id}.parent"


CHANGES: list[Callable[[dict[str, Any]], str]] = [
    _schema,
    _plan,
    _unknown_rule,
    _retitled,
    _requoted,
    _target,
    _rule_left_out,
    _only,
    _summary,
    _warning,
    _unit,
    _status,
    _finding_of_unknown_rule,
    _unknown_unit,
    _a_number_field,
    _unknown_field,
    _evidence_left_out,
    _date,
]


# The problem each change is, at the place it names: None where app.py finds it (a warning or a
# finding this version cannot word), not engine/saved.py.
CODES: dict[Callable[[dict[str, Any]], str], str | None] = {
    _schema: "saved_other_schema",
    _plan: "saved_unknown_plan",
    _unknown_rule: "saved_unknown_rule",
    _retitled: "saved_differs_from_catalogue",
    _requoted: "saved_differs_from_catalogue",
    _target: "saved_differs_from_catalogue",
    _rule_left_out: "saved_rule_missing",
    _only: "saved_only_some",
    _summary: "saved_summary_differs",
    _warning: None,
    _unit: "saved_not_text",
    _status: "saved_not_a_status",
    _finding_of_unknown_rule: "saved_not_in_rules",
    _unknown_unit: "saved_not_in_units",
    _a_number_field: "saved_not_whole_number",
    _unknown_field: "saved_unknown_field",
    _evidence_left_out: None,
    _date: "saved_not_a_date_or_null",
}


def problems_of(document: dict[str, Any], catalogue: Catalogue) -> list[Problem | str]:
    with pytest.raises(saved.SavedResultError) as raised:
        saved.evaluation_from_document(document, catalogue)
    return raised.value.problems


def report(path: Path, out: Path) -> Any:
    arguments = ["report", str(path), "--format", "json", "--output", str(out)]
    return CliRunner().invoke(main, arguments)


# The heading `cchc report` prints (in its default language, Vietnamese) above the problems.
HEADING = language("vi")(f"error.{app.SAVED_INVALID}")


def assert_refused(result: Any, path: Path, out: Path, where: str | None) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.splitlines()
    assert lines[0] == f"cchc: {HEADING}"
    assert all(line.startswith(f"  {path}: ") for line in lines[1:]), lines
    if where is not None:
        assert any(line.startswith(f"  {path}: {where}: ") for line in lines[1:]), lines
    assert not out.exists()


@pytest.mark.parametrize("change", CHANGES, ids=lambda change: change.__name__.strip("_"))
@pytest.mark.parametrize("layout", ["as written", "one line"])
def test_a_changed_result_is_refused_at_its_place(
    change: Callable[[dict[str, Any]], str],
    layout: str,
    documents: dict[str, bytes],
    tmp_path: Path,
) -> None:
    document = orjson.loads(documents["hanoi-2019"])
    where = change(document)
    path, out = tmp_path / "result.json", tmp_path / "out.json"
    path.write_bytes(laid_out(document) if layout == "as written" else orjson.dumps(document))
    assert_refused(report(path, out), path, out, where)


@pytest.mark.parametrize(
    "change",
    [change for change in CHANGES if CODES[change] is not None],
    ids=lambda change: change.__name__.strip("_"),
)
def test_a_changed_result_is_a_problem_with_its_code_at_its_place(
    change: Callable[[dict[str, Any]], str], documents: dict[str, bytes], catalogue: Catalogue
) -> None:
    document = orjson.loads(documents["hanoi-2019"])
    where = change(document)
    problems = problems_of(document, catalogue)
    assert all(isinstance(p, Problem) for p in problems), problems
    found = {(p.place, p.code) for p in problems if isinstance(p, Problem)}
    assert (Place(path=where), CODES[change]) in found


def test_a_problem_names_the_values_it_found(
    documents: dict[str, bytes], catalogue: Catalogue
) -> None:
    document = orjson.loads(documents["hanoi-2019"])
    _status(document)
    [status] = problems_of(document, catalogue)
    assert isinstance(status, Problem)
    assert status.values == (("value", "'passed'"), ("known", ", ".join(STATUSES)))

    document = orjson.loads(documents["hanoi-2019"])
    counted = document["summary"]["fail"]
    _summary(document)
    [summary] = problems_of(document, catalogue)
    assert isinstance(summary, Problem)
    assert (summary.place, summary.code) == (Place(path="summary.fail"), "saved_summary_differs")
    assert summary.values == (("value", str(counted + 1)), ("counted", str(counted)))

    document = orjson.loads(documents["hanoi-2019"])
    _retitled(document)
    [retitled] = problems_of(document, catalogue)
    assert isinstance(retitled, Problem)
    assert "(old wording)" in str(retitled.value("saved"))
    assert "(old wording)" not in str(retitled.value("catalogue"))

    document = orjson.loads(documents["hanoi-2019"])
    _schema(document)
    [other] = problems_of(document, catalogue)
    assert other == Problem.of(
        Place(path="schema"),
        "saved_other_schema",
        schema="'cchc-findings/1'",
        expected=saved.SCHEMA,
    )
    assert problems_of([], catalogue) == [Problem.of(Place(), "saved_not_a_result")]


def test_a_corrupted_result_is_worded_in_vietnamese_and_in_english_on_request(
    documents: dict[str, bytes], tmp_path: Path
) -> None:
    document = orjson.loads(documents["hanoi-2019"])
    where = _status(document)
    path = tmp_path / "broken.json"
    path.write_bytes(laid_out(document))
    runner = CliRunner()
    by_default = runner.invoke(main, ["report", str(path)], env={"CCHC_LANG": None})
    english = runner.invoke(main, ["report", str(path), "--lang", "en"])
    assert (by_default.exit_code, english.exit_code) == (2, 2)
    for result, code in ((by_default, "vi"), (english, "en")):
        lang = language(code)
        heading, line = result.stderr.splitlines()
        assert heading == f"cchc: {lang(f'error.{app.SAVED_INVALID}')}"
        # The file, the key path, the value found, and the statuses known, in the language.
        assert line.startswith(f"  {path}: {where}: 'passed' ")
        assert lang("problem.saved_not_a_status", value="'passed'") in line
        assert line.endswith(lang("problem.hint.known", known=", ".join(STATUSES)))
    assert by_default.stderr != english.stderr


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: data[: data.rindex(b"]")], id="cut at the end"),
        pytest.param(lambda _data: b"schema: cchc-findings/2\n", id="YAML"),
        pytest.param(lambda _data: b"", id="empty"),
        pytest.param(lambda _data: b"[]", id="a list"),
        pytest.param(
            lambda data: data.replace(b"\n", b"\r\n").replace(b"{", b"\xff", 1), id="bytes"
        ),
    ],
)
def test_a_file_that_is_no_result_is_refused(
    content: Callable[[bytes], bytes], documents: dict[str, bytes], tmp_path: Path
) -> None:
    path, out = tmp_path / "result.json", tmp_path / "out.json"
    path.write_bytes(content(documents["hanoi-2019"]))
    assert_refused(report(path, out), path, out, None)


def test_a_missing_file_and_a_fifo_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    missing = tmp_path / "missing.json"
    assert_refused(report(missing, out), missing, out, None)
    fifo = tmp_path / "result.json"
    os.mkfifo(fifo)
    assert_refused(report(fifo, out), fifo, out, None)


def test_a_problem_in_every_finding_is_listed_briefly(
    documents: dict[str, bytes], catalogue: Catalogue
) -> None:
    document = orjson.loads(documents["hanoi-2019"])
    for finding in document["findings"]:
        finding["status"] = "unknown"
    problems = problems_of(document, catalogue)
    assert len(problems) == saved.MAX_LISTED + 1
    first, *_, more = problems
    assert isinstance(first, Problem) and isinstance(more, Problem)
    assert (first.place, first.code) == (Place(path="findings[0].status"), "saved_not_a_status")
    assert more == Problem.of(
        Place(), "saved_more_problems", count=len(document["findings"]) - saved.MAX_LISTED
    )


HOSTILE = [
    None,
    True,
    0,
    -1,
    2**63,
    1.5,
    "",
    "2019-13-01",
    [],
    {},
    ["a"],
    [{"first": "a"}],
    "\u202e",
]


def _places(document: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Key paths to every kind of value: header keys, a plan, a rule, a unit, a warning, a
    finding and its evidence and gap."""
    finding = _first(document, lambda f: f["gap"] is not None)
    places: list[tuple[Any, ...]] = [(key,) for key in document if key != "findings"]
    places += [("plans", 0, key) for key in document["plans"][0]]
    places += [("rules", next(iter(document["rules"])), key) for key in ("title", "target")]
    places += [("units", next(iter(document["units"])), "name")]
    places += [("findings", finding, key) for key in document["findings"][finding]]
    places += [
        ("findings", finding, "evidence", k) for k in document["findings"][finding]["evidence"]
    ]
    places += [("findings", finding, "gap", k) for k in document["findings"][finding]["gap"]]
    return places


@pytest.mark.parametrize("seed", range(4))
def test_a_hostile_value_anywhere_is_bad_input(
    seed: int, documents: dict[str, bytes], tmp_path: Path
) -> None:
    """Whatever value stands anywhere, the result is read and rendered, or refused (exit 2):
    never an internal error."""
    places = _places(orjson.loads(documents["hanoi-papi-2018"]))
    path = tmp_path / "result.json"
    for index in range(seed, len(places), 4):
        *parents, key = places[index]
        document = orjson.loads(documents["hanoi-papi-2018"])
        node = document
        for step in parents:
            node = node[step]
        node[key] = HOSTILE[(index + seed) % len(HOSTILE)]
        path.write_bytes(laid_out(document))
        arguments = ["report", str(path), "--format", "table", "--all", "--lang", "en"]
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code in (0, 1, 2), (places[index], result.output)
        if result.exit_code == 2:
            heading = language("en")(f"error.{app.SAVED_INVALID}")
            assert result.stderr.startswith(f"cchc: {heading}\n  {path}: ")


def test_a_file_name_utf8_cannot_hold_reads_back(
    example_evaluations: dict[str, Evaluation], tmp_path: Path
) -> None:
    """A warning about a file whose name is not UTF-8 is written with \\u escapes that orjson
    refuses (lone surrogates): the standard library reads those back."""
    original = example_evaluations["hanoi-2019"]
    notice = original.warnings[0]
    evaluation = dataclasses.replace(
        original, warnings=[dataclasses.replace(notice, place="facts-\udcff.yaml")]
    )
    data = b"".join(json_report.render(evaluation))
    assert b"\\udcff" in data
    path = tmp_path / "result.json"
    path.write_bytes(data)
    reloaded = app.saved_result(path)
    assert reloaded.warnings == evaluation.warnings
    assert b"".join(json_report.render(reloaded)) == data


def test_a_result_without_findings_reads_back(
    example_evaluations: dict[str, Evaluation], tmp_path: Path
) -> None:
    original = example_evaluations["hanoi-papi-2018"]
    evaluation = dataclasses.replace(original, parts=[], rules_without_units=list(original.rules))
    data = b"".join(json_report.render(evaluation))
    path = tmp_path / "result.json"
    path.write_bytes(data)
    reloaded = app.saved_result(path)
    assert reloaded.findings == [] and reloaded.summary() == evaluation.summary()
    assert b"".join(json_report.render(reloaded)) == data


def test_a_result_above_the_bound_is_refused_unread(
    documents: dict[str, bytes], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, out = tmp_path / "result.json", tmp_path / "out.json"
    path.write_bytes(documents["hanoi-papi-2018"])
    monkeypatch.setattr(app, "MAX_SAVED_BYTES", len(documents["hanoi-papi-2018"]) - 1)
    assert_refused(report(path, out), path, out, None)


@pytest.mark.parametrize(
    ("change", "code"),
    [(_warning, "saved_unworded_warning"), (_evidence_left_out, "saved_unworded_finding")],
)
def test_what_this_version_cannot_word_is_a_problem_at_its_place_in_the_file(
    change: Callable[[dict[str, Any]], str], code: str, documents: dict[str, bytes], tmp_path: Path
) -> None:
    document = orjson.loads(documents["hanoi-2019"])
    where = change(document)
    path = tmp_path / "result.json"
    path.write_bytes(orjson.dumps(document))
    with pytest.raises(app.InputError) as raised:
        app.saved_result(path)
    found = [(p.place.file, p.place.path, p.code) for p in raised.value.problems]
    assert (str(path), where, code) in found


def test_a_result_that_is_not_json_is_placed_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text('{"schema": "cchc-findings/1",\n  oops}', encoding="utf-8")
    with pytest.raises(app.InputError) as raised:
        app.saved_result(path)
    [problem] = raised.value.problems
    assert (problem.code, problem.place.file, problem.place.line) == (
        "saved_not_json",
        str(path),
        2,
    )
