"""The record problems: each a condition on a normalized record (records.py), with its code, the
column it names and the values a message shows. A record with any problem is in no count.

Records with status 1 (newly registered) or 3 (not accepted) are not under resolution: they are
ignored before any check, and are not duplicates of anything either.

Codes (values in brackets): missing_value · duplicate_dossier [first_file, first_row] ·
bad_unit_code [value] · bad_date [value] · unknown_status [value] · unknown_channel [value] ·
unknown_code [value] · bad_field_code [value] · bad_supplements [value] · bad_number [value] ·
supplement_before_request [requested, received] · due_before_receipt [received, due] ·
missing_end_date [status] · end_before_receipt [received, ended]. Rows a CSV reader cannot split
are unreadable_row [line, error] (records.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlglot
from sqlglot import exp

from cchc.facts.dossiers.definitions import (
    DAYS,
    included,
    measure_names,
    measured_select,
    rank_sql,
)
from cchc.facts.dossiers.normalize import DATE_COLUMNS, ROW_LIMIT_KEY, json_values
from cchc.facts.dossiers.options import DeriveOptions

IGNORED_STATUSES = (1, 3)
_KEY = f"(file_index * {ROW_LIMIT_KEY} + row)"
_KEY_PARTS = ("file_index", "row", "dossier")


@dataclass(frozen=True)
class Check:
    code: str  # SQL giving the code (a literal but for the supplements' own problem)
    column: str  # SQL giving the national column the problem names
    condition: str
    values: str  # SQL giving a JSON object of the message's values


def _value_check(code: str, column: str, bad: str) -> Check:
    return Check(f"'{code}'", f"'{column}'", f"{bad} IS NOT NULL", json_values(value=bad))


def _missing(column: str, value: str, bad: str | None = None) -> Check:
    condition = f"{value} IS NULL" + (f" AND {bad} IS NULL" if bad else "")
    return Check("'missing_value'", f"'{column}'", condition, json_values())


def record_checks(options: DeriveOptions) -> list[Check]:
    end_column = options.end_column
    end = "ended" if options.end_date == "processing-ended" else "returned"
    terminal = f"status IN ({', '.join(map(str, options.terminal_statuses))})"
    # Under end_date=returned a finished dossier (9) not yet returned is still open: no NgayTra.
    must_end = terminal + (" AND status <> 9" if options.end_date == "returned" else "")
    checks = [
        _missing("MaHoSo", "dossier"),
        Check(
            "'duplicate_dossier'",
            "'MaHoSo'",
            f"first_key IS NOT NULL AND {_KEY} <> first_key",
            json_values(first_file="first_file", first_row=f"first_key % {ROW_LIMIT_KEY}"),
        ),
        _missing("DonViXuLy", "unit", "unit_bad"),
        _value_check("bad_unit_code", "DonViXuLy", "unit_bad"),
        _missing("NgayTiepNhan", "received", "received_bad"),
        *(_value_check("bad_date", n, f"{name}_bad") for name, n in DATE_COLUMNS.items()),
        _missing("TrangThaiHoSo", "status", "status_bad"),
        _value_check("unknown_status", "TrangThaiHoSo", "status_bad"),
        _missing("KenhThucHien", "channel", "channel_bad"),
        _value_check("unknown_channel", "KenhThucHien", "channel_bad"),
        _value_check("unknown_code", "HinhThuc", "result_by_post_bad"),
        _value_check("bad_field_code", "MaLinhVuc", "field_bad"),
        Check(
            "supplement_problem",
            "supplement_column",
            "supplement_problem IS NOT NULL",
            "supplement_values",
        ),
        Check(
            "'due_before_receipt'",
            "'NgayHenTra'",
            "due < received",
            json_values(received="CAST(received AS VARCHAR)", due="CAST(due AS VARCHAR)"),
        ),
        Check(
            "'missing_end_date'",
            f"'{end_column}'",
            f"{must_end} AND {end} IS NULL AND {end}_bad IS NULL",
            json_values(status="status"),
        ),
        Check(
            "'end_before_receipt'",
            f"'{end_column}'",
            f"{terminal} AND {end} < received",
            json_values(received="CAST(received AS VARCHAR)", ended=f"CAST({end} AS VARCHAR)"),
        ),
    ]
    if options.fully_online:
        checks.append(_value_check("unknown_code", "MucDo", "service_level_bad"))
    return checks


def fingerprint(text: str) -> str:
    """A MaHoSo's 64-bit fingerprint (SQL)."""
    return f"hash({text})"


