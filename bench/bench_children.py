"""The `scope: children` population rule (a district's inspections of its own communes) at
2,000 districts × 10 communes, this tree against the previous release, in one run.

    python bench/bench_children.py --districts 2000 --communes 10 --runs 3 --baseline bcd6d56

Each district reports for 2018 the inspections it held of some of its communes. The rule
TTH2018-II.7.a-03b (Thừa Thiên Huế 2018: each district inspects at least 30% of its communes)
is evaluated over the fact set alone, timed around `evaluate` (facts already loaded), median
of --runs. The baseline is checked out with `git worktree` and run in a subprocess through a
folder holding a `cchc` symlink, as bench/bench_check.py does.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULE = "TTH2018-II.7.a-03b"
AS_OF = date(2019, 1, 20)

TIMER = """
import json, statistics, sys, time
from datetime import date
try:
    from cchc.engine.evaluation import evaluate
except ImportError:  # the previous release's name for the module
    from cchc.engine.evaluate import evaluate
from cchc.facts.load import facts_from_document
from cchc.rules.catalogue import Plan, load_catalogue
document = json.load(open(sys.argv[1], encoding="utf-8"))
plan, rule = load_catalogue().rule(sys.argv[2])
single = Plan(plan.info, plan.agencies, [rule], [], [], plan.file)
facts = facts_from_document(document)
times, findings = [], 0
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    findings = len(evaluate([single], facts, date(2019, 1, 20), "python").findings)
    times.append(time.perf_counter() - start)
print(json.dumps({"median": statistics.median(times), "findings": findings}))
"""


def document(districts: int, communes: int) -> dict:
    units = [{"id": "tinh", "name": "UBND tỉnh", "kind": "city"}]
    reports = []
    for d in range(districts):
        district = f"h{d:05d}"
        units.append({"id": district, "name": f"Huyện {d}", "kind": "district"})
        mine = [f"{district}-x{c:02d}" for c in range(communes)]
        units += [{"id": c, "name": f"Xã {c}", "kind": "commune", "parent": district} for c in mine]
        inspected = mine[: d % (communes + 1)]
        events = [{"kind": "inspection", "date": "2018-06-15", "inspected": c} for c in inspected]
        reports.append({"unit": district, "period": "2018", "events": events})
    return {"units": units, "reports": reports}


def run(tree: Path, path: Path, runs: int, scratch: Path) -> dict:
    site = scratch / f"site-{tree.name}"
    site.mkdir(exist_ok=True)
    link = site / "cchc"
    if not link.exists():
        link.symlink_to(tree)
    result = subprocess.run(
        [sys.executable, "-c", TIMER, str(path), RULE, str(runs)],
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--districts", type=int, default=2000)
    parser.add_argument("--communes", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="bcd6d56")
    parser.add_argument("--skip-baseline", action="store_true")
    args = parser.parse_args()
    from tabulate import tabulate

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        path = scratch / "facts.json"
        path.write_text(json.dumps(document(args.districts, args.communes)), encoding="utf-8")
        trees = [("this tree", ROOT)]
        if not args.skip_baseline:
            baseline = scratch / "baseline"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline),
                 args.baseline],
                check=True,
                capture_output=True,
            )  # fmt: skip
            trees.append((f"baseline {args.baseline}", baseline))
        rows = []
        try:
            for name, tree in trees:
                start = time.perf_counter()
                got = run(tree, path, args.runs, scratch)
                rows.append([name, f"{got['median']:.3f}", f"{got['findings']:,}",
                             f"{time.perf_counter() - start:.1f}"])  # fmt: skip
        finally:
            if not args.skip_baseline:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                    check=False,
                )
    print(f"{args.districts:,} districts × {args.communes} communes, rule {RULE}")
    print(tabulate(rows, headers=["tree", "evaluate s (median)", "findings", "whole run s"]))


if __name__ == "__main__":
    main()
