"""The `cchc` command: check facts against a plan, validate facts, browse the rule catalogue.

Exit status: 0 no firm target failed, 1 one did, 2 usage or input error (or the report could not
be written), 3 an internal error: a bug in cchc, reported in one line (the traceback with
`cchc --debug`).
"""

from __future__ import annotations

import codecs
import io
import sys
import traceback
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from cchc import __version__, app
from cchc.app import CheckRequest, InputError
from cchc.engine.examples import run_examples
from cchc.facts.load import CSV_TABLES
from cchc.reports import RENDERERS
from cchc.reports.catalogue import coverage_rows, describe_rule, rule_rows
from cchc.reports.output import (
    OutputError,
    Rendered,
    check_destination,
    write_report,
    write_to_stream,
)
from cchc.reports.table import ATTENTION
from cchc.reports.terminal import printable
from cchc.reports.wording import language
from cchc.reports.wording.notices import word_notice

INPUT_ERROR = 2
INTERNAL_ERROR = 3
STATUS_CHOICES = ["pass", "fail", "pending", "missing", "not_applicable"]


def _say(text: str, err: bool = False, nl: bool = True) -> None:
    """Human-facing text: controls and bidi characters shown as escapes, never obeyed."""
    click.echo(printable(text), err=err, nl=nl)


def _fail(problems: list[str], heading: str) -> NoReturn:
    _say(f"cchc: {printable(heading, keep_newlines=False)}", err=True)
    for problem in problems:
        # One line per problem: a newline inside officer text must not pass for a line of ours.
        _say(f"  {printable(problem, keep_newlines=False)}", err=True)
    sys.exit(INPUT_ERROR)


def _internal_error(error: Exception, debug: bool) -> NoReturn:
    if debug:
        _say(traceback.format_exc(), err=True, nl=False)
    lines = str(error).strip().splitlines()
    message = lines[0] if lines else ""
    if len(message) > 200:
        message = message[:199] + "…"
    described = type(error).__name__ + (f": {message}" if message else "")
    _say(
        f"cchc: internal error: {printable(described, keep_newlines=False)}; please report it "
        "at the cchc issue tracker with the command line"
        + ("" if debug else " (cchc --debug … shows the traceback)"),
        err=True,
    )
    sys.exit(INTERNAL_ERROR)


def _survive_any_encoding(stream: Any) -> None:
    """Never fail on a character the stream cannot encode. A terminal keeps its own encoding and
    shows "?" for what it lacks; a file or a pipe gets UTF-8, like the files --output writes."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    is_utf8 = codecs.lookup(stream.encoding).name == "utf-8"
    if is_utf8 or stream.isatty():
        stream.reconfigure(errors="replace")
    else:
        stream.reconfigure(encoding="utf-8", errors="replace")


class _Cchc(click.Group):
    """The command group, with the process-wide policies: stream encodings, exit status 3."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        _survive_any_encoding(sys.stdout)
        _survive_any_encoding(sys.stderr)
        return super().main(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            _fail(error.problems, error.heading)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors (2), --help and --version: click's own
        except Exception as error:
            _internal_error(error, bool(ctx.params.get("debug")))


def _output_path(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Path | None:
    if value is None:
        return None
    if not value:
        raise click.BadParameter("the file name is empty; name a file, or leave --output out")
    return Path(value)


def _deliver(text: Rendered, output: Path | None) -> None:
    """The report to stdout, or to --output; a write error is exit 2 naming where."""
    try:
        if output is None:
            if sys.stdout is None:  # started with standard output closed (`>&-`)
                raise OSError("it is closed")
            write_to_stream(sys.stdout, text)
        else:
            write_report(text, output, {1: sys.stdout, 2: sys.stderr})
    except OutputError as error:
        _fail([str(error)], "cannot write the report:")
    except OSError as error:
        _fail(
            [f"standard output: cannot write: {error.strerror or error}"],
            "cannot write the report:",
        )


@click.group(cls=_Cchc)
@click.version_option(__version__, prog_name="cchc")
@click.option("--debug", is_flag=True, help="On an internal error, show the traceback.")
def main(debug: bool) -> None:
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
    type=click.Choice(STATUS_CHOICES),
    help="List only findings with this status (repeatable). The summary counts and the exit "
    "status still reflect every finding.",
)
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="The table lists every finding, not only those that need attention (fail, pending, "
    "missing). JSON always lists every finding.",
)
@click.option(
    "--output",
    callback=_output_path,
    default=None,
    metavar="FILE",
    help="Write the report to FILE instead of standard output: all or nothing; a symbolic "
    "link is refused.",
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
    as_of: datetime | None,
    output_format: str,
    group_by: str,
    only_statuses: tuple[str, ...],
    everything: bool,
    output: Path | None,
    engine: str,
    strict: bool,
) -> None:
    """Check FACTS (files or folders of .yaml/.json/.csv) against a plan's rules.

    Exit status: 0 when no firm target fails, 1 when one does, 2 on bad input, 3 on an
    internal error.
    """
    if output is not None:
        try:
            check_destination(output)  # before the work, not after it
        except OutputError as error:
            _fail([str(error)], "cannot write the report:")
    request = CheckRequest(
        fact_paths=facts,
        plan_ids=plan_ids,
        as_of=as_of.date() if as_of is not None else None,
        engine=engine,  # type: ignore[arg-type]
        report_path=output,
    )
    evaluation = app.check(request)
    text = RENDERERS[output_format](
        evaluation, group_by=group_by, only=only_statuses, everything=everything
    )
    _deliver(text, output)
    if output is not None:
        shown = only_statuses or (() if everything or output_format == "json" else ATTENTION)
        counts = evaluation.counts()
        listed = sum(counts[status] for status in shown) if shown else sum(counts.values())
        _say(
            f"wrote {output} ({listed} findings listed, {len(evaluation.warnings)} warnings)",
            err=True,
        )
    sys.exit(evaluation.exit_code(strict))


