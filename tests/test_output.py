"""--output: all or nothing for files, never through a symbolic link, straight to devices."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_cli import facts_file

from cchc.cli import main
from cchc.reports.output import OutputError, write_report

CCHC = [sys.executable, "-c", "import sys; from cchc.cli import main; sys.argv[0] = 'cchc'; main()"]


def check(facts: Path, *args: str) -> object:
    arguments = ["check", str(facts), "--as-of", "2019-04-15", "--format", "json", *args]
    return CliRunner().invoke(main, arguments, catch_exceptions=False)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_empty_output_name_is_a_usage_error(tmp_path: Path) -> None:
    result = check(facts_file(tmp_path, 95, 5), "--output", "")
    assert result.exit_code == 2 and "--output" in result.output


@pytest.mark.parametrize("dangling", [False, True])
def test_a_symbolic_link_is_refused_and_left_alone(tmp_path: Path, dangling: bool) -> None:
    victim = tmp_path / "victim.txt"
    if not dangling:
        victim.write_text("keep", encoding="utf-8")
    link = tmp_path / "report.json"
    link.symlink_to(victim)
    result = check(facts_file(tmp_path, 95, 5), "--output", str(link))
    assert result.exit_code == 2 and str(link) in result.output
    assert link.is_symlink() and os.readlink(link) == str(victim)
    assert victim.exists() != dangling
    if not dangling:
        assert victim.read_text(encoding="utf-8") == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["facts.yaml", "report.json", *([] if dangling else ["victim.txt"])]
    )


@pytest.mark.parametrize("old_mode", [0o644, 0o640, 0o600])
def test_replacing_a_file_keeps_its_mode(tmp_path: Path, old_mode: int) -> None:
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")
    out.chmod(old_mode)
    assert check(facts_file(tmp_path, 95, 5), "--output", str(out)).exit_code == 0
    assert mode(out) == old_mode
    assert json.loads(out.read_text(encoding="utf-8"))["schema"] == "cchc-findings/2"


@pytest.mark.usefixtures("umask_022")
def test_a_new_file_gets_the_umask_default_mode(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert check(facts_file(tmp_path, 95, 5), "--output", str(out)).exit_code == 0
    assert mode(out) == 0o644
    os.umask(0o027)
    other = tmp_path / "other.json"
    assert check(facts_file(tmp_path, 95, 5), "--output", str(other)).exit_code == 0
    assert mode(other) == 0o640


def test_a_failed_write_leaves_the_old_file_and_nothing_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "report.json"
    out.write_text("previous report", encoding="utf-8")
    facts = facts_file(tmp_path, 95, 5)

    def no_space(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    result = check(facts, "--output", str(out))
    assert result.exit_code == 2 and str(out) in result.output
    assert out.read_text(encoding="utf-8") == "previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["facts.yaml", "report.json"]


@pytest.mark.parametrize("where", ["folder", "missing folder"])
def test_an_output_that_cannot_be_a_file_exits_2_naming_it(tmp_path: Path, where: str) -> None:
    out = tmp_path if where == "folder" else tmp_path / "no-such-folder" / "report.json"
    result = check(facts_file(tmp_path, 95, 5), "--output", str(out))
    assert result.exit_code == 2 and str(out) in result.output


def test_dev_stdout_in_process_goes_through_standard_output(tmp_path: Path) -> None:
    result = check(facts_file(tmp_path, 95, 5), "--output", "/dev/stdout")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["schema"] == "cchc-findings/2"


@pytest.mark.parametrize("redirect", ["w", "a"])
def test_dev_stdout_redirected_to_a_file_gets_the_whole_report(
    tmp_path: Path, redirect: str
) -> None:
    """`> file` and `>> file`: the report lands in the file, after what `>>` keeps."""
    facts = facts_file(tmp_path, 95, 5)
    captured = tmp_path / "captured.txt"
    captured.write_text("kept line\n", encoding="utf-8")
    arguments = ["check", str(facts), "--as-of", "2019-04-15", "--format", "json"]
    with captured.open(redirect, encoding="utf-8") as stdout:
        done = subprocess.run(
            [*CCHC, *arguments, "--output", "/dev/stdout"], stdout=stdout, stderr=subprocess.PIPE
        )
    assert done.returncode == 0, done.stderr
    text = captured.read_text(encoding="utf-8")
    if redirect == "a":
        assert text.startswith("kept line\n")
        text = text.removeprefix("kept line\n")
    assert json.loads(text)["schema"] == "cchc-findings/2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["captured.txt", "facts.yaml"]


def test_a_fifo_is_written_directly(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    result = check(facts_file(tmp_path, 95, 5), "--output", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == 0
    assert json.loads(received[0])["schema"] == "cchc-findings/2"
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_device_that_fails_the_write_exits_2_naming_it(tmp_path: Path) -> None:
    result = check(facts_file(tmp_path, 95, 5), "--output", "/dev/full")
    assert result.exit_code == 2 and "/dev/full" in result.output


def test_dev_null_is_written_directly(tmp_path: Path) -> None:
    assert check(facts_file(tmp_path, 95, 5), "--output", os.devnull).exit_code == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_report_written_into_the_facts_folder_is_not_read_back(tmp_path: Path) -> None:
    facts_file(tmp_path, 949, 51)
    out = tmp_path / "report.json"
    assert check(tmp_path, "--output", str(out)).exit_code == 1
    assert check(tmp_path, "--output", str(out)).exit_code == 1  # not an invalid fact file


def test_write_report_refuses_a_link_even_when_called_directly(tmp_path: Path) -> None:
    target = tmp_path / "target.txt"
    target.write_text("keep", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with pytest.raises(OutputError, match=r"link\.txt"):
        write_report("new", link)
    assert target.read_text(encoding="utf-8") == "keep"


def test_a_report_in_pieces_is_written_whole_in_order(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    write_report((bytes([65 + n % 26]) * 100_000 for n in range(40)), out)
    data = out.read_bytes()
    assert len(data) == 4_000_000
    assert data[::100_000] == bytes(65 + n % 26 for n in range(40))


def test_a_renderer_failing_half_way_leaves_the_old_report_and_no_temporary(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    out.write_text("old", encoding="utf-8")

    def pieces() -> Iterator[bytes]:
        yield b"{" * 1_000_000
        raise RuntimeError("renderer failed")

    with pytest.raises(RuntimeError, match="renderer failed"):
        write_report(pieces(), out)
    assert out.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_long_run_shows_progress_on_a_terminal_and_nothing_in_a_pipe(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from cchc import cli

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(cli, "_spoken", ["en"])
    with cli._progress(3) as step:
        step("rendering", format="html")
        step("counted", rows=12345)
    assert "cchc: counted 12,345 rows" in terminal.getvalue()  # the bar: what is under way
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    with cli._progress(3) as step:
        step("html")
    assert piped.getvalue() == ""
