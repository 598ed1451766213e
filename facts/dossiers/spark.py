"""The Biểu 06 counts on Apache Spark: one definition of the metrics, run by a second engine.

    from cchc.facts.dossiers.spark import derive_counts_spark, spark_session
    derivation = derive_counts_spark([Path("q1.parquet")], [Period.parse("2019-Q1")],
                                     spark=spark_session("local[2]"))

The same `Derivation` as `derive_counts` (DuckDB), from the same SQL: every statement Spark runs
is the DuckDB SQL of the DuckDB path, transpiled by sqlglot (definitions.spark_sql) — the
normalization of each file (normalize.record_select), the record checks, the tally and the
duplicates (checks.py), and the counts (definitions.counts_sql). A change to a definition, a
check or the reading of a value changes both engines. Only the reading of the files is Spark's own
(spark.read, with the row's place in the file as `file_row_number`), and the small tables (the
mapping, the periods) are made from Python lists.

Requirements: pyspark >= 3.5 (tested: 4.3.0) and a Java runtime it supports (Spark 4 needs
Java 17 or 21; Debian: openjdk-17-jre-headless). pyspark finds `java` on PATH or JAVA_HOME
(e.g. JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64). Cluster use: docs/spark.md.

The work runs in a new session of the given SparkSession (its own temporary views and SQL
settings, the same SparkContext), with spark.sql.session.timeZone = Asia/Ho_Chi_Minh: dates
with an offset are read in Vietnamese time, as DuckDB does.

What DuckDB does and Spark does not (each refused or said, never silently different):
- The supplement list `DanhSachHoSoBoSung` (JSON text, or a Parquet list): reading it takes
  DuckDB's JSON functions and list lambdas (json_valid, from_json, list_transform), which
  sqlglot does not transpile to Spark. A file whose supplements are only in the list is refused
  (`unreadable_file`, saying so); when it also has SoLanBoSung / SoNgayChoBoSung, those are read
  and the list is not. So the codes bad_supplements, bad_date on a supplement and
  supplement_before_request are DuckDB's only; every other record problem is checked by both.
- JSON files: Parquet and CSV only.
- CSV lines with too many or too few cells: Spark's CSV reader pads or cuts them rather than
  rejecting them, so there is no `unreadable_row` on Spark (DuckDB reports each). A CSV file is
  numbered in one Spark partition (row_number over the reading order); use Parquet at scale.
- explain() is DuckDB's only.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cchc.facts.dossiers.checks import (
    SETTLED_COUNTED,
    SETTLED_KINDS,
    candidates_select,
    duplicates_select,
    problems_select,
    record_checks,
    settled_select,
    tallied_copies,
    tally_select,
)
from cchc.facts.dossiers.definitions import (
    boundaries,
    counts_sql,
    ranked_periods_sql,
    spark_sql,
)
from cchc.facts.dossiers.derive import (
    LISTED,
    Derivation,
    MappingLike,
    Summary,
    counts_frame,
    problem_at,
    quiet,
    raise_when_too_bad,
    unique_periods,
)
from cchc.facts.dossiers.mapping import Mapping, as_mapping
from cchc.facts.dossiers.normalize import LIST_COLUMN, SUMMARY_COLUMNS, SourceFile
from cchc.facts.dossiers.options import DeriveOptions
from cchc.facts.dossiers.problems import DossierError, RecordProblem, file_problem
from cchc.facts.dossiers.records import (
    CSV_SUFFIXES,
    PARQUET_SUFFIXES,
    Progress,
    _delimiter,
    _match_columns,
    mapping_rows,
    records_select,
)
from cchc.facts.periods import Period

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

TIME_ZONE = "Asia/Ho_Chi_Minh"
# Spark's simple type names as DuckDB names them (normalize.py reads typed integers as such).
_TYPES = {"int": "INTEGER", "bigint": "BIGINT", "smallint": "SMALLINT", "tinyint": "TINYINT"}


def spark_session(
    master: str = "local[2]", app: str = "cchc-dossiers", settings: dict[str, str] | None = None
) -> SparkSession:
    """A SparkSession for a run on this machine (`local[N]`) or a cluster's master URL; under
    spark-submit the master and settings given there win (getOrCreate). `settings` add to or
    replace the defaults below; derive_counts_spark's session starts from these (a setting
    changed later with spark.conf.set is not seen there)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName(app).master(master)
    for key, value in {
        "spark.sql.session.timeZone": TIME_ZONE,
        "spark.ui.enabled": "false",
        "spark.ui.showConsoleProgress": "false",
        "spark.sql.shuffle.partitions": os.environ.get("CCHC_SPARK_PARTITIONS", "8"),
        **(settings or {}),
    }.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def derive_counts_spark(
    sources: Sequence[Path | str],
    periods: Sequence[Period],
    options: DeriveOptions = DeriveOptions(),  # noqa: B008 (frozen: one shared default is safe)
    mapping: MappingLike | None = None,
    spark: SparkSession | None = None,
    progress: Progress | None = None,
) -> Derivation:
    """derive_counts on Spark: the same counts, problems and row numbers (see the module
    docstring for what differs). `sources` are files Spark can read (local, hdfs://, s3a://).
    The work runs in spark.newSession(): its own temporary views, and the SQL settings the
    SparkContext was made with (spark_session's, spark-submit's)."""
    say = progress or quiet
    parsed = as_mapping(mapping)
    session = (spark or spark_session()).newSession()
    session.conf.set("spark.sql.session.timeZone", TIME_ZONE)
    files = _read_files(session, sources, options, parsed, say)
    _register_tables(session, files, parsed)
    wanted = unique_periods(periods)
    rows = [(str(p), p.start, p.end) for p in wanted]
    schema = "period STRING, period_from DATE, period_to DATE"
    session.createDataFrame(rows, schema).createOrReplaceTempView("periods")
    among = boundaries((period.start, period.end) for period in wanted)
    say("checking")
    summary = _check(session, files, options, among)
    raise_when_too_bad(summary, options)
    say("counting", periods=len(wanted))
    _sql(session, ranked_periods_sql(among)).createOrReplaceTempView("ranked_periods")
    result = _sql(
        session, counts_sql(SETTLED_COUNTED, "ranked_periods", fully_online=options.fully_online)
    )
    counts = counts_frame([tuple(row) for row in result.collect()], result.columns)
    say("counted", rows=counts.height)
    return summary.derivation(counts, options, parsed)


