"""Every sentence a report shows, produced from a finding's evidence, in the reader's language.

Measures and the engine hand over numbers and dates; this package turns them into the five
texts a report shows for a finding: the figure measured, the target, the arithmetic, what it
takes to comply, and where the figures came from. The sentences themselves are templates in a
message catalogue per language (reports/messages/<lang>/*.yaml); a family module here picks
the template and formats the numbers. A new language is a catalogue, not a code change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cchc.engine.findings import Finding
from cchc.reports.wording import baseline, compare, counts, deadlines, events, scores, shares
from cchc.reports.wording.catalogues import Language, Wording, language
from cchc.rules.schema import Rule

Words = Callable[[Rule, Finding, Language], Wording]

FAMILIES: dict[str, Words] = {
    "share": shares.word,
    "ratio": shares.word,
    "quantity": counts.word_quantity,
    "change_vs_baseline": baseline.word,
    "compare": compare.word,
    "event_count": events.word_count,
    "population_share": events.word_population,
    "report_deadline": deadlines.word_delivery,
    "task_deadline": deadlines.word_delivery,
    "duty": deadlines.word_duty,
    "data_window": deadlines.word_window,
    "score": scores.word_score,
    "score_sum": scores.word_sum,
}


@dataclass(frozen=True)
class Worded:
    """A finding with its sentences: what every human-readable format shows."""

    finding: Finding
    wording: Wording


def word(rule: Rule, finding: Finding, lang: str = "en") -> Wording:
    return FAMILIES[rule.measure.kind](rule, finding, language(lang))


__all__ = ["FAMILIES", "Language", "Wording", "language", "word"]
