"""A saved result read back: the Evaluation a `cchc-findings/2` document was written from.

`cchc report RESULT.json` renders a result saved by `cchc check --format json` again, in any
format and language, without the facts. The document names each rule and plan by id; wording
needs the whole Rule (measure, target, citation), so rules and plans are this version's
catalogue's. A document whose rule entries no longer read as the catalogue's is refused: its
verdicts were made under other rules, and rendering them with today's titles and quotes would
mislabel them.

Each rule's findings become the frame the evaluation had: evidence and gap columns with the
dtypes the rule's measure gives them (found by measuring the rule over no facts), so that every
Finding, and so every word of every report, is what the original run gave. Exact text such as
"19/20" stays text; a note that happens to read 2019-03-05 stays text; a due date is a date.

Two ways in:
- `evaluation_from_document`: any document, as parsed JSON. Every finding is checked in Python,
  each problem stated at its key path (`findings[12].status`).
- `evaluation_from_lines`: the findings as the JSON report lays them out, one per line, read by
  Polars in one pass (a national result holds 520,000). They are not checked one by one: the
  caller keeps the result only if it renders back to the same bytes (app.saved_result), and
  otherwise takes the first way.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, get_args

import orjson
import polars as pl

from cchc.engine.evaluation import MEASURING_THREADS, STATUSES, UNIT_COLUMNS, Evaluation
from cchc.engine.findings import RuleFindings
from cchc.engine.reconciliation import Discrepancy, Reconciliation, Tolerance
from cchc.facts.notices import Notice
from cchc.facts.periods import FORMS, Period, PeriodError
from cchc.facts.problems import Place, Problem, Value
from cchc.facts.tables import LONG_SCHEMAS, UNITS_SCHEMA, FactTables, frame_of_long, report_schema
from cchc.facts.values import excerpt
from cchc.facts.vocabulary import DOSSIER_FIELDS, INDICATORS
from cchc.rules.catalogue import Catalogue, Plan
from cchc.rules.measures import observe, with_gaps
from cchc.rules.measures.columns import EVIDENCE, SPANS
from cchc.rules.measures.observation import Reason, State
from cchc.rules.schema import Rule

# reports/json_report.py writes it; the engine may not import reports (tests tie the two).
SCHEMA = "cchc-findings/2"
GAP = "g."
ENGINES = ("durable", "python")
STATES: tuple[str, ...] = get_args(State)
REASONS: tuple[str, ...] = get_args(Reason)
TOP_KEYS = (
    "schema", "generator", "as_of", "engine", "plans", "summary", "only", "warnings",
    "rules_without_units", "rules", "units", "findings",
)  # fmt: skip
OPTIONAL_KEYS = ("reconciliation",)  # a check with --dossiers
FINDING_KEYS = ("rule", "unit", "period", "status", "state", "reason", "due", "evidence", "gap")
UNIT_KEYS = ("name", "kind", "agency", "parent")
BASE = ("unit", "period", "status", "state", "reason", "due")
# A finding line as Polars reads it: evidence and gap stay JSON text until the rule is known.
LINE_SCHEMA = {key: pl.Utf8 for key in FINDING_KEYS}
DAY_FORMAT = "%Y-%m-%d"
MAX_LISTED = 50  # problems stated; the rest are counted
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_.-]{1,80}", re.ASCII)
_SURROGATE = re.compile("[\ud800-\udfff]")


class SavedResultError(Exception):
    """The document is not a result this version can render: each problem at its key path
    (`Place.path`; the caller knows the file), as data the render layer words."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        codes = (f"{p.place.path}: {p.code}" for p in problems[:5])
        super().__init__(f"{len(self.problems)} problem(s): " + "; ".join(codes))


