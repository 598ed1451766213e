"""What a unit must report under a plan: every figure, duty, event, task, score and field of
procedures the plan's rules read, for the unit's kind (or named agency), with the rules that
read each and the periods they judge.

Derived from the measures alone, as the engine reads them: a `share` of one field of procedures
reads that field's dossier counts (`dossiers_by_field`), not the unit's totals; a task rule reads
the task's completion (and the duty it is the same as); a population share reads the owner's
events, and those of the inspectors the plan names. A rule reaches a unit by its `applies_to`
(kinds, or named agencies), so a ward is never asked for a figure only the district reports.

A count a rule does not read, but that bounds one it reads (`at_most`) or totals parts it reads
(`total_of`), is asked for too, marked with the counts it checks: the loader checks the read
figure against it, so a slip in one of them is caught before anything is judged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from cchc.facts.model import Unit
from cchc.facts.periods import Period
from cchc.facts.vocabulary import Quantity, Vocabulary, vocabulary_for
from cchc.rules.catalogue import Catalogue, Plan
from cchc.rules.schema import (
    BaselineMeasure,
    CompareMeasure,
    DataWindowMeasure,
    DeadlineMeasure,
    DutyMeasure,
    EventCountMeasure,
    PopulationShareMeasure,
    QuantityMeasure,
    RangeMeasure,
    Rule,
    ScoreMeasure,
    ScoreSumMeasure,
    ShareMeasure,
    TaskMeasure,
)

Group = Literal[
    "reports", "dossiers", "fields", "indicators", "scores", "duties", "events", "tasks"
]
# In the order a report is laid out: the report itself, its counts, then the lists.
GROUPS: tuple[Group, ...] = (
    "reports",
    "dossiers",
    "fields",
    "indicators",
    "scores",
    "duties",
    "events",
    "tasks",
)
COUNT_GROUPS = ("dossiers", "indicators")


@dataclass(frozen=True)
class Reader:
    """A rule that reads an item: what a report's instructions quote for it."""

    rule_id: str
    title: str  # English
    title_vi: str | None
    clause: str
    quote: str  # verbatim from the plan
    periods: tuple[Period, ...]  # the periods the rule judges, and the earlier ones it compares


@dataclass(frozen=True)
class Need:
    """One thing to report. `name` is its machine name: a count (`resolved_late`), a duty, an
    event kind, a task id, a score code, a field of procedures' code, or a report's own column
    (`submitted`)."""

    group: Group
    name: str
    meaning: str  # English, from the vocabulary or the plan; empty for a report's own columns
    meaning_vi: str | None = None  # where the vocabulary or the plan gives one
    unit: str = ""  # a count's unit as the vocabulary gives it (`hồ sơ`)
    readers: tuple[Reader, ...] = ()
    # Asked for because it bounds or totals these counts (qualified: `dossiers.returned_postal`).
    checks: tuple[str, ...] = ()
    # A field of procedures: the dossier counts read for it. An event kind: whether a row names
    # the unit it was about (`inspected`).
    counts: tuple[str, ...] = ()
    needs_subject: bool = False

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reader.rule_id for reader in self.readers)

    @property
    def periods(self) -> tuple[Period, ...]:
        return _in_order(p for reader in self.readers for p in reader.periods)

    @property
    def ref(self) -> str:
        return f"{self.group}.{self.name}"


@dataclass(frozen=True)
class Needs:
    """What a unit of `kind` (or the agency `agency`) reports under the plan `plan_id`; with
    neither, what any unit the plan addresses may be asked for."""

    plan_id: str
    plan_title: str
    kind: str | None
    agency: str | None
    items: tuple[Need, ...]
    # An event kind some rule counts as carried out by someone other than the reporting unit.
    events_by_others: bool = False

    def group(self, group: str) -> list[Need]:
        return [item for item in self.items if item.group == group]

    def names(self, group: str) -> list[str]:
        return [item.name for item in self.group(group)]

    @property
    def periods(self) -> tuple[Period, ...]:
        return _in_order(p for item in self.items for p in item.periods)

    def covers(self, period: Period) -> bool:
        """Whether some rule judges a period overlapping `period` (a quarter of a judged year)."""
        return any(p.overlaps(period) for p in self.periods)


def _in_order(periods: Iterator[Period] | list[Period]) -> tuple[Period, ...]:
    """By the day each ends, the shorter first: M03, Q1, M04 … H1 … 9M … H2, the year."""
    return tuple(sorted(set(periods), key=lambda p: (p.end, -p.start.toordinal())))


