"""Shares and ratios: "1,843 / 1,950 = 94.51% < 95%", and how many more it takes."""

from __future__ import annotations

from fractions import Fraction

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.reports.wording.common import lacking_detail, reporting_gap, source
from cchc.rules.schema import Rule, ShareMeasure, Target


def target_text(target: Target, lang: Language) -> str:
    if target.op == "between":
        assert target.low is not None and target.high is not None
        return lang(
            "share.target_between", low=lang.percent(target.low), high=lang.percent(target.high)
        )
    assert target.value is not None
    return lang("share.target", op=lang.symbol(target.op), value=lang.percent(target.value))


def _bound(target: Target, share: Fraction) -> Fraction:
    """The end of the target the share is compared with in the arithmetic shown."""
    if target.op != "between":
        assert target.value is not None
        return target.value
    assert target.low is not None and target.high is not None
    return target.high if share > target.high else target.low


def word(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, ShareMeasure) or measure.kind == "ratio"
    assert rule.target is not None
    target = target_text(rule.target, lang)
    evidence = finding.evidence
    nothing = " + ".join(measure.denominator) + " = 0"
    if finding.state == "no_data":
        return Wording(
            target=target, gap=reporting_gap(finding, lang), detail=lacking_detail(finding, lang)
        )
    if finding.reason == "field_not_handled":
        fields = lang.names(evidence["fields"]) or lang("share.no_fields")  # type: ignore[arg-type]
        detail = lang(
            "share.field_not_handled", unit=finding.unit_id, field=evidence["field"], fields=fields
        )
        return Wording(target=target, detail=detail)
    if finding.reason == "nothing_to_divide":
        return Wording(target=target, detail=lang("share.nothing_to_divide", nothing=nothing))
    numerator, denominator = int(evidence["numerator"]), int(evidence["denominator"])  # type: ignore[arg-type]
    if denominator == 0:  # something over nothing, under a cap
        n = lang.integer(numerator)
        return Wording(
            actual=lang("share.over_nothing", numerator=n),
            target=target,
            arithmetic=lang("share.over_nothing_arithmetic", numerator=n, nothing=nothing),
            gap=lang(
                "share.over_nothing_gap",
                numerator=n,
                counted=lang.counted(measure),
                nothing=nothing,
            )
            if finding.gap
            else None,
            detail=lang("share.nothing_to_divide", nothing=nothing),
        )
    share = Fraction(numerator, denominator)
    bound = _bound(rule.target, share)
    actual = lang(
        "share.actual",
        numerator=lang.integer(numerator),
        denominator=lang.integer(denominator),
        share=lang.percent(share, bound),
    )
    within = rule.target.op == "between" and bound == rule.target.low and share >= bound
    arithmetic = (
        lang("share.within", actual=actual, target=target)
        if within
        else lang(
            "share.arithmetic",
            actual=actual,
            relation=lang.relation(share, bound),
            bound=lang.percent(bound),
        )
    )
    return Wording(actual, target, arithmetic, _gap(rule, finding, lang), source(finding, lang))


def _gap(rule: Rule, finding: Finding, lang: Language) -> str | None:
    gap = finding.gap
    if gap is None:
        return None
    counted = lang.counted(rule.measure)
    between = rule.target is not None and rule.target.op == "between"
    of = lang.integer(gap["of"])
    if "more" in gap:
        key = "share.rise" if between else "share.more"
        return lang(
            key,
            more=lang.integer(gap["more"]),
            need=lang.integer(gap["need"]),
            of=of,
            counted=counted,
        )
    key = "share.fall" if between else "share.fewer"
    return lang(
        key,
        fewer=lang.integer(gap["fewer"]),
        allowed=lang.integer(gap["allowed"]),
        of=of,
        counted=counted,
    )
