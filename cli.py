"""The `cchc` command: check facts against a plan, validate facts, browse the rule catalogue.

Exit status: 0 no firm target failed, 1 one did, 2 usage or input error (or the report could not
be written), 3 an internal error: a bug in cchc, reported in one line (the traceback with
`cchc --debug`).
"""

from __future__ import annotations

import codecs
import io
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple, NoReturn, get_args

import click
import orjson
import polars as pl

from cchc import __version__, app, dossier_app, needs_app
from cchc.app import CheckRequest, InputError
from cchc.engine.evaluation import Evaluation
from cchc.engine.examples import run_examples
from cchc.engine.reconciliation import Tolerance
from cchc.facts.dossiers import DeriveOptions, Progress, quiet
from cchc.facts.dossiers.options import (
    EndDate,
    Refused,
    RepeatedSupplements,
    SupplementWait,
    Withdrawn,
)
from cchc.facts.load import CSV_TABLES
from cchc.facts.problems import Place, Problem
from cchc.reports import FORMATS, RenderOptions, render
from cchc.reports.catalogue import coverage_rows, describe_rule, rule_rows
from cchc.reports.dossiers import explained
from cchc.reports.output import (
    OutputError,
    Rendered,
    check_destination,
    write_report,
    write_to_stream,
)
from cchc.reports.terminal import printable, wants_colour
from cchc.reports.wording import Language, language
from cchc.reports.wording.notices import word_notice
from cchc.reports.wording.problems import word_problems

INPUT_ERROR = 2
INTERNAL_ERROR = 3
STATUS_CHOICES = ["pass", "fail", "at_risk", "pending", "missing", "not_applicable"]
LANGUAGES = ["vi", "en"]


def _say(text: str, err: bool = False, nl: bool = True) -> None:
    """Human-facing text: controls and bidi characters shown as escapes, never obeyed."""
    click.echo(printable(text), err=err, nl=nl)


# The language of what cchc says on stderr (errors, warnings, files written): the --lang of the
# command once click has read it (an eager callback), else CCHC_LANG, else Vietnamese.
def _language_from_environment() -> str:
    wanted = os.environ.get("CCHC_LANG", "vi")
    return wanted if wanted in LANGUAGES else "vi"


_spoken = [_language_from_environment()]


