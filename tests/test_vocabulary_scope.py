"""The vocabulary scoped to the plans in use: a fact set is read with every plan's words, but once
the plans are chosen, a word only other plans read is an input error at its place (exit 2).

As in test_input.py, the tests assert the exit status, the place and the names quoted back, never
the prose around them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from factsets import english
from pydantic import BaseModel

from cchc.cli import main
from cchc.facts.load import FactError, facts_from_document
from cchc.facts.vocabulary import (
    ALL,
    CORE_NAMES,
    DOSSIER_FIELDS,
    DUTIES,
    EVENT_KINDS,
    INDICATORS,
    VOCABULARY_DIR,
    WORD_GROUPS,
    Vocabulary,
    plans_of,
    vocabulary_for,
    vocabulary_plans,
)
from cchc.rules.catalogue import Catalogue

HANOI_UNITS = "jurisdiction: ha-noi\nunits:\n  - {id: q, name: UBND quận Ba Đình, kind: district}\n"
PAPI_INDICATOR = "public_lights_total"  # a word of hanoi-papi-2018 only
INPUT_ERROR = 2


def cli(*args: str):
    return CliRunner(env={"CCHC_LANG": "en"}).invoke(main, list(args))  # messages read in English


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def hanoi_facts(tmp_path: Path, body: str, period: str = "2019") -> Path:
    report = f"reports:\n  - unit: q\n    period: {period}\n{body}"
    return write(tmp_path, "facts.yaml", HANOI_UNITS + report)


def line_at(output: str, place: str) -> str:
    """The one problem line at `place` (file and key path, or file and line)."""
    found = [line for line in output.splitlines() if place in line]
    assert len(found) == 1, output
    return found[0]


# A PAPI indicator in a Hà Nội 2019 fact set


@pytest.mark.parametrize("plans", [[], ["--plan", "hanoi-cchc-2019"]])
def test_a_papi_indicator_in_a_hanoi_2019_fact_set_is_refused_at_its_place(
    tmp_path: Path, plans: list[str]
) -> None:
    path = hanoi_facts(tmp_path, f"    indicators: {{communes: 10, {PAPI_INDICATOR}: 40}}\n")
    result = cli("check", str(path), "--as-of", "2020-01-15", *plans)
    assert result.exit_code == INPUT_ERROR, result.output
    line = line_at(result.output, f"{path}: reports[0].indicators.{PAPI_INDICATOR}: ")
    assert f"indicators.{PAPI_INDICATOR}" in line.split(": ", 2)[2]
    assert "hanoi-papi-2018" in line and "hanoi-cchc-2019" in line
    assert "--plan" in line
    assert "reports[0].indicators.communes" not in result.output  # a core word is fine


def test_the_same_figure_is_accepted_when_the_papi_plan_is_in_use(tmp_path: Path) -> None:
    path = hanoi_facts(tmp_path, f"    indicators: {{communes: 10, {PAPI_INDICATOR}: 40}}\n")
    both = ["--plan", "hanoi-cchc-2019", "--plan", "hanoi-papi-2018"]
    result = cli("check", str(path), "--as-of", "2020-01-15", *both)
    assert result.exit_code in (0, 1), result.output


def test_a_hanoi_2018_fact_set_picks_the_papi_plan_and_its_words(tmp_path: Path) -> None:
    body = (
        f"    indicators: {{communes: 10, communes_with_papi_plan: 9, {PAPI_INDICATOR}: 40}}\n"
        "    duties: {papi_plan_issued: {done: true, date: 2018-04-02}}\n"
    )
    path = hanoi_facts(tmp_path, body, period="2018")
    result = cli("check", str(path), "--as-of", "2019-01-20")
    assert result.exit_code in (0, 1), result.output


def test_facts_validate_reads_the_words_of_every_plan(tmp_path: Path) -> None:
    path = hanoi_facts(tmp_path, f"    indicators: {{{PAPI_INDICATOR}: 40}}\n")
    result = cli("facts", "validate", str(path))
    assert result.exit_code == 0, result.output


# Every kind of word, in YAML and CSV


def test_duties_and_events_of_another_plan_are_refused_at_their_key_paths(tmp_path: Path) -> None:
    body = (
        "    duties: {cchc_plan_issued: {done: true}, papi_plan_issued: {done: true}}\n"
        "    events:\n"
        "      - {kind: dialogue, date: 2019-03-01}\n"
        "      - {kind: online_dialogue_forum, date: 2019-04-01}\n"
    )
    path = hanoi_facts(tmp_path, body)
    result = cli("check", str(path), "--as-of", "2020-01-15")
    assert result.exit_code == INPUT_ERROR, result.output
    duty = line_at(result.output, f"{path}: reports[0].duties.papi_plan_issued: ")
    assert "papi_plan_issued" in duty.split(": ", 2)[2] and "hanoi-papi-2018" in duty
    event = line_at(result.output, f"{path}: reports[0].events[1].kind: ")
    assert "online_dialogue_forum" in event and "thua-thien-hue-cchc-2018" in event
    assert "reports[0].events[0]" not in result.output
    assert "cchc_plan_issued" not in result.output


def test_csv_rows_are_located_by_line_and_the_column_holding_the_word(tmp_path: Path) -> None:
    write(tmp_path, "units.csv", "id,name,kind\nq,Quận,district\n")
    write(tmp_path, "q-indicators.csv", f"unit,period,communes,{PAPI_INDICATOR}\nq,2019,10,40\n")
    write(
        tmp_path,
        "q-duties.csv",
        "unit,period,duty,done\nq,2019,cchc_plan_issued,true\nq,2019,papi_plan_issued,true\n",
    )
    write(
        tmp_path,
        "q-events.csv",
        "unit,period,kind,date\nq,2019,dialogue,2019-03-01\nq,2019,online_dialogue_forum,2019-04-01\n",
    )
    result = cli("check", str(tmp_path), "--plan", "hanoi-cchc-2019", "--as-of", "2020-01-15")
    assert result.exit_code == INPUT_ERROR, result.output
    indicator = line_at(result.output, f"{tmp_path / 'q-indicators.csv'}: line 2, column ")
    assert PAPI_INDICATOR in indicator and "hanoi-papi-2018" in indicator
    duty = line_at(result.output, f"{tmp_path / 'q-duties.csv'}: line 3, column duty: ")
    assert "papi_plan_issued" in duty and "hanoi-papi-2018" in duty
    event = line_at(result.output, f"{tmp_path / 'q-events.csv'}: line 3, column kind: ")
    assert "online_dialogue_forum" in event and "thua-thien-hue-cchc-2018" in event
    for table in ("q-duties.csv", "q-events.csv"):  # the core words' rows are fine
        assert f"{tmp_path / table}: line 2" not in result.output


def test_a_dossier_count_per_field_outside_the_vocabulary_is_located() -> None:
    """No plan brings dossier counts of its own yet: a hand-made vocabulary without one shows
    that a count per field of procedures is checked like the others."""
    narrow = Vocabulary(
        ("test-plan",),
        {name: q for name, q in DOSSIER_FIELDS.items() if name != "received_postal"},
        INDICATORS,
        DUTIES,
        EVENT_KINDS,
    )
    document = {
        "units": [{"id": "q", "name": "Quận", "kind": "district"}],
        "reports": [
            {
                "unit": "q",
                "period": "2019",
                "dossiers_by_field": {"dat-dai": {"received_online": 3, "received_postal": 2}},
            }
        ],
    }
    with pytest.raises(FactError) as error:
        facts_from_document(document, "f.yaml", narrow)
    [problem] = english(error.value.problems)
    assert problem.startswith("f.yaml: reports[0].dossiers_by_field.dat-dai.received_postal: ")
    assert "test-plan" in problem
    facts_from_document(document, "f.yaml")  # every plan's words: fine


# Reused words and core words


def test_a_word_a_plan_reuses_from_another_is_its_word_too(tmp_path: Path) -> None:
    units = (
        "jurisdiction: thanh-xuan\n"
        "units:\n  - {id: tx, name: UBND quận Thanh Xuân, kind: district}\n"
    )
    report = "reports:\n  - unit: tx\n    period: 2024\n"
    duty = "    duties: {par_sipas_plan_issued: {done: true, date: 2024-03-01}}\n"
    path = write(tmp_path, "tx.yaml", units + report + duty)
    result = cli("check", str(path), "--as-of", "2025-01-20")
    assert result.exit_code in (0, 1), result.output
    assert plans_of("duties", "par_sipas_plan_issued") == (
        "hanoi-par-sipas-2022",
        "thanh-xuan-cchc-2024",
    )
    # Hà Nội 2019 reads neither: the message names every plan that reads it.
    path = hanoi_facts(tmp_path, "    duties: {par_sipas_plan_issued: {done: true}}\n")
    result = cli("check", str(path), "--as-of", "2020-01-15")
    assert result.exit_code == INPUT_ERROR, result.output
    line = line_at(result.output, f"{path}: reports[0].duties.par_sipas_plan_issued: ")
    assert "hanoi-par-sipas-2022" in line and "thanh-xuan-cchc-2024" in line


def _core_document(year: int) -> dict:
    return {
        "units": [{"id": "q", "name": "Quận", "kind": "district"}],
        "reports": [
            {
                "unit": "q",
                "period": str(year),
                "dossiers": {"received_online": 5, "resolved_on_time": 4},
                "dossiers_by_field": {"dat-dai": {"received_online": 2}},
                "indicators": {"procedures_in_scope": 100, "communes": 10},
                "duties": {"cchc_plan_issued": {"done": True}},
                "events": [{"kind": "dialogue", "date": f"{year}-03-01"}],
            }
        ],
    }


def test_core_words_are_accepted_with_every_plan(catalogue: Catalogue) -> None:
    for plan in catalogue.plans.values():
        vocabulary = vocabulary_for([plan.id])
        for group in WORD_GROUPS:
            core = [name for name in ALL.tables[group] if name in CORE_NAMES]
            assert all(vocabulary.allows(group, name) for name in core), (plan.id, group)
        facts_from_document(_core_document(plan.info.year), plan.id, vocabulary)


@pytest.mark.parametrize(
    "plan_id",
    [
        "hanoi-cchc-2019",
        "hanoi-papi-2018",
        "hanoi-par-sipas-2022",
        "thanh-xuan-cchc-2024",
        "thua-thien-hue-cchc-2018",
    ],
)
def test_core_words_pass_cchc_check_with_each_plan(tmp_path: Path, plan_id: str) -> None:
    year = int(plan_id[-4:])
    body = (
        "    dossiers: {received_online: 5, resolved_on_time: 4}\n"
        "    indicators: {procedures_in_scope: 100, communes: 10}\n"
        "    duties: {cchc_plan_issued: {done: true}}\n"
        f"    events: [{{kind: dialogue, date: {year}-03-01}}]\n"
    )
    units = "units:\n  - {id: q, name: UBND quận, kind: district}\n"
    path = write(tmp_path, "f.yaml", f"{units}reports:\n  - unit: q\n    period: {year}\n{body}")
    result = cli("check", str(path), "--plan", plan_id, "--as-of", f"{year + 1}-01-20")
    assert result.exit_code in (0, 1), result.output


# The vocabulary files and the catalogue agree


def test_every_plan_vocabulary_file_is_named_after_a_plan(catalogue: Catalogue) -> None:
    files = {path.stem for path in VOCABULARY_DIR.glob("*.yaml")} - {"core"}
    assert files == set(vocabulary_plans())
    assert files <= set(catalogue.plans)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _strings(getattr(value, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


def test_every_word_a_plan_reads_is_in_its_own_vocabulary(catalogue: Catalogue) -> None:
    """A rule reading another plan's word needs it under `reuses` in its plan's vocabulary file,
    or a fact set for that plan alone could not report it."""
    missing = []
    for plan in catalogue.plans.values():
        vocabulary = vocabulary_for([plan.id])
        for rule in plan.rules:
            for text in _strings(rule.measure):
                group, _, name = text.partition(".") if "." in text else ("", "", text)
                groups = [group] if group in ("dossiers", "indicators") else WORD_GROUPS
                for group in groups:
                    if name in ALL.tables[group] and not vocabulary.allows(group, name):
                        missing.append(f"{rule.id}: {group}.{name}")
    assert missing == []


def test_the_vocabulary_of_every_plan_is_the_whole_vocabulary(catalogue: Catalogue) -> None:
    every = vocabulary_for(catalogue.plans)
    for group in WORD_GROUPS:
        assert dict(every.tables[group]) == dict(ALL.tables[group])
    assert vocabulary_for([]).tables["indicators"].keys() <= CORE_NAMES


def test_facts_validate_with_a_plan_refuses_another_plans_word_at_its_place(
    tmp_path: Path,
) -> None:
    path = hanoi_facts(tmp_path, f"    indicators: {{communes: 10, {PAPI_INDICATOR}: 40}}\n")
    assert cli("facts", "validate", str(path)).exit_code == 0  # every plan's words
    assert cli("facts", "validate", str(path), "--plan", "hanoi-papi-2018").exit_code == 0
    scoped = cli("facts", "validate", str(path), "--plan", "hanoi-cchc-2019")
    assert scoped.exit_code == INPUT_ERROR
    line_at(scoped.output, f"{path}: reports[0].indicators.{PAPI_INDICATOR}: ")
    unknown = cli("facts", "validate", str(path), "--plan", "no-such-plan")
    assert unknown.exit_code == INPUT_ERROR and "--plan no-such-plan" in unknown.output
