"""The findings as one JSON document, schema `cchc-findings/1` (described in the README)."""

from __future__ import annotations

import json
from typing import Any

from cchc import __version__
from cchc.engine.evaluate import Evaluation

SCHEMA = "cchc-findings/1"


def as_document(evaluation: Evaluation) -> dict[str, Any]:
    counts = evaluation.counts()
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
        "summary": {
            "findings": len(evaluation.findings),
            **{
                status: counts.get(status, 0)
                for status in ("pass", "fail", "pending", "missing", "not_applicable")
            },
            "firm_failures": sum(f.fails_firm_target for f in evaluation.findings),
            "aspirational_failures": sum(
                f.status == "fail" and f.strength == "aspirational" for f in evaluation.findings
            ),
        },
        "rules_without_units": evaluation.rules_without_units,
        "findings": [finding.as_dict() for finding in evaluation.findings],
    }


def render_json(evaluation: Evaluation, group_by: str = "unit") -> str:
    return json.dumps(as_document(evaluation), ensure_ascii=False, indent=2) + "\n"
