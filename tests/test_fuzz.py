"""Fuzzing the shipped examples: whatever a mutated fact set holds, cchc answers with exit 0 or 1
and a valid JSON report (identical on both engines), or exit 2 with located messages — never a
traceback, never another exit code.

Bounded so the suite stays fast: a fixed number of examples, derandomised in CI. Set
CCHC_FUZZ_EXAMPLES=2000 locally to search harder (25 by default).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc.cli import main
from cchc.engine.evaluation import available_engines

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
FOLDERS = {
    "hanoi-2019": "2020-01-15",
    "hanoi-papi-2018": "2019-01-20",
    "hanoi-par-sipas-2022": "2023-06-01",
    "thanh-xuan-2024": "2025-01-20",
    "thua-thien-hue-2018": "2019-01-20",
}
HOSTILE_VALUES: list[Any] = [
    "1.000",
    1.0,
    4.5,
    True,
    False,
    "yes",
    "1_5",
    10**30,
    2**70,
    -1,
    float("inf"),
    float("nan"),
    "1e99999999",
    "1e+4000",
    "9" * 5000,
    "2019-02-31",
    "31/02/2019",
    "2019-13-01",
    "0000",
    "12/31/2019",
    "０",
    "٣",
    "",
    None,
    [],
    {},
    "x" * 5000,
    "\u202e",
    "\x1b[31m",
    "\x00",
    "ѕo-tu-phap",
    1556668800,
    "2019-03-01 10:00:00",
    "=1+1",
    "89,28",
]
CSV_MUTATIONS = [
    "semicolons",
    "quoted",
    "extra_column",
    "duplicate_column",
    "line_separator",
    "lone_cr",
]
TEXT_MUTATIONS = [
    "bom",
    "crlf",
    "nul",
    "alias_bomb",
    "duplicate_key",
    "nfd",
    "bidi",
    "cyrillic",
    "tab_indent",
    "truncate",
    "flow_comma",
    "deep",
]


def _leaves(value: Any, path: tuple = ()) -> list[tuple]:
    if isinstance(value, dict):
        return [leaf for key, item in value.items() for leaf in _leaves(item, (*path, key))]
    if isinstance(value, list):
        return [leaf for i, item in enumerate(value) for leaf in _leaves(item, (*path, i))]
    return [path]


def _replace(document: Any, path: tuple, new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = _replace(document[head], rest, new)
    return copy


def _mutate_text(text: str, how: str, pick: int) -> str:
    lines = text.splitlines(keepends=True) or [""]
    line = pick % len(lines)
    if how == "bom":
        return "\ufeff" + text
    if how == "crlf":
        return text.replace("\n", "\r\n")
    if how == "nul":
        return text[: pick % (len(text) + 1)] + "\x00" + text[pick % (len(text) + 1) :]
    if how == "alias_bomb":
        bomb = 'z0: &z0 ["l","l","l","l","l","l","l","l"]\n' + "".join(
            f"z{i}: &z{i} [{','.join([f'*z{i - 1}'] * 8)}]\n" for i in range(1, 9)
        )
        return bomb + text
    if how == "duplicate_key":
        return text + lines[line]
    if how == "nfd":
        import unicodedata

        return unicodedata.normalize("NFD", text)
    if how == "bidi":
        return text.replace("a", "\u202ea", 1)
    if how == "cyrillic":
        return text.replace("o", "о", 3)  # Cyrillic о
    if how == "tab_indent":
        return text.replace("  ", "\t", 1)
    if how == "truncate":
        return text[: pick % (len(text) + 1)]
    if how == "flow_comma":
        return text.replace("note: ", "note: a, b ", 1)
    return "[" * 1000 + text  # deep


def _mutate_csv(text: str, how: str, pick: int) -> str:
    if how == "semicolons":
        return text.replace(",", ";")
    if how == "quoted":
        return text.replace(",", '","').replace("\n", '"\n"')
    if how == "extra_column":
        return text.replace("\n", ",extra\n", 1 + pick % 3)
    if how == "duplicate_column":
        first, _, rest = text.partition("\n")
        return f"{first},{first.split(',')[0]}\n{rest}"
    if how == "line_separator":
        return text.replace(",", ",\u2028", 1)
    return text.replace("\n", "\r", 1)  # a lone CR


def _copy_example(folder: str, tmp: Path) -> list[Path]:
    target = tmp / folder
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(EXAMPLES / folder, target, ignore=shutil.ignore_patterns("*.md"))
    return sorted(target.iterdir())


@st.composite
def mutated_example(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(folder, file name, how, new text) for one mutation of one shipped example file."""
    folder = draw(st.sampled_from(sorted(FOLDERS)))
    names = sorted(p.name for p in (EXAMPLES / folder).iterdir() if p.suffix != ".md")
    name = draw(st.sampled_from(names))
    text = (EXAMPLES / folder / name).read_text(encoding="utf-8")
    pick = draw(st.integers(min_value=0, max_value=10**6))
    if name.endswith(".csv"):
        how = draw(st.sampled_from([*CSV_MUTATIONS, *TEXT_MUTATIONS[:3]]))
        mutate = _mutate_csv if how in CSV_MUTATIONS else _mutate_text
        return folder, name, how, mutate(text, how, pick)
    if draw(st.booleans()):
        how = draw(st.sampled_from(TEXT_MUTATIONS))
        return folder, name, how, _mutate_text(text, how, pick)
    document = yaml.safe_load(text)
    leaves = _leaves(document)
    path = leaves[pick % len(leaves)]
    value = draw(st.sampled_from(HOSTILE_VALUES))
    mutated = _replace(document, path, value)
    new = yaml.safe_dump(mutated, allow_unicode=True) if value is not None else text
    return folder, name, f"value {value!r:.30} at {path}", new