class _Problems:
    """Problems as found. Past MAX_LISTED they are only counted: a result with a bad value in
    each of 520,000 findings is refused in 51 lines."""

    def __init__(self) -> None:
        self.listed: list[Problem] = []
        self.count = 0

    def add(self, where: str, code: str, /, **values: Value) -> None:
        """A problem at the key path `where` (tests/test_problems.py reads the literal codes)."""
        self.count += 1
        if self.count <= MAX_LISTED:
            self.listed.append(Problem.of(Place(path=where), code, **values))

    def raise_any(self) -> None:
        if self.count:
            more = self.count - len(self.listed)
            tail = [Problem.of(Place(), "saved_more_problems", count=more)] if more else []
            raise SavedResultError(self.listed + tail)


@dataclass(frozen=True)
class _Header:
    """Every top-level key but the findings, checked against the catalogue."""

    as_of: date
    engine: str
    plans: list[Plan]
    rules: dict[str, Rule]  # every rule of the plans, in the evaluation's order
    rules_without_units: list[str]
    warnings: list[Notice]
    units: pl.DataFrame
    summary: dict[str, Any]
    reconciliation: Reconciliation | None = None
    # Each rule's frame schema, found once (both the checks and the frames need it).
    schemas: dict[str, dict[str, pl.DataType]] = field(default_factory=dict, compare=False)

    def schema(self, rule_id: str) -> dict[str, pl.DataType]:
        if rule_id not in self.schemas:
            self.find_schemas([rule_id])
        return self.schemas[rule_id]

    def find_schemas(self, rule_ids: Iterable[str]) -> None:
        """Several rules' schemas at once: some 10 ms each of small Polars steps, which
        overlap in threads (a plan of 150 rules is read in half the time)."""
        wanted = [self.rules[r] for r in dict.fromkeys(rule_ids) if r not in self.schemas]
        with ThreadPoolExecutor(max_workers=MEASURING_THREADS) as pool:
            found = pool.map(lambda rule: frame_schema(rule, self.as_of), wanted)
            self.schemas.update(zip((rule.id for rule in wanted), found, strict=True))


# -- values ----------------------------------------------------------------------------------


def _text(value: object) -> bool:
    """A str that UTF-8 can hold (the standard library's parser lets lone surrogates through)."""
    return isinstance(value, str) and (value.isascii() or not _SURROGATE.search(value))


def _integer(value: object) -> bool:
    return type(value) is int and -(2**63) <= value < 2**63


def _day(value: object) -> date | None:
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _spans(value: object) -> bool:
    return isinstance(value, list) and all(
        isinstance(span, dict)
        and span.keys() == {"first", "last"}
        and all(map(_text, span.values()))
        for span in value
    )


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(map(_text, value))


# Each dtype an evidence or gap column has, as the JSON report writes it: what a value must be,
# the problem's code for a value that is not (with the value), and the dtype Polars reads it as
# (a date is read as text, then parsed). tests/test_problems.py lists these codes.
_FORMS: list[tuple[pl.DataType, Callable[[object], bool], str, pl.DataType]] = [
    (pl.Int64(), _integer, "saved_not_whole_number", pl.Int64()),
    (pl.Utf8(), _text, "saved_not_text", pl.Utf8()),
    (pl.Boolean(), lambda v: isinstance(v, bool), "saved_not_true_false", pl.Boolean()),
    (pl.Date(), lambda v: _day(v) is not None, "saved_not_a_date", pl.Utf8()),
    (pl.List(pl.Utf8), _texts, "saved_not_texts", pl.List(pl.Utf8)),
    (SPANS, _spans, "saved_not_spans", SPANS),
]


def json_form(dtype: pl.DataType) -> tuple[Callable[[object], bool], str, pl.DataType]:
    """How a column of `dtype` is written: a check for a value, the problem's code for a value
    that fails it, the dtype read."""
    for known, accepts, code, read_as in _FORMS:
        if dtype == known:
            return accepts, code, read_as
    # A measure that starts writing another dtype must be taught here (a test runs every rule).
    raise TypeError(f"a saved result cannot hold a {dtype} column yet")