def _speak(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    _spoken[0] = value
    return value


def _words() -> Language:
    return language(_spoken[0])


def _fail(problems: Sequence[Problem | str], heading: str) -> NoReturn:
    lang = _words()
    _say(f"cchc: {printable(lang(f'error.{heading}'), keep_newlines=False)}", err=True)
    for problem in word_problems(list(problems), lang):
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
        _spoken[0] = _language_from_environment()  # until a --lang is read
        try:
            return super().invoke(ctx)
        except InputError as error:
            _fail(error.problems, error.heading)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise  # usage errors (2), --help and --version: click's own
        except Exception as error:
            _internal_error(error, bool(ctx.params.get("debug")))


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
        _fail([str(error)], "cannot_write")
    except OSError as error:
        problem = Problem.of(Place(path="stdout"), "cannot_write", detail=error.strerror or error)
        _fail([problem], "cannot_write")


@click.group(cls=_Cchc)
@click.version_option(__version__, prog_name="cchc")
@click.option("--debug", is_flag=True, help="On an internal error, show the traceback.")
def main(debug: bool) -> None:
    """Check what agencies report against Vietnamese CCHC (administrative-reform) plans."""


class Destination(NamedTuple):
    """Where one report goes: a format, and a file (None: standard output)."""

    format: str
    path: Path | None


def _destinations(output_format: str, outputs: tuple[str, ...]) -> list[Destination]:
    """--output FILE (in --format) or FORMAT:FILE, repeatable; none: --format to stdout."""
    if not outputs:
        return [Destination(output_format, None)]
    found = []
    for value in outputs:
        prefix, colon, rest = value.partition(":")
        named, path = (prefix, rest) if colon and prefix in FORMATS else (output_format, value)
        if not path:
            raise click.BadParameter(
                f"{value!r}: the file name is empty; name a file, or leave --output out",
                param_hint="--output",
            )
        found.append(Destination(named, Path(path)))
    paths = [d.path for d in found]
    twice = sorted({str(p) for p in paths if paths.count(p) > 1})
    if twice:
        raise click.BadParameter(f"{', '.join(twice)}: named twice", param_hint="--output")
    return found


def _report_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that writes reports (check, report)."""
    options = [
        click.option(
            "--format",
            "output_format",
            type=click.Choice(list(FORMATS)),
            default="table",
            show_default=True,
            help="The report's format (for standard output, and --output FILE without one).",
        ),
        click.option(
            "--output",
            "outputs",
            multiple=True,
            metavar="[FORMAT:]FILE",
            help="Write a report to FILE (repeatable; FORMAT: before it picks its format, e.g. "
            "html:report.html). Each file is written whole or not at all; a symbolic link is "
            "refused.",
        ),
        click.option(
            "--lang",
            type=click.Choice(LANGUAGES),
            default="vi",
            show_default=True,
            envvar="CCHC_LANG",
            callback=_speak,
            is_eager=True,
            help="The language of the reports' words and of cchc's messages (CCHC_LANG sets it "
            "too). Quoted clauses are always the plan's Vietnamese.",
        ),
        click.option(
            "--group-by", type=click.Choice(["unit", "rule"]), default="unit", show_default=True
        ),
        click.option(
            "--only",
            "only_statuses",
            multiple=True,
            type=click.Choice(STATUS_CHOICES),
            help="List only findings with this status (repeatable). The summary counts and the "
            "exit status still reflect every finding.",
        ),
        click.option(
            "--all",
            "everything",
            is_flag=True,
            help="Human formats list every finding, not only those that need attention (fail, "
            "pending, missing). Machine formats always list every finding.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Exit 1 also when an aspirational (phấn đấu) target fails or data is missing; "
            "JUnit then reports those as failures too.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@contextmanager
def _progress(steps: int) -> Iterator[Progress]:
    """A bar on stderr while a long run works, when stderr is a terminal; nothing otherwise (a
    log or a CI job gets only the lines that say what was written). `step(code, **values)`: one
    step done, and what comes next (worded from progress.<code> in --lang)."""
    if sys.stderr is None or not sys.stderr.isatty():
        yield quiet
        return
    lang = _words()
    with click.progressbar(length=steps, file=sys.stderr, show_eta=False, label="cchc") as bar:

        def step(code: str, /, **values: object) -> None:
            shown = {k: lang.integer(v) if isinstance(v, int) else v for k, v in values.items()}
            bar.label = f"cchc: {printable(lang(f'progress.{code}', **shown), keep_newlines=False)}"
            bar.update(1)

        yield step


def _write_reports(
    evaluation: Evaluation,
    destinations: list[Destination],
    options: RenderOptions,
    step: Progress = quiet,
) -> None:
    """Each report rendered and delivered in turn; a line on stderr for each file written."""
    for destination in destinations:
        step("rendering", format=destination.format)
        color = destination.path is None and wants_colour(sys.stdout, os.environ)
        rendered = render(destination.format, evaluation, replace(options, color=color))
        _deliver(rendered, destination.path)
        if destination.path is not None:
            wrote = _words()("cli.wrote", path=destination.path, format=destination.format)
            _say(wrote, err=True)


def _check_destinations(destinations: list[Destination]) -> None:
    for destination in destinations:
        if destination.path is None:
            continue
        try:
            check_destination(destination.path)  # before the work, not after it
        except OutputError as error:
            _fail([str(error)], "cannot_write")


# How dossier records become counts: each choice of DeriveOptions as an option, its default
# DeriveOptions' own (facts/dossiers/options.py; README, "Dossier records").
_DOSSIER_CHOICES = (
    ("end_date", EndDate, "Which date ends a dossier: NgayKetThucXuLy or NgayTra."),
    (
        "withdrawn",
        Withdrawn,
        "Withdrawn dossiers (status 7): judged by their dates, counted on time, or left out.",
    ),
    ("refused", Refused, "Dossiers whose processing stopped (status 8)."),
    (
        "supplement_wait",
        SupplementWait,
        "Days waiting for a supplement: excluded from the time taken (the due date moves), "
        "or counted.",
    ),
    (
        "repeated_supplements",
        RepeatedSupplements,
        "More than one supplement request: late, or judged by dates.",
    ),
)


def _dossier_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that reads dossier records."""
    defaults = DeriveOptions()
    options = [
        click.option(
            "--mapping",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            help="A column mapping file (YAML) for another vendor's export.",
        ),
        *(
            click.option(
                "--" + name.replace("_", "-"),
                name,
                type=click.Choice(get_args(choices)),
                default=getattr(defaults, name),
                show_default=True,
                help=text,
            )
            for name, choices, text in _DOSSIER_CHOICES
        ),
        click.option(
            "--bad-rows",
            "bad_row_limit",
            type=click.FloatRange(0, 1),
            default=defaults.bad_row_limit,
            show_default=True,
            help="The share of records with problems that stops the run.",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _dossier_request(
    paths: Sequence[str], periods: Sequence[str], mapping: Path | None, **chosen: Any
) -> dossier_app.DossierRequest:
    """`chosen`: the values of the options above (DeriveOptions' fields, by name)."""
    options = DeriveOptions(**chosen)
    return dossier_app.DossierRequest([Path(p) for p in paths], periods, options, mapping)


@main.command()
@click.argument("facts", nargs=-1, required=False)
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
    "--engine",
    type=click.Choice(["auto", "durable", "python"]),
    default="auto",
    show_default=True,
    help="durable-rules where it runs, else the Python evaluator.",
)
@click.option(
    "--dossiers",
    "dossier_paths",
    multiple=True,
    metavar="FILE",
    help="Dossier records (CSV, Parquet, JSON) to recompute the dossier counts from: the rules "
    "are checked on them, and each reported count they contradict is a discrepancy (exit 1).",
)
@click.option(
    "--period",
    "record_periods",
    multiple=True,
    metavar="P",
    help="With --dossiers: the periods the records cover, to recompute and compare (repeatable; "
    "default: every period of the reports' years).",
)
@click.option(
    "--tolerance",
    default="0",
    show_default=True,
    metavar="N|P%",
    help="With --dossiers: how far a reported count may be from the recomputed one (dossiers, "
    "or a share of the recomputed figure).",
)
@_dossier_options
@click.option(
    "--before-sending",
    is_flag=True,
    help="Self-check before sending a report: a target not met in a period still open is "
    "'at risk' (it would fail if the period ended today) and a firm one exits 1, instead of "
    "'not yet due'.",
)
@_report_options
def check(
    facts: tuple[str, ...],
    plan_ids: tuple[str, ...],
    as_of: datetime | None,
    engine: str,
    dossier_paths: tuple[str, ...],
    record_periods: tuple[str, ...],
    tolerance: str,
    mapping: Path | None,
    before_sending: bool,
    output_format: str,
    outputs: tuple[str, ...],
    lang: str,
    group_by: str,
    only_statuses: tuple[str, ...],
    everything: bool,
    strict: bool,
    **chosen: Any,  # how dossier records become counts (_dossier_options)
) -> None:
    """Check FACTS (files or folders of .yaml/.json/.ndjson/.csv/.xlsx) against a plan's rules.

    Exit status: 0 when no firm target fails, 1 when one does, 2 on bad input, 3 on an
    internal error.
    """
    if not facts and not dossier_paths:
        raise click.UsageError("give FACTS, --dossiers FILE, or both")
    destinations = _destinations(output_format, outputs)
    _check_destinations(destinations)
    if dossier_paths:
        try:
            allowed = Tolerance.parse(tolerance)
        except (ValueError, ZeroDivisionError):
            raise click.BadParameter(
                f"{tolerance!r}: write 5 or 0.5%", param_hint="--tolerance"
            ) from None
        reconcile_request = dossier_app.ReconcileRequest(
            _dossier_request(dossier_paths, record_periods, mapping, **chosen),
            facts,
            plan_ids,
            as_of.date() if as_of is not None else None,
            engine,  # type: ignore[arg-type]
            allowed,
            before_sending,
        )
        options = RenderOptions(lang, group_by, only_statuses, everything, strict)  # type: ignore[arg-type]
        with _progress(len(destinations) + 2) as step:
            evaluation = dossier_app.check_with_records(reconcile_request, step)
            _write_reports(evaluation, destinations, options, step)
            step("done")
        sys.exit(evaluation.exit_code(strict))
    request = CheckRequest(
        fact_paths=facts,
        plan_ids=plan_ids,
        as_of=as_of.date() if as_of is not None else None,
        engine=engine,  # type: ignore[arg-type]
        report_paths=[d.path for d in destinations if d.path is not None],
        before_sending=before_sending,
    )
    options = RenderOptions(lang, group_by, only_statuses, everything, strict)  # type: ignore[arg-type]
    with _progress(len(destinations) + 1) as step:
        evaluation = app.check(request)
        _write_reports(evaluation, destinations, options, step)
        step("done")
    sys.exit(evaluation.exit_code(strict))


@main.command()
@click.argument("result", type=click.Path(dir_okay=False, path_type=Path))
@_report_options
def report(
    result: Path,
    output_format: str,
    outputs: tuple[str, ...],
    lang: str,
    group_by: str,
    only_statuses: tuple[str, ...],
    everything: bool,
    strict: bool,
) -> None:
    """Render a saved result (`cchc check --format json`) again, in any format and language,
    without evaluating anything. Exit status as `check` gave it."""
    destinations = _destinations(output_format, outputs)
    _check_destinations(destinations)
    evaluation = app.saved_result(result)
    options = RenderOptions(lang, group_by, only_statuses, everything, strict)  # type: ignore[arg-type]
    _write_reports(evaluation, destinations, options)
    sys.exit(evaluation.exit_code(strict))


@main.group()
def facts() -> None:
    """Work with fact files."""


_lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default="vi",
    envvar="CCHC_LANG",
    callback=_speak,
    is_eager=True,
    help="The language of the output and of the messages (CCHC_LANG sets it too).",
)


@facts.command("validate")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--plan",
    "plan_ids",
    multiple=True,
    metavar="ID",
    help="Accept only the names these plans read (repeatable); a name only another plan reads "
    "is then a problem at its place. Default: the names of every plan.",
)
@_lang_option
def facts_validate(paths: tuple[str, ...], plan_ids: tuple[str, ...], lang: str) -> None:
    """Validate fact files without evaluating anything. Exit 2 when they are invalid."""
    rules = app.catalogue()
    if plan_ids:
        app.plans_by_id(rules, plan_ids)  # an unknown id is a usage problem, named
    fact_set = app.load_facts(paths, rules, plan_ids=plan_ids or None)
    words = language(lang)
    for notice in fact_set.warnings:
        warning = words("cli.warning", warning=word_notice(notice, words))
        _say(printable(warning, keep_newlines=False), err=True)
    units, reports = fact_set.units.height, fact_set.reports.height
    _say(words("cli.valid", units=units, reports=reports, files=len(fact_set.files)))