def _run(folder: Path, as_of: str, engine: str) -> tuple[int, str, str]:
    out = folder.parent / f"{folder.name}-{engine}.json"
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "check",
            str(folder),
            "--as-of",
            as_of,
            "--format",
            "json",
            "--engine",
            engine,
            "--output",
            str(out),
        ],
    )
    report = out.read_text(encoding="utf-8") if out.exists() else ""
    out.unlink(missing_ok=True)
    return result.exit_code, result.output, report


@settings(
    max_examples=int(os.environ.get("CCHC_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=os.environ.get("CCHC_FUZZ_RANDOM") is None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=mutated_example())
def test_a_mutated_example_is_judged_or_refused_with_a_place(
    tmp_path: Path, case: tuple[str, str, str, str]
) -> None:
    folder_name, name, how, new_text = case
    files = _copy_example(folder_name, tmp_path)
    target = next(p for p in files if p.name == name)
    target.write_text(new_text, encoding="utf-8", newline="")
    results = {
        engine: _run(tmp_path / folder_name, FOLDERS[folder_name], engine)
        for engine in available_engines()
    }
    codes = {code for code, _, _ in results.values()}
    assert len(codes) == 1, (how, {e: r[:2] for e, r in results.items()})
    [code] = codes
    assert code in (0, 1, 2), (how, results["python"][1][-2000:])
    if code == 2:
        _, output, report = results["python"]
        assert report == ""  # nothing written
        problems = [line.strip() for line in output.splitlines() if line.startswith("  ")]
        assert problems, (how, output)
        assert all(str(tmp_path) in line or "--" in line for line in problems), (how, output)
        return
    documents = [json.loads(report) for _, _, report in results.values()]
    findings = [[_without_engine(f) for f in d["findings"]] for d in documents]
    assert all(f == findings[0] for f in findings), how


def _without_engine(finding: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in finding.items() if key != "engine"}


@pytest.mark.parametrize("folder", sorted(FOLDERS))
def test_the_unmutated_examples_pass_the_same_harness(tmp_path: Path, folder: str) -> None:
    _copy_example(folder, tmp_path)
    results = [_run(tmp_path / folder, FOLDERS[folder], e) for e in available_engines()]
    assert {code for code, _, _ in results} <= {0, 1}
    assert len({report for _, _, report in results}) >= 1
