"""Helpers the measures share: which units a rule covers, sums of counts, exact formatting."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

from cchc.facts.model import FactSet, Report, Unit
from cchc.facts.periods import Period
from cchc.rules.measures.observation import Observation
from cchc.rules.schema import AppliesTo, Rule

SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def applicable_units(applies_to: AppliesTo, facts: FactSet) -> list[Unit]:
    return [unit for unit in facts.units.values() if applies_to.matches(unit)]


def rule_years(rule: Rule) -> set[int]:
    return {period.year for period in rule.periods}


def handles(unit: Unit, field: str) -> bool:
    """Whether the unit may have dossiers of the field: yes unless it declares its fields and the
    field is not among them."""
    return unit.fields is None or field in unit.fields


def _field_part(report: Report, code: str, handled: list[str] | None) -> dict[str, int] | None:
    """One field's dossier counts; zeros when the unit declares it does not handle the field;
    None when the field's counts are simply not reported."""
    if code in report.dossiers_by_field:
        return report.dossiers_by_field[code]
    if handled is not None and code not in handled:
        return dict.fromkeys(report.dossiers, 0)
    return None


def flat_counts(
    report: Report,
    field: str | None = None,
    excluding: tuple[str, ...] = (),
    handled: list[str] | None = None,
) -> dict[str, int]:
    """The report's counts as {"dossiers.x": n, "indicators.y": m}. With `field`, dossier counts
    are that field's only; with `excluding`, all dossiers less those fields (a count is dropped,
    i.e. not reported, when an excluded field does not give it, unless the unit's declared
    fields, `handled`, show it has no dossiers of that field)."""
    dossiers: dict[str, int] = dict(report.dossiers)
    if field is not None:
        dossiers = dict(report.dossiers_by_field.get(field, {}))
    elif excluding:
        parts = [_field_part(report, code, handled) for code in excluding]
        dossiers = {
            name: value - sum(part[name] for part in parts if part is not None)
            for name, value in report.dossiers.items()
            if all(part is not None and name in part for part in parts)
        }
    counts = {f"dossiers.{name}": value for name, value in dossiers.items()}
    counts.update({f"indicators.{name}": value for name, value in report.indicators.items()})
    return counts


def reported(report: Report, ref: str) -> int | None:
    return flat_counts(report).get(ref)


def total(counts: dict[str, int], refs: Iterable[str]) -> int | None:
    """The sum of the named counts, or None when any of them was not reported."""
    values = [counts.get(ref) for ref in refs]
    return None if any(v is None for v in values) else sum(values)  # type: ignore[misc]


def mentions_any(counts: dict[str, int], refs: Iterable[str]) -> bool:
    return any(ref in counts for ref in refs)


def missing_fields(counts: dict[str, int], refs: Iterable[str]) -> list[str]:
    return [ref for ref in unique(refs) if ref not in counts]


def unique(items: Iterable[str]) -> list[str]:
    """Each item once, in first-seen order: a numerator's counts are also in its denominator,
    and a message names each once."""
    return list(dict.fromkeys(items))


Span = tuple[date, date]  # first and last day, inclusive


@dataclass(frozen=True)
class Coverage:
    """The parts of a judged span that no report speaking of the thing covers."""

    gaps: tuple[Span, ...]

    @property
    def complete(self) -> bool:
        return not self.gaps

    def describe(self) -> str:
        return ", ".join(day(a) if a == b else f"{day(a)} – {day(b)}" for a, b in self.gaps)


def coverage(spoken: Iterable[Span], start: date, end: date, additive: bool) -> Coverage:
    """Whether what the reports that speak of a thing cover, as spans of days, covers the judged
    span [start, end].

    The one coverage policy of every measure. Figures that add up across reports (events,
    inspections) are covered by the union of the reports' spans. Every other figure (a share,
    a stock, a score, a duty's state) is only ever as of one report, so one report must cover
    the whole judged span; the gaps then are what the best single report leaves out."""
    spans = sorted((a, b) for a, b in spoken if a <= end and b >= start)
    if not additive and spans:
        spans = [max(spans, key=lambda s: (min(s[1], end) - max(s[0], start), s[1]))]
    gaps: list[Span] = []
    cursor = start
    for first, last in spans:
        if first > cursor:
            gaps.append((cursor, first - timedelta(days=1)))
        if last >= end:
            return Coverage(tuple(gaps))
        cursor = max(cursor, last + timedelta(days=1))
    if cursor <= end:
        gaps.append((cursor, end))
    return Coverage(tuple(gaps))


