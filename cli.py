"""The `cchc` command: check facts against a plan, validate facts, browse the rule catalogue."""

from __future__ import annotations

import dataclasses
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import click

from cchc import __version__
from cchc.engine.evaluate import evaluate
from cchc.engine.examples import run_examples
from cchc.engine.references import check_task_references
from cchc.facts.load import CSV_TABLES, FactError, expand_fact_paths, load_fact_files
from cchc.facts.model import FactSet
from cchc.reports import RENDERERS
from cchc.rules.catalogue import Catalogue, CatalogueError, Plan, load_catalogue
from cchc.rules.describe import coverage_rows, describe_rule, rule_rows

INPUT_ERROR = 2


def _fail(problems: list[str], heading: str) -> None:
    click.echo(f"cchc: {heading}", err=True)
    for problem in problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(INPUT_ERROR)


def _catalogue() -> Catalogue:
    try:
        return load_catalogue()
    except CatalogueError as error:
        _fail(error.problems, "the rule catalogue is invalid:")
        raise  # unreachable: _fail exits


def _load_facts(paths: tuple[str, ...], catalogue: Catalogue) -> FactSet:
    try:
        facts = load_fact_files(expand_fact_paths(paths))
        check_task_references(facts, catalogue)
    except FactError as error:
        _fail(error.problems, "the facts are invalid; nothing was evaluated:")
        raise
    return facts


def _select_plans(catalogue: Catalogue, wanted: tuple[str, ...], facts: FactSet) -> list[Plan]:
    if wanted:
        unknown = [plan_id for plan_id in wanted if plan_id not in catalogue.plans]
        if unknown:
            _fail(
                [f"--plan {p}: no such plan; known: {', '.join(catalogue.plans)}" for p in unknown],
                "unknown plan:",
            )
        return [catalogue.plans[plan_id] for plan_id in wanted]
    years = {period.year for _, period in facts.reports}
    kinds = {unit.kind for unit in facts.units.values()}
    chosen = [
        plan
        for plan in catalogue.plans.values()
        if plan.info.year in years
        and kinds & set(plan.info.units)
        and facts.jurisdiction in (None, plan.info.jurisdiction)
    ]
    if not chosen:
        where = f" in {facts.jurisdiction}" if facts.jurisdiction else ""
        _fail(
            [
                f"the facts cover {', '.join(map(str, sorted(years))) or 'no period'}{where}; "
                "the plans cover "
                + ", ".join(
                    f"{p.id} ({p.info.jurisdiction}, {p.info.year})"
                    for p in catalogue.plans.values()
                )
            ],
            "no plan matches these facts; choose one with --plan:",
        )
    return chosen


def _write_atomically(text: str, output: Path) -> None:
    """All or nothing: the file appears complete, or the old one stays as it was."""
    directory = output.resolve().parent
    try:
        handle, temporary = tempfile.mkstemp(
            dir=directory, prefix=f".{output.name}.", suffix=".tmp"
        )
    except OSError as error:
        _fail([f"{output}: cannot write: {error.strerror}"], "cannot write the output:")
        raise
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


@click.group()
@click.version_option(__version__, prog_name="cchc")
def main() -> None:
    """Check what agencies report against Vietnamese CCHC (administrative-reform) plans."""


@main.command()
@click.argument("facts", nargs=-1, required=True)
@click.option(
    "--plan",
    "plan_ids",
    multiple=True,
    metavar="ID",
    help="Plan to check against (repeatable). Default: the plans of the facts' years.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Evaluate as of this date (YYYY-MM-DD). Default: today.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RENDERERS)),
    default="table",
    show_default=True,
)
@click.option("--group-by", type=click.Choice(["unit", "rule"]), default="unit", show_default=True)
@click.option(
    "--only",
    "only_statuses",
    multiple=True,
    type=click.Choice(["pass", "fail", "pending", "missing", "not_applicable"]),
    help="Show only findings with this status (repeatable). The exit code still "
    "reflects every finding.",
)
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--engine",
    type=click.Choice(["auto", "durable", "python"]),
    default="auto",
    show_default=True,
    help="durable-rules where it runs, else the Python evaluator.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit 1 also when an aspirational (phấn đấu) target fails or data is missing.",
)
def check(
    facts: tuple[str, ...],
    plan_ids: tuple[str, ...],
    as_of: object,
    output_format: str,
    group_by: str,
    only_statuses: tuple[str, ...],
    output: Path | None,
    engine: str,
    strict: bool,
) -> None:
    """Check FACTS (files or folders of .yaml/.json/.csv) against a plan's rules.

    Exit status: 0 when no firm target fails, 1 when one does, 2 on bad input.
    """
    catalogue = _catalogue()
    fact_set = _load_facts(facts, catalogue)
    plans = _select_plans(catalogue, plan_ids, fact_set)
    day = as_of.date() if as_of is not None else date.today()  # type: ignore[attr-defined]
    try:
        evaluation = evaluate(plans, fact_set, day, engine)  # type: ignore[arg-type]
    except RuntimeError as error:  # durable-rules asked for where it cannot import
        _fail([str(error)], "cannot evaluate:")
        raise
    shown = evaluation
    if only_statuses:
        shown = dataclasses.replace(
            evaluation, findings=[f for f in evaluation.findings if f.status in only_statuses]
        )
    text = RENDERERS[output_format](shown, group_by)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_atomically(text, output)
        click.echo(f"wrote {output} ({len(shown.findings)} findings)", err=True)
    sys.exit(evaluation.exit_code(strict))


