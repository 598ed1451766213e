"""Counts of dated events and the coverage of a population by them: "1 < 2 dialogues",
"2 / 10 = 20% < 30%", and what is still to hold by the period's end.

An event count without data does not use the common reporting sentences: events add up across
reports, so the gap names the uncovered spans and, since the events known already fall short,
how many more are needed whatever those reports say (the gap's `more` and `by`)."""

from __future__ import annotations

from fractions import Fraction

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.rules.schema import EventCountMeasure, PopulationShareMeasure, Rule


def word_count(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, EventCountMeasure)
    assert rule.target is not None and rule.target.value is not None
    counted = lang.counted(measure)
    value = lang.integer(int(rule.target.value))
    target = lang(
        "events.count_target", op=lang.symbol(rule.target.op), value=value, counted=counted
    )
    evidence, gap = finding.evidence, finding.gap
    if finding.state == "no_data":
        spans = lang.spans(evidence["uncovered"])  # type: ignore[arg-type]
        detail = lang("events.count_no_report", event=measure.event, spans=spans)
        if gap is None:
            return Wording(target=target, detail=detail)
        more = lang(
            "events.count_more",
            more=lang.integer(gap["more"]),
            counted=counted,
            by=lang.day(gap["by"]),
        )
        report = lang("events.count_report", event=measure.event, spans=spans, more=more)
        return Wording(target=target, gap=report, detail=detail)
    count = int(evidence["count"])  # type: ignore[arg-type]
    arithmetic = lang(
        "events.count_arithmetic",
        count=lang.integer(count),
        relation=lang.relation(Fraction(count), rule.target.value),
        target=value,
        counted=counted,
    )
    if gap is None:
        gap_text = None
    elif "more" in gap:
        gap_text = lang(
            "events.count_more",
            more=lang.integer(gap["more"]),
            counted=counted,
            by=lang.day(gap["by"]),
        )
    else:
        gap_text = lang(
            "events.count_fewer",
            fewer=lang.integer(gap["fewer"]),
            allowed=lang.integer(gap["allowed"]),
            counted=counted,
        )
    dates = [lang.day(d) for d in evidence["dates"]]  # type: ignore[union-attr]
    detail = lang("events.count_dates", dates=lang.names(dates)) if dates else None
    actual = lang("events.count_actual", count=lang.integer(count), counted=counted)
    return Wording(actual, target, arithmetic, gap_text, detail)


def _population_more(lang: Language, gap: dict, need: int, of: int) -> str:
    """The units still to inspect by the period's end, and how many of the population that makes."""
    return lang(
        "events.population_more",
        more=lang.integer(gap["more"]),
        by=lang.day(gap["by"]),
        need=lang.integer(need),
        of=lang.integer(of),
    )


def word_population(rule: Rule, finding: Finding, lang: Language) -> Wording:
    measure = rule.measure
    assert isinstance(measure, PopulationShareMeasure)
    assert rule.target is not None and rule.target.value is not None
    bound = rule.target.value
    described = measure.population.describe()
    target = lang(
        "events.population_target",
        op=lang.symbol(rule.target.op),
        value=lang.percent(bound),
        population=described,
    )
    if finding.reason == "empty_population":
        return Wording(target=target, detail=lang("events.population_empty", population=described))
    evidence, gap = finding.evidence, finding.gap
    inspected = int(evidence["inspected"])  # type: ignore[arg-type]
    population = int(evidence["population"])  # type: ignore[arg-type]
    if finding.state == "no_data":
        spans = lang.spans(evidence["uncovered"])  # type: ignore[arg-type]
        detail = lang("events.population_no_report", unit=finding.unit_id, spans=spans)
        if gap is None:
            return Wording(target=target, detail=detail)
        more = _population_more(lang, gap, inspected + gap["more"], population)
        report = lang("events.population_report", spans=spans, more=more)
        return Wording(target=target, gap=report, detail=detail)
    ratio = Fraction(inspected, population)
    share = lang(
        "events.population_share",
        inspected=lang.integer(inspected),
        population=lang.integer(population),
        share=lang.percent(ratio, bound),
    )
    units = evidence["units"]
    detail = (
        lang("events.population_inspected", units=lang.names(units))  # type: ignore[arg-type]
        if units
        else lang("events.population_none_inspected")
    )
    return Wording(
        actual=lang("events.population_actual", share=share, counted=lang.counted(measure)),
        target=target,
        arithmetic=lang(
            "events.population_arithmetic",
            share=share,
            relation=lang.relation(ratio, bound),
            target=lang.percent(bound),
        ),
        gap=_population_more(lang, gap, gap["need"], gap["of"]) if gap else None,
        detail=detail,
    )
