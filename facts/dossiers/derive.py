"""From dossier records to the Biểu 06 counts per unit × period (× field), as cchc facts.

    derivation = derive_counts([Path("q1.csv")], [Period.parse("2019-Q1")])
    derivation.counts                # polars: unit, period, field (None: all fields), 13 counts
    derivation.as_fact_document()    # {"schema": "cchc-facts/1", "reports": [...]}

The stages: every file as DuckDB's view `records` (records.py, normalize.py: a Parquet file is
read where it lies); the fingerprints given more than once (`candidates`, a pass over the
MaHoSo alone); then one pass that checks and measures each record and tallies them (checks.py's
tally_select: the table `tallied`, a row per distinct measured record and one per record with a
problem or a candidate fingerprint); the later copies of each MaHoSo, found by text among those
rows, made bad (`settled`); and the counts over the tally (definitions.py). The files are parsed
once for the checks and the counts; Apache Spark runs the same SQL (spark.py).
A record with a problem is left out of every count and listed
(at most LISTED of them; every one is counted). When more than `bad_row_limit` of the rows read
are bad, DossierError stops the run with the problems.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import orjson
import polars as pl

from cchc.facts.dossiers.checks import (
    SETTLED_COUNTED,
    SETTLED_KINDS,
    candidates_select,
    duplicates_select,
    flagged_select,
    problems_select,
    record_checks,
    record_copies,
    settled_select,
    tallied_copies,
    tally_select,
    valid_select,
)
from cchc.facts.dossiers.definitions import (
    COUNT_NAMES,
    FULLY_ONLINE,
    boundaries,
    counts_sql,
    explain_sql,
    ranked_periods_sql,
)
from cchc.facts.dossiers.mapping import Mapping, UnitEntry, as_mapping
from cchc.facts.dossiers.normalize import SourceFile, sql_string
from cchc.facts.dossiers.options import DeriveOptions
from cchc.facts.dossiers.problems import DossierError, RecordProblem
from cchc.facts.dossiers.records import LoadedSources, Progress, load_sources, open_engine
from cchc.facts.format import SCHEMA
from cchc.facts.periods import Period

LISTED = 1000  # problems kept with their place; all are counted
MappingLike = Mapping | str | Path | dict[str, Any]


@dataclass(frozen=True)
class Derivation:
    """The counts and what reading the records found.

    counts: one row per (unit, period, field), field None for the unit's total over all fields;
        columns unit, period, field, then the 13 counts (and dossiers_fully_online when asked).
    record_problems: at most LISTED problems, in file and row order; problems_total counts all,
        problem_counts by code.
    rows_read: every record of every file; rows_ignored: statuses 1 and 3; rows_bad: records
        with at least one problem (left out of the counts)."""

    counts: pl.DataFrame
    record_problems: list[RecordProblem]
    rows_read: int
    rows_ignored: int
    rows_bad: int
    problems_total: int = 0
    problem_counts: dict[str, int] = field(default_factory=dict)
    options: DeriveOptions = field(default_factory=DeriveOptions)
    units: dict[str, UnitEntry] = field(default_factory=dict)

    def as_fact_document(self) -> dict[str, Any]:
        """The counts as a cchc-facts/1 document. Units the mapping names with `name` and `kind`
        are its registry; others must be in another fact file loaded with it."""
        reports: dict[tuple[str, str], dict[str, Any]] = {}
        names = [name for name in self.counts.columns if name not in ("unit", "period", "field")]
        for row in self.counts.iter_rows(named=True):
            report = reports.setdefault(
                (row["unit"], row["period"]), {"unit": row["unit"], "period": row["period"]}
            )
            counts = {name: int(row[name]) for name in COUNT_NAMES}
            if row["field"] is None:
                report["dossiers"] = counts
                if FULLY_ONLINE in names:
                    report["indicators"] = {FULLY_ONLINE: int(row[FULLY_ONLINE])}
            else:
                report.setdefault("dossiers_by_field", {})[row["field"]] = counts
        document: dict[str, Any] = {"schema": SCHEMA}
        registry = {
            unit.id: {"id": unit.id, "name": unit.name, "kind": unit.kind}
            for unit in self.units.values()
            if unit.name and unit.kind
        }
        if registry:
            document["units"] = list(registry.values())
        document["reports"] = list(reports.values())
        return document


def derive_counts(
    sources: Sequence[Path],
    periods: Sequence[Period],
    options: DeriveOptions = DeriveOptions(),  # noqa: B008 (frozen: one shared default is safe)
    mapping: MappingLike | None = None,
    progress: Progress | None = None,
) -> Derivation:
    """The Biểu 06 counts of the records in `sources` for each period. Raises DossierError when
    a file or the mapping cannot be used, or when too many rows are bad."""
    say = progress or quiet
    parsed = as_mapping(mapping)
    wanted = unique_periods(periods)
    with _read_records(sources, options, parsed, say) as (connection, loaded):
        say("checking")
        _periods_table(connection, wanted)
        among = boundaries((period.start, period.end) for period in wanted)
        checks = record_checks(options)
        connection.execute(f"CREATE TEMP TABLE tallied AS {tally_select(checks, options, among)}")
        connection.execute(f"CREATE TABLE duplicates AS {duplicates_select(tallied_copies())}")
        connection.execute(f"CREATE VIEW settled AS {settled_select(options)}")
        connection.execute(f"CREATE TABLE problems AS {problems_select(checks)}")
        summary = _summarise(connection, loaded)
        raise_when_too_bad(summary, options)
        say("counting", periods=len(wanted))
        connection.execute(f"CREATE VIEW ranked_periods AS {ranked_periods_sql(among)}")
        counts = _counts_frame(connection, options)
        say("counted", rows=counts.height)
    return summary.derivation(counts, options, parsed)


def raise_when_too_bad(summary: Summary, options: DeriveOptions) -> None:
    """DossierError (too_many_bad_rows) when more than bad_row_limit of the rows are bad."""
    if summary.rows_bad > options.bad_row_limit * summary.rows_read:
        raise DossierError(
            summary.problems,
            "too_many_bad_rows",
            {
                "bad": summary.rows_bad,
                "read": summary.rows_read,
                "allowed": math.floor(options.bad_row_limit * summary.rows_read),
            },
            summary.problems_total,
        )


def explain(
    sources: Sequence[Path],
    unit: str,
    period: Period | str,
    options: DeriveOptions = DeriveOptions(),  # noqa: B008
    mapping: MappingLike | None = None,
) -> pl.DataFrame:
    """The dossiers behind one unit × period's counts: a row per dossier with `judged` (early,
    on_time, late, pending_within_due, pending_past_due) and `reason` (a code of
    definitions.REASONS: what decided it, which reports/dossiers.py words with the row's dates
    and the period's, period_from and period_to), and one more row with `judged` =
    carried_over for each dossier carried over, so that counting rows by `judged` gives the
    form's columns. Records with problems are not shown; no threshold applies."""
    parsed = as_mapping(mapping)
    with _read_records(sources, options, parsed, quiet) as (connection, _):
        connection.execute(f"CREATE TABLE duplicates AS {duplicates_select(record_copies())}")
        connection.execute(f"CREATE VIEW flagged AS {flagged_select()}")
        valid = valid_select(record_checks(options))
        connection.execute(f"CREATE VIEW explained_records AS {valid}")
        _periods_table(connection, [Period.parse(period)])
        connection.execute(
            "CREATE VIEW unit_records AS SELECT files.path AS file, v.* "
            "FROM explained_records AS v JOIN files USING (file_index) "
            f"WHERE unit = {sql_string(unit)}"
        )
        cursor = connection.execute(explain_sql(options, "unit_records", "periods"))
        columns = [description[0] for description in cursor.description or ()]
        return pl.DataFrame(cursor.fetchall(), schema=columns, orient="row")


@dataclass
class Summary:
    """What reading and checking the records found (either engine)."""

    rows_read: int
    rows_ignored: int
    rows_bad: int
    problems_total: int
    problem_counts: dict[str, int]
    problems: list[RecordProblem]

    def derivation(
        self, counts: pl.DataFrame, options: DeriveOptions, mapping: Mapping
    ) -> Derivation:
        return Derivation(
            counts,
            self.problems,
            self.rows_read,
            self.rows_ignored,
            self.rows_bad,
            self.problems_total,
            self.problem_counts,
            options,
            dict(mapping.units),
        )


def quiet(_: str, /, **__: object) -> None:
    """A Progress that tells no one."""
    pass


@contextmanager
def _read_records(
    sources: Sequence[Path], options: DeriveOptions, mapping: Mapping, say: Progress
) -> Iterator[tuple[duckdb.DuckDBPyConnection, LoadedSources]]:
    """A DuckDB database with the records read (the view `records`) and the fingerprints of
    the MaHoSo that may be given more than once (`candidates`). The database and its spill
    files are removed afterwards."""
    connection, work = open_engine()
    try:
        loaded = load_sources(connection, sources, options, mapping, say, LISTED)
        connection.execute(f"CREATE TABLE candidates AS {candidates_select('sorting')}")
        yield connection, loaded
    finally:
        connection.close()
        work.cleanup()


def _summarise(connection: duckdb.DuckDBPyConnection, loaded: LoadedSources) -> Summary:
    rows_ignored, rows_bad = _one(
        connection,
        SETTLED_KINDS,
    )
    by_code = dict(
        connection.execute("SELECT code, count(*) FROM problems GROUP BY code").fetchall()
    )
    if loaded.rejected_total:
        by_code["unreadable_row"] = loaded.rejected_total
    listed = connection.execute(
        "SELECT file_index, row, dossier, code, column_name, problem_values FROM problems "
        f"ORDER BY file_index, row, check_order LIMIT {LISTED}"
    ).fetchall()
    files = {source.index: source for source in loaded.files}
    problems = loaded.rejected + [
        problem_at(files[index], row, dossier, code, column, values)
        for index, row, dossier, code, column, values in listed
    ]
    return Summary(
        loaded.rows_read,
        int(rows_ignored),
        int(rows_bad) + loaded.rejected_total,
        sum(by_code.values()),
        {str(code): int(count) for code, count in sorted(by_code.items())},
        problems[:LISTED],
    )


def _one(connection: duckdb.DuckDBPyConnection, sql: str) -> tuple[Any, ...]:
    return connection.execute(sql).fetchone() or (0,)


def problem_at(
    source: SourceFile, row: int, dossier: str | None, code: str, column: str, values: str
) -> RecordProblem:
    """A problem with its column as the file names it (a vendor's name after a mapping)."""
    national, _, rest = column.partition("[")
    shown = source.source(national) + (f"[{rest}" if rest else "")
    parsed = orjson.loads(values) if values else {}
    return RecordProblem(str(source.path), int(row), dossier, shown, code, parsed)


def unique_periods(periods: Sequence[Period | str]) -> list[Period]:
    return list(dict.fromkeys(Period.parse(period) for period in periods))


def _periods_table(connection: duckdb.DuckDBPyConnection, periods: list[Period]) -> None:
    connection.execute("CREATE TABLE periods (period VARCHAR, period_from DATE, period_to DATE)")
    if periods:
        connection.executemany(
            "INSERT INTO periods VALUES (?, ?, ?)", [(str(p), p.start, p.end) for p in periods]
        )


def _counts_frame(connection: duckdb.DuckDBPyConnection, options: DeriveOptions) -> pl.DataFrame:
    sql = counts_sql(SETTLED_COUNTED, "ranked_periods", fully_online=options.fully_online)
    cursor = connection.execute(sql)
    columns = [description[0] for description in cursor.description or ()]
    return counts_frame(cursor.fetchall(), columns)


def counts_frame(rows: Sequence[Sequence[Any]], columns: list[str]) -> pl.DataFrame:
    """The counts as Derivation.counts holds them."""
    schema = {
        name: (pl.String if name in ("unit", "period", "field") else pl.Int64) for name in columns
    }
    return pl.DataFrame([tuple(row) for row in rows], schema=schema, orient="row")
