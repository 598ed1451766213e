"""A notice (facts/notices.py) as a sentence in the reader's language."""

from __future__ import annotations

from cchc.facts.notices import Notice
from cchc.reports.wording.catalogues import Language

# The values that are dates, written the language's way.
DATES = frozenset({"date", "submitted"})


def word_notice(notice: Notice, lang: Language) -> str:
    values = {
        name: lang.day(str(value)) if name in DATES else value for name, value in notice.values
    }
    return lang(f"notice.{notice.code}", place=notice.place, **values)
