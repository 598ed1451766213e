"""Deadlines, duties and data windows: "04/03/2019 is 1 day(s) before the due date 05/03/2019"."""

from __future__ import annotations

from datetime import date

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language, Wording
from cchc.rules.schema import DataWindowMeasure, DeadlineMeasure, DutyMeasure, Rule


def _what(rule: Rule, finding: Finding, lang: Language) -> str:
    """What is to be delivered: a period's (thematic) report, or a task's product."""
    measure = rule.measure
    if not isinstance(measure, DeadlineMeasure):
        return lang("deadlines.product")
    label = lang.period(finding.period, "title")
    key = (
        "deadlines.thematic_report"
        if measure.submission == "thematic_submitted"
        else "deadlines.report"
    )
    return lang(key, period=label)


def word_delivery(rule: Rule, finding: Finding, lang: Language) -> Wording:
    """A report or a task's product, delivered by its due date (`report_deadline`,
    `task_deadline`; a task's is always "on or before")."""
    measure = rule.measure
    strict = isinstance(measure, DeadlineMeasure) and measure.due_is == "before"
    assert finding.due is not None
    due = lang.day(finding.due)
    what = _what(rule, finding, lang)
    target = lang("deadlines.before" if strict else "deadlines.on_or_before", what=what, due=due)
    evidence = finding.evidence
    gap = finding.gap
    if "delivered" not in evidence:
        gap_text = None
        if gap is not None:
            gap_text = (
                lang("deadlines.deliver_late", what=what)
                if gap["overdue"]
                else lang("deadlines.deliver", what=what, due=due)
            )
        arithmetic = lang(
            "deadlines.nothing_recorded", as_of=lang.day(str(evidence["as_of"])), due=due
        )
        return Wording(lang("deadlines.not_delivered"), target, arithmetic, gap_text)
    on = lang.day(str(evidence["delivered"]))
    days = int(evidence["days_vs_due"])  # type: ignore[arg-type]
    if days == 0:
        arithmetic = lang("deadlines.on_due_date", due=due)
    else:
        key = "deadlines.days_after" if days > 0 else "deadlines.days_before"
        arithmetic = lang(key, on=on, days=lang.integer(abs(days)), due=due)
    gap_text = None
    if gap is not None:
        late = int(gap["days_late"])
        gap_text = (
            lang("deadlines.late", days=lang.integer(late))
            if late
            else lang("deadlines.late_excluded")
        )
    return Wording(lang("deadlines.delivered", on=on), target, arithmetic, gap_text)


def _duty_target(measure: DutyMeasure, lang: Language) -> str:
    if measure.every == "month":
        return lang("duty.target_month")
    if measure.due is None:
        return lang("duty.target")
    key = "duty.target_before" if measure.due_is == "before" else "duty.target_on_or_before"
    return lang(key, due=lang.day(measure.due))


def word_duty(rule: Rule, finding: Finding, lang: Language) -> Wording:
    """A yes/no duty: what the latest report in the period says, by a date if the plan sets one."""
    measure = rule.measure
    assert isinstance(measure, DutyMeasure)
    target = _duty_target(measure, lang)
    evidence = finding.evidence
    duty = measure.duty
    if finding.state == "no_data":
        return Wording(
            target=target,
            gap=_duty_reporting_gap(finding, duty, lang),
            detail=_duty_lacking(finding, duty, lang),
        )
    when = evidence.get("date")
    if evidence["done"]:
        actual = lang("duty.done_on", on=lang.day(str(when))) if when else lang("duty.done")
    else:
        actual = lang("duty.not_done")
    arithmetic = lang("duty.says", report=lang.period(evidence["report"]), state=actual)
    gap = finding.gap
    gap_text = None
    if gap is not None:
        if "by" in gap:
            gap_text = lang("duty.to_be_done", duty=duty, due=lang.day(gap["by"]))
        elif gap["days_late"]:
            gap_text = lang("duty.done_late", days=lang.integer(int(gap["days_late"])))
        else:
            gap_text = lang("duty.done_excluded")
    note = evidence.get("note")
    return Wording(actual, target, arithmetic, gap_text, str(note) if note else None)


def _duty_lacking(finding: Finding, duty: str, lang: Language) -> str | None:
    evidence = finding.evidence
    if finding.reason == "uncovered":
        return lang("duty.no_word", period=lang.period(finding.period), duty=duty)
    if finding.reason == "undated":
        return lang("duty.undated", duty=duty)
    if finding.reason == "not_done_since":
        return lang(
            "duty.not_done_since",
            report=lang.period(evidence["report"]),
            day=lang.day(str(evidence["judged_on"])),
        )
    return None


def _duty_reporting_gap(finding: Finding, duty: str, lang: Language) -> str | None:
    gap = finding.gap
    if gap is None:
        return None
    if finding.reason == "undated":
        return lang("duty.report_date", duty=duty)
    if finding.reason == "not_done_since":
        return lang(
            "duty.report_since", duty=duty, day=lang.day(str(finding.evidence["judged_on"]))
        )
    return lang("duty.report_word", duty=lang.names(gap["report"]), period=lang.period(gap["for"]))


def _window(measure: DataWindowMeasure, period: str) -> tuple[date, date]:
    return next(window for judged, window in measure.windows.items() if str(judged) == period)


def word_window(rule: Rule, finding: Finding, lang: Language) -> Wording:
    """A report's declared data window against the one the plan fixes for its period."""
    measure = rule.measure
    assert isinstance(measure, DataWindowMeasure)
    start, end = _window(measure, finding.period)
    target = lang("window.target", start=lang.day(start), end=lang.day(end))
    if finding.state == "no_data":
        gap = finding.gap
        return Wording(
            target=target,
            gap=lang("window.state", report=lang.period(gap["for"])) if gap is not None else None,
            detail=lang("window.no_window", report=lang.period(finding.period)),
        )
    evidence = finding.evidence
    data_from, data_to = lang.day(str(evidence["data_from"])), lang.day(str(evidence["data_to"]))
    arithmetic = lang(
        "window.arithmetic",
        start=data_from,
        from_shift=f"{int(evidence['from_vs_expected']):+d}",  # type: ignore[arg-type]
        end=data_to,
        to_shift=f"{int(evidence['to_vs_expected']):+d}",  # type: ignore[arg-type]
    )
    gap = finding.gap
    gap_text = (
        lang("window.cover", start=lang.day(gap["from"]), end=lang.day(gap["to"]))
        if gap is not None
        else None
    )
    return Wording(
        lang("window.actual", start=data_from, end=data_to), target, arithmetic, gap_text
    )
