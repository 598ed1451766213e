"""Index scores: "8.499 < 8.5", and parts that must add up: "1.5 + 0.5 + … = 8.5 = 8.5"."""

from __future__ import annotations

from fractions import Fraction

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.reports.wording.common import source
from cchc.rules.schema import Rule, ScoreMeasure, ScoreSumMeasure


def _score(text: object) -> Fraction:
    """A score as the evidence keeps it: str(Fraction), exact."""
    return Fraction(str(text))


# The messages of each kind: what is lacking and what to report; the gap by its key.
LACKING = {
    "score": ("score.uncovered", "score.report"),
    "score_sum": ("score_sum.uncovered", "score_sum.report"),
}
GAPS = {
    "more": "score.more",
    "more_than": "score.more_than",
    "fewer": "score.fewer",
    "fewer_than": "score.fewer_than",
}


def _lacking(finding: Finding, lang: Language, kind: str, **values: str) -> Wording:
    """No report covering the period gives the scores: what is lacking, and what to report."""
    gap = finding.gap
    gap_text = (
        lang(LACKING[kind][1], wanted=lang.names(gap["report"]), period=lang.period(gap["for"]))
        if gap
        else None
    )
    spans = lang.spans(finding.evidence["uncovered"])  # type: ignore[arg-type]
    detail = lang(LACKING[kind][0], spans=spans, **values)
    return Wording(gap=gap_text, detail=detail)


def word_score(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, ScoreMeasure)
    assert rule.target is not None and rule.target.value is not None
    target_value = rule.target.value
    op = lang.symbol(rule.target.op)
    target = (
        lang("score.target", op=op, value=lang.decimal(target_value))
        if measure.maximum is None
        else lang(
            "score.target_maximum",
            op=op,
            value=lang.decimal(target_value),
            maximum=lang.decimal(measure.maximum),
        )
    )
    if finding.state == "no_data":
        lacking = _lacking(finding, lang, "score", code=measure.code)
        return Wording(target=target, gap=lacking.gap, detail=lacking.detail)
    value = _score(finding.evidence["score"])
    arithmetic = lang(
        "score.arithmetic",
        value=lang.decimal(value),
        relation=lang.relation(value, target_value),
        target=lang.decimal(target_value),
    )
    return Wording(
        lang.decimal(value),
        target,
        arithmetic,
        _score_gap(finding, lang, target_value),
        source(finding, lang),
    )


def _score_gap(finding: Finding, lang: Language, target: Fraction) -> str | None:
    gap = finding.gap
    if gap is None:
        return None
    ((key, points),) = gap.items()
    if _score(points) == 0:  # exactly at a strict bound: "more than 0 more" says nothing
        strict = {"more_than": "score.above", "fewer_than": "score.below"}
        return lang(strict[key], target=lang.decimal(target))
    return lang(GAPS[key], points=lang.decimal(_score(points)))


def word_sum(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, ScoreSumMeasure)
    if finding.state == "no_data":
        lacking = _lacking(
            finding, lang, "score_sum", code=measure.code, parts=lang.names(measure.parts)
        )
        return Wording(
            target=lang("score_sum.target_parts", code=measure.code),
            gap=lacking.gap,
            detail=lacking.detail,
        )
    evidence = finding.evidence
    parts, whole = _score(evidence["parts"]), _score(evidence["whole"])
    each: list[str] = evidence["part_scores"]  # type: ignore[assignment]
    shown = " + ".join(lang.decimal(_score(part)) for part in each)
    arithmetic = lang(
        "score_sum.arithmetic",
        shown=shown,
        parts=lang.decimal(parts),
        relation=lang.relation(parts, whole),
        whole=lang.decimal(whole),
    )
    gap = finding.gap
    gap_text = (
        lang(
            "score_sum.differ",
            code=measure.code,
            difference=lang.decimal(_score(gap["difference"])),
        )
        if gap
        else None
    )
    # The source report is in the evidence, but a sum has never said where it came from.
    return Wording(
        actual=lang("score_sum.actual", parts=lang.decimal(parts)),
        target=lang("score_sum.target", code=measure.code, whole=lang.decimal(whole)),
        arithmetic=arithmetic,
        gap=gap_text,
    )
