"""What each Biểu 06 count means, in one place: SQL over dossier records × periods.

A record (table `records` below) has the normalized columns of records.py: unit, field, channel,
status, received, due, ended, returned, result_by_post, service_level, supplement_requests,
supplement_days. A period (table `periods`) has period, period_from, period_to. Dates are days.

`TERMS` names the parts the options change (when a dossier ends, when it is due); `COUNTS` gives
each count as one condition on a record in a period, written with those terms. A count is the
number of records meeting its condition. Everything is plain SQL (CASE, SUM, GROUP BY, date
comparison and date + days) so that sqlglot's transpilation from DuckDB to Spark SQL runs the
same definitions on Apache Spark (`spark_sql`, which spark.py runs; normalize.py's record SQL
goes the same way).
"""

from __future__ import annotations

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

# Each count's condition ({term}s are in `terms`). The contract: /work/notes/dossier-spec.md.
COUNTS: dict[str, str] = {
    "received_online": f"received {IN_PERIOD} AND channel = 2",
    "received_in_person": f"received {IN_PERIOD} AND channel = 1",
    "received_postal": f"received {IN_PERIOD} AND channel = 3",
    "carried_over": "received < period_from AND ({end} IS NULL OR {end} >= period_from)",
    "received_total": f"(received {IN_PERIOD} AND channel IN (1, 2, 3)) OR {{carried_over}}",
    "resolved_early": "{ended_in_period} AND NOT {on_time_anyway} AND NOT {late_anyway} AND {end} < {due}",  # noqa: E501
    "resolved_on_time": "{ended_in_period} AND ({on_time_anyway} OR (NOT {late_anyway} AND ({due} IS NULL OR {end} = {due})))",  # noqa: E501
    "resolved_late": "{ended_in_period} AND NOT {on_time_anyway} AND ({late_anyway} OR {end} > {due})",  # noqa: E501
    "resolved_total": "{ended_in_period}",
    "pending_within_due": "{open_at_end} AND ({due} IS NULL OR {due} >= period_to OR status IN (5, 6))",  # noqa: E501
    "pending_past_due": "{open_at_end} AND {due} < period_to AND status NOT IN (5, 6)",
    "returned_total": f"returned {IN_PERIOD}",
    "returned_postal": f"returned {IN_PERIOD} AND result_by_post = 1",
}
INDICATORS: dict[str, str] = {
    FULLY_ONLINE: f"received {IN_PERIOD} AND channel = 2 AND service_level = 4",
}
# explain(): why a dossier is where it is, by its place in the form.
JUDGED = (
    "early",
    "on_time",
    "late",
    "pending_within_due",
    "pending_past_due",
    "carried_over",
)
_DAY = "CAST({} AS VARCHAR)"


def terms(options: DeriveOptions) -> dict[str, str]:
    """The parts of the definitions the options choose, each as SQL."""
    terminal = ", ".join(map(str, options.terminal_statuses))
    end_column = "ended" if options.end_date == "processing-ended" else "returned"
    end = f"(CASE WHEN status IN ({terminal}) THEN {end_column} END)"
    due = "(due + CAST(supplement_days AS INTEGER))"
    if options.supplement_wait == "counted":
        due = "due"
    late_anyway = "(supplement_requests > 1)"
    if options.repeated_supplements == "judged":
        late_anyway = "(1 = 0)"
    on_time_anyway = "(status = 7)" if options.withdrawn == "on-time" else "(1 = 0)"
    return {
        "end": end,
        "due": due,
        "late_anyway": late_anyway,
        "on_time_anyway": on_time_anyway,
        "ended_in_period": f"({end} {IN_PERIOD})",
        "open_at_end": f"(received <= period_to AND ({end} IS NULL OR {end} > period_to))",
    }


def conditions(options: DeriveOptions) -> dict[str, str]:
    """Each count's condition as SQL for these options (and the indicator, when asked for)."""
    named = terms(options)
    named["carried_over"] = "(" + COUNTS["carried_over"].format(**named) + ")"
    wanted = {**COUNTS, **(INDICATORS if options.fully_online else {})}
    return {name: "(" + condition.format(**named) + ")" for name, condition in wanted.items()}


def included(options: DeriveOptions) -> str:
    """Records an option drops from every count (withdrawn or refused, `excluded`)."""
    excluded = options.excluded_statuses
    return f"status NOT IN ({', '.join(map(str, excluded))})" if excluded else "1 = 1"


def relevant(options: DeriveOptions) -> str:
    """Records that can be in some count of a period: received by its end and not ended before
    it began, or returned in it. Only to skip the others early."""
    end = terms(options)["end"]
    return (
        f"((received <= period_to AND ({end} IS NULL OR {end} >= period_from)) "
        f"OR returned {IN_PERIOD})"
    )


