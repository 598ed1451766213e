"""pydantic's verdict on one record, told in plain words with the fix, at the record's place.

A report with a wrong type somewhere is still checked for its sums and dates, on the parts that
are valid, so an officer sees every problem in one round instead of three.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cchc.facts.model import UNIT_KINDS, Problem, Report, report_problems
from cchc.facts.values import DATE_FORMS, YES_NO_FORMS, did_you_mean, excerpt
from cchc.facts.vocabulary import DOSSIER_FIELDS, DUTIES, INDICATORS

Model = TypeVar("Model", bound=BaseModel)
Locate = Callable[[tuple[int | str, ...]], str]
# A key that is officer's text, not a name: what YAML makes of "note: a, b" inside { … }.
_NAME_SHAPED = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NAMED_COUNTS: dict[str, Any] = {
    "dossiers": DOSSIER_FIELDS,
    "indicators": INDICATORS,
    "duties": DUTIES,
}


def validate_fragment(
    model: type[Model],
    data: dict[str, Any],
    at: Locate,
    problems: list[str],
    partial_checks: Sequence[Callable[[Report], list[Problem]]] = (report_problems,),
) -> Model | None:
    """The valid model, or None with every problem added; for an invalid report, the checks
    also run on its valid part (sums, dates, the catalogue's references)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = error.errors(include_url=False)
    problems += [
        f"{at(tuple(detail['loc']))}: {plain_message(model, detail)}" for detail in details
    ]
    if model is Report:
        partial, kept = _valid_part(data, details)
        if partial is not None:
            problems += [
                f"{at(_original_place(loc, kept))}: {message}"
                for check in partial_checks
                for loc, message in check(partial)
            ]
    return None


Kept = dict[str, list[int]]  # list key -> the original index of each item still in the list


def _valid_part(data: dict[str, Any], details: list[dict[str, Any]]) -> tuple[Report | None, Kept]:
    """The report without the items that failed, so its sums and dates can still be checked."""
    trimmed = {key: _copy(value) for key, value in data.items()}
    for loc in sorted((tuple(d["loc"]) for d in details), key=len, reverse=True):
        container = trimmed.get(loc[0]) if loc else None
        if len(loc) == 1 and loc[0] in _NAMED_COUNTS and isinstance(container, dict):
            known = _NAMED_COUNTS[loc[0]]  # an unknown name: drop it, keep the known counts
            trimmed[loc[0]] = {name: value for name, value in container.items() if name in known}
        elif len(loc) >= 2 and isinstance(container, dict):
            container.pop(loc[1], None)
        elif len(loc) >= 2 and isinstance(container, list) and isinstance(loc[1], int):
            if loc[1] < len(container):
                container[loc[1]] = None  # dropped below, keeping the others' indexes known
        elif loc:
            trimmed.pop(loc[0], None)
    kept: Kept = {}
    for key, value in trimmed.items():
        if isinstance(value, list):
            kept[key] = [index for index, item in enumerate(value) if item is not None]
            trimmed[key] = [item for item in value if item is not None]
    try:
        return Report.model_validate(trimmed), kept
    except ValidationError:
        return None, kept


def _original_place(loc: tuple[str | int, ...], kept: Kept) -> tuple[str | int, ...]:
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int) and loc[0] in kept:
        return (loc[0], kept[loc[0]][loc[1]], *loc[2:])
    return loc


def _copy(value: Any) -> Any:
    return (
        dict(value)
        if isinstance(value, dict)
        else list(value)
        if isinstance(value, list)
        else value
    )


def plain_message(model: type[BaseModel], detail: dict[str, Any]) -> str:
    kind, loc, value = detail["type"], tuple(detail["loc"]), detail.get("input")
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "missing":
        return f"`{field}` is required and missing"
    if kind == "extra_forbidden":
        return _unknown_key(model, loc, value)
    if kind == "literal_error" and field == "kind":
        return f"unknown unit kind {excerpt(value)}; use one of {', '.join(UNIT_KINDS)}"
    if kind == "string_pattern_mismatch":
        return _pattern_message(field, value)
    return _TYPE_MESSAGES.get(kind, "") or detail["msg"].removeprefix("Value error, ")


_TYPE_MESSAGES = {
    "string_type": "expected text; in YAML, quote it: '...'",
    "dict_type": "expected a mapping (name: value)",
    "list_type": "expected a list (each item starting with `- `)",
    "bool_type": YES_NO_FORMS,
    "date_type": DATE_FORMS,
    "int_type": "a count is a whole number such as 1000",
    "string_too_long": "too long for a name or an id (at most 120 characters)",
    "string_too_short": "must not be empty",
}


def _pattern_message(field: str, value: Any) -> str:
    if field == "field" or field == "fields":
        return (
            f"{excerpt(value)} is not a field code: write lower-case letters, digits and "
            "hyphens, like tai-nguyen-moi-truong"
        )
    return f"{excerpt(value)} is not an id: one word, without spaces or control characters"


def _unknown_key(model: type[BaseModel], loc: tuple[Any, ...], value: Any) -> str:
    key = str(loc[-1])
    if value is None and not _NAME_SHAPED.fullmatch(key):
        return (
            f"{excerpt(key)} is not a key: it looks like the end of a text cut at a comma inside "
            '{ … }; put the whole text in quotes, e.g. note: "…, ' + key + '"'
        )
    known = _fields_at(model, loc[:-1])
    return f"unknown key {excerpt(key)}{did_you_mean(key, known)}"


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed where the unknown one stands: the model's, or a nested model's."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is not None:  # else a dict key (a duty's name), which keeps the same model
            current = _inner_model(field.annotation)
    return list(getattr(current, "model_fields", {}))


def _inner_model(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _inner_model(argument)
        if found is not None:
            return found
    return None