def _key(name: str) -> str:
    """A key of the document as a message names it: quoted when it is not a plain id."""
    return name if _PLAIN_KEY.fullmatch(name) else excerpt(name)


def _as_json(value: object) -> Any:
    """As a reader of the document sees it: dates as text, tuples as lists."""
    return orjson.loads(orjson.dumps(value))


# -- the catalogue's side ----------------------------------------------------------------------


@cache
def _no_facts() -> FactTables:
    """A fact set with no unit and no report, every count a column (as in a real run)."""
    counts = sorted(
        {f"dossiers.{n}" for n in DOSSIER_FIELDS} | {f"indicators.{n}" for n in INDICATORS}
    )
    return FactTables(
        units=pl.DataFrame(schema=UNITS_SCHEMA),
        reports=pl.DataFrame(schema=report_schema(counts)),
        **{kind: frame_of_long(kind, None) for kind in LONG_SCHEMAS},
    )


def frame_schema(rule: Rule, as_of: date) -> dict[str, pl.DataType]:
    """The columns of a rule's findings frame, in order, with their dtypes: the rule measured
    over no facts. Polars types a frame by its expressions, never by its rows, so these are the
    dtypes of every run; and they come from the measure itself, not from a copy of its types."""
    observed = observe(rule, _no_facts(), as_of).with_columns(pl.lit(None, pl.Utf8).alias("status"))
    return dict(with_gaps(rule, observed).schema)


def plan_entry(plan: Plan) -> dict[str, Any]:
    """The plan as the JSON report's `plans[]` gives it."""
    info = plan.info
    return _as_json(
        {
            "id": plan.id,
            "document": info.number,
            "title": info.title,
            "issued": info.issued,
            "issuer": info.issuer,
        }
    )


def rule_entry(plan: Plan, rule: Rule) -> dict[str, Any]:
    """The rule as the JSON report's `rules` gives it: reports/json_report.py writes this, and
    a saved result is checked against it."""
    target = None
    if rule.target is not None:
        target = {k: str(v) for k, v in rule.target.model_dump().items() if v is not None}
    return _as_json(
        {
            "plan": plan.id,
            "title": rule.title,
            "title_vi": rule.title_vi,
            "area": rule.area,
            "strength": rule.strength,
            "measure": rule.measure.kind,
            "target": target,
            "citation": {
                "document": plan.info.number,
                "issued": plan.info.issued,
                "issuer": plan.info.issuer,
                "clause": rule.citation.clause,
                "quote": rule.citation.quote,
            },
        }
    )


def _compare(saved: object, expected: object, where: str, problems: _Problems) -> None:
    """A saved entry against the catalogue's, key by key: each difference at its place."""
    if isinstance(saved, dict) and isinstance(expected, dict):
        for key in dict.fromkeys([*expected, *saved]):
            place = f"{where}.{_key(key)}"
            if key not in expected:
                problems.add(place, "saved_unknown_key", schema=SCHEMA)
            elif key not in saved:
                problems.add(place, "missing", field=key)
            else:
                _compare(saved[key], expected[key], place, problems)
    elif saved != expected or type(saved) is not type(expected):
        if isinstance(saved, str) and isinstance(expected, str):
            saved, expected = _where_they_differ(saved, expected)
        problems.add(
            where, "saved_differs_from_catalogue", saved=_shown(saved), catalogue=_shown(expected)
        )


def _where_they_differ(saved: str, expected: str) -> tuple[str, str]:
    """Both texts from a little before their first difference: a word changed at the end of a
    long quote is shown, not cut off."""
    same = next(
        (i for i, (a, b) in enumerate(zip(saved, expected, strict=False)) if a != b),
        min(len(saved), len(expected)),
    )
    start = max(0, same - 12)
    prefix = "…" if start else ""
    return prefix + saved[start:], prefix + expected[start:]