def second_fingerprint(text: str) -> str:
    """Another, to tell apart two MaHoSo that share the first."""
    return f"hash({text} || '|')"


def duplicates_select(by_text: bool = False) -> str:
    """Each MaHoSo given more than once (by records under resolution) with where its first
    copy is (first by file, then by row): its key and its file's path.

    Grouping ten million MaHoSo texts costs half again as much as grouping their fingerprints,
    so they are grouped by fingerprint (`dossier` NULL) unless `by_text`. Two different MaHoSo
    with the same fingerprint would pass for one; the second fingerprint of each group says so
    (`same_text` false), and the caller then groups by the text (`by_text`: every row
    `same_text`). flagged_select joins either by fingerprint and, when known, text."""
    ignored = ", ".join(map(str, IGNORED_STATUSES))
    if by_text:
        group, key, text, same = "dossier", fingerprint("dossier"), "dossier", "true"
        given = "count(dossier)"
    else:
        group = key = f"CASE WHEN dossier IS NOT NULL THEN {fingerprint('dossier')} END"
        second = second_fingerprint("dossier")
        text, same, given = "NULL", f"min({second}) = max({second})", "count(*)"
    # Records without a MaHoSo are no one's copies. They are left out by count(dossier), or
    # kept as a row whose fingerprint is NULL (which joins nothing), never by a filter on the
    # MaHoSo: it would be pushed into the records view and read every MaHoSo twice; and
    # count(*) spares the fingerprints' grouping the text.
    return f"""
SELECT d.fingerprint, d.dossier, d.first_key, d.same_text, files.path AS first_file
FROM (
  SELECT {key} AS fingerprint, CAST({text} AS VARCHAR) AS dossier,
    min({_KEY}) AS first_key, {same} AS same_text
  FROM records
  WHERE COALESCE(status, 0) NOT IN ({ignored})
  GROUP BY {group} HAVING {given} > 1
) AS d
JOIN files ON files.file_index = CAST(d.first_key // {ROW_LIMIT_KEY} AS INTEGER)
"""


def flagged_select(everything: bool = False) -> str:
    """Records under resolution (or every record) with, for a duplicated MaHoSo, where its
    first copy is."""
    ignored = ", ".join(map(str, IGNORED_STATUSES))
    where = "" if everything else f"WHERE COALESCE(r.status, 0) NOT IN ({ignored})"
    return f"""
SELECT r.*, d.first_key, d.first_file
FROM records AS r LEFT JOIN duplicates AS d
  ON d.fingerprint = {fingerprint("r.dossier")} AND r.dossier IS NOT NULL
  AND (d.dossier IS NULL OR d.dossier = r.dossier)
{where}
"""


def _any_problem(checks: list[Check]) -> str:
    """Some check holds. One COALESCE around the OR (a check whose condition is NULL does not
    hold): the same truth as a COALESCE around each condition, for a tenth of the work."""
    return "COALESCE(" + " OR ".join(f"({check.condition})" for check in checks) + ", false)"


def _problem_list(checks: list[Check]) -> str:
    """The record's problems as a list of {check_order, code, column_name, problem_values}."""
    found = ", ".join(
        f"CASE WHEN COALESCE({check.condition}, false) THEN {{'check_order': {order}, "
        f"'code': {check.code}, 'column_name': {check.column}, "
        f"'problem_values': {check.values}}} END"
        for order, check in enumerate(checks)
    )
    return f"list_filter([{found}], lambda p: p IS NOT NULL)"


