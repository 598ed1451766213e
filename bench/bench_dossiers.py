"""Dossier records to Biểu 06 counts: cchc's derivation, the hand-written SQL floor and pandas,
side by side in one run (issue 10).

    python bench/dossier_sets.py --rows 1000000 --output /tmp/d1m.parquet
    python bench/bench_dossiers.py --sets /tmp/d1m.parquet /tmp/d10m.parquet --runs 3
    python bench/bench_dossiers.py --sets /tmp/d50m.parquet --runs 1 --skip pandas

For each set, each method runs --runs times, each time in a fresh subprocess (so its peak RSS
is its own), the methods taking turns (cchc, SQL, pandas, cchc, …: a change in the shared
host's load falls on all alike), computing the 13 counts per DonViXuLy × period for YEAR-Q1…Q4
and YEAR with the contract's default options (/work/notes/dossier-spec.md; YEAR from the set's
Parquet metadata, written by bench/dossier_sets.py, or --year):
- cchc: `cchc.facts.dossiers.derive_counts([path], periods, DeriveOptions())`, the unit totals
  of `.counts` (field = None). When the module does not import, the two baselines still run.
- SQL: bench/baselines/dossiers.sql in DuckDB (default settings), the floor.
- pandas: bench/baselines/dossiers_pandas.py.
Per run: wall seconds around the child, the child's own compute seconds (after its imports),
its CPU time (user + sys) and peak RSS (os.wait4's rusage). Reported: the median and min–max
of wall time, medians of the rest, the ratios cchc/SQL and pandas/cchc (of the medians, and
the median of each round's pandas/cchc), and whether each method's counts equal the SQL's
(every unit × period, all 13 counts). --pandas-memory-gib caps
the pandas child's address space (a run that hits it is reported as failed, not retried).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from tabulate import tabulate

ROOT = Path(__file__).resolve().parents[1]
BASELINES = ROOT / "bench" / "baselines"
METHODS = ("cchc", "sql", "pandas")
KEYS = ["unit", "period"]

# Each child: argv = method, set path, year, output path. Prints {"seconds": compute}.
CHILD = r"""
import json, sys, time
from pathlib import Path
method, source, year, output = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
if method == "cchc":
    import polars as pl
    from cchc.facts.dossiers import DeriveOptions, derive_counts
    from cchc.facts.periods import Period
    periods = [Period(year, f"Q{q}") for q in range(1, 5)] + [Period(year)]
    start = time.perf_counter()
    derivation = derive_counts([source], periods, DeriveOptions())
    counts = derivation.counts.filter(pl.col("field").is_null()).drop("field")
    seconds = time.perf_counter() - start
    counts.with_columns(pl.col("period").cast(pl.String)).write_parquet(output)
elif method == "sql":
    import duckdb
    connection = duckdb.connect()
    connection.execute("SET VARIABLE dossiers = ?", [str(source)])
    connection.execute("SET VARIABLE year = ?", [year])
    query = (Path(sys.argv[5]) / "dossiers.sql").read_text("utf-8")
    start = time.perf_counter()
    counts = connection.sql(query).pl()
    seconds = time.perf_counter() - start
    counts.write_parquet(output)
else:
    sys.path.insert(0, sys.argv[5])
    from dossiers_pandas import dossier_counts
    start = time.perf_counter()
    counts = dossier_counts(source, year)
    seconds = time.perf_counter() - start
    counts.to_parquet(output, index=False)
print(json.dumps({"seconds": seconds}))
"""
AVAILABLE = "from cchc.facts.dossiers import DeriveOptions, derive_counts"


def _cchc_unavailable() -> str | None:
    """Why cchc's derivation cannot run (None when it imports)."""
    done = subprocess.run([sys.executable, "-c", AVAILABLE], capture_output=True, text=True)
    if done.returncode == 0:
        return None
    lines = done.stderr.strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


def _set_info(path: Path, year: int | None) -> tuple[int, int]:
    """(rows, year) of a generated set: the year from its metadata unless given."""
    connection = duckdb.connect()
    rows = connection.execute(
        "SELECT sum(row_group_num_rows) FROM (SELECT DISTINCT row_group_id, row_group_num_rows"
        " FROM parquet_metadata(?))",
        [str(path)],
    ).fetchone()[0]
    if year is None:
        found = connection.execute(
            "SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = 'year'",
            [str(path)],
        ).fetchone()
        if found is None:
            sys.exit(f"{path}: no year in its Parquet metadata; give --year")
        year = int(found[0])
    return int(rows), year


