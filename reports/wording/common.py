"""Wording every measure kind shares: where figures came from, and what to report."""

from __future__ import annotations

from cchc.engine.findings import Finding
from cchc.reports.wording.catalogues import Language


def source(finding: Finding, lang: Language) -> str | None:
    """ "from the 2019-9M report" when the figures came from another period's report."""
    report = finding.evidence.get("source")
    return lang("detail.from_report", report=lang.period(report)) if report else None


def lacking_detail(finding: Finding, lang: Language) -> str | None:
    """Why a finding without data has none, for the reasons every measure shares."""
    evidence = finding.evidence
    if finding.reason == "not_given":
        return lang(
            "detail.not_given",
            report=lang.period(evidence["report"]),
            absent=lang.names(evidence["absent"]),
        )
    if finding.reason == "uncovered":
        return lang(
            "detail.uncovered",
            spans=lang.spans(evidence["uncovered"]),
            wanted=lang.names(evidence["wanted"]),
        )
    return None


def reporting_gap(finding: Finding, lang: Language) -> str | None:
    """What to report, from the gap the measures computed (rules/measures.reporting_gap)."""
    gap = finding.gap
    if gap is None:
        return None
    key = "gap.report_whole" if gap.get("whole") else "gap.report"
    return lang(key, wanted=lang.names(gap["report"]), period=lang.period(gap["for"]))
