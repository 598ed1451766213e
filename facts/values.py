"""Single values as officers write them: counts, dates, yes/no, scores and text, read strictly.

Every reader here either returns the exact value or raises a ValueError that names the problem
(a code and its values: facts/problems.py `invalid`; the message, which says what to write
instead, is worded in the reader's language by the render layer). Nothing is coerced by
guesswork: `1.000` is not one and not a thousand, it is refused: "write counts without
separators: 1000".
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from cchc.facts.problems import invalid

# Documented bounds: beyond them a value is refused before any arithmetic (README, "Limits").
MAX_COUNT = 10**12
MIN_YEAR, MAX_YEAR = 1900, 2100
MAX_TEXT = 4000  # characters in one text value (a note, a name, an evidence line)
MAX_SCORE = Fraction(10**6)
MAX_SCORE_DIGITS = 30  # characters in a score as written
YES_NO_WORDS = {"true": True, "false": False, "có": True, "không": False}


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
        raise invalid("count_not_yes_no")
    if isinstance(value, int):
        return _bounded_count(value)
    if isinstance(value, str):
        return _count_from_text(value.strip(), value)
    if isinstance(value, float):
        raise invalid("count_not_whole", value=excerpt(value))
    raise invalid("count_type")


def _count_from_text(text: str, original: str) -> int:
    if _ASCII_DIGITS.fullmatch(text):
        if len(text) > 13:
            raise invalid("count_too_large", value=excerpt(text))
        return _bounded_count(int(text))
    if _non_ascii_digits(text):
        raise invalid("non_ascii_digits", value=excerpt(text))
    if _THOUSANDS.fullmatch(text):
        plain = re.sub(r"[.,  ]", "", text)
        raise invalid("count_with_separator", value=excerpt(text), plain=plain)
    if text.startswith("-") and _ASCII_DIGITS.fullmatch(text[1:]):
        raise invalid("count_negative", value=excerpt(text))
    if isinstance(original, NumberText) and not original.is_integer:
        raise invalid("count_not_whole", value=excerpt(text))
    raise invalid("count_not_a_number", value=excerpt(text))


def _bounded_count(value: int) -> int:
    if value < 0:
        raise invalid("count_negative", value=str(value))
    if value > MAX_COUNT:
        raise invalid("count_too_large", value=str(value))
    return value


def parse_date(value: object) -> dt.date:
    """A calendar date, 2019-03-01 or 01/03/2019 (day first, as in Vietnam, never month first)."""
    if isinstance(value, dt.datetime):
        raise invalid("date_with_time")
    if isinstance(value, dt.date):
        return _bounded_date(value)
    if isinstance(value, bool) or not isinstance(value, str):
        raise invalid("not_a_date", value=excerpt(value))
    text = value.strip()
    if iso := _ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in iso.groups())
    elif vietnamese := _VN_DATE.fullmatch(text):
        day, month, year = (int(part) for part in vietnamese.groups())
    else:
        raise invalid("not_a_date", value=excerpt(text))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise invalid("year_out_of_range", year=year, first=MIN_YEAR, last=MAX_YEAR)
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise invalid("not_a_calendar_day", value=excerpt(text), reason=str(error)) from None


def _bounded_date(value: dt.date) -> dt.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise invalid("year_out_of_range", year=value.year, first=MIN_YEAR, last=MAX_YEAR)
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
    raise invalid("not_yes_no", value=excerpt(value))


def parse_score(value: object) -> Fraction:
    """An index score as an exact decimal: 8.424 stays 8.424, and 89,28 (decimal comma) is
    89.28. Never through a binary float when the text is known."""
    if isinstance(value, bool):
        raise invalid("score_not_yes_no")
    if isinstance(value, Fraction):
        exact = value  # already exact (a score merged from two files)
    elif isinstance(value, int | Decimal | float | str):
        exact = _score_from_text(str(value).strip())
    else:
        raise invalid("score_type")
    if exact < 0:
        raise invalid("score_negative")
    if exact > MAX_SCORE:
        raise invalid("score_too_large")
    return exact


def _score_from_text(text: str) -> Fraction:
    if len(text) > MAX_SCORE_DIGITS:
        raise invalid("score_too_long", value=excerpt(text))
    if _non_ascii_digits(text):
        raise invalid("non_ascii_digits", value=excerpt(text))
    normalised = text.replace(",", ".")
    if _DECIMAL.fullmatch(normalised.lstrip("-")):
        return Fraction(Decimal(normalised))
    try:
        number = Decimal(normalised)
    except InvalidOperation:
        raise invalid("score_not_a_number", value=excerpt(text)) from None
    # 1e2 is a number, but inf, nan and 1e99999999 are not scores: decided before any arithmetic
    if not number.is_finite() or abs(number.adjusted()) > 6:
        raise invalid("score_not_a_number", value=excerpt(text))
    return Fraction(number)


def clean_text(value: object) -> str:
    """Text as Unicode NFC (so NFD Vietnamese compares equal), without NUL, of bounded length."""
    if not isinstance(value, str) or isinstance(value, bool):
        raise invalid("text_type", value=excerpt(value))
    text = unicodedata.normalize("NFC", value)
    if "\x00" in text:
        raise invalid("text_with_nul")
    if len(text) > MAX_TEXT:
        raise invalid("text_too_long", limit=MAX_TEXT)
    return text


def did_you_mean(name: str, known: Iterable[str]) -> dict[str, str]:
    """The hint a problem's message ends with: the known name a look-alike spelling stands for
    (`lookalike`), or a near miss (`did_you_mean`); none when nothing is close."""
    candidates = list(known)
    lookalike = next((k for k in candidates if looks_alike(name, k)), None)
    if lookalike is not None:
        return {"lookalike": excerpt(lookalike)}
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.75)
    return {"did_you_mean": excerpt(close[0])} if close else {}


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