def _limit_memory(gib: float | None) -> Any:
    if gib is None:
        return None
    limit = int(gib * 2**30)
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _run_once(
    method: str, source: Path, year: int, output: Path, memory_gib: float | None
) -> dict[str, Any]:
    """One child: wall, compute and CPU seconds and peak RSS (MiB); or why it failed."""
    output.unlink(missing_ok=True)
    command = [sys.executable, "-c", CHILD, method, str(source), str(year), str(output)]
    command.append(str(BASELINES))
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, stdout=stdout, stderr=stderr, preexec_fn=_limit_memory(memory_gib)
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        stdout.seek(0)
        stderr.seek(0)
        printed, message = stdout.read().decode(), stderr.read().decode("utf-8", "replace")
    measured = {"wall": seconds, "cpu": usage.ru_utime + usage.ru_stime,
                "rss": usage.ru_maxrss / 1024}  # fmt: skip
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        last = message.strip().splitlines()[-1:] or [f"signal {-code}"]
        return measured | {"failed": f"exit {code}: {last[0][:120]}"}
    return measured | json.loads(printed.strip().splitlines()[-1])


def _measure_all(
    methods: list[str], source: Path, year: int, scratch: Path, args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], list[dict[str, dict[str, Any]]]]:
    """Each method --runs times, interleaved (round 1: cchc, SQL, pandas; round 2: …) so that
    a change in the shared host's load falls on every method alike. Returns the summaries and
    the rounds' samples. A method that fails is not run again (out of memory, it would only
    fail again)."""
    rounds: list[dict[str, dict[str, Any]]] = []
    failed: dict[str, dict[str, Any]] = {}
    for run in range(args.runs):
        samples = {}
        for method in methods:
            if method in failed:
                continue
            print(f"  {method} run {run + 1}/{args.runs} …", file=sys.stderr)
            cap = args.pandas_memory_gib if method == "pandas" else None
            output = scratch / f"{method}.parquet"
            sample = _run_once(method, source, year, output, cap)
            if "failed" in sample:
                failed[method] = sample | {"runs": run + 1}
            else:
                samples[method] = sample
        rounds.append(samples)
    summaries = {
        method: failed.get(method) or _summary([r[method] for r in rounds], scratch, method)
        for method in methods
    }
    return summaries, rounds


def _summary(samples: list[dict[str, Any]], scratch: Path, method: str) -> dict[str, Any]:
    walls = [s["wall"] for s in samples]
    return {
        "wall": statistics.median(walls),
        "min": min(walls),
        "max": max(walls),
        "seconds": statistics.median(s["seconds"] for s in samples),
        "cpu": statistics.median(s["cpu"] for s in samples),
        "rss": statistics.median(s["rss"] for s in samples),
        "runs": len(samples),
        "counts": pl.read_parquet(scratch / f"{method}.parquet"),
    }


def _round_ratio(rounds: list[dict[str, dict[str, Any]]], slow: str, fast: str) -> str:
    """The median over the rounds of slow's wall time over fast's in the same round."""
    ratios = [r[slow]["wall"] / r[fast]["wall"] for r in rounds if slow in r and fast in r]
    return f"{statistics.median(ratios):.2f}" if ratios else "—"


def _same_counts(counts: pl.DataFrame, floor: pl.DataFrame) -> str:
    """`yes`, or how many unit × period rows differ from the SQL's (a missing row counts as
    all zeros: a method may leave out a unit × period where nothing happened)."""
    names = [c for c in floor.columns if c not in KEYS]
    missing = [c for c in names if c not in counts.columns]
    if missing:
        return f"no: lacks {', '.join(missing)}"
    both = floor.join(counts.select(KEYS + names), on=KEYS, how="full", coalesce=True,
                      suffix="_m").fill_null(0)  # fmt: skip
    differ = both.filter(pl.any_horizontal(pl.col(n) != pl.col(f"{n}_m") for n in names))
    return "yes" if differ.is_empty() else f"no: {differ.height:,} rows differ"


