"""What each Biểu 06 count means, in one place: SQL over measured dossiers × periods.

A record (normalized as records.py says) is first *measured* (`measured_select`): the few quantities
the counts read, with the options applied once — when it ended (`end_day`: a terminal status's
end date), when it was due (`due_day`: the appointment, plus the days waited for supplements),
whether it ended before, on or after that day (`end_vs_due`: -1, 0, 1), whether it is late or on
time whatever the dates say (`late_anyway`, `on_time_anyway`), whether it waits for the
applicant (`waiting`), and its channel, way of return and service level as given. `COUNTS` gives
each count as one condition on a measured record in a period (columns period_from, period_to).
A count is the number of records meeting its condition.

Counting every record against every period costs records × periods evaluations. The counts
never compare a record's day with anything but another day of the same record (end_vs_due,
measured per record) or a period's first or last day. So a day can be replaced by its *rank*
among the periods' boundaries (`boundaries`: each period's first day, last day and the day after
it; `rank_sql`: how many boundaries are on or before the day) and every comparison keeps its
truth: for a boundary b, day < b ⇔ rank(day) < rank(b), and for a last day t (t + 1 also a
boundary) day <= t ⇔ rank(day) <= rank(t). Records with the same measures then count alike:
checks.py tallies them in the one pass that checks them (table `tallied`: a row per distinct
measured record, `records` how many), and `counts_sql` evaluates the conditions once per tally
row and period, summing `records`. The conditions themselves read the same on days (explain,
one unit's records) and on ranks.

Everything is plain SQL (CASE, SUM … FILTER, GROUP BY, date comparison and date + days) so that
sqlglot's transpilation from DuckDB to Spark SQL runs the same definitions on Apache Spark
(`spark_sql`, which spark.py runs; normalize.py's record SQL goes the same way).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from datetime import date, timedelta

import sqlglot
from sqlglot import exp

from cchc.facts.dossiers.options import DeriveOptions

COUNT_NAMES = (
    "received_online",
    "received_in_person",
    "received_postal",
    "carried_over",
    "received_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_total",
    "pending_within_due",
    "pending_past_due",
    "returned_total",
    "returned_postal",
)
FULLY_ONLINE = "dossiers_fully_online"
IN_PERIOD = "BETWEEN period_from AND period_to"
ENDED_IN_PERIOD = f"(end_day {IN_PERIOD})"
OPEN_AT_END = "(received <= period_to AND (end_day IS NULL OR end_day > period_to))"
CARRIED_OVER = "(received < period_from AND (end_day IS NULL OR end_day >= period_from))"

# Each count's condition on a measured record. The contract: /work/notes/dossier-spec.md.
COUNTS: dict[str, str] = {
    "received_online": f"received {IN_PERIOD} AND channel = 2",
    "received_in_person": f"received {IN_PERIOD} AND channel = 1",
    "received_postal": f"received {IN_PERIOD} AND channel = 3",
    "carried_over": CARRIED_OVER,
    "received_total": f"(received {IN_PERIOD} AND channel IN (1, 2, 3)) OR {CARRIED_OVER}",
    "resolved_early": f"{ENDED_IN_PERIOD} AND NOT on_time_anyway AND NOT late_anyway "
    "AND end_vs_due < 0",
    "resolved_on_time": f"{ENDED_IN_PERIOD} AND (on_time_anyway OR (NOT late_anyway "
    "AND (due_day IS NULL OR end_vs_due = 0)))",
    "resolved_late": f"{ENDED_IN_PERIOD} AND NOT on_time_anyway "
    "AND (late_anyway OR end_vs_due > 0)",
    "resolved_total": ENDED_IN_PERIOD,
    "pending_within_due": f"{OPEN_AT_END} AND (due_day IS NULL OR due_day >= period_to OR waiting)",
    "pending_past_due": f"{OPEN_AT_END} AND due_day < period_to AND NOT waiting",
    "returned_total": f"returned {IN_PERIOD}",
    "returned_postal": f"returned {IN_PERIOD} AND result_by_post = 1",
}
INDICATORS: dict[str, str] = {
    FULLY_ONLINE: f"received {IN_PERIOD} AND channel = 2 AND service_level = 4",
}
# The measures that are days (ranked when tallied); the others are codes and flags.
DAYS = ("received", "returned", "end_day", "due_day")
# Records that can be in some count of a period: received by its end and not ended before it
# began, or returned in it. Only to skip the others early.
RELEVANT = (
    "((received <= period_to AND (end_day IS NULL OR end_day >= period_from)) "
    f"OR returned {IN_PERIOD})"
)
# explain(): why a dossier is where it is, by its place in the form.
JUDGED = (
    "early",
    "on_time",
    "late",
    "pending_within_due",
    "pending_past_due",
    "carried_over",
)


def derived_measures(options: DeriveOptions) -> dict[str, str]:
    """The measures that are not a record's own column, as SQL on a normalized record."""
    terminal = ", ".join(map(str, options.terminal_statuses))
    end_column = "ended" if options.end_date == "processing-ended" else "returned"
    due = "due + CAST(supplement_days AS INTEGER)"
    if options.supplement_wait == "counted":
        due = "due"
    late_anyway = "false" if options.repeated_supplements == "judged" else "supplement_requests > 1"
    return {
        "end_day": f"CASE WHEN status IN ({terminal}) THEN {end_column} END",
        "due_day": due,
        "late_anyway": late_anyway,
        "on_time_anyway": "status = 7" if options.withdrawn == "on-time" else "false",
        "waiting": "status IN (5, 6)",
    }