def _shown(value: object) -> str:
    """A value of the document in a message: text quoted and cut (excerpt), else as JSON."""
    if isinstance(value, str):
        return excerpt(value)
    try:
        text = orjson.dumps(value).decode()
    except TypeError:  # text that UTF-8 cannot hold, inside a list
        text = repr(value)
    return excerpt(text) if len(text) > 40 or isinstance(value, list | dict) else text


# -- the header ------------------------------------------------------------------------------


def _header(document: object, catalogue: Catalogue) -> _Header:
    """Every top-level key but the findings, checked; SavedResultError lists what is wrong."""
    problems = _Problems()
    document = _keys(document, problems)
    as_of = _day(document["as_of"])
    if as_of is None:
        problems.add("as_of", "saved_not_a_date", value=_shown(document["as_of"]))
    if not _text(document["generator"]):
        problems.add("generator", "saved_not_text", value=_shown(document["generator"]))
    if document["engine"] not in ENGINES:
        problems.add(
            "engine",
            "saved_not_an_engine",
            value=_shown(document["engine"]),
            known=_one_of(ENGINES),
        )
    if document["only"] != []:
        # The summary counts every finding, the list holds some: no report could be made whole.
        problems.add("only", "saved_only_some", value=_shown(document["only"]))
    if not isinstance(document["summary"], dict):
        problems.add("summary", "saved_not_an_object")
    plans = _plans(document["plans"], catalogue, problems)
    problems.raise_any()  # rules are read against their plans: a plan this version lacks first
    rules = _rules(document["rules"], plans, catalogue, problems)
    header = _Header(
        as_of or date.min,
        document["engine"],
        plans,
        rules,
        _rules_without_units(document["rules_without_units"], rules, problems),
        _warnings(document["warnings"], problems),
        _units(document["units"], problems),
        document["summary"],
        _reconciliation(document.get("reconciliation"), problems),
    )
    problems.raise_any()
    return header


def _reconciliation(value: object, problems: _Problems) -> Reconciliation | None:
    """The reported counts a check with --dossiers found the records contradict, as written."""
    if value is None:
        return None
    try:
        assert isinstance(value, dict)
        found = [
            Discrepancy(
                str(d["unit"]),
                str(d["period"]),
                None if d["field"] is None else str(d["field"]),
                str(d["name"]),
                _whole(d["reported"]),
                None if d["recomputed"] is None else _whole(d["recomputed"]),
                tuple(map(str, d["dossiers"])),
                _whole(d["more"]),
            )
            for d in value["discrepancies"]
        ]
        return Reconciliation(
            Tolerance.parse(str(value["tolerance"])), _whole(value["compared"]), found
        )
    except (AssertionError, KeyError, TypeError, ValueError, ZeroDivisionError):
        problems.add("reconciliation", "saved_not_a_reconciliation")
        return None


def _whole(value: object) -> int:
    if not _integer(value):
        raise ValueError(value)
    return int(value)  # type: ignore[call-overload]


def _keys(document: object, problems: _Problems) -> dict[str, Any]:
    """The document, once it is a cchc-findings/2 object with every top-level key."""
    if not isinstance(document, dict) or "schema" not in document:
        raise SavedResultError([Problem.of(Place(), "saved_not_a_result")])
    if document["schema"] != SCHEMA:
        shown = _shown(document["schema"])
        problem = Problem.of(
            Place(path="schema"), "saved_other_schema", schema=shown, expected=SCHEMA
        )
        raise SavedResultError([problem])
    for key in TOP_KEYS:
        if key not in document:
            problems.add(key, "missing", field=key)
    for key in document:
        if key not in (*TOP_KEYS, *OPTIONAL_KEYS):
            problems.add(_key(key), "saved_unknown_key", schema=SCHEMA)
    problems.raise_any()
    return document


def _objects(value: object, where: str, problems: _Problems) -> list[dict[str, Any]]:
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return value
    problems.add(where, "saved_not_a_list_of_objects")
    return []


