"""Layers point one way (facts <- rules <- engine <- reports <- app <- cli); durable-rules in
engine/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HIGHER = {
    "facts": {"rules", "engine", "reports", "app", "cli"},
    "rules": {"engine", "reports", "app", "cli"},
    "engine": {"reports", "app", "cli"},
    "reports": {"app", "cli"},
    "app.py": {"cli"},
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(HIGHER))
def test_a_layer_does_not_import_a_higher_one(layer: str) -> None:
    paths = [ROOT / layer] if layer.endswith(".py") else (ROOT / layer).rglob("*.py")
    for path in paths:
        for name in imported_modules(path):
            parts = name.split(".")
            top = parts[1] if parts[0] == "cchc" and len(parts) > 1 else parts[0]
            assert top not in HIGHER[layer], f"{path.relative_to(ROOT)} imports {name}"


def test_durable_rules_is_touched_only_inside_engine() -> None:
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in {"engine", "tests", ".venv", "build"}:
            continue
        names = imported_modules(path)
        assert not any(n.split(".")[0] in {"durable", "durable_rules_engine"} for n in names), (
            relative
        )