def needs(
    catalogue: Catalogue, plan_id: str, kind: str | None = None, agency: str | None = None
) -> Needs:
    """What a unit of `kind` (and, when given, of the agency `agency`) must report under the
    plan. Raises KeyError for an unknown plan; the caller checks the kind against the plan's."""
    plan = catalogue.plans[plan_id]
    collected = _Collected(vocabulary_for([plan_id]))
    by_others = False
    for rule in plan.rules:
        if _addressed(rule, kind, agency):
            collected.add_rule(rule, _reader(rule))
        elif _inspects(rule, kind, agency):  # an inspector named by the plan reports events
            assert isinstance(rule.measure, PopulationShareMeasure)
            collected.add(rule, "events", rule.measure.event, _reader(rule))
        by_others |= isinstance(rule.measure, PopulationShareMeasure) and bool(
            rule.measure.inspectors
        )
    collected.add_bounds()
    return Needs(plan.id, plan.info.title, kind, agency, collected.items(plan), by_others)


def needs_of_unit(catalogue: Catalogue, plan_id: str, unit: Unit) -> Needs:
    return needs(catalogue, plan_id, unit.kind, unit.agency)


def _addressed(rule: Rule, kind: str | None, agency: str | None) -> bool:
    if kind is None and agency is None:
        return True
    return kind in rule.applies_to.kinds or (
        agency is not None and agency in rule.applies_to.agencies
    )


def _inspects(rule: Rule, kind: str | None, agency: str | None) -> bool:
    inspectors = getattr(rule.measure, "inspectors", None)
    if inspectors is None:
        return False
    return kind in inspectors.kinds or (agency is not None and agency in inspectors.agencies)


def _reader(rule: Rule) -> Reader:
    return Reader(
        rule.id,
        rule.title,
        rule.title_vi,
        rule.citation.clause,
        rule.citation.quote,
        _in_order([*rule.periods, *_earlier_periods(rule)]),
    )


def _earlier_periods(rule: Rule) -> list[Period]:
    """The periods a rule reads besides those it judges: a baseline year, the year compared
    with, and the reporting periods of a deadline or a data window."""
    measure = rule.measure
    if isinstance(measure, BaselineMeasure):
        return [measure.baseline]
    if isinstance(measure, CompareMeasure):
        return [Period(measure.reference_year(p.year)) for p in rule.periods]
    if isinstance(measure, DeadlineMeasure):
        return list(measure.due)
    if isinstance(measure, DataWindowMeasure):
        return list(measure.windows)
    return []


def _reads(rule: Rule) -> Iterator[tuple[Group, str, tuple[str, ...]]]:
    """(group, name, dossier counts read per field) for everything a rule's measure reads."""
    measure = rule.measure
    if isinstance(measure, ShareMeasure | RangeMeasure):
        yield from _count_reads(measure)
    elif isinstance(measure, QuantityMeasure | BaselineMeasure):
        yield (*_split(measure.indicator), ())
    elif isinstance(measure, CompareMeasure):
        for ref in [*measure.numerator, *measure.denominator]:
            if not ref.startswith("events."):
                yield (*_split(ref), ())
        for event in measure.events:
            yield "events", event, ()
    elif isinstance(measure, EventCountMeasure | PopulationShareMeasure):
        yield "events", measure.event, ()
    elif isinstance(measure, DeadlineMeasure):
        yield "reports", measure.submission, ()
    elif isinstance(measure, DataWindowMeasure):
        yield "reports", "data_from", ()
        yield "reports", "data_to", ()
    elif isinstance(measure, TaskMeasure):
        yield "tasks", measure.task, ()
        if measure.same_as_duty:  # the duty done with a date delivers the task as well
            yield "duties", measure.same_as_duty, ()
    elif isinstance(measure, DutyMeasure):
        yield "duties", measure.duty, ()
    elif isinstance(measure, ScoreMeasure):
        yield "scores", measure.code, ()
    elif isinstance(measure, ScoreSumMeasure):
        for code in [measure.code, *measure.parts]:
            yield "scores", code, ()


def _split(ref: str) -> tuple[Group, str]:
    group, _, name = ref.partition(".")
    return group, name  # type: ignore[return-value]


def _count_reads(
    measure: ShareMeasure | RangeMeasure,
) -> Iterator[tuple[Group, str, tuple[str, ...]]]:
    """A share of one field reads that field's dossier counts only; a share excluding fields
    reads the totals and each excluded field's counts."""
    refs = list(dict.fromkeys([*measure.numerator, *measure.denominator]))
    dossiers = tuple(_split(ref)[1] for ref in refs if ref.startswith("dossiers."))
    field_code = getattr(measure, "field", None)
    for ref in refs:
        if not (ref.startswith("dossiers.") and field_code):
            yield (*_split(ref), ())
    for code in [field_code] if field_code else getattr(measure, "excluding_fields", []):
        yield "fields", code, dossiers