# Read from end_day and due_day (a second step: each is written once).
END_VS_DUE = (
    "CASE WHEN end_day < due_day THEN -1 WHEN end_day = due_day THEN 0 "
    "WHEN end_day > due_day THEN 1 END"
)


def measure_names(options: DeriveOptions) -> list[str]:
    """What the counts read of a record: its own columns, and the derived measures."""
    given = ["channel", "result_by_post", "received", "returned"]
    given += ["service_level"] if options.fully_online else []
    return [*given, *derived_measures(options), "end_vs_due"]


def measured_select(options: DeriveOptions, relation: str) -> str:
    """`relation`'s rows with the derived measures added (definitions: the module docstring)."""
    derived = ", ".join(f"{sql} AS {name}" for name, sql in derived_measures(options).items())
    return (
        f"SELECT m.*, {END_VS_DUE} AS end_vs_due "
        f"FROM (SELECT r.*, {derived} FROM {relation} AS r) AS m"
    )


def conditions(options: DeriveOptions) -> dict[str, str]:
    """Each count's condition (and the indicator's, when asked for), parenthesized."""
    wanted = {**COUNTS, **(INDICATORS if options.fully_online else {})}
    return {name: f"({condition})" for name, condition in wanted.items()}


def included(options: DeriveOptions) -> str:
    """Records an option drops from every count (withdrawn or refused, `excluded`)."""
    excluded = options.excluded_statuses
    return f"status NOT IN ({', '.join(map(str, excluded))})" if excluded else "true"


def boundaries(periods: Iterable[tuple[date, date]]) -> list[date]:
    """The days a period starts, ends and is over: what ranks are taken among."""
    days = {day for start, end in periods for day in (start, end, end + timedelta(days=1))}
    return sorted(days)


# Up to this many boundaries (a year and its quarters have 9), a day's rank is found by
# comparing it with a few of them, which DuckDB does in about two thirds of the time it takes
# to look the rank up in a list; beyond, the comparisons cost more than the lookup.
_COMPARED_BOUNDARIES = 16


