"""One share rule over every report, three engines side by side: a Python loop, Polars, DuckDB.

    python bench/bench_columns.py --units 10000 100000 --runs 5

The rule is the on-time share (≥ 95 %) per unit × report period: numerator resolved_early +
resolved_on_time, denominator resolved_early + resolved_on_time + resolved_late; a finding per
report, `pass` when num * 20 >= den * 19 (exact integer cross-multiplication), `fail` otherwise,
`not_applicable` when den == 0. The reports are those of tests/factsets.py's generated document
(4 per unit). Each way starts from the same list of report dicts:

- python: a loop over the dicts (nothing to build);
- polars: the fields flattened into columns, one DataFrame (build), then one expression;
- duckdb: the same Polars frame copied into a DuckDB table through the Arrow C stream interface
  (`__arrow_c_stream__`: no pyarrow needed; DuckDB reads a Polars frame itself only through
  pyarrow), then the rule as SQL into a findings table;
- duckdb (lists): the flattened columns passed as list parameters and unnested into the table
  (the other pyarrow-free path; executemany of 400,000 rows is not worth timing).

Timed separately per way: build (report dicts to the engine's own store), evaluate (the
findings in that store plus the status counts) and to-Python (the findings as a list of
(unit, period, status) tuples, what a report renderer would need). Status counts must agree in
every run and the findings themselves in the first run (asserted). Ways alternate within a run;
the table gives medians of --runs. Peak RSS Δ: the process's peak RSS (VmHWM, reset through
/proc/self/clear_refs before each way) minus its RSS just before; memory Python's allocator kept
from an earlier way is reused without showing here.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from factsets import generated_document

NUMERATOR = ("resolved_early", "resolved_on_time")
LATE = "resolved_late"
FIELDS = (*NUMERATOR, LATE)
Finding = tuple[str, str, str]

# --- python -------------------------------------------------------------------------------------


def python_build(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return reports


def python_evaluate(reports: list[dict[str, Any]]) -> tuple[list[Finding], dict[str, int]]:
    findings: list[Finding] = []
    append = findings.append
    for report in reports:
        dossiers = report["dossiers"]
        num = dossiers["resolved_early"] + dossiers["resolved_on_time"]
        den = num + dossiers["resolved_late"]
        if den == 0:
            status = "not_applicable"
        elif num * 20 >= den * 19:
            status = "pass"
        else:
            status = "fail"
        append((report["unit"], report["period"], status))
    return findings, dict(Counter(finding[2] for finding in findings))


def python_rows(findings: list[Finding]) -> list[Finding]:
    return findings


# --- polars -------------------------------------------------------------------------------------


def columns(reports: list[dict[str, Any]]) -> dict[str, list[Any]]:
    dossiers = [report["dossiers"] for report in reports]
    return {
        "unit": [report["unit"] for report in reports],
        "period": [report["period"] for report in reports],
        **{field: [d[field] for d in dossiers] for field in FIELDS},
    }


SCHEMA = {"unit": pl.String, "period": pl.String} | {field: pl.Int64 for field in FIELDS}


def polars_build(reports: list[dict[str, Any]]) -> pl.DataFrame:
    return pl.DataFrame(columns(reports), schema=SCHEMA)


def polars_evaluate(frame: pl.DataFrame) -> tuple[pl.DataFrame, dict[str, int]]:
    num = pl.col(NUMERATOR[0]) + pl.col(NUMERATOR[1])
    den = num + pl.col(LATE)
    status = (
        pl.when(den == 0)
        .then(pl.lit("not_applicable"))
        .when(num * 20 >= den * 19)
        .then(pl.lit("pass"))
        .otherwise(pl.lit("fail"))
    )
    findings = frame.select("unit", "period", status=status)
    counts = dict(findings.group_by("status").len().iter_rows())
    return findings, counts


def polars_rows(findings: pl.DataFrame) -> list[Finding]:
    return findings.rows()


# --- duckdb -------------------------------------------------------------------------------------


class ArrowStream:
    """Only the Arrow PyCapsule stream of a frame: DuckDB scans it without pyarrow."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.frame = frame

    def __arrow_c_stream__(self, requested_schema: object = None) -> object:
        return self.frame.__arrow_c_stream__(requested_schema)


RULE_SQL = """
CREATE TEMP TABLE findings AS
SELECT unit, period,
       CASE WHEN den = 0 THEN 'not_applicable'
            WHEN num * 20 >= den * 19 THEN 'pass'
            ELSE 'fail' END AS status
FROM (SELECT unit, period,
             resolved_early + resolved_on_time AS num,
             resolved_early + resolved_on_time + resolved_late AS den
      FROM reports)
"""


