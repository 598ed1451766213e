"""A problem with input (facts/problems.py) as a line in the reader's language: the place, then
what is wrong and how to fix it."""

from __future__ import annotations

from cchc.facts.problems import Place, Problem
from cchc.reports.wording.catalogues import Language


def word_place(place: Place, lang: Language) -> str:
    if place.pieces:
        return lang("place.pieces", places="; ".join(word_place(p, lang) for p in place.pieces))
    parts = [place.file] if place.file else []
    if place.sheet is not None:
        cell = f"{place.sheet}!{place.cell}" if place.cell else place.sheet
        column = lang("place.cell_column", column=place.column) if place.column else ""
        parts.append(cell + column)
        if place.cell is None and place.line is not None:
            parts[-1] += lang("place.row", line=place.line)
    elif place.line is not None:
        line = lang("place.line", line=place.line)
        if place.column is not None:
            line += lang("place.column", column=place.column)
        parts.append(line)
    if place.path:
        parts.append(place.path)
    return ": ".join(parts)


_HINTS = ("did_you_mean", "lookalike", "known")


def word_problem(problem: Problem, lang: Language) -> str:
    """`place: message`; a value that is itself a place ("first given at …") is worded too."""
    values = {
        name: word_place(value, lang) if isinstance(value, Place) else value
        for name, value in problem.values
    }
    message = lang(f"problem.{problem.code}", **values)
    for hint in _HINTS:  # a near miss the reader may have meant, when one was found
        if hint in values:
            message += lang(f"problem.hint.{hint}", **values)
    place = word_place(problem.place, lang)
    return f"{place}: {message}" if place else message


def word_problems(problems: list[Problem | str], lang: Language) -> list[str]:
    return [p if isinstance(p, str) else word_problem(p, lang) for p in problems]