def _plans(value: object, catalogue: Catalogue, problems: _Problems) -> list[Plan]:
    plans: list[Plan] = []
    for index, entry in enumerate(_objects(value, "plans", problems)):
        where = f"plans[{index}]"
        plan_id = entry.get("id")
        plan = catalogue.plans.get(plan_id) if isinstance(plan_id, str) else None
        if plan is None:
            problems.add(f"{where}.id", "saved_unknown_plan", value=_shown(plan_id))
        elif plan in plans:
            problems.add(f"{where}.id", "saved_plan_twice", plan=plan.id)
        else:
            _compare(entry, plan_entry(plan), where, problems)
            plans.append(plan)
    return plans


def _rules(
    value: object, plans: list[Plan], catalogue: Catalogue, problems: _Problems
) -> dict[str, Rule]:
    """The plans' rules, each of which the document must give as the catalogue does."""
    if not isinstance(value, dict):
        problems.add("rules", "saved_not_an_object")
        return {}
    chosen = {rule.id: (plan, rule) for plan in plans for rule in plan.rules}
    everywhere = {rule.id: plan for plan in catalogue.plans.values() for rule in plan.rules}
    for rule_id, entry in value.items():
        where = f"rules.{_key(rule_id)}"
        if rule_id in chosen:
            _compare(entry, rule_entry(*chosen[rule_id]), where, problems)
        elif rule_id in everywhere:
            problems.add(where, "saved_rule_of_other_plan", plan=everywhere[rule_id].id)
        else:
            problems.add(where, "saved_unknown_rule")
    for rule_id, (plan, _) in chosen.items():
        if rule_id not in value:
            problems.add(f"rules.{rule_id}", "saved_rule_missing", plan=plan.id)
    return {rule_id: rule for rule_id, (_, rule) in chosen.items()}


def _rules_without_units(value: object, rules: dict[str, Rule], problems: _Problems) -> list[str]:
    if not isinstance(value, list):
        problems.add("rules_without_units", "saved_not_a_list")
        return []
    for index, rule_id in enumerate(value):
        if not isinstance(rule_id, str) or rule_id not in rules:
            problems.add(
                f"rules_without_units[{index}]", "saved_not_in_rules", value=_shown(rule_id)
            )
    return value


def _warnings(value: object, problems: _Problems) -> list[Notice]:
    """The warnings. A place or a value may be a file name that is not UTF-8 (lone surrogates,
    written escaped): as the notice had it."""
    notices = []
    for index, entry in enumerate(_objects(value, "warnings", problems)):
        where = f"warnings[{index}]"
        values = {k: v for k, v in entry.items() if k not in ("at", "code")}
        if not (isinstance(entry.get("at"), str) and _text(entry.get("code"))):
            problems.add(where, "saved_not_a_warning")
            continue
        for name, item in values.items():
            if not (isinstance(item, str) or _integer(item)):
                problems.add(
                    f"{where}.{_key(name)}", "saved_not_text_or_number", value=_shown(item)
                )
        notices.append(Notice(entry["at"], entry["code"], tuple(sorted(values.items()))))
    return notices


def _units(value: object, problems: _Problems) -> pl.DataFrame:
    """The registry's units, by id (the JSON report writes them sorted by id)."""
    columns: dict[str, list[str | None]] = {name: [] for name in UNIT_COLUMNS}
    if not isinstance(value, dict):
        problems.add("units", "saved_not_an_object")
        value = {}
    for unit_id, entry in value.items():
        where = f"units.{_key(unit_id)}"
        if not isinstance(entry, dict) or set(entry) != set(UNIT_KEYS):
            problems.add(where, "saved_not_a_unit", keys=", ".join(UNIT_KEYS))
            continue
        wrong = [
            key
            for key in UNIT_KEYS
            if not (_text(entry[key]) or (entry[key] is None and key in ("agency", "parent")))
        ]
        for key in wrong:
            problems.add(f"{where}.{key}", "saved_not_text", value=_shown(entry[key]))
        if _text(unit_id) and not wrong:
            for name, item in zip(UNIT_COLUMNS, (unit_id, *map(entry.get, UNIT_KEYS)), strict=True):
                columns[name].append(item)
    return pl.DataFrame(columns, schema=UNIT_COLUMNS)


