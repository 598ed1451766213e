"""The shape of what an agency reports: a registry of units and, per unit and period, a report.

Every field takes exactly its kind of value, read by `facts.values`: a count an int (never a
float, a bool or `1_5`), a date a date (ISO or day/month/year), a yes/no a boolean or có/không,
text as NFC. No lax coercion: what cannot be read exactly is refused with a message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from cchc.facts.notices import Notice
from cchc.facts.periods import Period, PeriodError
from cchc.facts.problems import invalid
from cchc.facts.values import (
    clean_text,
    did_you_mean,
    excerpt,
    parse_count,
    parse_date,
    parse_score,
    parse_yes_no,
)
from cchc.facts.vocabulary import DOSSIER_FIELDS, DUTIES, EVENT_KINDS, INDICATORS

# city: a centrally-run city or a province (cấp tỉnh); department: a Sở or equivalent;
# district: a district-level committee; division: a phòng/ban inside a district committee;
# commune: a commune, ward or township committee.
UnitKind = Literal["city", "department", "district", "division", "commune"]

Text = Annotated[str, BeforeValidator(clean_text)]
Identifier = Annotated[
    str,
    BeforeValidator(clean_text),
    StringConstraints(min_length=1, max_length=120, pattern=r"^[^\s\x00-\x1f\x7f-\x9f]+$"),
]
Name = Annotated[
    str, BeforeValidator(clean_text), StringConstraints(min_length=1, strip_whitespace=True)
]
Count = Annotated[int, BeforeValidator(parse_count)]
Day = Annotated[dt.date, BeforeValidator(parse_date)]
YesNo = Annotated[bool, BeforeValidator(parse_yes_no)]
# Exact objects stay objects in a Python dump (merging re-validates them); text only in JSON.


def _period(value: object) -> Period:
    try:
        return Period.parse(value)
    except PeriodError as error:
        raise invalid(error.code, **error.values) from None


PeriodField = Annotated[Period, BeforeValidator(_period), PlainSerializer(str, when_used="json")]
Score = Annotated[Fraction, BeforeValidator(parse_score), PlainSerializer(str, when_used="json")]
FieldCode = Annotated[
    str, BeforeValidator(clean_text), StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Unit(_Strict):
    """One reporting unit: a department, a district or commune committee, or the city itself."""

    id: Identifier
    name: Name
    kind: UnitKind
    parent: Identifier | None = None
    # A named agency's code (so-noi-vu, vp-ubnd…) for rules addressed to one agency by name.
    agency: Identifier | None = None
    # The fields of procedures (lĩnh vực) the unit handles, when declared: a field outside the
    # list is known to have no dossiers, so the unit need not report zero rows for it.
    fields: list[FieldCode] | None = None


class Event(_Strict):
    kind: Identifier
    date: Day
    inspected: Identifier | None = None
    # Who carried the event out, when it is not the reporting unit (an inspection by Sở Nội vụ
    # reported in the city's report). None: the unit whose report carries the event.
    by: Identifier | None = None
    note: Text | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in EVENT_KINDS:
            raise invalid("unknown_event_kind", name=excerpt(kind), **_hint(kind, EVENT_KINDS))
        return kind

    @model_validator(mode="after")
    def _subject_when_needed(self) -> Event:
        if EVENT_KINDS[self.kind].needs_subject and not self.inspected:
            raise invalid("event_without_subject", kind=self.kind)
        return self


class TaskCompletion(_Strict):
    task: Identifier
    completed: Day
    product: Text | None = None


class DutyReport(_Strict):
    done: YesNo
    date: Day | None = None
    evidence: Text | None = None


def _hint(name: str, known: dict[str, Any]) -> dict[str, str]:
    """A near miss, or else the whole (short) list of what is known."""
    return did_you_mean(name, known) or {"known": ", ".join(known)}


def _known_names(values: dict[str, Any], vocabulary: dict[str, Any], what: str) -> None:
    """`what`: the kind of name (dossier_count, indicator, duty), which the problem's code says."""
    unknown = [name for name in values if name not in vocabulary]
    if len(unknown) == 1:
        name = unknown[0]
        hint = did_you_mean(name, vocabulary) if what != "duty" else _hint(name, vocabulary)
        raise invalid(f"unknown_{what}", name=excerpt(name), **hint)
    if unknown:
        raise invalid(f"unknown_{what}_several", names=", ".join(map(excerpt, unknown)))


