"""The shape of what an agency reports: a registry of units and, per unit and period, a report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NonNegativeInt,
    PlainSerializer,
    StringConstraints,
    field_validator,
    model_validator,
)

from cchc.facts.periods import Period
from cchc.facts.vocabulary import DOSSIER_FIELDS, DUTIES, EVENT_KINDS, INDICATORS, Quantity

# city: a centrally-run city or a province (cấp tỉnh); department: a Sở or equivalent;
# district: a district-level committee; division: a phòng/ban inside a district committee;
# commune: a commune, ward or township committee.
UnitKind = Literal["city", "department", "district", "division", "commune"]
UNIT_KINDS: tuple[str, ...] = ("city", "department", "district", "division", "commune")

Identifier = Annotated[str, StringConstraints(min_length=1, max_length=120, pattern=r"^\S+$")]
PeriodField = Annotated[Period, BeforeValidator(Period.parse), PlainSerializer(str)]
FieldCode = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Unit(_Strict):
    """One reporting unit: a department, a district or commune committee, or the city itself."""

    id: Identifier
    name: Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
    kind: UnitKind
    parent: Identifier | None = None
    # A named agency's code (so-noi-vu, vp-ubnd…) for rules addressed to one agency by name.
    agency: Identifier | None = None
    # The fields of procedures (lĩnh vực) the unit handles, when declared: a field outside the
    # list is known to have no dossiers, so the unit need not report zero rows for it.
    fields: list[FieldCode] | None = None


class Event(_Strict):
    kind: str
    date: dt.date
    inspected: Identifier | None = None
    # Who carried the event out, when it is not the reporting unit (an inspection by Sở Nội vụ
    # reported in the city's report). None: the unit whose report carries the event.
    by: Identifier | None = None
    note: str | None = None

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; known: {', '.join(EVENT_KINDS)}")
        return kind

    @model_validator(mode="after")
    def _subject_when_needed(self) -> Event:
        if EVENT_KINDS[self.kind].needs_subject and not self.inspected:
            raise ValueError(f"a {self.kind} event must name the inspected unit in `inspected`")
        return self


class TaskCompletion(_Strict):
    task: Identifier
    completed: dt.date
    product: str | None = None


class DutyReport(_Strict):
    done: bool
    date: dt.date | None = None
    evidence: str | None = None


def _exact_score(value: object) -> Fraction:
    """8.424 stays 8.424: read through its decimal text, never through a binary float."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise ValueError("expected a number such as 8.424")
    try:
        exact = Fraction(Decimal(str(value).strip().replace(",", ".")))
    except (InvalidOperation, ValueError) as error:
        raise ValueError(f"{value!r} is not a number") from error
    if exact < 0:
        raise ValueError("a score cannot be negative")
    return exact


Score = Annotated[Fraction, BeforeValidator(_exact_score), PlainSerializer(str)]


def _check_names(values: dict[str, int], vocabulary: dict[str, Quantity], what: str) -> None:
    unknown = sorted(set(values) - set(vocabulary))
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(map(repr, unknown))}; see the README's list")


def _check_arithmetic(values: dict[str, int], vocabulary: dict[str, Quantity]) -> list[str]:
    problems = []
    for name, value in values.items():
        quantity = vocabulary[name]
        for bound in quantity.at_most:
            if bound in values and value > values[bound]:
                problems.append(f"{name} = {value} is more than {bound} = {values[bound]}")
        if quantity.total_of and all(part in values for part in quantity.total_of):
            parts_sum = sum(values[part] for part in quantity.total_of)
            if parts_sum != value:
                parts = " + ".join(quantity.total_of)
                problems.append(f"{name} = {value} but {parts} = {parts_sum}")
    return problems


