"""`cchc facts needs`: what a unit must report under a plan, as a table or JSON, in the reader's
language. The words shared with the workbook template (reports/template.py) are here too: a
need's meaning, its group's name, a unit kind's name, a list of periods."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal

from tabulate import tabulate

from cchc.facts.periods import Period, months_of
from cchc.reports.wording.catalogues import Language, language
from cchc.rules.needs import Need, Needs, Reader

NeedsFormat = Literal["table", "json"]
SCHEMA = "cchc-needs/1"
GROUP_KEYS = {
    "reports": "needs.group_reports",
    "dossiers": "needs.group_dossiers",
    "fields": "needs.group_fields",
    "indicators": "needs.group_indicators",
    "scores": "needs.group_scores",
    "duties": "needs.group_duties",
    "events": "needs.group_events",
    "tasks": "needs.group_tasks",
}
KIND_KEYS = {
    "city": "needs.kind_city",
    "department": "needs.kind_department",
    "district": "needs.kind_district",
    "division": "needs.kind_division",
    "commune": "needs.kind_commune",
}
REPORT_KEYS = {
    "submitted": "needs.report_submitted",
    "thematic_submitted": "needs.report_thematic_submitted",
    "data_from": "needs.report_data_from",
    "data_to": "needs.report_data_to",
}
# Columns of the table, and the widths the long ones wrap at.
TABLE_KEYS = (
    "needs.group",
    "needs.name",
    "needs.meaning",
    "needs.unit",
    "needs.rules",
    "needs.periods",
)
WRAP = (20, 28, 40, 12, 30, 24)


def group_name(group: str, lang: Language) -> str:
    return lang(GROUP_KEYS[group])


def kind_name(kind: str, lang: Language) -> str:
    return lang(KIND_KEYS[kind]) if kind in KIND_KEYS else kind


def meaning(need: Need, lang: Language, with_checks: bool = True) -> str:
    """What a need is, in the reader's language where the vocabulary or the plan gives it;
    `with_checks`: and which counts it is asked for to check."""
    if need.group == "reports":
        return lang(REPORT_KEYS[need.name])
    if need.group == "fields":
        return lang("needs.field_meaning", field=need.name, counts=", ".join(need.counts))
    translated = getattr(need, f"meaning_{lang.code}", None)
    text = translated or need.meaning
    if need.checks and with_checks:
        text += f" ({lang('needs.checks', names=', '.join(need.checks))})"
    return text


def rule_title(reader: Reader, lang: Language) -> str:
    return lang.title(reader)


def periods_text(periods: Sequence[Period], lang: Language) -> str:
    """The periods worded, a year's twelve months as one "each month of" phrase."""
    shown: list[str] = []
    months = {p for p in periods if p.kind == "month"}
    done: set[int] = set()
    for period in periods:
        if period.kind == "month" and set(months_of(Period(period.year))) <= months:
            if period.year not in done:
                shown.append(lang("needs.every_month", year=period.year))
                done.add(period.year)
            continue
        shown.append(lang.period(period))
    return ", ".join(shown)


def who(needs: Needs, lang: Language) -> str:
    if needs.kind and needs.agency:
        return lang("needs.who_agency", kind=kind_name(needs.kind, lang), agency=needs.agency)
    if needs.kind:
        return lang("needs.who_kind", kind=kind_name(needs.kind, lang))
    if needs.agency:
        return lang("needs.who_agency_only", agency=needs.agency)
    return lang("needs.who_any")


def render(needs: Needs, fmt: NeedsFormat = "table", code: str = "vi") -> str:
    lang = language(code)
    return render_json(needs, lang) if fmt == "json" else render_table(needs, lang)


def render_table(needs: Needs, lang: Language) -> str:
    heading = lang(
        "needs.heading", who=who(needs, lang), plan=needs.plan_id, title=needs.plan_title
    )
    if not needs.items:
        return f"{heading}\n\n{lang('needs.nothing')}\n"
    rows = [
        [
            group_name(need.group, lang),
            need.name,
            meaning(need, lang),
            need.unit,
            "\n".join(need.rule_ids),
            periods_text(need.periods, lang),
        ]
        for need in needs.items
    ]
    table = tabulate(
        rows, headers=[lang(key) for key in TABLE_KEYS], tablefmt="simple", maxcolwidths=list(WRAP)
    )
    total = lang("needs.total", count=len(needs.items))
    return f"{heading}\n\n{table}\n\n{total}\n"


def render_json(needs: Needs, lang: Language) -> str:
    document = {
        "schema": SCHEMA,
        "plan": needs.plan_id,
        "plan_title": needs.plan_title,
        "kind": needs.kind,
        "agency": needs.agency,
        "language": lang.code,
        "items": [_item(need, lang) for need in needs.items],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _item(need: Need, lang: Language) -> dict[str, object]:
    return {
        "group": need.group,
        "name": need.name,
        "meaning": meaning(need, lang),
        "unit": need.unit,
        "periods": [str(p) for p in need.periods],
        "checks": list(need.checks),
        "counts": list(need.counts),
        "rules": [
            {
                "id": reader.rule_id,
                "title": rule_title(reader, lang),
                "clause": reader.clause,
                "quote": reader.quote,
                "periods": [str(p) for p in reader.periods],
            }
            for reader in need.readers
        ],
    }