def _sql(session: SparkSession, duckdb_sql: str) -> DataFrame:
    return session.sql(spark_sql(duckdb_sql))


def _read_files(
    session: SparkSession,
    sources: Sequence[Path | str],
    options: DeriveOptions,
    mapping: Mapping,
    say: Progress,
) -> list[tuple[SourceFile, DataFrame, int]]:
    """Each file as a DataFrame of its cells and file_row_number, with how many rows it has;
    every file is checked before any is counted."""
    problems: list[RecordProblem] = []
    found = []
    for index, path in enumerate(sources):
        say("reading", path=str(path))
        frame = _reader(session, index, str(path), problems)
        if frame is None:
            continue
        source = SourceFile(index, Path(str(path)), _kind(str(path)), {}, _types(frame))
        _match_columns(source, options, mapping, problems)
        _without_list(source, problems)
        found.append((source, frame))
    if problems:
        raise DossierError(problems)
    read = []
    for source, frame in found:
        columns = [*dict.fromkeys(source.columns.values()), "file_row_number"]
        cells = frame.select(*[f"`{name}`" for name in columns])
        read.append((source, cells, cells.count()))
        say("read", rows=read[-1][2], path=str(source.path))
    return read


def _kind(path: str) -> str:
    return "parquet" if path.lower().endswith(PARQUET_SUFFIXES) else "csv"


def _types(frame: DataFrame) -> dict[str, str]:
    return {
        field.name: _TYPES.get(field.dataType.simpleString(), "VARCHAR")
        for field in frame.schema.fields
        if field.name != "file_row_number"
    }


def _reader(
    session: SparkSession, index: int, path: str, problems: list[RecordProblem]
) -> DataFrame | None:
    """The file's cells and file_row_number (0 for the first record): a Parquet file's own row
    index, a CSV file's records numbered in the order they are read (all cells as text)."""
    lower = path.lower()
    if not lower.endswith(PARQUET_SUFFIXES + CSV_SUFFIXES):
        suffix = Path(path).suffix.lower()
        problems.append(file_problem(path, None, "unknown_file_type", suffix=suffix))
        return None
    try:
        if lower.endswith(PARQUET_SUFFIXES):
            frame = session.read.parquet(path)
            return frame.select("*", frame["_metadata.row_index"].alias("file_row_number"))
        return _csv(session, path)
    except Exception as error:  # py4j and Spark raise many kinds
        detail = str(error).strip().splitlines()[0][:300] if str(error).strip() else "error"
        code = "file_not_found" if "PATH_NOT_FOUND" in str(error) else "unreadable_file"
        values = {} if code == "file_not_found" else {"detail": detail}
        problems.append(file_problem(path, None, code, **values))
        return None


