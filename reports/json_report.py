"""The findings as one JSON document, schema `cchc-findings/2` (described in the README).

Each rule appears once, in `rules`, with its plan, title, strength, target and citation; a
finding names its rule and unit by id and carries its evidence and gap as numbers and dates.
The document is written with orjson: one top-level key per line, one finding per line, so that
a 10,000-unit report is fast to write and still readable with grep or jq.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from typing import Any

import orjson

from cchc import __version__
from cchc.engine.evaluate import Evaluation
from cchc.reports.terminal import UNSAFE_RANGES
from cchc.rules.catalogue import Plan
from cchc.rules.schema import Rule

SCHEMA = "cchc-findings/2"
# orjson writes UTF-8 and leaves DEL, C1 controls, bidi controls and lone surrogates raw. As \u
# escapes they decode to exactly the same data, and a terminal showing the document cannot obey
# them. (A regex: str.translate is 20 times slower on a 10,000-unit report.)
_RAW_IN_JSON = re.compile(
    "[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in UNSAFE_RANGES if low >= 0x7F) + "]"
)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def _target(rule: Rule) -> dict[str, str] | None:
    if rule.target is None:
        return None
    return {k: str(v) for k, v in rule.target.model_dump().items() if v is not None}


def rule_entry(plan: Plan, rule: Rule) -> dict[str, Any]:
    return {
        "plan": plan.id,
        "title": rule.title,
        "strength": rule.strength,
        "measure": rule.measure.kind,
        "target": _target(rule),
        "citation": {
            "document": plan.info.number,
            "issued": plan.info.issued,
            "issuer": plan.info.issuer,
            "clause": rule.citation.clause,
            "quote": rule.citation.quote,
        },
    }


def header(evaluation: Evaluation, only: Collection[str]) -> dict[str, Any]:
    """Every top-level key but the findings."""
    return {
        "schema": SCHEMA,
        "generator": f"cchc {__version__}",
        "as_of": evaluation.as_of,
        "engine": evaluation.engine,
        "plans": [
            {
                "id": plan.id,
                "document": plan.info.number,
                "title": plan.info.title,
                "issued": plan.info.issued,
                "issuer": plan.info.issuer,
            }
            for plan in evaluation.plans
        ],
        "summary": evaluation.summary(),
        # The statuses `findings` is limited to (--only); empty: every finding is listed.
        "only": sorted(only),
        "warnings": list(evaluation.warnings),
        "rules_without_units": evaluation.rules_without_units,
        "rules": {rule.id: rule_entry(plan, rule) for plan, rule in evaluation.rules.values()},
        "units": dict(sorted(evaluation.unit_names.items())),
    }


def chunks(evaluation: Evaluation, only: Collection[str] = ()) -> Iterator[bytes]:
    """The document in pieces, in order."""
    yield b"{"
    for index, (key, value) in enumerate(header(evaluation, only).items()):
        yield (b"\n" if index == 0 else b",\n") + orjson.dumps(key) + b": " + orjson.dumps(value)
    yield b',\n"findings": ['
    dumps = orjson.dumps
    for index, finding in enumerate(evaluation.listed(only)):
        yield (b"\n" if index == 0 else b",\n") + dumps(finding.as_dict())
    yield b"\n]}\n"


def render_json(
    evaluation: Evaluation,
    group_by: str = "unit",
    only: Collection[str] = (),
    lang: str = "en",
    everything: bool = True,
) -> str:
    """Every finding (or those of the statuses in `only`): a machine format lists them all."""
    text = b"".join(chunks(evaluation, only)).decode("utf-8")
    return _RAW_IN_JSON.sub(_json_escape, text)


def as_document(evaluation: Evaluation, only: Collection[str] = ()) -> dict[str, Any]:
    """The document as Python data, as a reader of the file would load it."""
    return orjson.loads(render_json(evaluation, only=only))
