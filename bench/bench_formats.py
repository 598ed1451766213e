"""Every report format rendered from one evaluation, side by side with JSON, in one run.

    python bench/bench_formats.py --units 10000 --runs 3

The generated fact set (tests/factsets.py) is evaluated once against the Hà Nội 2019 plan (as
`cchc check` would); each format is then rendered --runs times in this process and the report
consumed whole (pieces joined), as `cchc check --output FORMAT:FILE` would write it. Human
formats list what needs attention (their default: fail, pending, missing), and also every
finding with --all; machine formats (json, sarif, junit, csv) always list every finding.
Reported: the median wall time, the report's size, and the peak RSS of the process at the end.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

from tabulate import tabulate

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from factsets import generated_document

from cchc.engine.evaluation import Evaluation, evaluate
from cchc.facts.load import facts_from_document
from cchc.facts.tables import tables_of
from cchc.reports import FORMATS, RenderOptions, render
from cchc.reports.output import whole
from cchc.rules.catalogue import load_catalogue

AS_OF = date(2020, 1, 15)


def evaluation_of(units: int) -> Evaluation:
    plan = load_catalogue().plans["hanoi-cchc-2019"]
    facts = tables_of(facts_from_document(generated_document(units)))
    return evaluate([plan], facts, AS_OF)


def timed(evaluation: Evaluation, name: str, options: RenderOptions, runs: int) -> list[str]:
    seconds, size = [], 0
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        report = whole(render(name, evaluation, options))
        seconds.append(time.perf_counter() - start)
        size = len(report.encode("utf-8") if isinstance(report, str) else report)
    listed = "every finding" if options.everything else "default"
    return [name, options.lang, listed, f"{statistics.median(seconds):.2f}", f"{size / 1e6:.1f}"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--formats", nargs="*", default=list(FORMATS))
    parser.add_argument("--all", action="store_true", help="also time human formats with --all")
    parser.add_argument("--langs", nargs="*", default=["vi", "en"])
    arguments = parser.parse_args()
    start = time.perf_counter()
    evaluation = evaluation_of(arguments.units)
    print(f"{arguments.units:,} units evaluated in {time.perf_counter() - start:.1f} s", flush=True)
    rows = []
    for name in arguments.formats:
        for lang in arguments.langs if name != "json" else ("en",):
            rows.append(timed(evaluation, name, RenderOptions(lang=lang), arguments.runs))
            print(" ".join(rows[-1]), flush=True)
        if arguments.all and name in ("table", "html", "md", "xlsx", "github"):
            options = RenderOptions(lang="vi", everything=True)
            rows.append(timed(evaluation, name, options, arguments.runs))
    headers = ["format", "lang", "findings listed", "render s (median)", "size MB"]
    print(tabulate(rows, headers=headers, disable_numparse=True))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    python = sys.version.split()[0]
    print(f"medians of {arguments.runs} runs · peak RSS {peak:.0f} MiB · Python {python}")


if __name__ == "__main__":
    main()