def _csv(session: SparkSession, path: str) -> DataFrame:
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    local = not path.partition("://")[1]
    delimiter = _delimiter(Path(path)) if local else os.environ.get("CCHC_CSV_DELIMITER", ",")
    frame = session.read.csv(
        path, header=True, sep=delimiter, quote='"', escape='"', inferSchema=False, comment=None
    )
    frame = frame.toDF(*[name.lstrip("\ufeff") for name in frame.columns])
    order = Window.orderBy(F.monotonically_increasing_id())
    return frame.withColumn("file_row_number", F.row_number().over(order) - 1)


def _without_list(source: SourceFile, problems: list[RecordProblem]) -> None:
    """The supplement list is read by DuckDB only: use the summary columns, or refuse."""
    if LIST_COLUMN not in source.columns:
        return
    if any(name in source.columns for name in SUMMARY_COLUMNS):
        del source.columns[LIST_COLUMN]
        return
    detail = (
        f"{LIST_COLUMN} is read by the DuckDB engine only; on Spark give "
        f"{' and '.join(SUMMARY_COLUMNS)}"
    )
    problems.append(file_problem(str(source.path), LIST_COLUMN, "unreadable_file", detail=detail))


def _register_tables(
    session: SparkSession, files: list[tuple[SourceFile, DataFrame, int]], mapping: Mapping
) -> None:
    """The views the DuckDB SQL reads: source_<i>, files, the mapping's tables, records."""
    schemas = {
        "unit_map": "code STRING, target STRING",
        "field_map": "code STRING, target STRING",
        "value_map": "column_name STRING, code STRING, target STRING",
    }
    for table, rows in mapping_rows(mapping).items():
        session.createDataFrame(rows, schemas[table]).createOrReplaceTempView(table)
    paths = [(source.index, str(source.path)) for source, _, _ in files]
    session.createDataFrame(paths, "file_index INT, path STRING").createOrReplaceTempView("files")
    for source, frame, _ in files:
        frame.createOrReplaceTempView(f"source_{source.index}")
    sources = [source for source, _, _ in files]
    # Kept (memory, then disk): the checks and the counts read the normalized records again.
    _sql(session, records_select(sources, mapping)).persist().createOrReplaceTempView("records")


def _check(
    session: SparkSession,
    files: list[tuple[SourceFile, DataFrame, int]],
    options: DeriveOptions,
    among: list[date],
) -> Summary:
    """checks.py's statements, each kept: the candidate fingerprints, the tally, the later
    copies of a MaHoSo, the tally with them made bad, and its problems."""
    checks = record_checks(options)
    kept = {
        "candidates": candidates_select("grouping"),
        "tallied": tally_select(checks, options, among),
        "duplicates": duplicates_select(tallied_copies()),
        "settled": settled_select(options),
    }
    for name, sql in kept.items():
        _sql(session, sql).cache().createOrReplaceTempView(name)
    problems = _sql(session, problems_select(checks)).cache()
    kinds = _sql(
        session,
        SETTLED_KINDS,
    ).collect()[0]
    codes = problems.groupBy("code").count().collect()
    by_code = {str(row[0]): int(row[1]) for row in codes}
    listed = problems.orderBy("file_index", "row", "check_order").limit(LISTED).collect()
    by_index = {source.index: source for source, _, _ in files}
    return Summary(
        sum(rows for _, _, rows in files),
        int(kinds[0]),
        int(kinds[1]),
        sum(by_code.values()),
        dict(sorted(by_code.items())),
        [_listed(by_index, row) for row in listed],
    )


def _listed(files: dict[int, SourceFile], row: Any) -> RecordProblem:
    return problem_at(
        files[row["file_index"]],
        row["row"],
        row["dossier"],
        row["code"],
        row["column_name"],
        row["problem_values"],
    )
