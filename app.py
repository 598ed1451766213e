"""What `cchc` does, apart from how it is asked: load and validate facts, choose plans, check.

The command line (cli.py) parses options, calls these, and prints. Bad input raises InputError,
which the command line reports with exit status 2.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import orjson
import polars as pl

from cchc.engine.evaluation import EngineName, Evaluation, available_engines, evaluate
from cchc.engine.findings import Finding, RuleFindings
from cchc.engine.saved import (
    MAX_LISTED,
    SavedResultError,
    evaluation_from_document,
    evaluation_from_lines,
    split_document,
)
from cchc.facts.fast_read import FAST_SUFFIXES, read_tables
from cchc.facts.files import (
    MAX_TOTAL_BYTES,
    MIB,
    NotReadable,
    not_read,
    read_regular_bytes,
    total_size,
)
from cchc.facts.load import FactError, expand_fact_paths, load_fact_files, words_outside
from cchc.facts.notices import Notice
from cchc.facts.problems import Place, Problem
from cchc.facts.tables import FactTables, tables_of
from cchc.facts.values import excerpt
from cchc.facts.vocabulary import vocabulary_for
from cchc.reports import json_report
from cchc.reports.wording import language, word
from cchc.reports.wording.notices import word_notice
from cchc.rules.catalogue import Catalogue, CatalogueError, Plan, load_catalogue
from cchc.rules.caveats import plan_choice_warnings
from cchc.rules.references import CatalogueReferences
from cchc.rules.schema import Rule


class InputError(Exception):
    """Bad input or usage: `heading` names what went wrong (an `error.<heading>` message),
    `problems` list each place: as data, or as text already worded (the catalogue's own
    problems, which speak to its developers, and a saved result's)."""

    def __init__(self, heading: str, problems: Sequence[Problem | str]) -> None:
        self.heading = heading
        self.problems = list(problems)
        super().__init__(heading)


@dataclass(frozen=True)
class PlanChoice:
    plans: list[Plan]
    # What the reader should know about the choice (a --plan for another year…).
    warnings: list[Notice] = field(default_factory=list)


def catalogue() -> Catalogue:
    try:
        return load_catalogue()
    except CatalogueError as error:
        raise InputError("catalogue_invalid", error.problems) from error


FACTS_INVALID = "facts_invalid"


def load_facts(
    paths: Sequence[str],
    rules: Catalogue,
    exclude: Sequence[Path] = (),
    plan_ids: Sequence[str] | None = None,
) -> FactTables:
    """Every fact file under `paths`, validated, except the files in `exclude` (the report this
    run writes, which may sit in a facts folder). Task ids, score codes and score maxima are
    checked against the catalogue in the same pass, so each problem names its file and place.

    Names are those of the core vocabulary and of `plan_ids` (a word of another plan is a
    problem at its place); with plan_ids None, of every plan (`cchc facts validate`)."""
    vocabulary = None
    if plan_ids is not None:
        vocabulary = vocabulary_for(plan.id for plan in plans_by_id(rules, plan_ids))
    references = CatalogueReferences.of(rules)
    try:
        files = expand_fact_paths(paths, exclude)
        # JSON and NDJSON that are plainly valid are read straight into columns; anything else,
        # and every problem's message, comes from the full loader.
        tables = read_tables(files, vocabulary, references.tasks)
        if tables is None:
            _within_full_check(files)
            tables = tables_of(load_fact_files(files, references.problems, vocabulary))
    except FactError as error:
        raise InputError(FACTS_INVALID, error.problems) from error
    unread = [
        Notice.of(str(path), "not_read_folder" if path.is_dir() else "not_read_file")
        for path in not_read(paths, exclude)
    ]
    return replace(tables, warnings=(*tables.warnings, *unread)) if unread else tables


def _within_full_check(files: Sequence[Path]) -> None:
    """The full loader's bound: a large JSON fact set that is not plainly valid is refused as
    such rather than loaded at the full loader's cost of memory."""
    size = total_size(files)
    if size > MAX_TOTAL_BYTES and all(p.suffix.lower() in FAST_SUFFIXES for p in files):
        where = Place(", ".join(map(str, files)))
        size_mib, limit_mib = round(size / MIB), MAX_TOTAL_BYTES // MIB
        problem = Problem.of(where, "large_json_not_plain", size=size_mib, limit=limit_mib)
        raise InputError(FACTS_INVALID, [problem])


def _known_plans(rules: Catalogue) -> str:
    return ", ".join(rules.plans)


def plans_by_id(rules: Catalogue, wanted: Sequence[str]) -> list[Plan]:
    """The plans named, each once in the order first named (--plan X --plan X checks X once)."""
    unique = list(dict.fromkeys(wanted))
    unknown = [plan_id for plan_id in unique if plan_id not in rules.plans]
    if unknown:
        raise InputError(
            "unknown_plan",
            [
                Problem.of(Place(path=f"--plan {p}"), "no_such_plan", known=_known_plans(rules))
                for p in unknown
            ],
        )
    return [rules.plans[plan_id] for plan_id in unique]


def choose_plans(rules: Catalogue, wanted: Sequence[str], facts: FactTables) -> PlanChoice:
    """The plans named with --plan, with warnings where they do not fit the facts; without any,
    the plans of the facts' years, unit kinds and jurisdiction."""
    if wanted:
        plans = plans_by_id(rules, wanted)
        return PlanChoice(plans, plan_choice_warnings(plans, facts))
    years = facts.years()
    kinds = facts.unit_kinds()
    chosen = [
        plan
        for plan in rules.plans.values()
        if plan.info.year in years
        and kinds & set(plan.info.units)
        and facts.jurisdiction in (None, plan.info.jurisdiction)
    ]
    if not chosen:
        covered = ", ".join(
            f"{p.id} ({p.info.jurisdiction}, {p.info.year})" for p in rules.plans.values()
        )
        facts_cover = {"years": ", ".join(map(str, sorted(years))), "plans": covered}
        code = "facts_cover_no_plan"
        if facts.jurisdiction:
            code, facts_cover["jurisdiction"] = "facts_cover_no_plan_in", facts.jurisdiction
        raise InputError("no_plan_matches", [Problem.of(Place(), code, **facts_cover)])
    return PlanChoice(chosen)


def require_plan_words(
    paths: Sequence[str],
    rules: Catalogue,
    exclude: Sequence[Path],
    facts: FactTables,
    plans: Sequence[Plan],
) -> None:
    """Facts read with every plan's words, then checked against `plans`: a word only other plans
    read (a PAPI indicator in a Hà Nội 2019 fact set) is bad input, not a figure ignored. The
    files are read again with the plans' vocabulary to name each place; that only happens when
    a word is out of place."""
    plan_ids = [plan.id for plan in plans]
    outside = words_outside(facts, vocabulary_for(plan_ids))
    if outside:
        load_facts(paths, rules, exclude, plan_ids)  # raises InputError, each word at its place
        raise InputError(FACTS_INVALID, outside)  # the files changed in between: no places


@dataclass(frozen=True)
class CheckRequest:
    fact_paths: Sequence[str]
    plan_ids: Sequence[str] = ()
    as_of: date | None = None  # None: today
    engine: EngineName = "auto"
    report_paths: Sequence[Path] = ()  # never read as facts, even inside a facts folder
    before_sending: bool = False  # a shortfall in an open period is at risk, not pending


def check(request: CheckRequest) -> Evaluation:
    """Load the facts, choose the plans, evaluate: the findings and the warnings."""
    if request.engine != "auto" and request.engine not in available_engines():
        where = Place(path=f"--engine {request.engine}")
        raise InputError("cannot_evaluate", [Problem.of(where, "engine_not_available")])
    rules = catalogue()
    # The catalogue and the modules live as long as the run: the cyclic collector need not
    # walk them again each time the facts' millions of objects trigger it.
    gc.freeze()
    exclude = list(request.report_paths)
    if request.plan_ids:  # the plans are known: their vocabulary applies in the one pass
        facts = load_facts(request.fact_paths, rules, exclude, request.plan_ids)
        choice = choose_plans(rules, request.plan_ids, facts)
    else:  # every plan's words first: the plans are chosen by what the facts cover
        facts = load_facts(request.fact_paths, rules, exclude)
        choice = choose_plans(rules, request.plan_ids, facts)
        require_plan_words(request.fact_paths, rules, exclude, facts, choice.plans)
    as_of = request.as_of or date.today()
    return evaluate(
        choice.plans,
        facts,
        as_of,
        request.engine,
        choice.warnings,
        before_sending=request.before_sending,
    )


def find_rule(rules: Catalogue, rule_id: str) -> tuple[Plan, Rule]:
    try:
        return rules.rule(rule_id)
    except KeyError:
        where = Place(path=rule_id)
        raise InputError("unknown_rule", [Problem.of(where, "no_such_rule")]) from None


SAVED_INVALID = "saved_invalid"
# A national result (10,000 units) is some 140 MB. Read the fast way, a result takes some 7
# bytes of memory per byte (a national one: 1 GB); parsed whole (another layout), some 23.
MAX_SAVED_BYTES = 2048 * MIB


def saved_result(path: Path) -> Evaluation:
    """The evaluation a result saved by `cchc check --format json` was written from, for
    `cchc report` to render again. A result as cchc wrote it is read the fast way and kept if
    it renders back to the same bytes; any other (reformatted, or with a problem) is parsed
    whole and checked value by value. Every problem is an InputError naming the file and the
    key path: unreadable, not JSON, another schema, rules or plans this version's catalogue
    does not have or words otherwise."""
    rules = catalogue()
    try:
        data = _saved_bytes(path)
        evaluation = _as_written(data, rules)
        if evaluation is None:
            with _collector_paused():
                evaluation = evaluation_from_document(_parsed(data), rules)
        _wordable(evaluation)
    except SavedResultError as error:
        # engine/saved.py places a problem by its key path in the document: in this file.
        problems = [
            replace(p, place=replace(p.place, file=str(path))) if not p.place.file else p
            for p in error.problems
        ]
        raise InputError(SAVED_INVALID, problems) from error
    return evaluation


def _saved_bytes(path: Path) -> bytes:
    """The file's bytes, without a UTF-8 BOM. As for fact files: a regular file only, bounded,
    and opening never blocks (a FIFO is refused)."""
    try:
        data = read_regular_bytes(path, MAX_SAVED_BYTES)
    except NotReadable as error:
        raise SavedResultError([error.problem(path, MAX_SAVED_BYTES)]) from None
    return data.removeprefix(b"\xef\xbb\xbf")


def _as_written(data: bytes, rules: Catalogue) -> Evaluation | None:
    """The fast way: header and findings split by the JSON report's layout, the findings read
    by Polars in one pass. Kept only if the evaluation renders back to the very bytes read (but
    the generator line: another version of cchc may have written them), since Polars reads a
    number where text is due as that text, an unknown field as nothing…"""
    split = split_document(data)
    evaluation = None if split is None else evaluation_from_lines(*split, rules)
    if evaluation is None:
        return None
    rendered = b"".join(json_report.render(evaluation))
    return evaluation if _same_document(rendered, data) else None


def _same_document(rendered: bytes, data: bytes) -> bool:
    """The same bytes, but perhaps the generator line (compared whole: no slice of 140 MB)."""
    if rendered == data:
        return True
    ours, theirs = _generator_line(rendered), _generator_line(data)
    if ours is None or theirs is None:
        return False
    return rendered[: ours[0]] + data[theirs[0] : theirs[1]] + rendered[ours[1] :] == data


def _generator_line(document: bytes) -> tuple[int, int] | None:
    """Where the third line, `"generator": …,` (after `{` and the schema), starts and ends."""
    start = document.find(b"\n", document.find(b"\n") + 1) + 1
    end = document.find(b"\n", start)
    if not start or end < 0 or not document.startswith(b'"generator": ', start):
        return None
    return start, end


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing and checking a national result makes millions of objects, none of them garbage:
    the cyclic collector, run as they come, would triple the time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _parsed(data: bytes) -> object:
    """The whole document, by orjson (by the standard library if it holds text UTF-8 cannot:
    a file name that is not UTF-8, written escaped)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as error:
        if "surrogate" in error.msg:
            try:
                return json.loads(data, parse_constant=_no_constant)
            except ValueError:
                pass
        where = Place(line=error.lineno, column=str(error.colno))
        raise SavedResultError([Problem.of(where, "saved_not_json", detail=error.msg)]) from None


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


# What a family of wording raises on evidence it does not expect.
_WORDING_ERRORS = (KeyError, IndexError, ValueError, TypeError, ZeroDivisionError, AttributeError)


def _wordable(evaluation: Evaluation) -> None:
    """Each warning, and a finding of each shape (status, state, reason, the evidence and gap
    fields given), has its sentences in both languages: a result written by another version
    or edited by hand is refused here, not stopped halfway through a report by an internal
    error. (Wording the 520,000 findings of a national result would take longer than reading
    it: values that only some findings of a shape have are not tried.)"""
    problems: dict[Problem, None] = {}
    for code in ("en", "vi"):
        for index, notice in enumerate(evaluation.warnings):
            try:
                word_notice(notice, language(code))
            except _WORDING_ERRORS:
                where = Place(path=f"warnings[{index}].code")
                problems[
                    Problem.of(where, "saved_unworded_warning", value=excerpt(notice.code))
                ] = None
        for part in evaluation.parts:
            for finding in _one_of_each_shape(part):
                try:
                    word(part.rule, finding, code)
                except _WORDING_ERRORS as error:
                    where = Place(
                        path=f"findings[{finding.rule_id} {finding.unit_id} {finding.period}]"
                    )
                    detail = f"{type(error).__name__}: {str(error)[:80]}"
                    problems[Problem.of(where, "saved_unworded_finding", detail=detail)] = None
    listed = list(problems)
    if len(listed) > MAX_LISTED:
        more = Problem.of(Place(), "saved_more_problems", count=len(listed) - MAX_LISTED)
        listed[MAX_LISTED:] = [more]
    if listed:
        raise SavedResultError(listed)


def _one_of_each_shape(part: RuleFindings) -> list[Finding]:
    """The first finding of each combination of status, state, reason and given fields."""
    frame = part.frame
    given = [c for c in frame.columns if c.startswith(("e.", "g.")) or c == "due"]
    shapes = frame.select(
        "status", "state", "reason", *(pl.col(c).is_null() for c in given)
    ).with_row_index("row")
    rows = shapes.group_by(shapes.columns[1:], maintain_order=True).agg(pl.col("row").first())
    return list(RuleFindings(part.rule, frame[rows["row"].to_list()]).rows())
