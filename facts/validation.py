"""pydantic's verdict on one record, as problems at the record's place (a code and its values;
the render layer words each with the fix).

A report with a wrong type somewhere is still checked for its sums and dates, on the parts that
are valid, so an officer sees every problem in one round instead of three.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from cchc.facts.format import UNIT_KINDS
from cchc.facts.model import Report, ReportProblem, report_problems
from cchc.facts.problems import Place, Problem, Value
from cchc.facts.values import did_you_mean, excerpt
from cchc.facts.vocabulary import DOSSIER_FIELDS, DUTIES, INDICATORS

Model = TypeVar("Model", bound=BaseModel)
Locate = Callable[[tuple[int | str, ...]], Place]
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
    problems: list[Problem],
    partial_checks: Sequence[Callable[[Report], list[ReportProblem]]] = (report_problems,),
) -> Model | None:
    """The valid model, or None with every problem added; for an invalid report, the checks
    also run on its valid part (sums, dates, the catalogue's references)."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        details = error.errors(include_url=False)
    for detail in details:
        code, values = plain_problem(model, detail)
        problems.append(Problem.of(at(tuple(detail["loc"])), code, **values))
    if model is Report:
        partial, kept = _valid_part(data, details)
        if partial is not None:
            problems += [
                Problem.of(at(_original_place(loc, kept)), code, **values)
                for check in partial_checks
                for loc, code, values in check(partial)
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


Said = tuple[str, dict[str, Value]]  # a problem's code and values


def plain_problem(model: type[BaseModel], detail: dict[str, Any]) -> Said:
    """pydantic's error as cchc's code: its own codes for the ways a value is read (facts/values
    raises them with their values), plain ones for the shape of the record."""
    kind, loc, value = detail["type"], tuple(detail["loc"]), detail.get("input")
    field = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "missing":
        return "missing", {"field": field}
    if kind == "extra_forbidden":
        return _unknown_key(model, loc, value)
    if kind == "literal_error" and field == "kind":
        return "unknown_unit_kind", {"value": excerpt(value), "kinds": ", ".join(UNIT_KINDS)}
    if kind == "string_pattern_mismatch":
        code = "not_a_field_code" if field in ("field", "fields") else "not_an_id"
        return code, {"value": excerpt(value)}
    if kind in _SHAPES:
        return kind, {}
    if "ctx" in detail and kind not in _PYDANTIC_WITH_CONTEXT:  # raised by facts/values
        return kind, {k: v for k, v in detail["ctx"].items() if isinstance(v, str | int)}
    return "invalid_value", {"kind": kind}


# pydantic's own codes cchc words as they are (reports/messages/*/problems.yaml).
_SHAPES = frozenset(
    {
        "string_type",
        "dict_type",
        "list_type",
        "bool_type",
        "date_type",
        "int_type",
        "string_too_long",
        "string_too_short",
    }
)
# pydantic's codes with a context of their own, never confused with cchc's.
_PYDANTIC_WITH_CONTEXT = frozenset({"literal_error", "too_long", "too_short", "value_error"})


def _unknown_key(model: type[BaseModel], loc: tuple[Any, ...], value: Any) -> Said:
    key = str(loc[-1])
    if value is None and not _NAME_SHAPED.fullmatch(key):
        return "text_cut_at_comma", {"key": excerpt(key), "tail": key}
    known = _fields_at(model, loc[:-1])
    return "unknown_key", {"key": excerpt(key), **did_you_mean(key, known)}


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