@facts.command("needs")
@click.option("--plan", "plan_id", required=True, metavar="ID", help="The plan whose rules ask.")
@click.option("--kind", default=None, help="The kind of unit (commune, district, department…).")
@click.option(
    "--unit-file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A fact file holding the unit (with --unit): its kind and agency decide.",
)
@click.option("--unit", "unit_id", default=None, metavar="ID", help="The unit, in --unit-file.")
@click.option("--format", "output_format", type=click.Choice(["table", "json"]), default="table")
@_lang_option
def facts_needs(
    plan_id: str,
    kind: str | None,
    unit_file: Path | None,
    unit_id: str | None,
    output_format: str,
    lang: str,
) -> None:
    """What a unit must report under a plan: every count, indicator, duty, event, task, score
    and field code, with the rules that read it."""
    text = needs_app.needs_text(plan_id, kind, unit_file, unit_id, output_format, lang)  # type: ignore[arg-type]
    _say(text, nl=False)


@facts.command("template")
@click.option("--plan", "plan_id", required=True, metavar="ID")
@click.option(
    "--period", "periods", multiple=True, required=True, metavar="P", help="e.g. 2024-Q1."
)
@click.option("--kind", default=None, help="One unit of this kind; the officer types its id.")
@click.option(
    "--units",
    "units_file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="A fact file of units: a row for each, pre-filled.",
)
@click.option("--output", type=click.Path(path_type=Path), required=True, metavar="F.xlsx")
@_lang_option
def facts_template(
    plan_id: str,
    periods: tuple[str, ...],
    kind: str | None,
    units_file: Path | None,
    output: Path,
    lang: str,
) -> None:
    """An Excel workbook to fill: only the figures the units need, with the clause behind each;
    `cchc check` reads it back as it is."""
    workbook = needs_app.template_bytes(plan_id, periods, kind, units_file, lang)
    _deliver(workbook, output)
    _say(_words()("cli.wrote", path=output, format="xlsx"), err=True)


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
def dossiers() -> None:
    """Dossier records (one-stop-system exports): the official counts recomputed from them."""


