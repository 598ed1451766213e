"""Time load + evaluate + render for both evaluators side by side, in one process.

    python bench/bench_pipeline.py --units 100 10000

For each size: the fact set is generated (tests/factsets.py), written to YAML, then loaded,
evaluated against the Hà Nội 2019 plan and rendered as table and JSON, once per evaluator.
Wall time is the best of --repeat runs; memory is tracemalloc's peak during a separate run of
evaluate (Python allocations only: durable-rules' native memory is not traced) and the process's
peak RSS at the end.
"""

from __future__ import annotations

import argparse
import gc
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from factsets import generated_document

from cchc.engine.evaluation import available_engines, evaluate
from cchc.facts.load import load_fact_files
from cchc.reports import RenderOptions, render
from cchc.rules.catalogue import load_catalogue

AS_OF = date(2020, 1, 15)


def best_of(repeat: int, action: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result


def traced_peak(action: Callable[[], Any]) -> int:
    gc.collect()
    tracemalloc.start()
    action()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def run(units: int, repeat: int) -> list[list[str]]:
    # The generated facts are Hà Nội 2019 facts: the plan `cchc check` would pick for them.
    plans = [load_catalogue().plans["hanoi-cchc-2019"]]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "facts.yaml"
        path.write_text(
            yaml.safe_dump(generated_document(units), allow_unicode=True), encoding="utf-8"
        )
        load_s, facts = best_of(repeat, lambda: load_fact_files([path]))
    rows = []
    english = RenderOptions(lang="en")
    for engine in available_engines():
        eval_s, evaluation = best_of(repeat, lambda e=engine: evaluate(plans, facts, AS_OF, e))
        table_s, _ = best_of(repeat, lambda ev=evaluation: render("table", ev, english))
        json_s, _ = best_of(repeat, lambda ev=evaluation: b"".join(render("json", ev, english)))
        peak = traced_peak(lambda e=engine: evaluate(plans, facts, AS_OF, e))
        rows.append(
            [
                str(units),
                engine,
                f"{len(evaluation.findings):,}",
                f"{load_s:.2f}",
                f"{eval_s:.2f}",
                f"{table_s:.2f}",
                f"{json_s:.2f}",
                f"{load_s + eval_s + table_s + json_s:.2f}",
                f"{peak / 2**20:.0f}",
            ]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[100, 10_000])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from tabulate import tabulate

    rows = [row for units in args.units for row in run(units, args.repeat)]
    print(
        tabulate(
            rows,
            headers=[
                "units",
                "engine",
                "findings",
                "load s",
                "evaluate s",
                "table s",
                "json s",
                "total s",
                "eval peak MiB",
            ],
            disable_numparse=True,
        )
    )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS: {rss:.0f} MiB · Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
