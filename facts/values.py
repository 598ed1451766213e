"""Single values as officers write them: counts, dates, yes/no, scores and text, read strictly.

Every reader here either returns the exact value or raises ValueError with a message in plain
words that says what to write instead. Nothing is coerced by guesswork: `1.000` is not one and
not a thousand, it is refused with "write counts without separators: 1000".
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction

# Documented bounds: beyond them a value is refused before any arithmetic (README, "Limits").
MAX_COUNT = 10**12
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_TEXT = 4000  # characters in one text value (a note, a name, an evidence line)
MAX_SCORE = Fraction(10**6)
MAX_SCORE_DIGITS = 30  # characters in a score as written
DATE_FORMS = "dates are written 2019-03-01 or 01/03/2019 (day/month/year)"
YES_NO_WORDS = {"true": True, "false": False, "có": True, "không": False}
YES_NO_FORMS = "write true or false (or có / không)"


class NumberText(str):
    """A number exactly as written in a YAML or JSON file, before any conversion: `1.000` stays
    the text `1.000`, so a count written with a thousands separator can be told from 1."""

    __slots__ = ()
    is_integer = True  # written as an integer (YAML/JSON int syntax)

    @staticmethod
    def of(text: str, is_integer: bool) -> NumberText:
        return NumberText(text) if is_integer else DecimalText(text)


class DecimalText(NumberText):
    """A number written with a fraction or an exponent: `1.000`, `1.5`, `1e400`."""

    __slots__ = ()
    is_integer = False


_ASCII_DIGITS = re.compile(r"[0-9]+")
_THOUSANDS = re.compile(r"[0-9]{1,3}(?:[.,  ][0-9]{3})+")
_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_VN_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")
_DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
_BIDI_AND_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def excerpt(value: object, limit: int = 40) -> str:
    """A short, escaped quotation of input for a message: control and bidi characters shown as
    escapes, long text cut, so a hostile file can never write to the terminal through an error."""
    text = value if isinstance(value, str) else repr(value)
    if len(text) > limit:
        text = text[:limit] + "…"
    return "'" + _BIDI_AND_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "'"


def _non_ascii_digits(text: str) -> bool:
    return any(ch.isdigit() and not ch.isascii() for ch in text)


def parse_count(value: object) -> int:
    """A whole number of things, 0 ≤ n ≤ 10^12, written with ASCII digits and no separators."""
    if isinstance(value, bool):
        raise ValueError("a count is a whole number such as 1000, not yes/no")
    if isinstance(value, int):
        return _bounded_count(value)
    if isinstance(value, str):
        return _count_from_text(value.strip(), value)
    if isinstance(value, float):
        raise ValueError(f"{excerpt(value)} is not a whole number: a count is written like 1000")
    raise ValueError("a count is a whole number such as 1000")


def _count_from_text(text: str, original: str) -> int:
    if _ASCII_DIGITS.fullmatch(text):
        if len(text) > 13:
            raise ValueError(f"{excerpt(text)} is above the largest count cchc reads (10^12)")
        return _bounded_count(int(text))
    if _non_ascii_digits(text):
        raise ValueError(f"{excerpt(text)}: write digits as 0-9 (ASCII)")
    if _THOUSANDS.fullmatch(text):
        plain = re.sub(r"[.,  ]", "", text)
        raise ValueError(
            f"{excerpt(text)} looks like {plain} written with a thousands separator; "
            f"write counts without separators: {plain}"
        )
    if text.startswith("-") and _ASCII_DIGITS.fullmatch(text[1:]):
        raise ValueError(f"{excerpt(text)}: a count cannot be negative")
    if isinstance(original, NumberText) and not original.is_integer:
        raise ValueError(f"{excerpt(text)} is not a whole number: a count is written like 1000")
    raise ValueError(
        f"{excerpt(text)} is not a count: write a whole number with digits only, such as 1000"
    )


def _bounded_count(value: int) -> int:
    if value < 0:
        raise ValueError(f"{value} is negative: a count cannot be negative")
    if value > MAX_COUNT:
        raise ValueError("the count is above the largest count cchc reads (10^12)")
    return value


def parse_date(value: object) -> dt.date:
    """A calendar date, 2019-03-01 or 01/03/2019 (day first, as in Vietnam, never month first)."""
    if isinstance(value, dt.datetime):
        raise ValueError(f"give the date without a time of day; {DATE_FORMS}")
    if isinstance(value, dt.date):
        return _bounded_date(value)
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError(f"{excerpt(value)} is not a date; {DATE_FORMS}")
    text = value.strip()
    if iso := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in iso.groups())
    elif vietnamese := _VN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in vietnamese.groups())
    else:
        raise ValueError(f"{excerpt(text)} is not a date; {DATE_FORMS}")
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"the year {year} is outside {MIN_YEAR}–{MAX_YEAR}, which cchc reads")
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(f"{excerpt(text)} is not a day of the calendar ({error})") from None


def _bounded_date(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ValueError(
            f"the year {value.year} is outside {MIN_YEAR}–{MAX_YEAR}, which cchc reads"
        )
    return value


def parse_yes_no(value: object) -> bool:
    """true/false, or Vietnamese có/không; YAML's yes/no arrive as booleans already."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = unicodedata.normalize("NFC", value.strip().lower())
        if word in YES_NO_WORDS:
            return YES_NO_WORDS[word]
        if word in ("yes", "no"):
            return word == "yes"
    raise ValueError(f"{excerpt(value)} is not yes or no; {YES_NO_FORMS}")