@dossiers.command("derive")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--period",
    "periods",
    multiple=True,
    metavar="P",
    help="e.g. 2024-Q1 (repeatable); default: the quarters, halves, nine months and year of "
    "this year.",
)
@click.option("--output", type=click.Path(path_type=Path), required=True, metavar="FACTS.json")
@_dossier_options
@_lang_option
def dossiers_derive(
    paths: tuple[str, ...],
    periods: tuple[str, ...],
    output: Path,
    mapping: Path | None,
    lang: str,
    **chosen: Any,
) -> None:
    """Derive each handling unit's Biểu 06 counts (and per field) from dossier records, as a
    fact file cchc reads like any reported facts."""
    request = _dossier_request(paths, periods, mapping, **chosen)
    with _progress(8) as step:  # a bar on a terminal while the records are read and counted
        derivation = dossier_app.derive(request, progress=step)
    document = derivation.as_fact_document()
    _deliver(orjson.dumps(document, option=orjson.OPT_INDENT_2) + b"\n", output)
    words = _words()
    for problem in word_problems(
        [dossier_app.record_problem(p) for p in derivation.record_problems], words
    ):
        _say(words("cli.warning", warning=printable(problem, keep_newlines=False)), err=True)
    _say(
        words(
            "cli.derived",
            path=output,
            reports=len(document["reports"]),
            read=derivation.rows_read,
            ignored=derivation.rows_ignored,
            bad=derivation.rows_bad,
        ),
        err=True,
    )


