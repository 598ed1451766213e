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
"""

from __future__ import annotations

import os
import re
import secrets
import stat
from pathlib import Path
from typing import TextIO

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


def write_report(text: str | bytes, path: Path, streams: dict[int, TextIO] | None = None) -> None:
    """Write `text` (or UTF-8 bytes) to `path` as the module docstring says, or raise
    OutputError naming the file. `streams` maps descriptor numbers to the open text streams of
    this process (stdout, stderr): a report for those goes through them, so it neither overtakes
    what they buffer nor bypasses how they were set up for the terminal."""
    check_destination(path)
    descriptor = own_descriptor(path)
    # Renderers escape lone surrogates anyway; bytes (JSON) are UTF-8 already.
    data = text if isinstance(text, bytes) else text.encode("utf-8", errors="replace")
    try:
        if descriptor is not None:
            stream = (streams or {}).get(descriptor)
            if stream is not None:
                write_to_stream(stream, text)
            else:
                _write_all(descriptor, data)
            return
        try:
            existing = os.lstat(path)
        except FileNotFoundError:
            existing = None
        if existing is None or stat.S_ISREG(existing.st_mode):
            mode = None if existing is None else stat.S_IMODE(existing.st_mode)
            _replace_file(data, path, mode)
        else:
            _write_existing(data, path)
    except OSError as error:
        raise OutputError(f"{path}: cannot write: {error.strerror or error}") from error


def write_to_stream(stream: TextIO, text: str | bytes) -> None:
    """A report to an open text stream; bytes go to its binary buffer, after what it holds."""
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


def _replace_file(data: bytes, path: Path, mode: int | None) -> None:
    """Write a temporary file beside `path` and rename it over `path`; on any error, remove it.
    `mode`: the replaced file's permissions, or None for a new file's default."""
    temporary = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL and O_NOFOLLOW: never reuse or follow anything already at the temporary name.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    descriptor = os.open(temporary, flags, 0o600 if mode is not None else _NEW_FILE_MODE)
    try:
        try:
            _write_all(descriptor, data)
            if mode is not None:
                os.fchmod(descriptor, mode)  # exact, whatever the umask
            os.fsync(descriptor)  # the rename must not land before the data does
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
