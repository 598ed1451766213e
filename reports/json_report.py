"""The findings as one JSON document, schema `cchc-findings/1` (described in the README)."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from typing import Any

from cchc import __version__
from cchc.engine.evaluate import Evaluation
from cchc.reports.terminal import UNSAFE_RANGES

SCHEMA = "cchc-findings/1"
# json.dumps escapes C0 controls itself but, writing UTF-8, leaves DEL, C1 controls, bidi
# controls and lone surrogates raw. As \u escapes they still decode to exactly the same data,
# and a terminal showing the document cannot obey them. (A regex: str.translate is 20 times
# slower on a 10,000-unit report.)
_RAW_IN_JSON = re.compile(
    "[" + "".join(f"\\u{low:04x}-\\u{high:04x}" for low, high in UNSAFE_RANGES if low >= 0x7F) + "]"
)


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def as_document(evaluation: Evaluation, only: Collection[str] = ()) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "generator": f"cchc {__version__}",
        "as_of": evaluation.as_of.isoformat(),
        "engine": evaluation.engine,
        "plans": [
            {
                "id": plan.id,
                "document": plan.info.number,
                "title": plan.info.title,
                "issued": plan.info.issued.isoformat(),
                "issuer": plan.info.issuer,
            }
            for plan in evaluation.plans
        ],
        "summary": evaluation.summary(),
        # The statuses `findings` is limited to (--only); empty: every finding is listed.
        "only": sorted(only),
        "warnings": list(evaluation.warnings),
        "rules_without_units": evaluation.rules_without_units,
        "findings": [finding.as_dict() for finding in evaluation.listed(only)],
    }


def render_json(evaluation: Evaluation, group_by: str = "unit", only: Collection[str] = ()) -> str:
    text = json.dumps(as_document(evaluation, only), ensure_ascii=False, indent=2)
    return _RAW_IN_JSON.sub(_json_escape, text) + "\n"