def checked_columns(checks: list[Check]) -> list[str]:
    """The record's columns the checks read (their conditions, codes, columns and values)."""
    names: dict[str, None] = {}
    for check in checks:
        for sql in (check.code, check.column, check.condition, check.values):
            tree = sqlglot.parse_one(f"SELECT {sql}", read="duckdb")
            names.update(dict.fromkeys(column.name for column in tree.find_all(exp.Column)))
    return ["file_index", "row", "dossier", *(name for name in names if name not in _KEY_PARTS)]


def problems_select(checks: list[Check]) -> str:
    """A row per problem of the tallied records with one (tally_select): file_index, row,
    dossier, check_order, code, column_name and problem_values (JSON text). The checks are
    run again on these few records, from the columns the tally kept of each."""
    return f"""
SELECT file_index, row, dossier, p.check_order, p.code, p.column_name, p.problem_values
FROM (
  SELECT file_index, row, dossier, UNNEST({_problem_list(checks)}) AS p
  FROM (SELECT bad.* FROM tallied WHERE kind = 'bad') AS b
) AS found
"""


def tally_select(checks: list[Check], options: DeriveOptions, among: Sequence[date]) -> str:
    """Every record read, checked and measured in one pass, then tallied: a row per distinct
    `kind` and measures (definitions.py, days ranked among `among`) with how many `records`.
    Kinds: `ignored` (statuses 1 and 3: not under resolution, not checked), `bad` (a problem:
    a row per record, `bad` holding the columns its checks read, for problems_select),
    `excluded` (dropped by an option) and `counted`. Only counted rows keep their unit and
    field.

    A record's problems are listed after the tally, from `bad`, and not here: DuckDB builds
    a list of them for every record, even under CASE WHEN (as much as the rest of the pass)."""
    ignored = ", ".join(map(str, IGNORED_STATUSES))
    kind = (
        f"CASE WHEN COALESCE(status, 0) IN ({ignored}) THEN 'ignored' "
        f"WHEN {_any_problem(checks)} THEN 'bad' "
        f"WHEN NOT ({included(options)}) THEN 'excluded' ELSE 'counted' END"
    )
    measured = {
        name: rank_sql(name, among) if name in DAYS else name for name in measure_names(options)
    }
    # An uncounted record keeps no unit and field: they fall into a few rows (by their
    # measures, never read), and only two columns pay for it.
    kept = ",\n    ".join(
        [f"CASE WHEN kind = 'counted' THEN {name} END AS {name}" for name in ("unit", "field")]
        + [f"{sql} AS {name}" for name, sql in measured.items()]
    )
    names = ", ".join(["unit", "field", *measured])
    bad = ", ".join(f"'{name}': {name}" for name in checked_columns(checks))
    kinded = f"SELECT *, {kind} AS kind FROM ({flagged_select(everything=True)}) AS f"
    return f"""
SELECT kind, bad_key, {names}, count(*) AS records, any_value(bad) AS bad
FROM (
  SELECT kind,
    CASE WHEN kind = 'bad' THEN {_KEY} END AS bad_key,
    CASE WHEN kind = 'bad' THEN {{{bad}}} END AS bad,
    {kept}
  FROM ({measured_select(options, f"({kinded})")}) AS k
) AS measured
GROUP BY kind, bad_key, {names}
"""


def valid_select(checks: list[Check]) -> str:
    """The records every count reads: under resolution and without a problem."""
    return (
        "SELECT file_index, row, dossier, procedure, field, unit, channel, received, due, "
        "ended, returned, status, result_by_post, service_level, supplement_requests, "
        f"supplement_days FROM flagged WHERE NOT ({_any_problem(checks)})"
    )