# -- findings, one by one --------------------------------------------------------------------


@dataclass(frozen=True)
class _Fields:
    """What a rule's findings may carry: evidence and gap fields, each with its check."""

    evidence: dict[str, tuple[Callable[[object], bool], str]]  # field: its check, its code
    gap: dict[str, tuple[Callable[[object], bool], str]]

    @classmethod
    def of(cls, schema: dict[str, pl.DataType]) -> _Fields:
        def fields(prefix: str) -> dict[str, tuple[Callable[[object], bool], str]]:
            return {
                name[len(prefix) :]: json_form(dtype)[:2]
                for name, dtype in schema.items()
                if name.startswith(prefix)
            }

        return cls(fields(EVIDENCE), fields(GAP))


def _check_findings(findings: object, header: _Header, problems: _Problems) -> None:
    """Each finding's keys and values, at its place: `findings[12].status`."""
    if not isinstance(findings, list):
        problems.add("findings", "saved_not_a_list")
        return
    units = set(header.units["id"])
    header.find_schemas(
        rule_id
        for rule_id in (f.get("rule") if isinstance(f, dict) else None for f in findings)
        if isinstance(rule_id, str) and rule_id in header.rules
    )
    fields: dict[str, _Fields] = {}
    periods: dict[str, PeriodError | None] = {}
    for index, finding in enumerate(findings):
        where = f"findings[{index}]"
        if not isinstance(finding, dict) or finding.keys() != set(FINDING_KEYS):
            problems.add(where, "saved_not_a_finding", keys=", ".join(FINDING_KEYS))
            continue
        rule_id = finding["rule"]
        if not isinstance(rule_id, str) or rule_id not in header.rules:
            problems.add(f"{where}.rule", "saved_not_in_rules", value=_shown(rule_id))
            continue
        if rule_id not in fields:
            fields[rule_id] = _Fields.of(header.schema(rule_id))
        unit, period, status, state, reason, due = map(finding.get, BASE)
        if not (_text(unit) and unit in units):
            problems.add(f"{where}.unit", "saved_not_in_units", value=_shown(unit))
        if not isinstance(period, str):
            problems.add(f"{where}.period", "not_a_period", value=_shown(period), forms=FORMS)
        else:
            if period not in periods:
                periods[period] = _period_error(period)
            if (refused := periods[period]) is not None:  # its code: facts/periods.py's
                problems.add(f"{where}.period", refused.code, **refused.values)
        if status not in STATUSES:
            known = _one_of(STATUSES)
            problems.add(f"{where}.status", "saved_not_a_status", value=_shown(status), known=known)
        if state not in STATES:
            known = _one_of(STATES)
            problems.add(f"{where}.state", "saved_not_a_state", value=_shown(state), known=known)
        if not (reason is None or reason in REASONS):
            known = _one_of(REASONS)
            problems.add(f"{where}.reason", "saved_not_a_reason", value=_shown(reason), known=known)
        if not (due is None or _day(due) is not None):
            problems.add(f"{where}.due", "saved_not_a_date_or_null", value=_shown(due))
        for key in ("evidence", "gap"):
            _check_fields(finding[key], getattr(fields[rule_id], key), f"{where}.{key}", problems)


def _one_of(known: Iterable[str]) -> str:
    return ", ".join(known)


def _period_error(text: str) -> PeriodError | None:
    try:
        Period.parse(text)
    except PeriodError as error:
        return error
    return None


def _period(text: str) -> bool:
    return _period_error(text) is None


