"""`cchc dossiers explain` for a reader: each dossier's reason (a code from the derivation,
facts/dossiers/definitions.REASONS) worded in the reader's language with its dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from cchc.reports.wording.catalogues import Language

# The columns shown, in order: the record, where the form counts it, and why.
SHOWN = (
    "file",
    "row",
    "dossier",
    "procedure",
    "field",
    "channel",
    "status",
    "received",
    "due",
    "due_counted",
    "ended",
    "supplement_requests",
    "supplement_days",
    "judged",
    "reason",
)


def explained(frame: pl.DataFrame, lang: Language) -> pl.DataFrame:
    """The explain() table with `reason` worded (and the period's days, which it names, left
    out: they are the same on every row)."""
    reasons = [word_reason(row, lang) for row in frame.iter_rows(named=True)]
    return frame.with_columns(pl.Series("reason", reasons, dtype=pl.String)).select(SHOWN)


def word_reason(row: dict[str, Any], lang: Language) -> str:
    code = row["reason"]
    values = {
        "received": _day(row["received"], lang),
        "ended": _day(row["ended"], lang),
        "period_from": _day(row["period_from"], lang),
        "period_to": _day(row["period_to"], lang),
        "requests": row["supplement_requests"],
        "status": row["status"],
        "due": _due(row, lang),
    }
    return lang(f"dossiers.reason.{code}", **values)


def _due(row: dict[str, Any], lang: Language) -> str:
    counted, given = row["due_counted"], row["due"]
    if counted is None:
        return lang("dossiers.due_none")
    if given is not None and counted != given and row["supplement_days"]:
        return lang(
            "dossiers.due_with_wait",
            due=_day(counted, lang),
            given=_day(given, lang),
            days=row["supplement_days"],
        )
    return lang("dossiers.due_plain", due=_day(counted, lang))


def _day(value: date | None, lang: Language) -> str:
    return "" if value is None else lang.day(value)