def period_coverage(spoken: Iterable[Period], judged: Period, additive: bool) -> Coverage:
    """`coverage` over reporting periods, for a judged period."""
    return coverage(((p.start, p.end) for p in spoken), judged.start, judged.end, additive)


def spans(cover: Coverage) -> list[list[str]]:
    """The uncovered spans as [first, last] ISO dates: evidence, for the render layer to word."""
    return [[first.isoformat(), last.isoformat()] for first, last in cover.gaps]


def not_given(
    rule: Rule, unit_id: str, period: str, closed: bool, absent: list[str], report: Period, **more
) -> Observation:
    """The report chosen does not give some of the figures the rule reads."""
    evidence = {"absent": unique(absent), "report": str(report), **more}
    return Observation(
        rule.id, unit_id, period, "no_data", closed, evidence=evidence, reason="not_given"
    )


def uncovered(
    rule: Rule,
    unit_id: str,
    judged: Period,
    closed: bool,
    wanted: list[str],
    cover: Coverage,
    due: date | None = None,
    additive: bool = False,
    **more,
) -> Observation:
    """No report covering part of the judged period gives the figures the rule reads. With
    `additive`, figures that add up across reports (events): the reports of the uncovered spans
    are wanted, not one report covering the whole period."""
    evidence = {"wanted": unique(wanted), "uncovered": spans(cover), **more}
    if additive:
        evidence["additive"] = True
    return Observation(
        rule.id,
        unit_id,
        str(judged),
        "no_data",
        closed,
        evidence=evidence,
        reason="uncovered",
        due=due,
    )


def year_report(
    reports: list[Report],
    year: int,
    refs: list[str],
    counts: Callable[[Report], dict[str, int]] = flat_counts,
) -> Report | None:
    """For a whole-year target: the annual report, else the one reaching furthest into the year."""
    candidates = [r for r in reports if r.period.year == year and mentions_any(counts(r), refs)]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r.period.end, r.period.end - r.period.start))


def period_closed(period: Period, as_of: date) -> bool:
    return as_of > period.end


def sign(actual: Fraction, target: Fraction) -> int:
    """-1, 0 or 1 as actual is below, at or above target: decided exactly, so that the engine
    compares small integers and never a rounded float."""
    return (actual > target) - (actual < target)


def integer(value: int) -> str:
    return f"{value:,}"


def decimal_text(value: Fraction, digits: int) -> str:
    """`value` rounded half-even to `digits` places, trailing zeros dropped; exact throughout."""
    quantum = Decimal(1).scaleb(-digits)
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    text = f"{exact.quantize(quantum, rounding=ROUND_HALF_EVEN):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(value: Fraction, near: Fraction | None = None) -> str:
    """94.51%. When rounding would make a value look equal to the target it is not, add digits."""
    scaled = value * 100
    for digits in range(2, 7):
        text = decimal_text(scaled, digits)
        if near is None or value == near or text != decimal_text(near * 100, digits):
            return f"{text}%"
    return f"≈{decimal_text(scaled, 6)}%"


def number(value: Fraction) -> str:
    if value.denominator == 1:
        return integer(value.numerator)
    return decimal_text(value, 2)


def compare_symbol(actual: Fraction, target: Fraction) -> str:
    return "=" if actual == target else (">" if actual > target else "<")


def day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def needed_at_least(target: Fraction, denominator: int, strict: bool) -> int:
    """The smallest numerator n with n / denominator ≥ target (> when strict)."""
    bound = target * denominator
    return math.floor(bound) + 1 if strict else math.ceil(bound)


def allowed_at_most(target: Fraction, denominator: int, strict: bool) -> int:
    """The largest numerator n with n / denominator ≤ target (< when strict)."""
    bound = target * denominator
    return math.ceil(bound) - 1 if strict else math.floor(bound)