def _check_fields(
    value: object,
    known: dict[str, tuple[Callable[[object], bool], str]],
    where: str,
    problems: _Problems,
) -> None:
    """Evidence or gap: null, or an object of the rule's fields. A field no finding of the rule
    has is left out of the document, so a field may be missing; an unknown one may not."""
    if value is None:
        return
    if not isinstance(value, dict):
        problems.add(where, "saved_not_an_object_or_null")
        return
    for name, item in value.items():
        if name not in known:
            problems.add(f"{where}.{_key(name)}", "saved_unknown_field")
        elif item is not None and not known[name][0](item):
            # The form's code (saved_not_whole_number…): _FORMS.
            problems.add(f"{where}.{_key(name)}", known[name][1], value=_shown(item))


# -- findings as frames ----------------------------------------------------------------------


def _read_lines(lines: bytes) -> pl.DataFrame:
    """Findings as one JSON object a line, evidence and gap kept as JSON text."""
    if not lines:
        return pl.DataFrame(schema=LINE_SCHEMA)
    return pl.read_ndjson(io.BytesIO(lines), schema=LINE_SCHEMA)


def _rule_frame(table: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """One rule's findings as the evaluation had them: the base columns, then its evidence and
    gap columns in the measure's order and dtypes (a field no finding gives: all null)."""
    fields = [name for name in schema if name.startswith((EVIDENCE, GAP))]
    decoded = table.select(
        *BASE[:-1],
        pl.col("due").str.to_date(DAY_FORMAT),
        *_decoded("evidence", EVIDENCE, {n: schema[n] for n in fields if n.startswith(EVIDENCE)}),
        *_decoded("gap", GAP, {n: schema[n] for n in fields if n.startswith(GAP)}),
    )
    return decoded.unnest(*(c for c in ("evidence", "gap") if c in decoded.columns)).select(
        *BASE,
        *(
            pl.col(name).str.to_date(DAY_FORMAT) if schema[name] == pl.Date else pl.col(name)
            for name in fields
        ),
    )


def _decoded(column: str, prefix: str, fields: dict[str, pl.DataType]) -> Iterable[pl.Expr]:
    """The JSON text of `column` as a struct of `fields`, each renamed with its prefix."""
    if not fields:
        return []
    read_as = pl.Struct(
        {name[len(prefix) :]: json_form(dtype)[2] for name, dtype in fields.items()}
    )
    return [pl.col(column).str.json_decode(read_as).struct.rename_fields(list(fields))]


def _parts(table: pl.DataFrame, header: _Header) -> list[RuleFindings]:
    """Each rule's findings, rules in the evaluation's order, findings in the document's."""
    by_rule = table.partition_by("rule", maintain_order=True, as_dict=True)
    found = [rule_id for rule_id in header.rules if (rule_id,) in by_rule]
    header.find_schemas(found)
    return [
        RuleFindings(
            header.rules[rule_id],
            _rule_frame(by_rule[(rule_id,)], header.schema(rule_id)),
        )
        for rule_id in found
    ]


def _evaluation(header: _Header, parts: list[RuleFindings], problems: _Problems) -> Evaluation:
    """The evaluation; `problems` gets where its findings disagree with the header: each rule
    has findings or is among `rules_without_units` (never both), and the summary counts what
    the findings give."""
    with_findings = {part.rule.id for part in parts}
    for index, rule_id in enumerate(header.rules_without_units):
        if rule_id in with_findings:
            problems.add(f"rules_without_units[{index}]", "saved_rule_with_findings", rule=rule_id)
    for rule_id in header.rules.keys() - with_findings - set(header.rules_without_units):
        problems.add(f"rules.{rule_id}", "saved_rule_without_findings")
    evaluation = Evaluation(
        parts,
        header.as_of,
        header.plans,
        header.engine,
        header.rules_without_units,
        header.warnings,
        header.units,
        reconciliation=header.reconciliation,
    )
    counted = evaluation.summary()
    for key in dict.fromkeys([*counted, *header.summary]):
        saved = header.summary.get(key)
        if not (_integer(saved) and saved == counted.get(key)):
            problems.add(
                f"summary.{_key(key)}",
                "saved_summary_differs",
                value=_shown(saved),
                counted=_shown(counted.get(key)),
            )
    return evaluation


# -- the two ways in -------------------------------------------------------------------------


def evaluation_from_document(document: object, catalogue: Catalogue) -> Evaluation:
    """The evaluation a parsed `cchc-findings/2` document was written from, every value checked;
    SavedResultError lists each problem at its key path."""
    header = _header(document, catalogue)
    assert isinstance(document, dict)  # _header says so
    problems = _Problems()
    _check_findings(document["findings"], header, problems)
    problems.raise_any()
    lines = b"\n".join(map(orjson.dumps, document["findings"]))
    evaluation = _evaluation(header, _parts(_read_lines(lines), header), problems)
    problems.raise_any()
    return evaluation


FINDINGS_OPENING = b',\n"findings": ['
FINDINGS_CLOSING = b"\n]}"


def split_document(data: bytes) -> tuple[dict[str, Any], bytes] | None:
    """The header and the findings (one JSON object a line) of a document laid out as the JSON
    report writes it: one top-level key a line, `findings` last, one finding a line. None for
    any other layout, or a header orjson does not take: then parse the whole document. (Offsets,
    not slices: each copy of a national result is 140 MB.)"""
    start = data.find(FINDINGS_OPENING)
    end = len(data)
    while end and data[end - 1] in b" \t\r\n":
        end -= 1
    if start < 0 or not data.endswith(FINDINGS_CLOSING, 0, end):
        return None
    first, last = start + len(FINDINGS_OPENING), end - len(FINDINGS_CLOSING)
    if first < last:
        if data[first] != ord("\n"):
            return None
        first += 1
    # No JSON text holds a raw newline: every line but the last ends with a comma, or the
    # layout is another one.
    if data.count(b"\n", first, last) != data.count(b",\n", first, last):
        return None
    try:
        header = orjson.loads(data[:start] + b"}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(header, dict) or "findings" in header:
        return None
    # A space for each comma: JSON lines all the same, and a third faster than removing it.
    return {**header, "findings": None}, data[first:last].replace(b",\n", b" \n")


def evaluation_from_lines(
    header_document: dict[str, Any], lines: bytes, catalogue: Catalogue
) -> Evaluation | None:
    """The evaluation from a header and the findings as JSON lines (split_document), read by
    Polars in one pass. The header is checked as by evaluation_from_document (SavedResultError);
    the findings only for what Polars would otherwise let through (a status that is none, a
    unit not in units…). None when something is off: evaluation_from_document then says what
    and where. The caller must keep the result only if it renders back to the same bytes: Polars
    reads a number where text is due as that text, and drops a field no rule has."""
    header = _header(header_document, catalogue)
    try:
        table = _read_lines(lines)
        if table.height != (lines.count(b"\n") + 1 if lines else 0):
            return None  # a blank line among them
        if not _plainly_valid(table, header):
            return None
        parts = _parts(table, header)
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        return None  # the one-by-one check states what is wrong, and where
    problems = _Problems()
    evaluation = _evaluation(header, parts, problems)
    return None if problems.count else evaluation


def _plainly_valid(table: pl.DataFrame, header: _Header) -> bool:
    """What the one-by-one check asks of the findings' own values, asked of the columns."""

    def among(column: str, values: Iterable[str]) -> pl.Expr:
        return pl.col(column).is_in(list(values)).fill_null(False).all()

    checks = table.select(
        among("rule", header.rules),
        among("unit", header.units["id"]),
        among("status", STATUSES),
        among("state", STATES),
        (pl.col("reason").is_null() | pl.col("reason").is_in(list(REASONS))).all(),
        pl.col("period").is_not_null().all(),
    ).row(0)
    return all(checks) and all(map(_period, table["period"].unique()))