class Report(_Strict):
    """What one unit reports for one period. Every part is optional: absent means not reported.
    Consistency across fields (sums, dates inside the period) is `report_problems`, kept apart
    so it also runs on the valid parts of a report that has other errors."""

    unit: Identifier
    period: PeriodField
    submitted: Day | None = None
    thematic_submitted: Day | None = None
    # The data cut-off window the report covers, where a plan fixes one (Thanh Xuân 2024).
    data_from: Day | None = None
    data_to: Day | None = None
    dossiers: dict[str, Count] = Field(default_factory=dict)
    # The same counts for single fields of procedures (lĩnh vực), for targets with exceptions.
    dossiers_by_field: dict[FieldCode, dict[str, Count]] = Field(default_factory=dict)
    indicators: dict[str, Count] = Field(default_factory=dict)
    # Index points and survey percentages (PAR INDEX, SIPAS) by criterion code, exact decimals.
    scores: dict[Identifier, Score] = Field(default_factory=dict)
    duties: dict[str, DutyReport] = Field(default_factory=dict)
    # None: the report says nothing about events, which is not the same as "none were held".
    events: list[Event] | None = None
    tasks: list[TaskCompletion] = Field(default_factory=list)

    @field_validator("dossiers")
    @classmethod
    def _known_dossier_fields(cls, values: dict[str, int]) -> dict[str, int]:
        _known_names(values, DOSSIER_FIELDS, "dossier_count")
        return values

    @field_validator("dossiers_by_field")
    @classmethod
    def _known_field_counts(cls, values: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for counts in values.values():
            _known_names(counts, DOSSIER_FIELDS, "dossier_count")
        return values

    @field_validator("indicators")
    @classmethod
    def _known_indicators(cls, values: dict[str, int]) -> dict[str, int]:
        _known_names(values, INDICATORS, "indicator")
        return values

    @field_validator("duties")
    @classmethod
    def _known_duties(cls, values: dict[str, DutyReport]) -> dict[str, DutyReport]:
        _known_names(values, DUTIES, "duty")
        return values


class ReportProblem(NamedTuple):
    """A problem inside one report: the key path to it, the code and the values (facts/problems.py
    gives it its file and place)."""

    loc: tuple[str | int, ...]
    code: str
    values: dict[str, Any]


Problem = ReportProblem


def _value_of(ref: str, counts: dict[str, dict[str, int]]) -> int | None:
    """A qualified count as reported, or as the sum of its parts when the total is not given."""
    group, _, name = ref.partition(".")
    values = counts[group]
    if name in values:
        return values[name]
    parts = {"dossiers": DOSSIER_FIELDS, "indicators": INDICATORS}[group][name].total_of
    if parts and all(part in values for part in parts):
        return sum(values[part] for part in parts)
    return None


def _arithmetic(group: str, counts: dict[str, dict[str, int]], where: tuple) -> list[Problem]:
    vocabulary = {"dossiers": DOSSIER_FIELDS, "indicators": INDICATORS}[group]
    problems: list[Problem] = []
    for name, value in counts[group].items():
        quantity = vocabulary[name]
        for bound in quantity.at_most:
            values = [_value_of(ref, counts) for ref in bound]
            if all(v is not None for v in values) and value > sum(values):  # type: ignore[misc]
                whole = " + ".join(bound)
                found = {"name": name, "value": value, "whole": whole, "total": sum(values)}  # type: ignore[arg-type]
                problems.append(ReportProblem((*where, name), "part_above_whole", found))
        if quantity.total_of and all(part in counts[group] for part in quantity.total_of):
            parts_sum = sum(counts[group][part] for part in quantity.total_of)
            if parts_sum != value:
                found = {
                    "name": name,
                    "value": value,
                    "parts": " + ".join(quantity.total_of),
                    "total": parts_sum,
                }
                problems.append(ReportProblem((*where, name), "total_not_sum", found))
    return problems


def report_problems(report: Report) -> list[Problem]:
    """What contradicts itself inside one report: a part above its whole, a total that is not
    the sum of its parts, a date outside the period or before it began."""
    counts = {"dossiers": report.dossiers, "indicators": report.indicators}
    problems = _arithmetic("dossiers", counts, ("dossiers",))
    problems += _arithmetic("indicators", counts, ("indicators",))
    for code, field_counts in report.dossiers_by_field.items():
        local = {"dossiers": field_counts, "indicators": {}}
        problems += _arithmetic("dossiers", local, ("dossiers_by_field", code))
        problems += [
            ReportProblem(
                ("dossiers_by_field", code, name),
                "field_above_all_fields",
                {"name": name, "value": value, "field": code, "total": report.dossiers[name]},
            )
            for name, value in field_counts.items()
            if name in report.dossiers and value > report.dossiers[name]
        ]
    return problems + _date_problems(report)


def _date_problems(report: Report) -> list[Problem]:
    period = report.period
    outside = "date_outside_period"
    problems: list[Problem] = [
        ReportProblem(
            ("events", i, "date"), outside, {"date": str(event.date), "period": str(period)}
        )
        for i, event in enumerate(report.events or ())
        if not period.contains(event.date)
    ]
    problems += [
        ReportProblem(
            ("tasks", i, "completed"), outside, {"date": str(task.completed), "period": str(period)}
        )
        for i, task in enumerate(report.tasks)
        if not period.contains(task.completed)
    ]
    if report.data_from and report.data_to and report.data_from > report.data_to:
        window = {"first": str(report.data_from), "last": str(report.data_to)}
        problems.append(ReportProblem(("data_from",), "data_window_reversed", window))
    for name in ("submitted", "thematic_submitted"):
        sent = getattr(report, name)
        if sent is not None and sent < period.start:
            found = {"date": str(sent), "period": str(period)}
            problems.append(ReportProblem((name,), "sent_before_period", found))
    return problems


@dataclass(frozen=True)
class FactSet:
    """A validated fact set: every unit known, every report's unit in the registry."""

    units: dict[str, Unit]
    reports: dict[tuple[str, Period], Report]
    files: tuple[str, ...] = ()
    jurisdiction: str | None = None  # e.g. "ha-noi": narrows the plans `cchc check` picks
    # What loading noticed without refusing (a findings report skipped in a facts folder…).
    warnings: tuple[Notice, ...] = ()
    _by_unit: dict[str, list[Report]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for report in sorted(self.reports.values(), key=lambda r: (r.unit, r.period)):
            self._by_unit.setdefault(report.unit, []).append(report)

    def known_as_of(self, as_of: dt.date) -> FactSet:
        """The facts as they stood on a date: a report whose period had not begun, or that was
        sent after the date, was not yet known then (its dated facts are filtered later)."""
        known = {
            key: report
            for key, report in self.reports.items()
            if report.period.start <= as_of
            and (report.submitted is None or report.submitted <= as_of)
        }
        if len(known) == len(self.reports):
            return self
        return FactSet(self.units, known, self.files, self.jurisdiction, self.warnings)

    def reports_of(self, unit_id: str) -> list[Report]:
        return self._by_unit.get(unit_id, [])

    def report(self, unit_id: str, period: Period) -> Report | None:
        return self.reports.get((unit_id, period))

    def all_events(self) -> list[tuple[Report, Event]]:
        return [
            (report, event) for report in self.reports.values() for event in report.events or ()
        ]