def rank_sql(day: str, among: Sequence[date]) -> str:
    """How many of `among` are on or before `day` (NULL when it is NULL): by comparing the day
    with the middle boundary, then with the middle of the half it is in (at most five
    comparisons for _COMPARED_BOUNDARIES), or, for more boundaries, looked up in a list of the
    ranks of the days from the one before the first boundary to the last (a day outside takes
    the rank of the nearest end): one subtraction and one index."""
    if len(among) <= _COMPARED_BOUNDARIES:
        return f"CASE WHEN {day} IS NOT NULL THEN {_compared_rank(day, among, 0, len(among))} END"
    first = among[0] - timedelta(days=1)
    span = (among[-1] - first).days
    ranks = [bisect_right(among, first + timedelta(days=offset)) for offset in range(span + 1)]
    offset = f"date_diff('day', DATE '{first.isoformat()}', {day})"
    listed = ", ".join(map(str, ranks))
    # greatest and least skip NULLs: a day not given is kept NULL by the CASE.
    return (
        f"CASE WHEN {day} IS NOT NULL THEN [{listed}][least(greatest({offset}, 0), {span}) + 1] END"
    )


def _compared_rank(day: str, among: Sequence[date], low: int, high: int) -> str:
    """How many of among[low:high] are on or before `day`, plus `low` (the boundaries before
    among[low] are all on or before it)."""
    if low == high:
        return str(low)
    middle = (low + high) // 2
    before = _compared_rank(day, among, low, middle)
    after = _compared_rank(day, among, middle + 1, high)
    return f"CASE WHEN {day} < DATE '{among[middle].isoformat()}' THEN {before} ELSE {after} END"


def ranked_periods_sql(among: Sequence[date], periods: str = "periods") -> str:
    """The periods with their first and last days as ranks (as tallied days are)."""
    return (
        f"SELECT period, {rank_sql('period_from', among)} AS period_from, "
        f"{rank_sql('period_to', among)} AS period_to FROM {periods}"
    )


def counts_sql(
    tallied: str = "tallied", periods: str = "periods", *, fully_online: bool = False
) -> str:
    """The counts per unit × period (field NULL) and per unit × period × field, from tallied
    measured records (`records` of each) and periods in the same terms (days, or ranks); a row
    only where something is counted. The unit totals add up the fields' (a grouping set over
    the small result, not a second pass)."""
    wanted = {**COUNTS, **(INDICATORS if fully_online else {})}
    counts = ",\n  ".join(
        f"CAST(COALESCE(SUM(records) FILTER (WHERE {condition}), 0) AS BIGINT) AS {name}"
        for name, condition in wanted.items()
    )
    sums = ", ".join(f"CAST(SUM({name}) AS BIGINT) AS {name}" for name in wanted)
    names = ", ".join(wanted)
    return f"""
SELECT unit, period, field, {names} FROM (
SELECT unit, period, CASE WHEN GROUPING(field) = 1 THEN NULL ELSE field END AS field,
  GROUPING(field) AS unit_total, {sums}
FROM (
  SELECT unit, period, field,
  {counts}
  FROM (SELECT t.*, p.period, p.period_from, p.period_to FROM {tallied} AS t CROSS JOIN {periods} AS p) AS d
  WHERE {RELEVANT}
  GROUP BY unit, period, field
) AS by_field
GROUP BY GROUPING SETS ((unit, period), (unit, period, field))
) AS c
WHERE (unit_total = 1 OR field IS NOT NULL) AND (received_total > 0 OR returned_total > 0)
ORDER BY unit, period, field NULLS FIRST
"""  # noqa: E501


def judged_sql(options: DeriveOptions) -> str:
    """Where a measured record stands at a period's end, as one of JUDGED (not carried_over)."""
    wanted = conditions(options)
    outcomes = {
        "early": "resolved_early",
        "on_time": "resolved_on_time",
        "late": "resolved_late",
        "pending_within_due": "pending_within_due",
        "pending_past_due": "pending_past_due",
    }
    whens = " ".join(f"WHEN {wanted[count]} THEN '{name}'" for name, count in outcomes.items())
    return f"CASE {whens} END"


