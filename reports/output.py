"""Where a rendered report goes with --output: safely, and all or nothing where that can be.

- A regular file (or a new one) is written to a temporary file in the same folder and renamed
  over it: readers see the old report or the new one, never half of one. The old file's mode is
  kept; a new file gets the umask's default mode.
- A symbolic link is refused: a fact repository submitted by others may plant one pointing at
  a file of the user's, and neither replacing the link nor writing through it is wanted.
- /dev/stdout, /dev/stderr and /dev/fd/N name a descriptor this process already has open: the
  report is written to it, so it lands wherever the shell redirected it (even with >>).
- Any other existing file that is not regular (a character device, a FIFO) cannot be renamed
  over: it is opened and written directly.

A report is text, bytes, or bytes in pieces (a national JSON report: 140 MB). Pieces going to a
regular file are written by a second thread while the next piece is rendered (the kernel's copy
and Polars' encoding both run without the GIL); pieces for a stream or a device are joined
first, so that a renderer's failure leaves nothing half-written there either.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TextIO, TypeAlias

Rendered: TypeAlias = str | bytes | Iterable[bytes]

# The descriptors /dev names for the process itself (symbolic links into /proc on Linux).
_OWN_DESCRIPTOR = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_STANDARD_NAMES = {"/dev/stdout": 1, "/dev/stderr": 2}
_NEW_FILE_MODE = 0o666  # before the umask, as open(…, "w") creates a file


class OutputError(Exception):
    """The report cannot be written where asked. The message names the file."""


def own_descriptor(path: Path) -> int | None:
    """The descriptor number when `path` names one of this process's own open descriptors."""
    text = os.path.normpath(str(path))
    if text in _STANDARD_NAMES:
        return _STANDARD_NAMES[text]
    match = _OWN_DESCRIPTOR.match(text)
    return int(match[1]) if match else None


def check_destination(path: Path) -> None:
    """Refuse, before any work is done, a destination that can never be written safely."""
    if own_descriptor(path) is not None:
        return
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        if not path.parent.is_dir():
            raise OutputError(f"{path}: cannot write: no folder {path.parent}") from None
        return
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror}") from error
    if stat.S_ISLNK(status.st_mode):
        raise OutputError(
            f"{path}: is a symbolic link; refusing to replace it or write through it "
            "(name the file it points to, if that is what you mean)"
        )
    if stat.S_ISDIR(status.st_mode):
        raise OutputError(f"{path}: is a folder; name a file")


def whole(report: Rendered) -> str | bytes:
    """The report in one piece."""
    return report if isinstance(report, str | bytes) else b"".join(report)


def _pieces(report: Rendered) -> Iterable[bytes]:
    if isinstance(report, str):  # renderers escape lone surrogates anyway
        return [report.encode("utf-8", errors="replace")]
    return [report] if isinstance(report, bytes) else report


def write_report(report: Rendered, path: Path, streams: dict[int, TextIO] | None = None) -> None:
    """Write the report to `path` as the module docstring says, or raise OutputError naming the
    file. `streams` maps descriptor numbers to the open text streams of this process (stdout,
    stderr): a report for those goes through them, so it neither overtakes what they buffer nor
    bypasses how they were set up for the terminal."""
    check_destination(path)
    descriptor = own_descriptor(path)
    try:
        if descriptor is not None:
            stream = (streams or {}).get(descriptor)
            if stream is not None:
                write_to_stream(stream, report)
            else:
                _write_all(descriptor, b"".join(_pieces(whole(report))))
            return
        try:
            existing = os.lstat(path)
        except FileNotFoundError:
            existing = None
        if existing is None or stat.S_ISREG(existing.st_mode):
            mode = None if existing is None else stat.S_IMODE(existing.st_mode)
            _replace_file(_pieces(report), path, mode)
        else:
            _write_existing(b"".join(_pieces(whole(report))), path)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from error


def write_to_stream(stream: TextIO, report: Rendered) -> None:
    """A report to an open text stream; bytes go to its binary buffer, after what it holds."""
    text = whole(report)
    if isinstance(text, bytes):
        stream.flush()
        stream.buffer.write(text)
        stream.buffer.flush()
    else:
        stream.write(text)
        stream.flush()


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(descriptor, view)
        view = view[written:]


def _write_existing(data: bytes, path: Path) -> None:
    """A device or a FIFO: opened as it is, never created, never through a link."""
    descriptor = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        _write_all(descriptor, data)
    finally:
        os.close(descriptor)


def _write_pieces(descriptor: int, pieces: Iterable[bytes]) -> None:
    """Each piece written while the next is rendered; at most two pieces held at once."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="cchc-write") as writer:
        pending: Future[None] | None = None
        for piece in pieces:
            if pending is not None:
                pending.result()
            pending = writer.submit(_write_all, descriptor, piece)
        if pending is not None:
            pending.result()


def _replace_file(pieces: Iterable[bytes], path: Path, mode: int | None) -> None:
    """Write a temporary file beside `path` and rename it over `path`; on any error, remove it.
    `mode`: the replaced file's permissions, or None for a new file's default."""
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL and O_NOFOLLOW: never reuse or follow anything already at the temporary name.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o600 if mode is not None else _NEW_FILE_MODE)
    try:
        try:
            _write_pieces(descriptor, pieces)
            if mode is not None:
                os.fchmod(descriptor, mode)  # exact, whatever the umask
            os.fsync(descriptor)  # the rename must not land before the data does
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
