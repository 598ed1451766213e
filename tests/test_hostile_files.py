"""Fact folders submitted by others: links, devices, pipes, bombs and look-alike tricks are
refused by name, with bounded work, and nothing of their content reaches the terminal raw."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from factsets import english

from cchc.cli import main
from cchc.facts import files
from cchc.facts.load import FactError, expand_fact_paths, load_fact_files

UNITS_CSV = "id,name,kind\nq,Quận,district\n"


def problems_of(*paths: Path) -> list[str]:
    with pytest.raises(FactError) as error:
        load_fact_files(expand_fact_paths(paths))
    return english(error.value.problems)


def test_a_symlink_leaving_the_folder_is_refused_and_its_target_never_echoed(
    tmp_path: Path,
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOKEN=hunter2\n", encoding="utf-8")
    folder = tmp_path / "facts"
    folder.mkdir()
    (folder / "units.csv").symlink_to(secret)
    result = CliRunner().invoke(main, ["check", str(folder)])
    assert result.exit_code == 2
    assert f"{folder / 'units.csv'}: " in result.output
    assert "hunter2" not in result.output


def test_a_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "real-units.csv.txt").write_text(UNITS_CSV, encoding="utf-8")
    (tmp_path / "units.csv").symlink_to(tmp_path / "real-units.csv.txt")
    assert list(load_fact_files(expand_fact_paths([tmp_path])).units) == ["q"]


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    outcome: list[list[str]] = []
    worker = threading.Thread(target=lambda: outcome.append(problems_of(tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert outcome, "reading a FIFO blocked"
    assert outcome[0][0].startswith(f"{pipe}: ")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_a_device_named_as_a_fact_file_is_refused(device: str) -> None:
    assert not Path(device).is_file()
    with pytest.raises(FactError) as error:
        load_fact_files([Path(device)])
    assert error.value.problems[0].place.file == device


def test_files_above_the_size_limits_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "units.csv"
    big.write_text(UNITS_CSV + "x," * 2000 + "\n", encoding="utf-8")
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1024)
    [problem] = problems_of(big)
    assert problem.startswith(f"{big}: ") and "1.0 KiB" in problem  # the limit is named
    monkeypatch.setattr(files, "MAX_TOTAL_BYTES", 1024)
    [problem] = problems_of(big)
    assert not problem.startswith(str(big)) and "1.0 KiB" in problem


def test_a_billion_laughs_yaml_is_refused_quickly(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    path = tmp_path / "bomb.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [problem] = problems_of(path)
    assert problem.startswith(f"{path}: line ")
    assert len(problem) < 300


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "units: " + "[" * 900 + "]" * 900 + "\n"),
        ("deep.json", '{"units": ' + "[" * 900 + "]" * 900 + "}"),
        ("block.yaml", "units:\n" + "".join("  " * i + "- \n" for i in range(1, 200))),
        ("self.yaml", "units: &a [*a]\n"),
        ("keys.yaml", "{a: 1}: 2\n"),
        ("list-key.yaml", "[1, 2]: 3\n"),
        ("dup.json", '{"units": [], "units": []}'),
        ("nan.json", '{"units": [{"id": "q", "name": "Q", "kind": "district", "x": NaN}]}'),
        ("nul.csv", "id,name,kind\nq,Q\x00,district\n"),
        ("units.csv", "id,name,kind,kind\nq,Q,district,city\n"),
        ("wide-units.csv", "id,name,kind\nq," + "x" * 200_000 + ",district\n"),
    ],
)
def test_hostile_documents_are_refused_with_their_file_named(
    tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    found = problems_of(path)
    assert found and all(problem.startswith(f"{path}") for problem in found)
    assert all(len(problem) < 400 for problem in found)


def test_a_cell_holding_a_line_separator_stays_in_its_row_and_lines_are_counted(
    tmp_path: Path,
) -> None:
    (tmp_path / "units.csv").write_text(
        'id,name,kind\nq,"Quận\u2028Một\x1c",district\np,"Hai\ndòng",district\nr,R,planet\n',
        encoding="utf-8",
    )
    [problem] = problems_of(tmp_path / "units.csv")
    assert problem.startswith(f"{tmp_path / 'units.csv'}: line 5, column kind: ")


def test_a_findings_report_in_the_facts_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "units.csv").write_text(UNITS_CSV, encoding="utf-8")
    report = {"schema": "cchc-findings/1", "findings": []}
    (tmp_path / "report.json").write_text(json.dumps(report), encoding="utf-8")
    facts = load_fact_files(expand_fact_paths([tmp_path]))
    assert list(facts.units) == ["q"]
    [warning] = facts.warnings
    assert (warning.code, warning.value("schema")) == ("skipped_report", "cchc-findings/1")
    assert warning.place.endswith("report.json")


def test_terminal_escapes_in_a_bad_value_are_shown_escaped(tmp_path: Path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(
        'units:\n  - {id: q, name: Q, kind: "\\e[31mcity\\u202e\\a"}\n', encoding="utf-8"
    )
    result = CliRunner().invoke(main, ["facts", "validate", str(path)])
    assert result.exit_code == 2
    assert not any(ch in result.output for ch in "\x1b\u202e\x07")
