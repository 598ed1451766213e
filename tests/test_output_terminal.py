"""What reaches a terminal: never a control or bidi character raw, never a crash on encoding."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from test_output import CCHC

from cchc.cli import main
from cchc.reports.terminal import printable

HOSTILE = "Ba Đình\x1b[2J\x07\u202eevil\u2066\x9b\x7f\u200f"  # NUL is refused on load
RAW = ["\x1b", "\x07", "\u202e", "\u2066", "\x00", "\x9b", "\x7f", "\u200f"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31m", "\\x1b[31m"),
        ("\x07", "\\x07"),
        ("\x00", "\\x00"),
        ("\r", "\\x0d"),
        ("\x7f", "\\x7f"),
        ("\x85", "\\x85"),
        ("\x9b", "\\x9b"),
        ("\u202e", "\\u202e"),
        ("\u200e", "\\u200e"),
        ("\u2069", "\\u2069"),
        ("\u061c", "\\u061c"),
        ("\udcff", "\\udcff"),
        ("Đình\tà", "Đình\tà"),
    ],
)
def test_printable_escapes_controls_and_bidi_characters(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_keeps_newlines_only_when_asked() -> None:
    assert printable("a\nb") == "a\nb"
    assert printable("a\nb", keep_newlines=False) == "a\\x0ab"


def hostile_facts(tmp_path: Path) -> Path:
    units = [{"id": "q", "name": HOSTILE, "kind": "district"}]
    report = {
        "unit": "q",
        "period": "2019-Q1",
        "dossiers": {"resolved_early": 0, "resolved_on_time": 949, "resolved_late": 51},
    }
    path = tmp_path / "facts.yaml"
    path.write_text(
        yaml.safe_dump({"units": units, "reports": [report]}, allow_unicode=True), encoding="utf-8"
    )
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("group_by", ["unit", "rule"])
def test_the_table_shows_hostile_unit_names_escaped(tmp_path: Path, group_by: str) -> None:
    arguments = ["check", str(hostile_facts(tmp_path)), "--as-of", "2019-04-15"]
    # Wide enough that no cell wraps inside the escaped name.
    result = CliRunner(env={"COLUMNS": "240"}).invoke(main, [*arguments, "--group-by", group_by])
    assert result.exit_code == 1
    assert not any(character in result.output for character in RAW)
    assert "\\x1b[2J" in result.output and "\\u202e" in result.output and "Đình" in result.output


def test_json_keeps_the_exact_data_with_nothing_raw(tmp_path: Path) -> None:
    result = run("check", str(hostile_facts(tmp_path)), "--as-of", "2019-04-15", "--format", "json")
    assert not any(character in result.stdout for character in RAW)
    document = json.loads(result.stdout)
    assert document["units"]["q"]["name"] == HOSTILE
    assert any(f["unit"] == "q" for f in document["findings"])


def test_input_errors_show_officer_text_escaped_on_one_line(tmp_path: Path) -> None:
    units = [{"id": "q", "name": "Q", "kind": "district", "x\x1b[2J\u202e\nfake": 1}]
    path = tmp_path / "bad\x1b]0;title\x07.yaml"
    path.write_text(yaml.safe_dump({"units": units}, allow_unicode=True), encoding="utf-8")
    result = run("facts", "validate", str(path))
    assert result.exit_code == 2
    assert not any(character in result.output for character in RAW)
    assert "\\x1b[2J\\u202e\\x0afake" in result.output
    assert "bad\\x1b]0;title\\x07.yaml" in result.output


def test_rules_show_and_list_escape_what_they_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("cchc.cli.describe_rule", lambda plan, rule: "a\x1bb\u202ec\nd")
    monkeypatch.setattr("cchc.cli.rule_rows", lambda plans: "x\x07y")
    assert run("rules", "show", "HN2019-II-06").output == "a\\x1bb\\u202ec\nd\n"
    assert run("rules", "list").output == "x\\x07y\n"


def run_with_encoding(env_changes: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **env_changes}
    return subprocess.run([*CCHC, *args], capture_output=True, env=env, timeout=120)


ENCODINGS = [{"PYTHONIOENCODING": "ascii"}, {"PYTHONIOENCODING": "latin-1"}, {"LC_ALL": "C"}]


@pytest.mark.parametrize("env", ENCODINGS)
def test_vietnamese_to_a_non_utf8_pipe_never_crashes(env: dict[str, str]) -> None:
    done = run_with_encoding(env, "rules", "show", "HN2019-II-12c")
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert "phấn đấu" in done.stdout.decode("utf-8")  # files and pipes get UTF-8


@pytest.mark.parametrize("env", ENCODINGS)
def test_vietnamese_errors_to_a_non_utf8_stderr_never_crash(tmp_path: Path, env: dict) -> None:
    path = tmp_path / "báo-cáo-Đình.yaml"
    path.write_text("units: [", encoding="utf-8")
    done = run_with_encoding(env, "facts", "validate", str(path))
    assert done.returncode == 2
    assert b"Traceback" not in done.stderr and b"Dinh" not in done.stderr
    assert "báo-cáo-Đình.yaml" in done.stderr.decode("utf-8")


def read_terminal(primary: int) -> bytes:
    output = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the terminal's other side closed
            return output
        if not chunk:
            return output
        output += chunk


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals")
@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("command", ["rules show", "check"])
def test_vietnamese_to_a_non_utf8_terminal_never_crashes(
    tmp_path: Path, encoding: str, command: str
) -> None:
    arguments = ["rules", "show", "HN2019-II-12c"]
    if command == "check":
        arguments = ["check", str(hostile_facts(tmp_path)), "--as-of", "2019-04-15"]
    primary, secondary = os.openpty()
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    process = subprocess.Popen([*CCHC, *arguments], stdout=secondary, stderr=secondary, env=env)
    os.close(secondary)
    output = read_terminal(primary)
    os.close(primary)
    assert process.wait(timeout=120) == (1 if command == "check" else 0)
    assert b"Traceback" not in output
    assert b"HN2019-II-" in output


def test_a_broken_pipe_is_a_write_error_not_an_internal_one(tmp_path: Path) -> None:
    arguments = ["check", str(hostile_facts(tmp_path)), "--as-of", "2019-04-15"]
    process = subprocess.Popen(
        [*CCHC, *arguments, "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader went away, as `| head -0` does
    errors = process.stderr.read()
    assert process.wait(timeout=120) == 2
    assert b"internal error" not in errors and b"Traceback" not in errors


def test_the_json_escaper_matches_every_unsafe_character_and_no_other() -> None:
    """The byte pattern written by hand in reports/json_report.py, against UNSAFE_RANGES."""
    from cchc.reports.json_report import _RAW_IN_JSON
    from cchc.reports.terminal import UNSAFE_RANGES

    unsafe = {p for low, high in UNSAFE_RANGES if low >= 0x7F for p in range(low, high + 1)}
    for point in range(0x7F, 0x3000):
        if 0xD800 <= point <= 0xDFFF:
            continue
        encoded = chr(point).encode("utf-8")
        assert bool(_RAW_IN_JSON.fullmatch(encoded)) == (point in unsafe), hex(point)