def counts_sql(options: DeriveOptions, records: str = "records", periods: str = "periods") -> str:
    """The counts per unit × period (field NULL) and per unit × period × field; a row only
    where something is counted (a unit with records but none in a period reports nothing).
    Records are counted once, per unit × period × field; the unit totals add those up (a
    grouping set over the small result, not a second pass over the records)."""
    wanted = conditions(options)
    counts = ",\n  ".join(
        f"count(*) FILTER (WHERE {condition}) AS {name}" for name, condition in wanted.items()
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
  FROM (SELECT r.*, p.period, p.period_from, p.period_to FROM {records} AS r CROSS JOIN {periods} AS p) AS d
  WHERE {included(options)} AND {relevant(options)}
  GROUP BY unit, period, field
) AS by_field
GROUP BY GROUPING SETS ((unit, period), (unit, period, field))
) AS c
WHERE (unit_total = 1 OR field IS NOT NULL) AND (received_total > 0 OR returned_total > 0)
ORDER BY unit, period, field NULLS FIRST
"""  # noqa: E501


def judged_sql(options: DeriveOptions) -> str:
    """Where a record stands at a period's end, as one of JUDGED (not carried_over)."""
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


def reason_sql(options: DeriveOptions) -> str:
    """Why, in a few words: dates and the rule that decided (explain's `reason` column)."""
    named = terms(options)
    end, due = _DAY.format(named["end"]), _DAY.format(named["due"])
    due_text = (
        f"CASE WHEN {named['due']} IS NULL THEN 'no due date' "
        f"WHEN supplement_days > 0 AND {named['due']} <> due THEN 'due ' || {due} || "
        f"' (' || {_DAY.format('due')} || ' + ' || CAST(supplement_days AS VARCHAR) || "
        "' days waiting for supplements)' "
        f"ELSE 'due ' || {due} END"
    )
    return f"""CASE judged
  WHEN 'carried_over' THEN 'received ' || {_DAY.format("received")} || ', before '
    || {_DAY.format("period_from")} || ', open then'
  WHEN 'early' THEN 'ended ' || {end} || ' before ' || ({due_text})
  WHEN 'on_time' THEN CASE WHEN {named["on_time_anyway"]}
    THEN 'withdrawn ' || {end} || ', counted on time'
    ELSE 'ended ' || {end} || ' on ' || ({due_text}) END
  WHEN 'late' THEN CASE WHEN {named["late_anyway"]}
    THEN 'ended ' || {end} || ' after ' || CAST(supplement_requests AS VARCHAR)
      || ' supplement requests (more than one is late)'
    ELSE 'ended ' || {end} || ' after ' || ({due_text}) END
  WHEN 'pending_within_due' THEN 'open at ' || {_DAY.format("period_to")} || ', ' || CASE
    WHEN status IN (5, 6) AND {named["due"]} < period_to
    THEN 'waiting for a supplement or a financial obligation (status '
      || CAST(status AS VARCHAR) || ')'
    ELSE ({due_text}) END
  WHEN 'pending_past_due' THEN 'open at ' || {_DAY.format("period_to")} || ', ' || ({due_text})
END"""


def explain_sql(options: DeriveOptions, records: str = "records", periods: str = "periods") -> str:
    """The records behind one unit × period's counts (the caller narrows `records` to the unit
    and gives one period): a row per record with its outcome, one more for each carried over."""
    named = terms(options)
    carried = conditions(options)["carried_over"]
    both = f"FROM {records} AS r CROSS JOIN {periods} AS p WHERE {included(options)}"
    return f"""
SELECT file, row, dossier, procedure, field, channel, status, received, due,
  {named["due"]} AS due_counted, {named["end"]} AS ended, supplement_requests, supplement_days,
  judged, {reason_sql(options)} AS reason
FROM (
  SELECT r.*, p.period_from, p.period_to, {judged_sql(options)} AS judged {both}
  UNION ALL
  SELECT r.*, p.period_from, p.period_to, 'carried_over' AS judged {both} AND {carried}
) AS j
WHERE judged IS NOT NULL
ORDER BY judged, received, dossier
"""


# DuckDB's strptime codes and Spark's datetime patterns (the ones normalize.py uses).
_SPARK_PATTERN = {"%Y": "yyyy", "%m": "MM", "%d": "dd", "%H": "HH", "%M": "mm", "%S": "ss"}


def spark_sql(sql: str) -> str:
    """The same query in Spark SQL: sqlglot's transpilation, and DuckDB's try_strptime (which
    sqlglot leaves as it is) as Spark's try_to_timestamp with the same pattern."""
    trees = sqlglot.parse(sql, read="duckdb")
    return ";\n".join(
        tree.transform(_spark_function).sql(dialect="spark") for tree in trees if tree
    )


def _spark_function(node: exp.Expression) -> exp.Expression:
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
