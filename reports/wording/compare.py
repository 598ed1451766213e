"""A metric against the same unit's value for another year: "45.2% − 41.0% = 4.2 points > 0
points", "9 − 8 = 1 ≥ 1", and what it takes: the numerator needed at the current denominator, or
the count (rank) to reach."""

from __future__ import annotations

from fractions import Fraction

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.rules.schema import CompareMeasure, Rule


def _points(lang: Language, value: Fraction, near: Fraction | None = None) -> str:
    """A difference of shares in percentage points, never rounded onto the margin it misses."""
    return lang.percent(value, near).removesuffix("%")


def _years(lang: Language, years: list[str]) -> str:
    """One year, or the reference and the judged one: "2021", "2021 and 2022"."""
    if len(years) == 1:
        return lang.period(years[0])
    return lang("compare.both", first=lang.period(years[0]), second=lang.period(years[1]))


def _target(measure: CompareMeasure, rule: Rule, lang: Language, reference: str) -> str:
    assert rule.target is not None and rule.target.value is not None
    margin = rule.target.value
    share = bool(measure.denominator)
    if measure.direction == "lower_is_better":
        key = "compare.target_lower"
    else:
        key = "compare.target_share" if share else "compare.target_count"
    shown = _points(lang, margin) if share else lang.number(margin)
    return lang(key, op=lang.symbol(rule.target.op), margin=shown, reference=reference)


def _lacking(measure: CompareMeasure, finding: Finding, lang: Language, target: str) -> Wording:
    evidence, gap = finding.evidence, finding.gap
    years = _years(lang, evidence["for"])  # type: ignore[arg-type]
    wanted = lang.names(evidence["wanted"])  # type: ignore[arg-type]
    spans = lang.spans(evidence["uncovered"])  # type: ignore[arg-type]
    detail = lang("compare.uncovered", wanted=wanted, years=years, spans=spans)
    gap_text = None
    if gap is not None:
        key = "compare.report_events" if evidence.get("additive") else "compare.report"
        gap_text = lang(key, wanted=wanted, years=years, spans=spans)
    return Wording(target=target, gap=gap_text, detail=detail)


def word(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, CompareMeasure)
    assert rule.target is not None and rule.target.value is not None
    evidence = finding.evidence
    reference = lang.period(evidence["reference"])
    target = _target(measure, rule, lang, reference)
    if finding.state == "no_data":
        return _lacking(measure, finding, lang, target)
    if finding.reason == "nothing_to_divide":
        nothing = " + ".join(measure.denominator) + " = 0"
        return Wording(target=target, detail=lang("compare.nothing_to_divide", nothing=nothing))
    margin = rule.target.value
    lower = measure.direction == "lower_is_better"
    if measure.denominator:
        now = Fraction(int(evidence["numerator"]), int(evidence["denominator"]))  # type: ignore[arg-type]
        then = Fraction(
            int(evidence["reference_numerator"]),  # type: ignore[arg-type]
            int(evidence["reference_denominator"]),  # type: ignore[arg-type]
        )
        actual = lang(
            "compare.actual_share",
            numerator=lang.integer(int(evidence["numerator"])),  # type: ignore[arg-type]
            denominator=lang.integer(int(evidence["denominator"])),  # type: ignore[arg-type]
            share=lang.percent(now, then),
            period=lang.period(finding.period),
            reference_numerator=lang.integer(int(evidence["reference_numerator"])),  # type: ignore[arg-type]
            reference_denominator=lang.integer(int(evidence["reference_denominator"])),  # type: ignore[arg-type]
            reference_share=lang.percent(then, now),
            reference=reference,
        )
        change = then - now if lower else now - then
        first, second = (then, now) if lower else (now, then)
        arithmetic = lang(
            "compare.arithmetic_share",
            first=lang.percent(first, second),
            second=lang.percent(second, first),
            change=_points(lang, change, margin),
            relation=lang.relation(change, margin),
            margin=_points(lang, margin),
        )
    else:
        value, before = int(evidence["value"]), int(evidence["reference_value"])  # type: ignore[arg-type]
        actual = lang(
            "compare.actual_count",
            counted=lang.counted(measure),
            value=lang.integer(value),
            period=lang.period(finding.period),
            reference_value=lang.integer(before),
            reference=reference,
        )
        change = Fraction(before - value if lower else value - before)
        first, second = (before, value) if lower else (value, before)
        arithmetic = lang(
            "compare.arithmetic_count",
            first=lang.integer(first),
            second=lang.integer(second),
            change=lang.number(change),
            relation=lang.relation(change, margin),
            margin=lang.number(margin),
        )
    return Wording(
        actual, target, arithmetic, _gap(measure, finding, lang), _sources(finding, lang)
    )


def _gap(measure: CompareMeasure, finding: Finding, lang: Language) -> str | None:
    gap = finding.gap
    if gap is None:
        return None
    counted = lang.counted(measure)
    if "of" in gap:
        if "more" in gap:
            return lang(
                "compare.share_more",
                more=lang.integer(gap["more"]),
                need=lang.integer(gap["need"]),
                of=lang.integer(gap["of"]),
                counted=counted,
            )
        return lang(
            "compare.share_fewer",
            fewer=lang.integer(gap["fewer"]),
            allowed=lang.integer(gap["allowed"]),
            of=lang.integer(gap["of"]),
            counted=counted,
        )
    if "more" in gap:
        return lang(
            "compare.count_more",
            more=lang.integer(gap["more"]),
            need=lang.integer(gap["need"]),
            counted=counted,
        )
    key = "compare.rank_fall" if measure.direction == "lower_is_better" else "compare.count_fewer"
    return lang(
        key, fewer=lang.integer(gap["fewer"]), allowed=lang.integer(gap["allowed"]), counted=counted
    )


def _sources(finding: Finding, lang: Language) -> str | None:
    """The reports the two figures came from (an events count names none)."""
    evidence = finding.evidence
    if "source" not in evidence or "reference_source" not in evidence:
        return None
    return lang(
        "compare.sources",
        source=lang.period(evidence["source"]),
        reference_source=lang.period(evidence["reference_source"]),
    )