@dossiers.command("explain")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--unit", required=True, metavar="ID", help="The handling unit (DonViXuLy, or its mapped id)."
)
@click.option("--period", required=True, metavar="P")
@click.option(
    "--judged",
    multiple=True,
    type=click.Choice(
        ["early", "on_time", "late", "pending_within_due", "pending_past_due", "carried_over"]
    ),
    help="Only these (repeatable).",
)
@click.option("--format", "output_format", type=click.Choice(["table", "csv"]), default="table")
@_dossier_options
@_lang_option
def dossiers_explain(
    paths: tuple[str, ...],
    unit: str,
    period: str,
    judged: tuple[str, ...],
    output_format: str,
    mapping: Path | None,
    lang: str,
    **chosen: Any,
) -> None:
    """The dossiers behind one unit's counts in a period, each with where the form counts it
    and why (ended after its due date…), the why in --lang."""
    frame = dossier_app.explain(_dossier_request(paths, (), mapping, **chosen), unit, period)
    if judged:
        frame = frame.filter(pl.col("judged").is_in(list(judged)))
    frame = explained(frame, language(lang))
    if output_format == "csv":
        _say(frame.write_csv(), nl=False)
        return
    from tabulate import tabulate

    _say(tabulate(frame.rows(), headers=frame.columns, disable_numparse=True))


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