@main.group()
def facts() -> None:
    """Work with fact files."""


@facts.command("validate")
@click.argument("paths", nargs=-1, required=True)
def facts_validate(paths: tuple[str, ...]) -> None:
    """Validate fact files without evaluating anything. Exit 2 when they are invalid."""
    fact_set = app.load_facts(paths, app.catalogue())
    for notice in fact_set.warnings:
        warning = word_notice(notice, language("en"))
        _say(f"warning: {printable(warning, keep_newlines=False)}", err=True)
    units, reports = fact_set.units.height, fact_set.reports.height
    _say(f"ok: {units} units, {reports} reports in {len(fact_set.files)} file(s)")


@facts.command("tables")
def facts_tables() -> None:
    """List the CSV tables a fact set may be split into."""
    _say("\n".join(CSV_TABLES))


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
        _say(f"{title}\n{tabulate(rows, headers=['name', 'unit', 'meaning'])}\n")


@main.group()
def rules() -> None:
    """Browse the rule catalogue."""


@rules.command("list")
@click.option("--plan", "plan_id", default=None, metavar="ID")
def rules_list(plan_id: str | None) -> None:
    """One line per rule: id, strength, measure, title."""
    catalogue = app.catalogue()
    plans = app.plans_by_id(catalogue, [plan_id]) if plan_id else list(catalogue.plans.values())
    _say(rule_rows(plans))


@rules.command("show")
@click.argument("rule_id")
def rules_show(rule_id: str) -> None:
    """Everything about one rule: citation, condition, notes and examples."""
    plan, rule = app.find_rule(app.catalogue(), rule_id)
    _say(describe_rule(plan, rule))


@rules.command("coverage")
def rules_coverage() -> None:
    """Per plan and section: how much of the text is checked, and what is not and why."""
    _say(coverage_rows(list(app.catalogue().plans.values())))


@rules.command("examples")
@click.option(
    "--engine", type=click.Choice(["durable", "python"]), default="python", show_default=True
)
@click.option("--plan", "plan_ids", multiple=True, metavar="ID", help="Only these plans' rules.")
def rules_examples(engine: str, plan_ids: tuple[str, ...]) -> None:
    """Run every rule's own examples; exit 1 if any gives another status than it states."""
    catalogue = app.catalogue()
    plans = app.plans_by_id(catalogue, plan_ids) if plan_ids else list(catalogue.plans.values())
    results = run_examples(plans, engine)  # type: ignore[arg-type]
    failed = [r for r in results if not r.ok]
    for result in failed:
        _say(f"FAIL {result.rule_id}: {result.example.name}: {result.problem}")
    _say(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)
