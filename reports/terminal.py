"""Text for a human's terminal: control and bidi characters shown as escapes, never obeyed.

Unit names, evidence, notes and file names come from the people who write fact files. Written
raw, an ESC sequence could recolour or clear the screen, a BEL ring, a CR overwrite a line, and
U+202E reverse the text after it, so a report could show something other than what it says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

NEWLINE, TAB = 0x0A, 0x09
# Inclusive ranges of code points never written raw. Tab and newline are decided per use.
UNSAFE_RANGES: tuple[tuple[int, int], ...] = (
    (0x00, 0x08),
    (0x0B, 0x1F),  # C0 controls but tab (09) and newline (0a)
    (0x7F, 0x9F),  # DEL and the C1 controls
    (0x061C, 0x061C),  # Arabic letter mark
    (0x200E, 0x200F),  # LRM, RLM
    (0x202A, 0x202E),  # LRE, RLE, PDF, LRO, RLO
    (0x2066, 0x2069),  # LRI, RLI, FSI, PDI
    # Lone surrogates: a file name that is not UTF-8 decodes to them, and no stream encodes them.
    (0xD800, 0xDFFF),
)


def _character_class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(
        re.escape(chr(low)) + (f"-{re.escape(chr(high))}" if high > low else "")
        for low, high in ranges
    )


_UNSAFE = _character_class(UNSAFE_RANGES)
_KEEPING_NEWLINES = re.compile(f"[{_UNSAFE}]")
_ONE_LINE = re.compile(f"[{_UNSAFE}\n]")


def escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, keep_newlines: bool = True) -> str:
    """`text` with every control, bidi and lone-surrogate character written as an escape such as
    `\\x1b` or `\\u202e`. Tabs stay; newlines stay unless the text must remain one line (a cell,
    an error line), where an embedded newline could pass for a line of cchc's own."""
    pattern = _KEEPING_NEWLINES if keep_newlines else _ONE_LINE
    return pattern.sub(lambda match: escape(match[0]), text)


def wants_colour(stream: object, environ: Mapping[str, str]) -> bool:
    """Colour only for a terminal that can show it: never when piped or redirected, with
    NO_COLOR set to anything (no-color.org), or on a dumb terminal."""
    isatty = getattr(stream, "isatty", None)
    return (
        callable(isatty)
        and bool(isatty())
        and not environ.get("NO_COLOR")
        and environ.get("TERM") != "dumb"
    )
