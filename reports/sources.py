"""Where a rule is written: its plan file, as a path from the repository's root, and the line its
entry starts on. The CI formats (SARIF, GitHub annotations) point a reader there.

A plan file is parsed once per process, as YAML nodes (which keep their line numbers), not as
text matched line by line: an id written quoted, or after another key of its entry, is found
all the same, and a unit `- id:` inside a rule's example is never taken for a rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

import cchc
from cchc.engine.evaluation import Evaluation

# The repository's root: the `cchc` package is the repository itself (pyproject's package-dir).
ROOT = Path(cchc.__file__).resolve().parent
# The sections of a plan file whose entries are rules, each named by its `id`.
RULE_SECTIONS = ("rules", "appendix_tasks")
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml where built: a tenth of the time


@dataclass(frozen=True)
class Source:
    """A rule's place: `path` from the repository's root (POSIX separators) and its line (from 1;
    None for a rule whose entry the file does not show)."""

    path: str
    line: int | None


def source_path(file: Path) -> str:
    """`file` from the repository's root, as a relative URI or path (`rules/plans/x.yaml`);
    a file outside the repository, as its absolute path."""
    resolved = file.resolve()
    try:
        return resolved.relative_to(ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


@cache
def rule_lines(file: Path) -> dict[str, int]:
    """The line (from 1) of each rule id written in the plan file: a `rules` or `appendix_tasks`
    entry's `id`, and for a score table's row the ids it yields (`<id_prefix>-<code>` and its
    `-SUM` check, as rules/score_tables.py names them) at the row's `code`."""
    root = yaml.compose(file.read_text(encoding="utf-8"), Loader=_Loader)
    lines: dict[str, int] = {}
    for section, entry in _entries(root):
        if section in RULE_SECTIONS:
            found = _scalar(entry, "id")
            if found:
                lines.setdefault(found[0], found[1])
        elif section == "score_tables":
            lines.update(_score_table_lines(entry))
    return lines


def _score_table_lines(table: MappingNode) -> dict[str, int]:
    prefix = _scalar(table, "id_prefix")
    rows = _value(table, "rows")
    if not prefix or not isinstance(rows, SequenceNode):
        return {}
    lines: dict[str, int] = {}
    for row in rows.value:
        code = _scalar(row, "code") if isinstance(row, MappingNode) else None
        if code:
            rule_id = f"{prefix[0]}-{code[0]}"
            lines.setdefault(rule_id, code[1])
            lines.setdefault(f"{rule_id}-SUM", code[1])
    return lines


def _entries(root: Node | None) -> Iterator[tuple[str, MappingNode]]:
    """(section, entry) for each mapping listed under a top-level key."""
    if not isinstance(root, MappingNode):
        return
    for key, value in root.value:
        if isinstance(key, ScalarNode) and isinstance(value, SequenceNode):
            for entry in value.value:
                if isinstance(entry, MappingNode):
                    yield key.value, entry


def _value(mapping: MappingNode, name: str) -> Node | None:
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name:
            return value
    return None


def _scalar(mapping: MappingNode, name: str) -> tuple[str, int] | None:
    """The text of `name`'s value in the mapping, with the line its key is on."""
    for key, value in mapping.value:
        if isinstance(key, ScalarNode) and key.value == name and isinstance(value, ScalarNode):
            return value.value, key.start_mark.line + 1
    return None


def rule_sources(evaluation: Evaluation) -> dict[str, Source]:
    """Each rule of the evaluation's plans, by id: its plan file and line. Each plan file is read
    once (per process)."""
    sources: dict[str, Source] = {}
    for plan in evaluation.plans:
        path = source_path(plan.file)
        try:
            lines = rule_lines(plan.file.resolve())
        except (OSError, yaml.YAMLError):  # the file moved since it was loaded: no lines, still
            lines = {}  # the file's name
        for rule in plan.rules:
            sources[rule.id] = Source(path, lines.get(rule.id))
    return sources
