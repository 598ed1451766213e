"""What `cchc` does, apart from how it is asked: load and validate facts, choose plans, check.

The command line (cli.py) parses options, calls these, and prints. Bad input raises InputError,
which the command line reports with exit status 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cchc.engine.evaluation import EngineName, Evaluation, available_engines, evaluate
from cchc.facts.fast_read import FAST_SUFFIXES, read_tables
from cchc.facts.files import MAX_TOTAL_BYTES, total_size
from cchc.facts.load import FactError, expand_fact_paths, load_fact_files, words_outside
from cchc.facts.notices import Notice
from cchc.facts.tables import FactTables, tables_of
from cchc.facts.vocabulary import vocabulary_for
from cchc.rules.catalogue import Catalogue, CatalogueError, Plan, load_catalogue
from cchc.rules.caveats import plan_choice_warnings
from cchc.rules.references import CatalogueReferences
from cchc.rules.schema import Rule


class InputError(Exception):
    """Bad input or usage: `heading` says what went wrong, `problems` list each place."""

    def __init__(self, heading: str, problems: list[str]) -> None:
        self.heading = heading
        self.problems = problems
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
        raise InputError("the rule catalogue is invalid:", error.problems) from error


FACTS_INVALID = "the facts are invalid; nothing was evaluated:"


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
    return tables


def _within_full_check(files: Sequence[Path]) -> None:
    """The full loader's bound: a large JSON fact set that is not plainly valid is refused as
    such rather than loaded at the full loader's cost of memory."""
    size = total_size(files)
    if size > MAX_TOTAL_BYTES and all(p.suffix.lower() in FAST_SUFFIXES for p in files):
        raise InputError(
            FACTS_INVALID,
            [
                f"{', '.join(map(str, files))}: {size / 2**20:.0f} MiB of JSON that is not plainly "
                f"valid (a value of an unexpected type or form, an unknown name, a key given "
                f"twice, a part above its whole…); to see each problem at its place, check the "
                f"files in parts of under {MAX_TOTAL_BYTES // 2**20} MiB with `cchc facts validate`"
            ],
        )


def _known_plans(rules: Catalogue) -> str:
    return ", ".join(rules.plans)


def plans_by_id(rules: Catalogue, wanted: Sequence[str]) -> list[Plan]:
    """The plans named, each once in the order first named (--plan X --plan X checks X once)."""
    unique = list(dict.fromkeys(wanted))
    unknown = [plan_id for plan_id in unique if plan_id not in rules.plans]
    if unknown:
        raise InputError(
            "unknown plan:",
            [f"--plan {p}: no such plan; known: {_known_plans(rules)}" for p in unknown],
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
        where = f" in {facts.jurisdiction}" if facts.jurisdiction else ""
        covered = ", ".join(
            f"{p.id} ({p.info.jurisdiction}, {p.info.year})" for p in rules.plans.values()
        )
        raise InputError(
            "no plan matches these facts; choose one with --plan:",
            [
                f"the facts cover {', '.join(map(str, sorted(years))) or 'no period'}{where}; "
                f"the plans cover {covered}"
            ],
        )
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


def check(request: CheckRequest) -> Evaluation:
    """Load the facts, choose the plans, evaluate: the findings and the warnings."""
    if request.engine != "auto" and request.engine not in available_engines():
        raise InputError(
            "cannot evaluate:",
            [f"--engine {request.engine}: not available here; use auto or python"],
        )
    rules = catalogue()
    exclude = list(request.report_paths)
    if request.plan_ids:  # the plans are known: their vocabulary applies in the one pass
        facts = load_facts(request.fact_paths, rules, exclude, request.plan_ids)
        choice = choose_plans(rules, request.plan_ids, facts)
    else:  # every plan's words first: the plans are chosen by what the facts cover
        facts = load_facts(request.fact_paths, rules, exclude)
        choice = choose_plans(rules, request.plan_ids, facts)
        require_plan_words(request.fact_paths, rules, exclude, facts, choice.plans)
    as_of = request.as_of or date.today()
    return evaluate(choice.plans, facts, as_of, request.engine, choice.warnings)


def find_rule(rules: Catalogue, rule_id: str) -> tuple[Plan, Rule]:
    try:
        return rules.rule(rule_id)
    except KeyError:
        raise InputError(
            "unknown rule:", [f"{rule_id}: no such rule; see `cchc rules list`"]
        ) from None