# explain()'s `reason`: what decided where a dossier stands, as a code the render layer words
# (reports/dossiers.py) with the record's dates.
REASONS = (
    "carried_over",
    "ended_before_due",
    "ended_on_due",
    "no_due_date",
    "withdrawn_on_time",
    "repeated_supplements",
    "ended_after_due",
    "waiting_for_applicant",
    "open_within_due",
    "open_no_due_date",
    "open_past_due",
)


def reason_sql() -> str:
    """The code of REASONS that decided `judged`, from a measured record and its period."""
    return """CASE judged
  WHEN 'carried_over' THEN 'carried_over'
  WHEN 'early' THEN 'ended_before_due'
  WHEN 'on_time' THEN CASE WHEN on_time_anyway THEN 'withdrawn_on_time'
    WHEN due_day IS NULL THEN 'no_due_date' ELSE 'ended_on_due' END
  WHEN 'late' THEN CASE WHEN late_anyway THEN 'repeated_supplements'
    ELSE 'ended_after_due' END
  WHEN 'pending_within_due' THEN CASE WHEN waiting AND due_day < period_to
    THEN 'waiting_for_applicant' WHEN due_day IS NULL THEN 'open_no_due_date'
    ELSE 'open_within_due' END
  WHEN 'pending_past_due' THEN 'open_past_due'
END"""


def explain_sql(options: DeriveOptions, records: str = "records", periods: str = "periods") -> str:
    """The records behind one unit × period's counts (the caller narrows `records` to the unit
    and gives one period): a row per record with its outcome, one more for each carried over.
    Days are compared as days here (no ranks: one unit's records are few)."""
    kept = f"(SELECT * FROM {records} WHERE {included(options)})"
    both = f"FROM ({measured_select(options, kept)}) AS m CROSS JOIN {periods} AS p"
    return f"""
SELECT file, row, dossier, procedure, field, channel, status, received, due,
  due_day AS due_counted, end_day AS ended, supplement_requests, supplement_days,
  judged, {reason_sql()} AS reason, period_from, period_to
FROM (
  SELECT m.*, p.period_from, p.period_to, {judged_sql(options)} AS judged {both}
  UNION ALL
  SELECT m.*, p.period_from, p.period_to, 'carried_over' AS judged {both} WHERE {CARRIED_OVER}
) AS j
WHERE judged IS NOT NULL
ORDER BY judged, received, dossier
"""


# DuckDB's strptime codes and Spark's datetime patterns (the ones normalize.py uses).
_SPARK_PATTERN = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss"}


def spark_sql(sql: str) -> str:
    """The same query in Spark SQL: sqlglot's transpilation, DuckDB's try_strptime (which
    sqlglot leaves as it is) as Spark's try_to_timestamp with the same pattern, and DuckDB's
    64-bit hash as Spark's xxhash64 (Spark's `hash` has 32 bits: ten million MaHoSo would
    share thousands of them)."""
    trees = sqlglot.parse(sql, read="duckdb")
    return ";\n".join(
        tree.transform(_spark_function).sql(dialect="spark") for tree in trees if tree
    )


def _spark_function(node: exp.Expression) -> exp.Expression:
    if isinstance(node, exp.Anonymous) and node.name.lower() == "hash":
        return exp.Anonymous(this="xxhash64", expressions=node.expressions)
    if not (isinstance(node, exp.Anonymous) and node.name.lower() == "try_strptime"):
        return node
    text, pattern = node.expressions
    if not isinstance(pattern, exp.Literal):
        raise ValueError(f"try_strptime with a pattern that is not a literal: {node.sql()}")
    spark = pattern.this
    for code, letters in _SPARK_PATTERN.items():
        spark = spark.replace(code, letters)
    if "%" in spark:
        raise ValueError(f"no Spark pattern for {pattern.this!r}")
    return exp.Anonymous(this="try_to_timestamp", expressions=[text, exp.Literal.string(spark)])
