"""What every human-readable format shows, computed once: counts per plan, area, unit and unit ×
area, the units rolled up under their parents, and the findings worded in the reader's language.

Renderers (one module per format) lay this out and add nothing of their own but layout words
from their own catalogue file: no renderer counts, decides or words a finding itself. Counts come
from the findings' frames (Polars), so a national report's summary costs a few queries; wording
is per finding listed, each distinct rule looked up once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

import polars as pl

from cchc.engine.evaluation import STATUSES, Evaluation
from cchc.engine.findings import Finding
from cchc.engine.reconciliation import Discrepancy
from cchc.reports.wording import language, word
from cchc.reports.wording.catalogues import Language
from cchc.reports.wording.notices import word_notice
from cchc.rules.schema import AREAS

DISCREPANCY_COLUMNS = (
    "reconciliation.column_unit",
    "reconciliation.column_period",
    "reconciliation.column_field",
    "reconciliation.column_count",
    "reconciliation.column_reported",
    "reconciliation.column_recomputed",
    "reconciliation.column_difference",
    "reconciliation.column_dossiers",
)
# What human formats list unless told otherwise.
ATTENTION = ("fail", "at_risk", "pending", "missing")
GroupBy = Literal["unit", "rule"]


@dataclass(frozen=True)
class RenderOptions:
    """How a report is asked for: language, which findings are listed, how they are grouped."""

    lang: str = "vi"
    group_by: GroupBy = "unit"
    only: tuple[str, ...] = ()  # --only: exactly these statuses
    everything: bool = False  # --all: every finding (else those that need attention)
    strict: bool = False  # aspirational misses and missing data count as failures (JUnit)
    color: bool = False  # the terminal table may colour statuses

    @property
    def statuses(self) -> tuple[str, ...]:
        """The statuses listed; empty: every status."""
        return self.only or (() if self.everything else ATTENTION)


@dataclass(frozen=True)
class Counts:
    """Findings per status, and the failures by strength (firm targets are what fails a run)."""

    by_status: dict[str, int] = field(default_factory=dict)
    firm_failures: int = 0
    aspirational_failures: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    def __getitem__(self, status: str) -> int:
        return self.by_status.get(status, 0)


@dataclass(frozen=True)
class UnitSummary:
    unit_id: str
    name: str
    kind: str | None
    parent: str | None
    counts: Counts
    children: tuple[str, ...] = ()  # units whose `parent` is this one, in the registry


@dataclass(frozen=True)
class Row:
    """One finding as a person reads it: every text in the reader's language, plus the data."""

    finding: Finding
    plan_id: str
    document: str
    title: str
    area: str
    area_name: str
    strength: str  # firm | aspirational
    strength_word: str
    unit_name: str
    period_name: str
    status_word: str
    due: date | None
    actual: str
    target: str
    arithmetic: str
    gap: str | None
    detail: str | None
    clause: str
    quote: str  # always the source's Vietnamese

    @property
    def evidence(self) -> str:
        """The figures in one line: the arithmetic (else the figure), and where they came from."""
        text = self.arithmetic or self.actual or self.detail or ""
        if self.arithmetic and self.detail:
            text += f" ({self.detail})"
        return text


_COUNT_COLUMNS = ["rule", "unit", "status", "strength", "area", "plan"]