@main.group()
def facts() -> None:
    """Work with fact files."""


@facts.command("validate")
@click.argument("paths", nargs=-1, required=True)
def facts_validate(paths: tuple[str, ...]) -> None:
    """Validate fact files without evaluating anything. Exit 2 when they are invalid."""
    fact_set = _load_facts(paths, _catalogue())
    reports = len(fact_set.reports)
    click.echo(
        f"ok: {len(fact_set.units)} units, {reports} reports in {len(fact_set.files)} file(s)"
    )


@facts.command("tables")
def facts_tables() -> None:
    """List the CSV tables a fact set may be split into."""
    click.echo("\n".join(CSV_TABLES))


@facts.command("vocabulary")
def facts_vocabulary() -> None:
    """Every name a fact file may use, with its meaning and unit."""
    from tabulate import tabulate

    from cchc.facts.vocabulary import DOSSIER_FIELDS, DUTIES, EVENT_KINDS, INDICATORS

    sections = [
        (
            "dossiers: / fields (counts)",
            [[q.name, q.unit, q.meaning] for q in DOSSIER_FIELDS.values()],
        ),
        ("indicators:", [[q.name, q.unit, q.meaning] for q in INDICATORS.values()]),
        ("duties:", [[d.name, "yes/no", d.meaning] for d in DUTIES.values()]),
        ("events: kind", [[e.name, "event", e.meaning] for e in EVENT_KINDS.values()]),
    ]
    for title, rows in sections:
        click.echo(f"{title}\n{tabulate(rows, headers=['name', 'unit', 'meaning'])}\n")


@main.group()
def rules() -> None:
    """Browse the rule catalogue."""


@rules.command("list")
@click.option("--plan", "plan_id", default=None, metavar="ID")
def rules_list(plan_id: str | None) -> None:
    """One line per rule: id, strength, measure, title."""
    catalogue = _catalogue()
    plans = (
        [catalogue.plans[plan_id]]
        if plan_id in catalogue.plans
        else (
            list(catalogue.plans.values())
            if plan_id is None
            else _fail(
                [f"--plan {plan_id}: no such plan; known: {', '.join(catalogue.plans)}"],
                "unknown plan:",
            )
        )
    )
    click.echo(rule_rows(plans or []))


@rules.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Everything about one rule: citation, condition, notes and examples."""
    catalogue = _catalogue()
    try:
        plan, rule = catalogue.rule(rule_id)
    except KeyError:
        _fail([f"{rule_id}: no such rule; see `cchc rules list`"], "unknown rule:")
        raise
    click.echo(describe_rule(plan, rule))


@rules.command("coverage")
def rules_coverage() -> None:
    """Per plan and section: how much of the text is checked, and what is not and why."""
    click.echo(coverage_rows(list(_catalogue().plans.values())))


@rules.command("examples")
@click.option(
    "--engine", type=click.Choice(["durable", "python"]), default="python", show_default=True
)
def rules_examples(engine: str) -> None:
    """Run every rule's own examples; exit 1 if any gives another status than it states."""
    results = run_examples(list(_catalogue().plans.values()), engine)  # type: ignore[arg-type]
    failed = [r for r in results if not r.ok]
    for result in failed:
        click.echo(f"FAIL {result.rule_id}: {result.example.name}: {result.problem}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
