"""An evaluation whose fact-file text is hostile, for the tests of the spreadsheet and Markdown
reports: unit names that would be formulas in a spreadsheet or markup in Markdown, and a note
(evidence text) with both."""

from __future__ import annotations

from dataclasses import replace

import polars as pl

from cchc.engine.evaluation import Evaluation
from cchc.engine.findings import RuleFindings

HOSTILE_NAMES = (
    '=HYPERLINK("http://x","y")',
    "@SUM(1)",
    "+1",
    "-2",
    "\t=1",
    "<script>alert(1)</script>",
    "a|b",
    "**bold**",
    "\r=2",
    "#N/A",
)
HOSTILE_NOTE = "**bold** | =1+1 <b>x</b> [link](http://x)\nsecond line"
# What may never start a spreadsheet cell's text (OWASP's list of formula characters).
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def hostile(evaluation: Evaluation) -> Evaluation:
    """`evaluation` with each unit renamed to one of HOSTILE_NAMES (in turn), and every note of
    the findings' evidence replaced by HOSTILE_NOTE."""
    names = [HOSTILE_NAMES[i % len(HOSTILE_NAMES)] for i in range(evaluation.units.height)]
    units = evaluation.units.with_columns(pl.Series("name", names, dtype=pl.Utf8))
    parts = [
        RuleFindings(
            part.rule,
            part.frame.with_columns(
                pl.when(pl.col("e.note").is_not_null()).then(pl.lit(HOSTILE_NOTE)).alias("e.note")
            ),
        )
        if "e.note" in part.frame.columns
        else part
        for part in evaluation.parts
    ]
    return replace(evaluation, units=units, parts=parts)


def hostile_names_of(evaluation: Evaluation) -> set[str]:
    return set(evaluation.units["name"])
