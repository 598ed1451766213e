"""What `cchc dossiers derive|explain` and `cchc check --dossiers` do, apart from how they are
asked: read the records, derive the Biểu 06 counts, check the rules on them and reconcile the
reported figures. Bad input raises cchc.app.InputError (exit status 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from cchc.app import FACTS_INVALID, InputError, catalogue, choose_plans, plans_by_id
from cchc.engine.evaluation import EngineName, Evaluation, evaluate
from cchc.engine.reconciliation import LISTED_DOSSIERS, Recomputed, Tolerance, reconcile
from cchc.facts.dossiers import (
    COUNT_NAMES,
    Derivation,
    DeriveOptions,
    DossierError,
    Progress,
    RecordProblem,
)
from cchc.facts.dossiers import derive_counts as derive_from_records
from cchc.facts.dossiers import explain as explain_records
from cchc.facts.load import FactError, expand_fact_paths, facts_from_document, load_fact_files
from cchc.facts.model import FactSet, Report
from cchc.facts.periods import Period, PeriodError
from cchc.facts.problems import Place, Problem
from cchc.facts.tables import tables_of
from cchc.rules.references import CatalogueReferences

# Discrepancies whose dossiers are listed (each listing reads the records again); the others
# name the command that lists them.
EXPLAINED_UNIT_PERIODS = 20


@dataclass(frozen=True)
class DossierRequest:
    paths: Sequence[Path]
    periods: Sequence[str] = ()  # none: the quarters, halves, 9 months and year of the records
    options: DeriveOptions = DeriveOptions()  # noqa: RUF009 (frozen, shared safely)
    mapping: Path | None = None


def record_problem(problem: RecordProblem) -> Problem:
    """A problem in the records, placed at its file, record (position in the file), dossier
    and column; its message is `problem.records_<code>`."""
    where = f"[{problem.row}]" if problem.row is not None else ""
    if problem.dossier:
        where += f" MaHoSo {problem.dossier}"
    if problem.column:
        where += f" {problem.column}"
    return Problem.of(
        Place(problem.file, path=where.strip()), f"records_{problem.code}", **problem.values
    )


def _periods(written: Sequence[str], fallback: Sequence[int]) -> list[Period]:
    if not written:
        return [Period.parse(f"{year}{part}") for year in fallback for part in YEAR_PARTS]
    periods, problems = [], []
    for text in written:
        try:
            periods.append(Period.parse(text))
        except PeriodError as error:
            problems.append(Problem.of(Place(path=f"--period {text}"), error.code, **error.values))
    if problems:
        raise InputError("dossiers_invalid", problems)
    return periods


YEAR_PARTS = ("-Q1", "-Q2", "-Q3", "-Q4", "-H1", "-H2", "-9M", "")


def periods_of(request: DossierRequest, years: Sequence[int] = ()) -> list[Period]:
    """The periods asked for; without any, those of `years`, else of the current year."""
    return _periods(request.periods, years or [date.today().year])


def derive(
    request: DossierRequest, years: Sequence[int] = (), progress: Progress | None = None
) -> Derivation:
    """The counts of the records for the periods of the request (see `periods_of`)."""
    periods = periods_of(request, years)
    try:
        return derive_from_records(
            request.paths, periods, request.options, request.mapping, progress
        )
    except DossierError as error:
        problems = [record_problem(p) for p in error.problems]
        if error.code == "too_many_bad_rows":
            problems.insert(0, Problem.of(Place(), "records_too_many_bad_rows", **error.values))
        raise InputError("dossiers_invalid", problems) from error


def explain(request: DossierRequest, unit: str, period: str) -> pl.DataFrame:
    (parsed,) = _periods([period], ())
    try:
        return explain_records(request.paths, unit, parsed, request.options, request.mapping)
    except DossierError as error:
        raise InputError("dossiers_invalid", [record_problem(p) for p in error.problems]) from error


@dataclass(frozen=True)
class ReconcileRequest:
    dossiers: DossierRequest
    fact_paths: Sequence[str] = ()
    plan_ids: Sequence[str] = ()
    as_of: date | None = None
    engine: EngineName = "auto"
    tolerance: Tolerance = Tolerance()  # noqa: RUF009 (frozen, shared safely)
    before_sending: bool = False


def check_with_records(request: ReconcileRequest, progress: Progress | None = None) -> Evaluation:
    """The rules checked on the counts the records give (the reports' own dossier counts set
    aside), and each reported count the records contradict, as a discrepancy."""
    rules = catalogue()
    references = CatalogueReferences.of(rules)
    reported = _reported(request.fact_paths, references)
    years = sorted({report.period.year for report in reported.reports.values()})
    derivation = derive(request.dossiers, years, progress)
    facts = _with_recomputed(reported, derivation)
    tables = tables_of(facts)
    plans = (
        plans_by_id(rules, request.plan_ids)
        if request.plan_ids
        else choose_plans(rules, (), tables).plans
    )
    as_of = request.as_of or date.today()
    evaluation = evaluate(
        plans, tables, as_of, request.engine, before_sending=request.before_sending
    )
    recomputed = _recomputed(derivation)
    behind = _Behind(request.dossiers)
    derived = {str(period) for period in periods_of(request.dossiers, years)}
    compared = FactSet(
        reported.units, {k: r for k, r in reported.reports.items() if str(k[1]) in derived}
    )
    reconciliation = reconcile(compared, recomputed, request.tolerance, behind, COUNT_NAMES)
    return replace(evaluation, reconciliation=reconciliation)


def _reported(paths: Sequence[str], references: CatalogueReferences) -> FactSet:
    if not paths:
        return FactSet({}, {})
    try:
        return load_fact_files(expand_fact_paths(paths), references.problems)
    except FactError as error:
        raise InputError(FACTS_INVALID, error.problems) from error


def _with_recomputed(reported: FactSet, derivation: Derivation) -> FactSet:
    """The reported facts with each report's dossier counts replaced by the records' (a unit
    and period the records have and no report gives gets a report of its own)."""
    document = derivation.as_fact_document()
    registry = [u.model_dump(exclude_none=True) for u in reported.units.values()]
    known = {unit["id"] for unit in registry}
    units = registry + [u for u in document.get("units", []) if u["id"] not in known]
    try:
        derived = facts_from_document({**document, "units": units}, "records")
    except FactError as error:
        raise InputError(FACTS_INVALID, error.problems) from error
    reports: dict[Any, Report] = dict(reported.reports)
    for key, report in derived.reports.items():
        old = reports.get(key)
        if old is None:
            reports[key] = report
            continue
        # The records' counts replace the reported ones; counts the records cannot give (a
        # plan's own, such as tracked_in_one_stop_system) stay as reported.
        by_field = dict(old.dossiers_by_field)
        for code, counts in report.dossiers_by_field.items():
            by_field[code] = {**by_field.get(code, {}), **counts}
        counts = {"dossiers": {**old.dossiers, **report.dossiers}, "dossiers_by_field": by_field}
        reports[key] = old.model_copy(update=counts)
    return FactSet(derived.units, reports, (*reported.files, "records"), reported.jurisdiction)


def _recomputed(derivation: Derivation) -> Recomputed:
    names = [c for c in derivation.counts.columns if c not in ("unit", "period", "field")]
    return {
        (row["unit"], row["period"], row["field"]): {name: int(row[name]) for name in names}
        for row in derivation.counts.iter_rows(named=True)
    }


class _Behind:
    """The dossiers the records judge in some categories, per unit and period: read once each,
    for the first few unit × periods only (see EXPLAINED_UNIT_PERIODS)."""

    def __init__(self, request: DossierRequest) -> None:
        self.request = request
        self.read: dict[tuple[str, str], pl.DataFrame | None] = {}

    def __call__(
        self, unit: str, period: str, field: str | None, judged: Sequence[str]
    ) -> tuple[list[str], int]:
        frame = self._frame(unit, period)
        if frame is None:
            return [], 0
        chosen = frame.filter(pl.col("judged").is_in(list(judged)))
        if field is not None:
            chosen = chosen.filter(pl.col("field") == field)
        codes = chosen["dossier"].to_list()
        return codes[:LISTED_DOSSIERS], max(0, len(codes) - LISTED_DOSSIERS)

    def _frame(self, unit: str, period: str) -> pl.DataFrame | None:
        key = (unit, period)
        if key not in self.read:
            within = len(self.read) < EXPLAINED_UNIT_PERIODS
            self.read[key] = explain(self.request, unit, period) if within else None
        return self.read[key]
