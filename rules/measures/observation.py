"""The vocabulary of what a measure hands the engine, row by row, as numbers and dates.

An observation carries evidence, never a sentence: the figures read (numerator, denominator,
a count, a date), the report they came from, and for an observation that cannot be decided a
`reason` code with what is lacking. All wording is the render layer's (reports/wording), in
the reader's language; the JSON output keeps the evidence as it is here.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

State = Literal["measured", "no_data", "not_applicable"]
Scalar = int | bool | str | date | None
Evidence = dict[str, Scalar | list[str] | list[list[str]]]

# Why an observation could not be measured. Each code has its sentence in the render layer's
# message catalogues, and its gap (what to report) in rules/measures/__init__.py (with_gaps).
Reason = Literal[
    "not_given",  # the report chosen does not give the figures in `absent`
    "uncovered",  # no report covering the spans in `uncovered` gives the figures in `wanted`
    "field_not_handled",  # the unit declares it has no dossiers of the rule's field
    "nothing_to_divide",  # the denominator is 0 and so is the numerator
    "empty_population",  # no unit of the population in the registry
    "zero_baseline",  # the baseline figure is 0: no change can be a share of it
    "undated",  # a duty reported done, without the date its deadline needs
    "not_done_since",  # the latest word is "not done", and no report covers the judged day
    "no_window",  # the report does not state its data window
]
