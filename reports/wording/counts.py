"""A count against a number: "2 ≥ 1"."""

from __future__ import annotations

from fractions import Fraction

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.reports.wording.common import lacking_detail, reporting_gap, source
from cchc.rules.schema import QuantityMeasure, Rule


def word_quantity(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, QuantityMeasure)
    assert rule.target is not None and rule.target.value is not None
    target = lang(
        "quantity.target", op=lang.symbol(rule.target.op), value=lang.number(rule.target.value)
    )
    if finding.state == "no_data":
        return Wording(
            target=target, gap=reporting_gap(finding, lang), detail=lacking_detail(finding, lang)
        )
    value = int(finding.evidence["value"])  # type: ignore[arg-type]
    arithmetic = lang(
        "quantity.arithmetic",
        value=lang.integer(value),
        relation=lang.relation(Fraction(value), rule.target.value),
        target=lang.number(rule.target.value),
    )
    gap, counted = finding.gap, lang.counted(measure)
    if gap is None:
        gap_text = None
    elif "more" in gap:
        gap_text = lang("quantity.more", more=lang.integer(gap["more"]), counted=counted)
    else:
        gap_text = lang(
            "quantity.fewer",
            fewer=lang.integer(gap["fewer"]),
            allowed=lang.integer(gap["allowed"]),
            counted=counted,
        )
    return Wording(lang.integer(value), target, arithmetic, gap_text, source(finding, lang))