class Report(_Strict):
    """What one unit reports for one period. Every part is optional: absent means not reported."""

    unit: Identifier
    period: PeriodField
    submitted: dt.date | None = None
    thematic_submitted: dt.date | None = None
    # The data cut-off window the report covers, where a plan fixes one (Thanh Xuân 2024).
    data_from: dt.date | None = None
    data_to: dt.date | None = None
    dossiers: dict[str, NonNegativeInt] = Field(default_factory=dict)
    # The same counts for single fields of procedures (lĩnh vực), for targets with exceptions.
    dossiers_by_field: dict[FieldCode, dict[str, NonNegativeInt]] = Field(default_factory=dict)
    indicators: dict[str, NonNegativeInt] = Field(default_factory=dict)
    # Index points and survey percentages (PAR INDEX, SIPAS) by criterion code, exact decimals.
    scores: dict[Identifier, Score] = Field(default_factory=dict)
    duties: dict[str, DutyReport] = Field(default_factory=dict)
    # None: the report says nothing about events, which is not the same as "none were held".
    events: list[Event] | None = None
    tasks: list[TaskCompletion] = Field(default_factory=list)

    @field_validator("dossiers")
    @classmethod
    def _known_dossier_fields(cls, values: dict[str, int]) -> dict[str, int]:
        _check_names(values, DOSSIER_FIELDS, "dossier count")
        return values

    @field_validator("dossiers_by_field")
    @classmethod
    def _known_field_counts(cls, values: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        for counts in values.values():
            _check_names(counts, DOSSIER_FIELDS, "dossier count")
        return values

    @field_validator("indicators")
    @classmethod
    def _known_indicators(cls, values: dict[str, int]) -> dict[str, int]:
        _check_names(values, INDICATORS, "indicator")
        return values

    @field_validator("duties")
    @classmethod
    def _known_duties(cls, values: dict[str, DutyReport]) -> dict[str, DutyReport]:
        unknown = sorted(set(values) - set(DUTIES))
        if unknown:
            raise ValueError(
                f"unknown duty {', '.join(map(repr, unknown))}; known: {', '.join(DUTIES)}"
            )
        return values

    @model_validator(mode="after")
    def _consistent(self) -> Report:
        problems = _check_arithmetic(self.dossiers, DOSSIER_FIELDS)
        for code, counts in self.dossiers_by_field.items():
            problems += [f"{code}: {p}" for p in _check_arithmetic(counts, DOSSIER_FIELDS)]
            problems += [
                f"dossiers_by_field.{code}.{name} = {value} is more than dossiers.{name} = "
                f"{self.dossiers[name]}"
                for name, value in counts.items()
                if name in self.dossiers and value > self.dossiers[name]
            ]
        problems += _check_arithmetic(self.indicators, INDICATORS)
        problems += self._dates_outside_period()
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def _dates_outside_period(self) -> list[str]:
        period = self.period
        problems = [
            f"events[{i}].date {event.date} is outside the period {period}"
            for i, event in enumerate(self.events or ())
            if not period.contains(event.date)
        ]
        problems += [
            f"tasks[{i}].completed {task.completed} is outside the period {period}"
            for i, task in enumerate(self.tasks)
            if not period.contains(task.completed)
        ]
        if self.data_from and self.data_to and self.data_from > self.data_to:
            problems.append(f"data_from {self.data_from} is after data_to {self.data_to}")
        for name in ("submitted", "thematic_submitted"):
            sent = getattr(self, name)
            if sent is not None and sent < period.start:
                problems.append(f"{name} {sent} is before the period {period} began")
        return problems


@dataclass(frozen=True)
class FactSet:
    """A validated fact set: every unit known, every report's unit in the registry."""

    units: dict[str, Unit]
    reports: dict[tuple[str, Period], Report]
    files: tuple[str, ...] = ()
    jurisdiction: str | None = None  # e.g. "ha-noi": narrows the plans `cchc check` picks
    # What loading noticed without refusing (a findings report skipped in a facts folder…).
    warnings: tuple[str, ...] = ()
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