def _ratio(numerator: dict[str, Any] | None, denominator: dict[str, Any] | None, key: str) -> str:
    if not numerator or not denominator or "failed" in numerator or "failed" in denominator:
        return "—"
    return f"{numerator[key] / denominator[key]:.2f}"


def _row(name: str, rows: int, size: float, method: str, m: dict[str, Any], match: str) -> list:
    if "failed" in m:
        blank = [""] * 5
        return [
            name,
            f"{rows:,}",
            f"{size:,.0f}",
            method,
            m["failed"],
            *blank,
            f"{m['rss']:.0f}",
            "—",
        ]
    return [
        name,
        f"{rows:,}",
        f"{size:,.0f}",
        method,
        f"{m['wall']:.2f}",
        f"{m['min']:.2f}",
        f"{m['max']:.2f}",
        f"{m['seconds']:.2f}",
        f"{m['cpu']:.2f}",
        str(m["runs"]),
        f"{m['rss']:.0f}",
        match,
    ]


def _bench_set(
    source: Path, args: argparse.Namespace, methods: list[str], scratch: Path
) -> tuple[list[list], list[str]]:
    rows, year = _set_info(source, args.year)
    size = source.stat().st_size / 2**20
    print(f"{source}: {rows:,} rows, {size:,.0f} MiB, year {year}", file=sys.stderr)
    measured, rounds = _measure_all(methods, source, year, scratch, args)
    floor = measured.get("sql", {}).get("counts")
    table = []
    for method, m in measured.items():
        match = "—" if floor is None or "counts" not in m else _same_counts(m["counts"], floor)
        if method == "sql" and floor is not None:
            match = f"({floor.height:,} unit × period rows)"
        table.append(_row(source.name, rows, size, method, m, match))
    cchc, sql, pandas = (measured.get(method) for method in METHODS)
    ratios = [
        source.name,
        _ratio(cchc, sql, "wall"),
        _ratio(cchc, sql, "rss"),
        _ratio(pandas, cchc, "wall"),
        _round_ratio(rounds, "pandas", "cchc"),
        _ratio(pandas, cchc, "rss"),
        _ratio(pandas, sql, "wall"),
    ]
    return table, ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=Path, nargs="+", required=True, help="Parquet files")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip", choices=METHODS, nargs="*", default=[])
    parser.add_argument("--year", type=int, help="default: the set's Parquet metadata")
    parser.add_argument("--pandas-memory-gib", type=float, help="cap pandas' address space")
    args = parser.parse_args()
    methods = [m for m in METHODS if m not in args.skip]
    if "cchc" in methods and (why := _cchc_unavailable()):
        print(f"cchc's derivation is unavailable ({why}): running the baselines only")
        methods.remove("cchc")
    table, ratios = [], []
    with tempfile.TemporaryDirectory(prefix="bench-dossiers-") as folder:
        for source in args.sets:
            rows, ratio = _bench_set(source, args, methods, Path(folder))
            table += rows
            ratios.append(ratio)
    headers = ["set", "rows", "MiB", "method", "wall s (median)", "min", "max", "compute s",
               "cpu s", "runs", "peak RSS MiB", "counts = SQL's"]  # fmt: skip
    print(tabulate(table, headers=headers, tablefmt="github", disable_numparse=True))
    print()
    headers = ["set", "cchc/SQL wall", "cchc/SQL RSS", "pandas/cchc wall",
               "pandas/cchc wall, per round", "pandas/cchc RSS", "pandas/SQL wall"]  # fmt: skip
    print(tabulate(ratios, headers=headers, tablefmt="github", disable_numparse=True))
    print(
        f"\nmedians of {args.runs} runs, each a fresh process, the methods taking turns · "
        "per round = the median of each round's ratio · wall = the whole child "
        "(interpreter, imports, reading, counting, writing 3,000 rows) · compute = the call "
        "alone, timed in the child · cpu = user + sys and peak RSS from os.wait4 · "
        f"Python {sys.version.split()[0]} · {os.cpu_count()} CPUs · "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )


if __name__ == "__main__":
    main()