class ReportView:
    """An evaluation as human formats show it, in one language."""

    def __init__(self, evaluation: Evaluation, options: RenderOptions) -> None:
        self.evaluation = evaluation
        self.options = options
        self.lang: Language = language(options.lang)

    # -- words -------------------------------------------------------------------------------
    def __call__(self, key: str, **values: object) -> str:
        """A layout word from the catalogue (`report.*`, a format's own keys)."""
        return self.lang(key, **values)

    @cached_property
    def shown_statuses(self) -> tuple[str, ...]:
        """The statuses a table of counts has a column for: `at_risk` only in a self-check
        before sending (or a result that has some), where it is the point."""
        shown = self.evaluation.before_sending or self.evaluation.counts().get("at_risk", 0)
        return tuple(s for s in STATUSES if s != "at_risk" or shown)

    @property
    def listed_statuses(self) -> tuple[str, ...]:
        """The statuses listed, as a report names them: `at_risk` only where it can occur."""
        return tuple(s for s in self.options.statuses if s in self.shown_statuses)

    def status_word(self, status: str) -> str:
        return self.lang(f"status.{status}")

    def strength_word(self, strength: str) -> str:
        return self.lang(f"strength.{strength}")

    def status_counts(self, counts: Counts) -> list[str]:
        """ "Đạt 41", "Không đạt 3", …: each status the counts have, in the usual order."""
        return [
            f"{self.status_word(status)} {self.number(counts[status])}"
            for status in STATUSES
            if counts[status]
        ]

    def area_name(self, area: str) -> str:
        return self.lang(f"area.{area}")

    def number(self, value: int) -> str:
        return self.lang.integer(value)

    def day(self, value: date | str) -> str:
        return self.lang.day(value)

    def reconciliation(self) -> tuple[str, list[str], list[list[str]]] | None:
        """With --dossiers: a heading, the column headers and a row per discrepancy (unit,
        period, field, count, reported, recomputed, difference, dossiers to look at)."""
        found = self.evaluation.reconciliation
        if found is None:
            return None
        values = {"compared": self.number(found.compared), "tolerance": str(found.tolerance)}
        if not found.discrepancies:
            return self.lang("reconciliation.agrees", **values), [], []
        count = self.number(len(found.discrepancies))
        heading = self.lang("reconciliation.heading", count=count, **values)
        headers = [self.lang(key) for key in DISCREPANCY_COLUMNS]
        rows = [self._discrepancy(d) for d in found.discrepancies]
        return heading, headers, rows

    def discrepancy_words(self) -> list[tuple[Discrepancy, dict[str, str]]]:
        """Each discrepancy with its row of reconciliation() by column key
        (`reconciliation.column_reported`…): for formats that place the words one by one."""
        found = self.evaluation.reconciliation
        if found is None:
            return []
        return [
            (d, dict(zip(DISCREPANCY_COLUMNS, self._discrepancy(d), strict=True)))
            for d in found.discrepancies
        ]

    def _discrepancy(self, found: Discrepancy) -> list[str]:
        listed = ", ".join(found.dossiers)
        if found.more:
            listed += self.lang("reconciliation.more", more=self.number(found.more))
        return [
            self.evaluation.unit_name(found.unit),
            self.lang.period(found.period),
            found.field or "",
            found.name,
            self.number(found.reported),
            self.lang("reconciliation.no_records")
            if found.recomputed is None
            else self.number(found.recomputed),
            "" if found.difference is None else f"{found.difference:+d}",
            listed,
        ]

    @cached_property
    def warnings(self) -> list[str]:
        return [word_notice(notice, self.lang) for notice in self.evaluation.warnings]

    # -- counts ------------------------------------------------------------------------------
    @cached_property
    def statuses_frame(self) -> pl.DataFrame:
        """rule, unit, status, strength, area, plan: one row per finding (no evidence)."""
        frames = [
            part.frame.select(
                pl.lit(part.rule.id).alias("rule"),
                pl.col("unit"),
                pl.col("status"),
                pl.lit(part.rule.strength).alias("strength"),
                pl.lit(part.rule.area or "").alias("area"),
                pl.lit(self.evaluation.plan_of(part.rule.id).id).alias("plan"),
            )
            for part in self.evaluation.parts
        ]
        schema = dict.fromkeys(_COUNT_COLUMNS, pl.Utf8)
        return pl.concat(frames) if frames else pl.DataFrame(schema=schema)

    def _counts_by(self, keys: list[str]) -> dict[tuple[str, ...], Counts]:
        frame = self.statuses_frame
        if not frame.height:
            return {}
        grouped = frame.group_by([*keys, "status", "strength"]).agg(pl.len().alias("n"))
        tallies: dict[tuple[str, ...], dict[str, int]] = {}
        failures: dict[tuple[str, ...], dict[str, int]] = {}
        for row in grouped.iter_rows(named=True):
            key = tuple(row[k] for k in keys)
            by_status = tallies.setdefault(key, {})
            by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
            if row["status"] == "fail":
                by_strength = failures.setdefault(key, {})
                by_strength[row["strength"]] = row["n"]
        return {
            key: Counts(
                {s: tally[s] for s in STATUSES if s in tally},
                failures.get(key, {}).get("firm", 0),
                failures.get(key, {}).get("aspirational", 0),
            )
            for key, tally in tallies.items()
        }

    @cached_property
    def total(self) -> Counts:
        return self._counts_by([]).get((), Counts())

    @cached_property
    def by_plan(self) -> dict[str, Counts]:
        """Per plan id, in the evaluation's order of plans."""
        counts = self._counts_by(["plan"])
        return {plan.id: counts.get((plan.id,), Counts()) for plan in self.evaluation.plans}

    @cached_property
    def by_area(self) -> dict[tuple[str, str], Counts]:
        """Per (plan id, area), areas in the catalogue's order."""
        counts = self._counts_by(["plan", "area"])
        order = {area: index for index, area in enumerate(AREAS)}
        return dict(
            sorted(counts.items(), key=lambda item: (item[0][0], order.get(item[0][1], 99)))
        )

    @cached_property
    def by_unit_area(self) -> dict[tuple[str, str], Counts]:
        """The scorecard: per (unit id, area)."""
        return self._counts_by(["unit", "area"])

    @cached_property
    def areas(self) -> list[str]:
        """The areas that have findings, in the catalogue's order."""
        present = {area for _, area in self.by_area}
        return [area for area in AREAS if area in present]

    @cached_property
    def units(self) -> list[UnitSummary]:
        """Every unit with findings, most firm failures first, then most failures, then name."""
        counts = self._counts_by(["unit"])
        registry = {row["id"]: row for row in self.evaluation.units.iter_rows(named=True)}
        children: dict[str, list[str]] = {}
        for unit_id, row in registry.items():
            if row["parent"]:
                children.setdefault(row["parent"], []).append(unit_id)
        summaries = [
            UnitSummary(
                unit_id,
                registry.get(unit_id, {}).get("name") or unit_id,
                registry.get(unit_id, {}).get("kind"),
                registry.get(unit_id, {}).get("parent"),
                unit_counts,
                tuple(sorted(children.get(unit_id, []))),
            )
            for (unit_id,), unit_counts in counts.items()
        ]
        return sorted(
            summaries, key=lambda u: (-u.counts.firm_failures, -u.counts["fail"], u.name, u.unit_id)
        )

    @cached_property
    def _registry_children(self) -> dict[str, list[str]]:
        """Every unit's direct children in the registry (with findings or not)."""
        children: dict[str, list[str]] = {}
        for unit_id, parent in self.evaluation.units.select("id", "parent").iter_rows():
            if parent:
                children.setdefault(parent, []).append(unit_id)
        return children

    @cached_property
    def _unit_counts(self) -> dict[str, Counts]:
        return {unit.unit_id: unit.counts for unit in self.units}

    def rolled_up(self, unit_id: str) -> Counts:
        """A unit's counts with those of every unit under it (communes under their district)."""
        totals: dict[str, int] = {}
        firm = aspirational = 0
        stack, seen = [unit_id], set()
        while stack:
            current = stack.pop()
            if current in seen:  # a registry with a cycle of parents: count each unit once
                continue
            seen.add(current)
            stack += self._registry_children.get(current, [])
            counts = self._unit_counts.get(current)
            if counts is not None:
                for status, n in counts.by_status.items():
                    totals[status] = totals.get(status, 0) + n
                firm += counts.firm_failures
                aspirational += counts.aspirational_failures
        return Counts({s: totals[s] for s in STATUSES if s in totals}, firm, aspirational)

    # -- findings ----------------------------------------------------------------------------
    def listed(self) -> list[Finding]:
        """The findings the options list, in the evaluation's order (rule by rule)."""
        return self.evaluation.listed(self.options.statuses)

    def rows(self, findings: list[Finding] | None = None) -> Iterator[Row]:
        """Each finding worded; by default those the options list."""
        for finding in self.listed() if findings is None else findings:
            yield self.row(finding)

    def row(self, finding: Finding) -> Row:
        plan, rule = self.evaluation.rules[finding.rule_id]
        wording = word(rule, finding, self.lang.code)
        area = rule.area or ""
        return Row(
            finding=finding,
            plan_id=plan.id,
            document=plan.info.number,
            title=self.lang.title(rule),
            area=area,
            area_name=self.area_name(area) if area else "",
            strength=rule.strength,
            strength_word=self.strength_word(rule.strength),
            unit_name=self.evaluation.unit_name(finding.unit_id),
            period_name=self.lang.period(finding.period),
            status_word=self.status_word(finding.status),
            due=finding.due,
            actual=wording.actual,
            target=wording.target,
            arithmetic=wording.arithmetic,
            gap=wording.gap,
            detail=wording.detail,
            clause=rule.citation.clause,
            quote=rule.citation.quote,
        )

    def by_unit_rows(self) -> Iterator[tuple[UnitSummary, list[Row]]]:
        """The listed findings per unit, units in `units` order (most firm failures first)."""
        grouped: dict[str, list[Finding]] = {}
        for finding in self.listed():
            grouped.setdefault(finding.unit_id, []).append(finding)
        for unit in self.units:
            if unit.unit_id in grouped:
                yield unit, list(self.rows(grouped[unit.unit_id]))
