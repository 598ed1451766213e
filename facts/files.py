"""Which files are facts, and reading them safely: regular files only, bounded in size.

A fact repository is often submitted by others (to CI, to an inspection team), so a folder may
hold a symlink to /proc/self/environ, a FIFO named pipe.yaml, or a 2 GB file. None of them is
followed, blocked on or read whole: each is refused by name with exit 2.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from cchc.facts.problems import FactError, Place, Problem

FACT_SUFFIXES = (".yaml", ".yml", ".json", ".ndjson", ".jsonl", ".csv", ".xlsx")
# Spreadsheets cchc cannot read as they are: refused by name with the format to save them in,
# never skipped (an officer's figures would silently go unchecked).
UNREADABLE_WORKBOOKS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".tsv")
# A folder's documentation, never facts: the only files a facts folder may hold unread unnoticed.
DOCUMENTATION = ("readme",)
MIB = 1024 * 1024
# Loading keeps about 65 bytes of memory per byte of CSV or YAML until loading is made lean; these
# bounds keep a run within a few GiB. README, "Limits".
MAX_FILE_BYTES = 32 * MIB
MAX_TOTAL_BYTES = 64 * MIB
# JSON and NDJSON that are plainly valid are read straight into columns (facts/fast_read.py),
# at about 4 bytes of memory per byte of JSON: national fact sets fit these bounds.
FAST_MAX_FILE_BYTES = 1024 * MIB
FAST_MAX_TOTAL_BYTES = 2048 * MIB


class FileProblem(FactError):
    """Files that cannot be read as facts at all (missing, too large, not text…)."""


def expand_fact_paths(paths: Sequence[str | Path], exclude: Sequence[Path] = ()) -> list[Path]:
    """Fact files as given; a folder stands for the fact files inside it. `exclude` names files
    never to read as facts (the report this run writes). A symlink inside a folder must stay
    inside it."""
    skipped = {Path(path).resolve() for path in exclude if str(path)}
    files: list[Path] = []
    problems: list[Problem] = []
    for name in paths:
        if not str(name):
            problems.append(Problem.of(Place(), "empty_file_name"))
            continue
        path = Path(name)
        if path.is_dir():
            files += _folder_files(path, problems)
        else:
            files.append(path)
    files = [path for path in files if path.resolve() not in skipped]
    if not files and not problems:
        where = Place(", ".join(map(str, paths)))
        problems.append(Problem.of(where, "no_fact_files", suffixes=", ".join(FACT_SUFFIXES)))
    if problems:
        raise FileProblem(problems)
    return files


def _folder_files(folder: Path, problems: list[Problem]) -> list[Path]:
    inside = folder.resolve()
    files = []
    for entry in sorted(folder.iterdir()):
        if entry.suffix.lower() in UNREADABLE_WORKBOOKS:
            problems.append(unreadable_workbook(entry))
            continue
        if entry.suffix.lower() not in FACT_SUFFIXES:
            continue
        if entry.is_symlink() and not entry.resolve().is_relative_to(inside):
            problems.append(Problem.of(Place(str(entry)), "link_out_of_folder", folder=str(folder)))
            continue
        files.append(entry)
    return files


def unreadable_workbook(path: Path) -> Problem:
    return Problem.of(Place(str(path)), "unsupported_workbook", suffix=path.suffix.lower())


def not_read(paths: Sequence[str | Path], exclude: Sequence[Path] = ()) -> list[Path]:
    """What the folders among `paths` hold that is not read as facts: other files and folders
    (a folder's README excepted), so that each is named in a warning, never skipped silently."""
    skipped = {Path(path).resolve() for path in exclude if str(path)}
    left = []
    for name in paths:
        folder = Path(name)
        if not str(name) or not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            suffix = entry.suffix.lower()
            if entry.stem.lower() in DOCUMENTATION or entry.resolve() in skipped:
                continue
            if entry.is_dir() or suffix not in (*FACT_SUFFIXES, *UNREADABLE_WORKBOOKS):
                left.append(entry)
    return left


def total_size(files: Sequence[Path]) -> int:
    return sum(path.stat().st_size for path in files if path.is_file())


def total_size_problems(files: Sequence[Path], limit: int | None = None) -> list[Problem]:
    """The whole fact set, checked before anything is read (by default against the bound of
    the full loader)."""
    limit = MAX_TOTAL_BYTES if limit is None else limit
    total = total_size(files)
    if total <= limit:
        return []
    return [Problem.of(Place(), "fact_set_too_large", size=_size(total), limit=_size(limit))]


class NotReadable(Exception):
    """Why a file was not read (`code`): too large (`size` in bytes), not a regular file, or it
    cannot be opened or read (`detail`: the system's reason)."""

    def __init__(self, code: str, size: int | None = None, detail: str = "") -> None:
        self.code = code
        self.size = size
        self.detail = detail
        super().__init__(f"{code}: {detail or size or ''}")

    def problem(self, path: Path, limit: int) -> Problem:
        if self.code == "too_large":
            size, most = _size(self.size or 0), _size(limit)
            return Problem.of(Place(str(path)), "file_too_large", size=size, limit=most)
        return Problem.of(Place(str(path)), self.code, detail=self.detail)


def read_regular_bytes(path: Path, limit: int) -> bytes:
    """A regular file's bytes, never more than `limit`: opening never blocks (a FIFO is
    refused), and a file that grows while it is read is caught. Raises NotReadable."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as error:
        raise NotReadable("unreadable", detail=str(error.strerror or error)) from None
    with os.fdopen(descriptor, "rb") as stream:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable("not_regular_file")
        if info.st_size > limit:
            raise NotReadable("too_large", info.st_size)
        try:
            data = stream.read(limit + 1)
        except OSError as error:
            raise NotReadable("unreadable", detail=str(error.strerror or error)) from None
    if len(data) > limit:
        raise NotReadable("too_large", len(data))
    return data


def read_fact_text(path: Path, limit: int | None = None) -> str:
    """The file's text, UTF-8 (a BOM is allowed). Only a regular file is read, never more than
    `limit` (MAX_FILE_BYTES by default), and opening never blocks (a FIFO is refused)."""
    limit = MAX_FILE_BYTES if limit is None else limit
    try:
        data = read_regular_bytes(path, limit)
    except NotReadable as error:
        raise FileProblem([error.problem(path, limit)]) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        at = Place(str(path))
        raise FileProblem([Problem.of(at, "not_utf8", byte=error.start + 1)]) from None


def _size(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size / 1024:.1f} KiB"