def duckdb_build(reports: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    stream = ArrowStream(polars_build(reports))
    connection.register("frame", stream)
    connection.execute("CREATE TABLE reports AS SELECT * FROM frame")
    connection.unregister("frame")
    return connection


def duckdb_lists_build(reports: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    selected = ", ".join(
        [f"unnest(${name}) AS {name}" for name in ("unit", "period")]
        + [f"CAST(unnest(${field}) AS BIGINT) AS {field}" for field in FIELDS]
    )
    connection.execute(f"CREATE TABLE reports AS SELECT {selected}", columns(reports))
    return connection


def duckdb_evaluate(
    connection: duckdb.DuckDBPyConnection,
) -> tuple[duckdb.DuckDBPyConnection, dict[str, int]]:
    connection.execute(RULE_SQL)
    counts = connection.execute("SELECT status, count(*) FROM findings GROUP BY status")
    return connection, dict(counts.fetchall())


def duckdb_rows(connection: duckdb.DuckDBPyConnection) -> list[Finding]:
    rows = connection.execute("SELECT unit, period, status FROM findings").fetchall()
    connection.close()
    return rows


# --- the benchmark ------------------------------------------------------------------------------

WAYS: dict[str, tuple[Callable[..., Any], Callable[..., Any], Callable[..., Any]]] = {
    "python loop": (python_build, python_evaluate, python_rows),
    "polars": (polars_build, polars_evaluate, polars_rows),
    "duckdb (arrow stream)": (duckdb_build, duckdb_evaluate, duckdb_rows),
    "duckdb (list params)": (duckdb_lists_build, duckdb_evaluate, duckdb_rows),
}


def _status_kib(field: str) -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
            clear.write("5")  # resets VmHWM to the current RSS (Linux ≥ 4.0)
        return True
    except OSError:
        return False


def run_way(name: str, reports: list[dict[str, Any]]) -> dict[str, Any]:
    build, evaluate, to_rows = WAYS[name]
    gc.collect()
    peak_known = _reset_peak()
    before = _status_kib("VmRSS")
    start = time.perf_counter()
    store = build(reports)
    built = time.perf_counter()
    findings, counts = evaluate(store)
    evaluated = time.perf_counter()
    rows = to_rows(findings)
    done = time.perf_counter()
    peak = (_status_kib("VmHWM") - before) / 1024 if peak_known else float("nan")
    return {
        "build": built - start,
        "evaluate": evaluated - built,
        "rows": done - evaluated,
        "peak": peak,
        "counts": counts,
        "findings": rows,
    }


def bench(units: int, runs: int) -> tuple[list[list[str]], dict[str, int]]:
    reports = generated_document(units)["reports"]
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in WAYS}
    expected: dict[str, int] | None = None
    for run in range(runs):
        reference: list[Finding] | None = None
        for name in WAYS:
            result = run_way(name, reports)
            expected = expected or result["counts"]
            assert result["counts"] == expected, (name, result["counts"], expected)
            if run == 0:
                found = sorted(result["findings"])
                reference = reference or found
                assert found == reference, f"{name}: other findings than the python loop's"
            del result["findings"]
            samples[name].append(result)
    assert expected is not None
    rows = []
    python_total = None
    for name, results in samples.items():
        median = {k: statistics.median(r[k] for r in results) for k in ("build", "evaluate")}
        median["rows"] = statistics.median(r["rows"] for r in results)
        total = median["build"] + median["evaluate"]
        python_total = python_total or total
        rows.append(
            [
                f"{units:,}",
                f"{len(reports):,}",
                name,
                f"{median['build']:.3f}",
                f"{median['evaluate']:.3f}",
                f"{total:.3f}",
                f"{python_total / total:.1f}",
                f"{median['rows']:.3f}",
                f"{statistics.median(r['peak'] for r in results):.0f}",
            ]
        )
    return rows, expected


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows, counts_lines = [], []
    for units in args.units:
        print(f"{units:,} units …", file=sys.stderr)
        table, counts = bench(units, args.runs)
        rows += table
        counts_lines.append(
            f"{units:,} units: " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))
        )
    headers = [
        "units",
        "reports",
        "way",
        "build s",
        "evaluate s",
        "build+eval s",
        "speed ×loop",
        "to Python s",
        "peak RSS Δ MiB",
    ]
    print(tabulate(rows, headers=headers, disable_numparse=True))
    print("identical status counts in every run: " + "; ".join(counts_lines))
    has_pyarrow = importlib.util.find_spec("pyarrow") is not None
    print(
        f"medians of {args.runs} runs · polars {pl.__version__} · duckdb {duckdb.__version__} · "
        f"pyarrow {'present' if has_pyarrow else 'absent'} · Python {sys.version.split()[0]} · "
        f"{os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
