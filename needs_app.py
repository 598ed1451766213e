"""What `cchc facts needs` and `cchc facts template` do, apart from how they are asked: check the
options, work out the needs, render. Bad input raises cchc.app.InputError (exit status 2), each
problem naming the option it is about."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cchc.app import InputError, catalogue, plans_by_id
from cchc.facts.format import UNIT_KINDS
from cchc.facts.load import FactError, load_fact_files
from cchc.facts.model import Unit
from cchc.facts.periods import Period, PeriodError
from cchc.facts.problems import Place, Problem
from cchc.reports import needs as needs_report
from cchc.reports.template import TemplateUnit, write_template
from cchc.rules.catalogue import Plan
from cchc.rules.needs import Needs, needs, needs_of_unit


def _fail(heading: str, option: str, code: str, **values: str | int) -> InputError:
    """Bad input: the heading's message is `error.<heading>`, the problem's `problem.<code>`
    (reports/messages/*/needs.yaml), placed at the option it is about."""
    return InputError(heading, [Problem.of(Place(path=option), code, **values)])


def plan_needs(
    plan_id: str,
    kind: str | None = None,
    unit_file: Path | None = None,
    unit_id: str | None = None,
) -> Needs:
    """The needs of a kind of unit, or of one unit of a units file (its kind and agency)."""
    rules = catalogue()
    (plan,) = plans_by_id(rules, [plan_id])
    if unit_file is not None or unit_id is not None:
        if kind is not None:
            raise _fail("needs_options", f"--kind {kind}", "needs_kind_or_unit")
        unit = _unit_of(unit_file, unit_id)
        _check_kind(plan, unit.kind, f"--unit {unit.id}")
        return needs_of_unit(rules, plan.id, unit)
    if kind is not None:
        _check_kind(plan, kind, f"--kind {kind}")
    return needs(rules, plan.id, kind)


def needs_text(
    plan_id: str,
    kind: str | None = None,
    unit_file: Path | None = None,
    unit_id: str | None = None,
    fmt: needs_report.NeedsFormat = "table",
    lang: str = "vi",
) -> str:
    """`cchc facts needs`, rendered."""
    return needs_report.render(plan_needs(plan_id, kind, unit_file, unit_id), fmt, lang)


def template_bytes(
    plan_id: str,
    periods: Sequence[str],
    kind: str | None = None,
    units_file: Path | None = None,
    lang: str = "vi",
) -> bytes:
    """`cchc facts template`: the workbook for a kind of unit (the officer types the unit's id)
    or for every unit of a units file the plan addresses."""
    if (kind is None) == (units_file is None):
        raise _fail("needs_options", "--kind, --units", "needs_kind_or_units")
    rules = catalogue()
    (plan,) = plans_by_id(rules, [plan_id])
    if kind is not None:
        _check_kind(plan, kind, f"--kind {kind}")
        units = [TemplateUnit(needs(rules, plan.id, kind))]
    else:
        assert units_file is not None
        addressed = _addressed_units(plan, _units_in(units_file), units_file)
        units = [
            TemplateUnit(
                needs_of_unit(rules, plan.id, unit), unit.id, unit.name, unit.parent, unit.agency
            )
            for unit in addressed
        ]
    chosen = _periods(plan, periods, [unit.needs for unit in units])
    return write_template(units, chosen, lang)


def _addressed_units(plan: Plan, units: list[Unit], path: Path) -> list[Unit]:
    addressed = [unit for unit in units if unit.kind in plan.info.units]
    if not addressed:
        kinds = ", ".join(sorted({unit.kind for unit in units}))
        raise _fail(
            "needs_no_units",
            f"--units {path}",
            "needs_no_addressed_units",
            kinds=kinds,
            plan=plan.id,
            addressed=", ".join(plan.info.units),
        )
    return addressed


def _check_kind(plan: Plan, kind: str, option: str) -> None:
    if kind not in UNIT_KINDS:
        raise _fail("needs_unknown_kind", option, "needs_no_such_kind", known=", ".join(UNIT_KINDS))
    if kind not in plan.info.units:
        raise _fail(
            "needs_kind_not_addressed",
            option,
            "needs_kind_not_addressed",
            kind=kind,
            plan=plan.id,
            kinds=", ".join(plan.info.units),
        )


def _periods(plan: Plan, written: Sequence[str], wanted: list[Needs]) -> list[Period]:
    """The periods asked for, each one some rule of the plan judges (a quarter of its year…)."""
    if not written:
        raise _fail("needs_options", "--period", "needs_period_missing")
    periods: list[Period] = []
    problems: list[Problem] = []
    for text in written:
        place = Place(path=f"--period {text}")
        try:
            period = Period.parse(text)
        except PeriodError as error:
            problems.append(_period_problem(place, error))
            continue
        if not any(needs.covers(period) for needs in wanted):
            years = ", ".join(sorted({str(p.year) for n in wanted for p in n.periods}))
            problems.append(Problem.of(place, "needs_period_not_judged", plan=plan.id, years=years))
        elif period not in periods:
            periods.append(period)
    if problems:
        raise InputError("needs_bad_period", problems)
    return periods


def _period_problem(place: Place, error: PeriodError) -> Problem:
    """The period's own problem (its code and values) where it has one."""
    code = getattr(error, "code", None)
    if isinstance(code, str):
        return Problem.of(place, code, **getattr(error, "values", {}))
    return Problem.of(place, "needs_not_a_period", detail=str(error))


def _units_in(path: Path) -> list[Unit]:
    try:
        facts = load_fact_files([path])
    except FactError as error:
        raise InputError("needs_units_invalid", error.problems) from error
    return list(facts.units.values())


def _unit_of(path: Path | None, unit_id: str | None) -> Unit:
    if path is None or unit_id is None:
        raise _fail("needs_options", "--unit-file, --unit", "needs_unit_file_and_unit")
    units = {unit.id: unit for unit in _units_in(path)}
    if unit_id not in units:
        known = ", ".join(sorted(units)[:20])
        raise _fail(
            "needs_unknown_unit",
            f"--unit {unit_id}",
            "needs_no_such_unit",
            file=str(path),
            known=known,
        )
    return units[unit_id]
