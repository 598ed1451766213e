"""Dossier exports (CSV, Parquet, JSON) read by DuckDB as one normalized view.

DuckDB scans the files itself (read_csv, read_parquet, read_json); no row passes through Python.
A Parquet file is read where it lies, by every query that needs it (no copy: its columns are
read in parallel, and `file_row_number` says where a record is). A CSV or JSON file is copied
once into a table of its cells as text with their row numbers (one scan of the text; counting
a CSV's lines again for each query would cost more). The view `records` (normalize.py's
`record_select` over each file) has one row per dossier, with the national fields parsed:

    file_index, row        where the record is: the file (table `files`) and its position in it
                           (the first record is 1; a CSV header is not counted)
    dossier                MaHoSo                procedure  MaTTHC
    field                  MaLinhVuc as a cchc field code (mapped, or lower-cased with other
                           characters made `-`, leading `-` dropped)
    unit                   DonViXuLy (mapped to a cchc unit id)
    channel                KenhThucHien 1/2/3    status   TrangThaiHoSo 1..10
    received, due, ended, returned   NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra as DATEs
    result_by_post         HinhThuc 0/1          service_level  MucDo 1..4
    supplement_requests    how many supplement requests (DanhSachHoSoBoSung or SoLanBoSung)
    supplement_days        days waited for them (from each request's NgayBoSung to its
                           NgayTiepNhanBoSung, or SoNgayChoBoSung)

A value that is given but cannot be read leaves its column NULL and its text in `<column>_bad`
(for the supplements: `supplement_problem`, `supplement_column`, `supplement_values`), so the
checks (checks.py) can name it. The view `dossier_records` shows it with the file's path.

Dates: `yyyyMMddHHmmss`, `yyyyMMdd` or ISO (`2019-03-04`, `2019-03-04T08:00:00`, with an optional
offset, turned into Asia/Ho_Chi_Minh time); only the day is kept. Years 1900–2100.
Columns are matched by their national names, or renamed by a mapping (mapping.py).
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb

from cchc.facts.dossiers.mapping import NATIONAL_COLUMNS, Mapping
from cchc.facts.dossiers.normalize import (
    LIST_COLUMN,
    RECORD_COLUMNS,
    SUMMARY_COLUMNS,
    SourceFile,
    record_select,
    sql_name,
    sql_string,
)
from cchc.facts.dossiers.options import DeriveOptions
from cchc.facts.dossiers.problems import DossierError, RecordProblem, file_problem


class Progress(Protocol):
    """Told of each step of a long run: a code (reports/messages/*/progress.yaml words it)
    and its values."""

    def __call__(self, step: str, /, **values: object) -> None: ...


CSV_SUFFIXES = (".csv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
JSON_SUFFIXES = (".json", ".ndjson", ".jsonl")


@dataclass
class LoadedSources:
    files: list[SourceFile]
    rows_read: int
    rejected: list[RecordProblem]  # CSV lines DuckDB could not read (at most LISTED)
    rejected_total: int


def open_engine() -> tuple[duckdb.DuckDBPyConnection, tempfile.TemporaryDirectory[str]]:
    """A DuckDB database in memory whose tables and operators spill, past the memory limit, to
    a fresh temporary directory (no database file: nothing here outlives the run).
    CCHC_DUCKDB_MEMORY_LIMIT (default: half the machine's memory), CCHC_DUCKDB_TEMP (default:
    the system's temporary directory) and CCHC_DUCKDB_THREADS (default: one per core) override
    the settings."""
    work = tempfile.TemporaryDirectory(
        prefix="cchc-dossiers-", dir=os.environ.get("CCHC_DUCKDB_TEMP") or None
    )
    connection = duckdb.connect(":memory:")
    connection.execute(f"SET memory_limit = {sql_string(_memory_limit())}")
    if os.environ.get("CCHC_DUCKDB_THREADS"):  # default: DuckDB's, one per core
        connection.execute(f"SET threads = {int(os.environ['CCHC_DUCKDB_THREADS'])}")
    connection.execute(f"SET temp_directory = {sql_string(str(Path(work.name) / 'spill'))}")
    connection.execute("SET TimeZone = 'Asia/Ho_Chi_Minh'")  # the records' local time
    # DuckDB's own bar would write, unasked and unworded, on the caller's stderr; the steps
    # are told through Progress (the CLI's bar).
    connection.execute("SET enable_progress_bar = false")
    return connection, work


def _memory_limit() -> str:
    configured = os.environ.get("CCHC_DUCKDB_MEMORY_LIMIT")
    if configured:
        return configured
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return "4GB"
    return f"{max(1, total // 2 // 2**20)}MB"


def required_columns(options: DeriveOptions) -> list[str]:
    """What every file must hold for the counts the options ask for."""
    required = ["MaHoSo", "DonViXuLy", "KenhThucHien", "NgayTiepNhan", "NgayHenTra"]
    required += ["NgayKetThucXuLy", "NgayTra"] if options.end_date == "processing-ended" else []
    required += ["NgayTra"] if options.end_date == "returned" else []
    required += ["TrangThaiHoSo", "HinhThuc"] + (["MucDo"] if options.fully_online else [])
    return required


def load_sources(
    connection: duckdb.DuckDBPyConnection,
    sources: Sequence[Path],
    options: DeriveOptions,
    mapping: Mapping,
    progress: Progress,
    listed: int,
) -> LoadedSources:
    """Every file as a view `records` (after checking all their columns first: a missing one
    stops the run before any file is scanned)."""
    problems: list[RecordProblem] = []
    files = [
        _inspect(connection, index, Path(path), problems) for index, path in enumerate(sources)
    ]
    for source in files:
        if source is not None:
            _match_columns(source, options, mapping, problems)
    if problems:
        raise DossierError(problems)
    loaded = LoadedSources([f for f in files if f is not None], 0, [], 0)
    connection.execute("CREATE TABLE files (file_index INTEGER, path VARCHAR)")
    for source in loaded.files:
        progress("reading", path=str(source.path))
        records = _source_view(connection, source, problems)
        rejected, rejected_total = _rejected_lines(connection, source, listed)
        loaded.rows_read += records + rejected_total
        loaded.rejected += rejected[: max(0, listed - len(loaded.rejected))]
        loaded.rejected_total += rejected_total
        progress("read", rows=records + rejected_total, path=str(source.path))
    if problems:
        raise DossierError(problems)
    _create_tables(connection, mapping, loaded.files)
    # From here every record carries its place (file_index, row): no table needs to keep the
    # order rows were written in (a CSV's row_number() above did), and not keeping it lets
    # DuckDB write tables in parallel with less memory.
    connection.execute("SET preserve_insertion_order = false")
    return loaded


def _inspect(
    connection: duckdb.DuckDBPyConnection, index: int, path: Path, problems: list[RecordProblem]
) -> SourceFile | None:
    file, suffix = str(path), path.suffix.lower()
    if not path.is_file():
        problems.append(file_problem(file, None, "file_not_found"))
        return None
    kind = (
        "csv"
        if suffix in CSV_SUFFIXES
        else "parquet"
        if suffix in PARQUET_SUFFIXES
        else "json"
        if suffix in JSON_SUFFIXES
        else None
    )
    if kind is None:
        problems.append(file_problem(file, None, "unknown_file_type", suffix=suffix))
        return None
    source = SourceFile(index, path, kind, {}, {})
    try:
        described = connection.execute(f"DESCRIBE SELECT * FROM {_reader(source, None)}")
        source.types = {name: kind for name, kind, *_ in described.fetchall()}
    except duckdb.Error as error:
        problems.append(file_problem(file, None, "unreadable_file", detail=_first_line(error)))
        return None
    return source


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0][:300] if str(error).strip() else type(error).__name__


def _reader(source: SourceFile, columns: dict[str, str] | None) -> str:
    """The table function scanning a file; for JSON with `columns` (the file's key -> type)."""
    path = sql_string(str(source.path))
    if source.kind == "parquet":
        return f"read_parquet({path})"
    if source.kind == "json":
        if columns is None:
            return f"read_json({path}, format = 'auto')"
        spec = ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in columns.items())
        return f"read_json({path}, format = 'auto', columns = {{{spec}}})"
    # Lines that cannot be split are kept aside (reported as bad rows), never skipped quietly;
    # no comment lines (a MaHoSo may start with #) and no skipped lines before the header.
    return (
        f"read_csv({path}, all_varchar = true, header = true, skip = 0, comment = '', "
        f"delim = {sql_string(_delimiter(source.path))}, quote = '\"', store_rejects = true, "
        f"rejects_table = 'rejects_{source.index}', rejects_scan = 'scans_{source.index}')"
    )


def _delimiter(path: Path) -> str:
    """`;` or `,`, whichever the header line uses more (Excel in Vietnamese saves with `;`)."""
    with path.open("rb") as handle:
        head = handle.read(65536).decode("utf-8", errors="replace")
    header = head.lstrip("\ufeff").split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def _match_columns(
    source: SourceFile, options: DeriveOptions, mapping: Mapping, problems: list[RecordProblem]
) -> None:
    """Which of the file's columns holds each national name; a missing one is a problem."""
    file = str(source.path)
    by_name = {unicodedata.normalize("NFC", name).strip(): name for name in source.types}
    for vendor in mapping.columns:
        if vendor not in by_name:
            problems.append(
                file_problem(file, vendor, "mapping_missing_source", mapping=mapping.file)
            )
    for national in NATIONAL_COLUMNS:
        found = mapping.source_of(national, list(by_name))
        if found is not None and found in by_name:
            source.columns[national] = by_name[found]
    for national in required_columns(options):
        if national not in source.columns and not mapping.renamed(national):
            problems.append(file_problem(file, national, "missing_column"))
    for national in _missing_supplement_columns(source, options):
        problems.append(file_problem(file, national, "missing_column"))


def _missing_supplement_columns(source: SourceFile, options: DeriveOptions) -> list[str]:
    """The supplements are read from the list, else from the two summary columns; which of
    those the options need (none when neither the wait nor the number of requests matters)."""
    if LIST_COLUMN in source.columns:
        return []
    needed = ["SoLanBoSung"] if options.repeated_supplements == "late" else []
    needed += ["SoNgayChoBoSung"] if options.supplement_wait == "excluded" else []
    missing = [name for name in needed if name not in source.columns]
    if missing and not any(name in source.columns for name in SUMMARY_COLUMNS):
        return [LIST_COLUMN]
    return missing


def _create_tables(
    connection: duckdb.DuckDBPyConnection, mapping: Mapping, files: list[SourceFile]
) -> None:
    """The mapping's tables and the views `records` and `dossier_records`."""
    connection.execute("CREATE TABLE unit_map (code VARCHAR, target VARCHAR)")
    connection.execute("CREATE TABLE field_map (code VARCHAR, target VARCHAR)")
    connection.execute("CREATE TABLE value_map (column_name VARCHAR, code VARCHAR, target VARCHAR)")
    for table, rows in mapping_rows(mapping).items():
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    if files:
        connection.execute(f"CREATE VIEW records AS {records_select(files, mapping)}")
    else:
        connection.execute(f"CREATE TABLE records ({RECORD_COLUMNS})")
    connection.execute(
        "CREATE VIEW dossier_records AS SELECT files.path AS file, records.* EXCLUDE (file_index) "
        "FROM records JOIN files USING (file_index)"
    )


def records_select(files: list[SourceFile], mapping: Mapping) -> str:
    """Every file's normalized records (each file's cells are the relation `source_<index>`)."""
    return "\nUNION ALL\n".join(
        f"SELECT * FROM ({record_select(f, f'source_{f.index}', mapping)}) AS file_{f.index}"
        for f in files
    )


def mapping_rows(mapping: Mapping) -> dict[str, list[tuple[str, ...]]]:
    """The rows of the tables unit_map (code, target), field_map (code, target) and
    value_map (column_name, code, target)."""
    return {
        "unit_map": [(code, unit.id) for code, unit in mapping.units.items()],
        "field_map": list(mapping.fields.items()),
        "value_map": [(c, k, v) for c, codes in mapping.values.items() for k, v in codes.items()],
    }


def _source_view(
    connection: duckdb.DuckDBPyConnection, source: SourceFile, problems: list[RecordProblem]
) -> int:
    """`source_<index>`: the file's cells and file_row_number; how many records it has."""
    connection.execute("INSERT INTO files VALUES (?, ?)", [source.index, str(source.path)])
    name = f"source_{source.index}"
    try:
        if source.kind == "parquet":
            reader = f"read_parquet({sql_string(str(source.path))}, file_row_number = true)"
            connection.execute(f"CREATE VIEW {name} AS SELECT * FROM {reader}")
            (rows,) = connection.execute(f"SELECT count(*) FROM {name}").fetchone() or (0,)
            return int(rows)
        json_columns = {
            column: ("JSON" if national == LIST_COLUMN else "VARCHAR")
            for national, column in source.columns.items()
        }
        columns = ", ".join(sql_name(column) for column in source.columns.values())
        reader = _reader(source, json_columns if source.kind == "json" else None)
        connection.execute(
            f"CREATE TABLE {name} AS SELECT row_number() OVER () - 1 AS file_row_number, "
            f"{columns} FROM {reader}"
        )
        described = connection.execute(f"DESCRIBE {name}").fetchall()
        source.types = {column: kind for column, kind, *_ in described}
        (rows,) = connection.execute(f"SELECT count(*) FROM {name}").fetchone() or (0,)
        return int(rows)
    except duckdb.Error as error:
        problems.append(
            file_problem(str(source.path), None, "unreadable_file", detail=_first_line(error))
        )
        return 0


def _rejected_lines(
    connection: duckdb.DuckDBPyConnection, source: SourceFile, listed: int
) -> tuple[list[RecordProblem], int]:
    """The CSV lines DuckDB could not read (too many or too few cells, bad quoting, bytes that
    are not UTF-8): bad rows, named by their line since they have no position among records."""
    if source.kind != "csv":
        return [], 0
    table = f"rejects_{source.index}"
    try:
        (total,) = connection.execute(f"SELECT count(DISTINCT line) FROM {table}").fetchone() or (
            0,
        )
        rows = connection.execute(
            f"SELECT line, min(error_type) FROM {table} GROUP BY line ORDER BY line LIMIT {listed}"
        ).fetchall()
    except duckdb.Error:  # no rejects table: nothing was rejected
        return [], 0
    problems = [
        RecordProblem(
            str(source.path),
            None,
            None,
            None,
            "unreadable_row",
            {"line": int(line), "error": str(kind)},
        )
        for line, kind in rows
    ]
    return problems, int(total)