@dataclass
class _Entry:
    readers: dict[str, Reader] = field(default_factory=dict)
    counts: dict[str, None] = field(default_factory=dict)
    checks: dict[str, None] = field(default_factory=dict)
    first_rule: Rule | None = None


class _Collected:
    """The items found so far, by group and name, each with the rules reading it."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self.entries: dict[tuple[Group, str], _Entry] = {}

    def add_rule(self, rule: Rule, reader: Reader) -> None:
        for group, name, counts in _reads(rule):
            self.add(rule, group, name, reader, counts)

    def add(
        self, rule: Rule, group: Group, name: str, reader: Reader, counts: tuple[str, ...] = ()
    ) -> _Entry:
        entry = self.entries.setdefault((group, name), _Entry(first_rule=rule))
        if isinstance(rule.measure, ScoreMeasure) and rule.measure.code == name:
            entry.first_rule = rule  # the criterion's own rule names it, not its parent's sum
        entry.readers.setdefault(reader.rule_id, reader)
        entry.counts.update(dict.fromkeys(counts))
        return entry

    def add_bounds(self) -> None:
        """The wholes a read count is bounded by, and the totals of read parts (see above)."""
        read = [(g, n) for (g, n) in list(self.entries) if g in COUNT_GROUPS]
        for group, name in read:
            quantity: Quantity = self.vocabulary.quantities[group][name]
            for ref in [ref for bound in quantity.at_most for ref in bound]:
                self._add_check(ref, (group, name))
        # A total only when every part is read: with one part missing it checks nothing.
        for group in COUNT_GROUPS:
            parts_read = {n for (g, n) in read if g == group}
            for total in self.vocabulary.quantities[group].values():
                if total.total_of and set(total.total_of) <= parts_read:
                    for part in total.total_of:
                        self._add_check(total.ref, (group, part))

    def _add_check(self, ref: str, checked: tuple[Group, str]) -> None:
        group, name = _split(ref)
        if group not in COUNT_GROUPS or not self.vocabulary.allows(group, name):
            return  # a bound naming another plan's word is never checked under this plan
        source = self.entries[checked]
        entry = self.entries.get((group, name))
        if entry is not None and not entry.checks and entry.readers:
            return  # read by a rule itself: not asked for on another's account
        entry = self.entries.setdefault((group, name), _Entry(first_rule=source.first_rule))
        entry.checks[f"{checked[0]}.{checked[1]}"] = None
        for reader in source.readers.values():
            entry.readers.setdefault(reader.rule_id, reader)

    def items(self, plan: Plan) -> tuple[Need, ...]:
        found = [self._need(group, name, entry) for (group, name), entry in self.entries.items()]
        order = {group: index for index, group in enumerate(GROUPS)}
        return tuple(sorted(found, key=lambda need: (order[need.group], self._rank(need))))

    def _rank(self, need: Need) -> int:
        """Counts in the vocabulary's order (received, resolved…); the rest in the plan's."""
        if need.group in COUNT_GROUPS:
            return list(self.vocabulary.quantities[need.group]).index(need.name)
        return list(self.entries).index((need.group, need.name))

    def _need(self, group: Group, name: str, entry: _Entry) -> Need:
        readers = tuple(entry.readers.values())
        common = {"readers": readers, "checks": tuple(entry.checks), "counts": tuple(entry.counts)}
        if group in COUNT_GROUPS:
            quantity = self.vocabulary.quantities[group][name]
            return Need(group, name, quantity.meaning, _vi(quantity), quantity.unit, **common)
        if group in ("duties", "events"):
            word = self.vocabulary.tables[group][name]
            subject = bool(getattr(word, "needs_subject", False))
            return Need(group, name, word.meaning, _vi(word), needs_subject=subject, **common)
        if group in ("tasks", "scores"):  # the plan's own words: the first rule's title
            rule = entry.first_rule
            assert rule is not None
            return Need(group, name, rule.title, rule.title_vi, **common)
        return Need(group, name, "", **common)  # reports, fields: worded by the reports layer


def _vi(word: object) -> str | None:
    """A Vietnamese meaning, when the vocabulary gives one (`meaning_vi`)."""
    return getattr(word, "meaning_vi", None)
