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
from functools import cache
from typing import Literal

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
_IGNORED = ", ".join(map(str, IGNORED_STATUSES))
# The tally's kinds, read back from `settled`: the records counted, and the records ignored and
# the rows bad (each bad record is a row of its own).
SETTLED_COUNTED = "(SELECT * FROM settled WHERE kind = 'counted')"
SETTLED_KINDS = (
    "SELECT COALESCE(SUM(records) FILTER (WHERE kind = 'ignored'), 0), "
    "count(*) FILTER (WHERE kind = 'bad') FROM settled"
)
_KEY = f"(file_index * {ROW_LIMIT_KEY} + row)"
_KEY_PARTS = ("file_index", "row", "dossier")
# What duplicates_select adds to a record; the checks that read it are made after the tally.
_DUPLICATES_COLUMNS = ("first_key", "first_file")


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


def under_resolution(status: str = "status") -> str:
    """The record is under resolution: its status is not one of IGNORED_STATUSES (SQL)."""
    return f"COALESCE({status}, 0) NOT IN ({_IGNORED})"


def fingerprint(text: str) -> str:
    """A MaHoSo's 64-bit fingerprint (SQL)."""
    return f"hash({text})"


def candidates_select(by: Literal["sorting", "grouping"]) -> str:
    """The fingerprints given by more than one record under resolution: each MaHoSo given more
    than once has one, and so may two different MaHoSo that share it. The tally keeps every
    record with such a fingerprint as a row of its own, and duplicates_select tells its
    copies apart by their text.

    Only fingerprints are compared, with nothing else: grouping ten million MaHoSo (or
    carrying where each is) costs half as much again. Both ways give the same fingerprints:
    - "sorting" (DuckDB): a fingerprint equal to the next one in order. DuckDB sorts ten
      million of them in about 60% of the CPU time its hash table takes to group them;
    - "grouping" (Spark): the fingerprints counted more than once. A window over every record
      would gather them all in one Spark partition.
    Records without a MaHoSo have a NULL fingerprint, which equals nothing, rather than being
    left out by a filter on the MaHoSo: it would be pushed into the records view and read
    every MaHoSo twice."""
    fingerprints = f"""
  SELECT CASE WHEN dossier IS NOT NULL THEN {fingerprint("dossier")} END AS fingerprint
  FROM records WHERE {under_resolution()}"""
    if by == "grouping":
        return f"""
SELECT fingerprint FROM ({fingerprints}
) AS f
GROUP BY fingerprint HAVING count(*) > 1 AND fingerprint IS NOT NULL
"""
    return f"""
SELECT DISTINCT fingerprint FROM (
  SELECT fingerprint, lead(fingerprint) OVER (ORDER BY fingerprint) AS next_fingerprint
  FROM ({fingerprints}
  ) AS f
) AS s
WHERE fingerprint = next_fingerprint
"""


def marked_select() -> str:
    """Every record with `copy`: under resolution, with a candidate fingerprint (its MaHoSo may
    be given more than once)."""
    return f"""
SELECT r.*, c.fingerprint IS NOT NULL AND {under_resolution("r.status")} AS copy
FROM records AS r LEFT JOIN candidates AS c
  ON c.fingerprint = {fingerprint("r.dossier")} AND r.dossier IS NOT NULL
"""


def duplicates_select(copies: str) -> str:
    """Each record of `copies` (key, dossier: records under resolution, among them every one
    whose MaHoSo is given more than once) but the first with its MaHoSo, by file then row:
    its key, and the first one's key and file."""
    return f"""
SELECT d.key, d.first_key, files.path AS first_file
FROM (
  SELECT key, min(key) OVER (PARTITION BY dossier) AS first_key
  FROM {copies} AS c WHERE dossier IS NOT NULL
) AS d
JOIN files ON files.file_index = CAST(d.first_key // {ROW_LIMIT_KEY} AS INTEGER)
WHERE d.key <> d.first_key
"""


def record_copies() -> str:
    """duplicates_select's `copies` from the records: those with a candidate fingerprint."""
    return f"(SELECT {_KEY} AS key, dossier FROM ({marked_select()}) AS m WHERE copy)"


def tallied_copies(tallied: str = "tallied") -> str:
    """duplicates_select's `copies` from the tally, where every record with a problem or a
    candidate fingerprint is a row of its own (tally_select)."""
    rows = f"{tallied} WHERE bad_key IS NOT NULL"
    return f"(SELECT bad_key AS key, bad.dossier AS dossier FROM {rows})"


