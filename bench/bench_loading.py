"""Loading fact files, this tree against a previous release, side by side in one run.

    python bench/bench_loading.py --units 1000 10000 --runs 3 --baseline d4bc1d6

The same generated fact set (tests/factsets.py) is written as YAML and JSON; each version loads
each file in a fresh subprocess, --runs times. The table gives the median wall time of the load
call and the median peak RSS of the subprocess. The baseline is checked out with `git worktree`
into a temporary folder and imported from there, so both run the same interpreter.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from tabulate import tabulate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from factsets import generated_document  # noqa: E402

PROBE = """
import json, resource, sys, time
from cchc.facts.load import load_fact_files
start = time.perf_counter()
facts = load_fact_files([sys.argv[1]])
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "rss": rss, "reports": len(facts.reports)}))
"""


def _import_root(tree: Path, scratch: Path) -> Path:
    """A folder where `import cchc` finds `tree` (the repository root is the package)."""
    root = scratch / f"import-{tree.name}"
    root.mkdir()
    (root / "cchc").symlink_to(tree)
    return root


def _measure(import_root: Path, path: Path, runs: int) -> dict[str, float]:
    samples = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, "-c", PROBE, str(path)],
            env={"PYTHONPATH": str(import_root), "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        samples.append(json.loads(output.splitlines()[-1]))
    return {
        "seconds": statistics.median(s["seconds"] for s in samples),
        "rss": statistics.median(s["rss"] for s in samples),
        "reports": samples[0]["reports"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="d4bc1d6", help="git ref of the previous release")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        baseline = scratch / "baseline"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(baseline), args.baseline],
            check=True,
            capture_output=True,
        )
        try:
            versions = {
                "this tree": _import_root(ROOT, scratch),
                f"baseline {args.baseline}": _import_root(baseline, scratch),
            }
            for units in args.units:
                document = generated_document(units)
                files = {
                    "yaml": scratch / f"facts-{units}.yaml",
                    "json": scratch / f"facts-{units}.json",
                }
                files["yaml"].write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
                files["json"].write_text(json.dumps(document, ensure_ascii=False), "utf-8")
                for fmt, path in files.items():
                    size = path.stat().st_size / 2**20
                    for name, import_root in versions.items():
                        measured = _measure(import_root, path, args.runs)
                        rows.append(
                            [
                                f"{units:,}",
                                fmt,
                                f"{size:.1f}",
                                name,
                                f"{measured['reports']:,}",
                                f"{measured['seconds']:.2f}",
                                f"{measured['rss']:.0f}",
                            ]
                        )
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                check=False,
                capture_output=True,
            )
    headers = ["units", "format", "MiB", "version", "reports", "load s (median)", "peak RSS MiB"]
    print(tabulate(rows, headers=headers, disable_numparse=True))
    print(f"medians of {args.runs} runs · Python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
