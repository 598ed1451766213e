"""`cchc check` as a whole process, this tree against the previous release, side by side in one run.

    python bench/bench_check.py --units 10000 --runs 3 --baseline bcd6d56
    python bench/bench_check.py --units 19000 --runs 1 --skip-baseline --yaml

(cchc reads at most 32 MiB per fact file and 64 MiB per run: about 19,000 generated units as
JSON. A larger --units stops the benchmark with cchc's exit 2 and its message.)

The generated fact set (tests/factsets.py) is written once as JSON; each tree then runs
`cchc check FACTS --as-of 2020-01-15 --format json --output OUT` in a fresh subprocess, --runs
times. (`python -m cchc.cli` would do nothing: cli.py has no `__main__` block; the child calls
`cchc.cli:main`, the `cchc` console script's entry point, itself.) Exit 0 or 1 (a firm target
failed) both count as a run; anything else stops the benchmark with the child's stderr.

Per run: wall time around the child, and the child's own CPU time (user + sys) and peak RSS
(os.wait4's rusage); on a busy machine CPU time is the steadier figure. Per tree: the report's
size and the findings count from its `summary`. The baseline is checked out with `git worktree
add --detach` into a temporary folder; both trees are imported through a folder holding a
`cchc` symlink (the repository root is the package), so both run the same interpreter and venv.
--yaml also runs this tree on the same facts as YAML and times the YAML and JSON parsers
in-process, to say how much of the YAML run is parsing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml
from tabulate import tabulate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from factsets import generated_document  # noqa: E402

AS_OF = "2020-01-15"
# What the `cchc` console script does ([project.scripts] cchc = "cchc.cli:main").
ENTRY = "import sys; sys.argv[0] = 'cchc'; from cchc.cli import main; main()"
WHERE = "import os, cchc, cchc.cli; print(os.path.realpath(cchc.__file__))"


def _import_root(tree: Path, scratch: Path, name: str) -> Path:
    """A folder where `import cchc` finds `tree` (package-dir maps the repository root to cchc)."""
    root = scratch / f"site-{name}"
    root.mkdir()
    (root / "cchc").symlink_to(tree)
    return root


def _env(import_root: Path) -> dict[str, str]:
    return os.environ | {"PYTHONPATH": str(import_root)}


def _where(import_root: Path) -> str:
    """Where `cchc` is imported from; also compiles the tree's modules before the timed runs."""
    done = subprocess.run(
        [sys.executable, "-c", WHERE],
        env=_env(import_root),
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.exit(f"cannot import cchc through {import_root}:\n{done.stderr}")
    return done.stdout.strip()


def _run_once(import_root: Path, facts: Path, output: Path, extra: list[str]) -> dict[str, Any]:
    """One `cchc check` child: wall seconds and its peak RSS (MiB)."""
    output.unlink(missing_ok=True)
    command = [
        sys.executable,
        "-c",
        ENTRY,
        "check",
        str(facts),
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "--output",
        str(output),
        *extra,
    ]
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        child = subprocess.Popen(
            command, env=_env(import_root), stdout=subprocess.DEVNULL, stderr=stderr
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        if child.returncode not in (0, 1) or not output.exists():
            stderr.seek(0)
            message = stderr.read().decode("utf-8", "replace")
            written = "" if output.exists() else ", no report written"
            sys.exit(f"exit {child.returncode}{written}: {' '.join(command)}\n{message}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "rss": usage.ru_maxrss / 1024,
        "exit": child.returncode,
    }


def _measure(
    import_root: Path, facts: Path, output: Path, runs: int, extra: list[str]
) -> dict[str, Any]:
    samples = [_run_once(import_root, facts, output, extra) for _ in range(runs)]
    report = json.loads(output.read_text("utf-8"))
    summary = report.get("summary", {})
    seconds = [s["seconds"] for s in samples]
    return {
        "seconds": statistics.median(seconds),
        "min": min(seconds),
        "max": max(seconds),
        "cpu": statistics.median(s["cpu"] for s in samples),
        "rss": statistics.median(s["rss"] for s in samples),
        "exit": samples[-1]["exit"],
        "output_mb": output.stat().st_size / 1e6,
        "findings": summary.get("findings", len(report.get("findings", []))),
        "fail": summary.get("fail"),
        "engine": report.get("engine", "?"),
    }


def _median_seconds(runs: int, action: Any) -> dict[str, float]:
    """Median wall and CPU seconds of `action` (CPU time is what a busy machine leaves alone)."""
    walls, cpus = [], []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return {"seconds": statistics.median(walls), "cpu": statistics.median(cpus)}


def _parsing(yaml_path: Path, json_path: Path, runs: int) -> dict[str, dict[str, float]]:
    """The parsers `cchc check` uses (this tree's), and plain libyaml, in this process."""
    from cchc.facts.documents import parse_json, parse_yaml

    yaml_text = yaml_path.read_text("utf-8")
    json_text = json_path.read_text("utf-8")
    return {
        "cchc parse_yaml": _median_seconds(runs, lambda: parse_yaml(yaml_text)),
        "yaml.load CSafeLoader": _median_seconds(
            runs, lambda: yaml.load(yaml_text, Loader=yaml.CSafeLoader)
        ),
        "cchc parse_json": _median_seconds(runs, lambda: parse_json(json_text)),
    }


def _row(
    units: int, tree: str, fmt: str, size: float, m: dict[str, Any], this: dict[str, Any] | None
) -> list:
    def ratio(key: str) -> str:
        return "—" if this is None else f"{m[key] / this[key]:.2f}"

    return [
        f"{units:,}",
        tree,
        fmt,
        f"{size:.1f}",
        m["engine"],
        f"{m['seconds']:.2f}",
        f"{m['min']:.2f}",
        f"{m['max']:.2f}",
        ratio("seconds"),
        f"{m['cpu']:.2f}",
        ratio("cpu"),
        f"{m['rss']:.0f}",
        f"{m['output_mb']:.1f}",
        f"{m['findings']:,}",
        f"{m['fail']:,}" if isinstance(m["fail"], int) else "?",
        str(m["exit"]),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", default="bcd6d56", help="git ref of the previous release")
    parser.add_argument("--skip-baseline", action="store_true", help="run only this tree")
    parser.add_argument("--yaml", action="store_true", help="also time YAML facts (this tree)")
    parser.add_argument(
        "--engine",
        choices=["auto", "durable", "python"],
        default="auto",
        help="passed to `cchc check --engine` (auto: left out, the CLI's default)",
    )
    args = parser.parse_args()
    extra = [] if args.engine == "auto" else ["--engine", args.engine]
    rows: list[list[str]] = []
    parse_rows: list[list[str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-check-") as folder:
        scratch = Path(folder)
        baseline = scratch / "baseline"
        trees = {"this tree": _import_root(ROOT, scratch, "this")}
        if not args.skip_baseline:
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "add",
                    "--detach",
                    str(baseline),
                    args.baseline,
                ],
                check=True,
                capture_output=True,
            )
        try:
            if not args.skip_baseline:
                trees[f"baseline {args.baseline}"] = _import_root(baseline, scratch, "baseline")
            for name, import_root in trees.items():
                print(f"{name}: cchc from {_where(import_root)}", file=sys.stderr)
            for units in args.units:
                document = generated_document(units)
                json_path = scratch / f"facts-{units}.json"
                json_path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
                yaml_path = scratch / f"facts-{units}.yaml"
                if args.yaml:
                    yaml_path.write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
                del document
                output = scratch / f"out-{units}.json"
                this = None
                for name, import_root in trees.items():
                    print(f"{units:,} units, {name}, json …", file=sys.stderr)
                    m = _measure(import_root, json_path, output, args.runs, extra)
                    this = this or m
                    size = json_path.stat().st_size / 2**20
                    rows.append(_row(units, name, "json", size, m, this))
                if args.yaml:
                    print(f"{units:,} units, this tree, yaml …", file=sys.stderr)
                    m = _measure(trees["this tree"], yaml_path, output, args.runs, extra)
                    size = yaml_path.stat().st_size / 2**20
                    rows.append(_row(units, "this tree", "yaml", size, m, None))
                    checks = {"yaml": m, "json": this}
                    for parser_name, p in _parsing(yaml_path, json_path, args.runs).items():
                        check = checks["json" if "json" in parser_name else "yaml"]
                        parse_rows.append(
                            [
                                f"{units:,}",
                                parser_name,
                                f"{p['seconds']:.2f}",
                                f"{p['cpu']:.2f}",
                                f"{check['seconds']:.2f}",
                                f"{check['cpu']:.2f}",
                                f"{p['seconds'] / check['seconds']:.0%}",
                                f"{p['cpu'] / check['cpu']:.0%}",
                            ]
                        )
        finally:
            if not args.skip_baseline:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(baseline)],
                    check=False,
                    capture_output=True,
                )
    headers = [
        "units",
        "tree",
        "facts",
        "facts MiB",
        "engine",
        "wall s (median)",
        "min",
        "max",
        "wall ×this",
        "cpu s (median)",
        "cpu ×this",
        "peak RSS MiB",
        "output MB",
        "findings",
        "fail",
        "exit",
    ]
    print(tabulate(rows, headers=headers, disable_numparse=True))
    if parse_rows:
        print()
        headers = [
            "units",
            "parser (in-process)",
            "parse wall s",
            "parse cpu s",
            "check wall s",
            "check cpu s",
            "share of wall",
            "share of cpu",
        ]
        print(tabulate(parse_rows, headers=headers, disable_numparse=True))
    print(
        f"medians of {args.runs} runs · ×this = this row's median / this tree's (json) · "
        "cpu = user + sys and peak RSS of the child (os.wait4) · "
        f"Python {sys.version.split()[0]} · {os.cpu_count()} CPUs"
    )


if __name__ == "__main__":
    main()