def flagged_select() -> str:
    """Records under resolution with, for a later copy of a MaHoSo, where its first copy is."""
    return f"""
SELECT r.*, d.first_key, d.first_file
FROM records AS r LEFT JOIN duplicates AS d ON d.key = {_KEY}
WHERE {under_resolution("r.status")}
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


@cache
def _columns_read(check: Check) -> tuple[str, ...]:
    """The record's columns a check reads (its code, column, condition and values), in the
    order they appear (parsed once per check: the tally and its checks both ask)."""
    names: dict[str, None] = {}
    for sql in (check.code, check.column, check.condition, check.values):
        tree = sqlglot.parse_one(f"SELECT {sql}", read="duckdb")
        names.update(dict.fromkeys(column.name for column in tree.find_all(exp.Column)))
    return tuple(names)


def checked_columns(checks: list[Check]) -> list[str]:
    """The record's columns the checks read, in the checks' order, but the duplicates' (the
    tally keeps these of a record with a problem; problems_select adds the duplicates')."""
    names: dict[str, None] = {}
    for check in checks:
        names.update(dict.fromkeys(_columns_read(check)))
    wanted = (name for name in names if name not in _KEY_PARTS + _DUPLICATES_COLUMNS)
    return ["file_index", "row", "dossier", *wanted]


def tallied_checks(checks: list[Check]) -> list[Check]:
    """The checks made in the tally's pass: all but those that read the duplicates, which are
    known after it (duplicates_select over tallied_copies)."""
    return [check for check in checks if not set(_columns_read(check)) & set(_DUPLICATES_COLUMNS)]


def problems_select(checks: list[Check]) -> str:
    """A row per problem of the records `settled` makes bad: file_index, row, dossier,
    check_order, code, column_name and problem_values (JSON text). The checks are run again on
    these few records, from the columns the tally kept of each and the duplicates."""
    return f"""
SELECT file_index, row, dossier, p.check_order, p.code, p.column_name, p.problem_values
FROM (
  SELECT file_index, row, dossier, UNNEST({_problem_list(checks)}) AS p
  FROM (
    SELECT b.*, d.first_key, d.first_file
    FROM (SELECT bad_key, bad.* FROM settled WHERE kind = 'bad') AS b
    LEFT JOIN duplicates AS d ON d.key = b.bad_key
  ) AS b
) AS found
"""


def tally_columns(options: DeriveOptions) -> list[str]:
    """The tally's columns between `kind` and `records`: what a tally row is grouped by."""
    return ["bad_key", "unit", "field", *measure_names(options)]


def tally_select(checks: list[Check], options: DeriveOptions, among: Sequence[date]) -> str:
    """Every record read, checked and measured in one pass, then tallied: a row per distinct
    `kind` and measures (definitions.py, days ranked among `among`) with how many `records`.
    Kinds: `ignored` (statuses 1 and 3: not under resolution, not checked), `bad` (a problem),
    `excluded` (dropped by an option) and `counted`. Only counted rows keep their unit and
    field. A record with a problem or a candidate fingerprint (marked_select's `copy`) is a row
    of its own, with its key (`bad_key`) and `bad`, the columns the checks read: problems_select
    lists its problems, and duplicates_select finds copies among them (settled_select).

    A record's problems are listed after the tally, from `bad`, and not here: DuckDB builds
    a list of them for every record, even under CASE WHEN (as much as the rest of the pass)."""
    kind = (
        f"CASE WHEN NOT {under_resolution()} THEN 'ignored' "
        f"WHEN {_any_problem(tallied_checks(checks))} THEN 'bad' "
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
    names = ", ".join(tally_columns(options))
    bad = ", ".join(f"'{name}': {name}" for name in checked_columns(checks))
    kinded = f"SELECT *, {kind} AS kind FROM ({marked_select()}) AS f"
    alone = "kind = 'bad' OR copy"
    # `bad` is packed for every record and kept only where there is a bad_key (one record
    # each): packing columns is free, while a CASE around the struct copies every record's
    # (6% of the pass). `first`, as sqlglot writes any_value's FILTER where Spark rejects it.
    return f"""
SELECT kind, {names}, count(*) AS records,
  first(bad) FILTER (WHERE bad_key IS NOT NULL) AS bad
FROM (
  SELECT kind,
    CASE WHEN {alone} THEN {_KEY} END AS bad_key,
    {{{bad}}} AS bad,
    {kept}
  FROM ({measured_select(options, f"({kinded})")}) AS k
) AS measured
GROUP BY kind, {names}
"""


def settled_select(options: DeriveOptions) -> str:
    """The tally with each later copy of a MaHoSo (`duplicates`) made `bad`."""
    names = ", ".join(f"t.{name}" for name in [*tally_columns(options), "records", "bad"])
    return f"""
SELECT CASE WHEN d.key IS NOT NULL THEN 'bad' ELSE t.kind END AS kind, {names}
FROM tallied AS t LEFT JOIN duplicates AS d ON d.key = t.bad_key
"""


def valid_select(checks: list[Check]) -> str:
    """The records every count reads: under resolution and without a problem."""
    return (
        "SELECT file_index, row, dossier, procedure, field, unit, channel, received, due, "
        "ended, returned, status, result_by_post, service_level, supplement_requests, "
        f"supplement_days FROM flagged WHERE NOT ({_any_problem(checks)})"
    )