def parse_score(value: object) -> Fraction:
    """An index score as an exact decimal: 8.424 stays 8.424, and 89,28 (decimal comma) is
    89.28. Never through a binary float when the text is known."""
    if isinstance(value, bool):
        raise ValueError("a score is a number such as 8.424, not yes/no")
    if isinstance(value, Fraction):
        exact = value  # already exact (a score merged from two files)
    elif isinstance(value, int | Decimal | float | str):
        exact = _score_from_text(str(value).strip())
    else:
        raise ValueError("a score is a number such as 8.424")
    if exact < 0:
        raise ValueError("a score cannot be negative")
    if exact > MAX_SCORE:
        raise ValueError("the score is above the largest score cchc reads (10^6)")
    return exact


def _score_from_text(text: str) -> Fraction:
    if len(text) > MAX_SCORE_DIGITS:
        raise ValueError(f"{excerpt(text)} has more digits than a score ever has")
    if _non_ascii_digits(text):
        raise ValueError(f"{excerpt(text)}: write digits as 0-9 (ASCII)")
    normalised = text.replace(",", ".")
    if _DECIMAL.fullmatch(normalised.lstrip("-")):
        return Fraction(Decimal(normalised))
    try:
        number = Decimal(normalised)
    except InvalidOperation:
        raise ValueError(f"{excerpt(text)} is not a number; write a score like 8.424") from None
    # 1e2 is a number, but inf, nan and 1e99999999 are not scores: decided before any arithmetic
    if not number.is_finite() or abs(number.adjusted()) > 6:
        raise ValueError(f"{excerpt(text)} is not a score; write it like 8.424")
    return Fraction(number)


def clean_text(value: object) -> str:
    """Text as Unicode NFC (so NFD Vietnamese compares equal), without NUL, of bounded length."""
    if not isinstance(value, str) or isinstance(value, bool):
        raise ValueError(f"expected text, got {excerpt(value)}; quote it in YAML: '...'")
    text = unicodedata.normalize("NFC", value)
    if "\x00" in text:
        raise ValueError("the text contains a NUL character")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the text is longer than {MAX_TEXT:,} characters")
    return text


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """`; did you mean 'x'?` for a near miss, including a look-alike spelling; else ''."""
    candidates = list(known)
    lookalike = next((k for k in candidates if looks_alike(name, k)), None)
    if lookalike is not None:
        return (
            f"; {excerpt(name)} differs from the known {excerpt(lookalike)} only by look-alike "
            "characters (e.g. Cyrillic or Greek letters): retype it"
        )
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return f"; did you mean {excerpt(close[0])}?" if close else ""


def looks_alike(name: str, known: str) -> bool:
    """The two differ, but only where one has a homoglyph of the other's letter (Unicode's
    confusables data): `ѕo-tu-phap` with a Cyrillic ѕ for `so-tu-phap`."""
    if name == known or len(name) != len(known):
        return False
    from confusable_homoglyphs import confusables  # its data loads on first use only

    for mine, theirs in zip(name, known, strict=True):
        if mine == theirs:
            continue
        found = confusables.is_confusable(mine, preferred_aliases=[], greedy=True) or []
        glyphs = {g["c"] for item in found for g in item["homoglyphs"]}
        if theirs not in glyphs:
            return False
    return True
