"""A change against a baseline year: "(400 − 381) / 400 = 4.75% < 5%", and how far to go."""

from __future__ import annotations

from fractions import Fraction

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.rules.schema import BaselineMeasure, Rule


def _periods(lang: Language, periods: list[str]) -> str:
    """One period, or the baseline and the judged one: "2021", "2021 and 2024" (each already
    named the language's way)."""
    if len(periods) == 1:
        return periods[0]
    first, second = periods
    return lang("baseline.both", first=first, second=second)


def _lacking(measure: BaselineMeasure, finding: Finding, lang: Language) -> Wording:
    """No report gives the count for the baseline period, the judged one, or both."""
    evidence = finding.evidence
    parts: list[str] = []
    for name, period in (("baseline", measure.baseline), ("current", finding.period)):
        spans = evidence.get(f"uncovered_{name}")
        if isinstance(spans, list):
            text = lang.spans(spans)  # type: ignore[arg-type]
            parts.append(lang("baseline.not_covered", period=lang.period(period), spans=text))
    detail = lang("baseline.uncovered", indicator=measure.indicator, periods=_periods(lang, parts))
    gap = finding.gap
    gap_text = None
    if gap:
        # The periods to report for: the evidence's `for` (the baseline, the judged period or
        # both); a gap built from the frame names only the judged period.
        lacking = gap["for"] if isinstance(gap["for"], list) else evidence["for"]
        gap_text = lang(
            "baseline.report",
            wanted=lang.names(gap["report"]),
            periods=_periods(lang, [lang.period(period) for period in lacking]),
        )
    return Wording(gap=gap_text, detail=detail)


def word(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, BaselineMeasure)
    assert rule.target is not None and rule.target.value is not None
    target_value = rule.target.value
    decrease = measure.direction == "decrease"
    baseline = lang.period(measure.baseline)
    counted = lang.counted(measure)
    target = lang(
        "baseline.target_cut" if decrease else "baseline.target_rise",
        op=lang.symbol(rule.target.op),
        value=lang.percent(target_value),
        baseline=baseline,
    )
    if finding.state == "no_data":
        lacking = _lacking(measure, finding, lang)
        return Wording(target=target, gap=lacking.gap, detail=lacking.detail)
    if finding.reason == "zero_baseline":
        detail = lang("baseline.zero", indicator=measure.indicator, baseline=baseline)
        return Wording(target=target, detail=detail)
    base = int(finding.evidence["baseline"])  # type: ignore[arg-type]
    now = int(finding.evidence["current"])  # type: ignore[arg-type]
    change = Fraction(str(finding.evidence["change"]))
    actual = lang(
        "baseline.actual",
        counted=counted,
        base=lang.integer(base),
        baseline=baseline,
        now=lang.integer(now),
        period=lang.period(finding.period),
    )
    arithmetic = lang(
        "baseline.arithmetic_cut" if decrease else "baseline.arithmetic_rise",
        base=lang.integer(base),
        now=lang.integer(now),
        change=lang.percent(change, target_value),
        relation=lang.relation(change, target_value),
        target=lang.percent(target_value),
    )
    gap = finding.gap
    gap_text = (
        lang(
            "baseline.fall" if decrease else "baseline.rise",
            counted=counted,
            more=lang.integer(gap["more"]),
            goal=lang.integer(gap["goal"]),
        )
        if gap
        else None
    )
    return Wording(actual, target, arithmetic, gap_text)
