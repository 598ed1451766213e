"""The names a fact file may use, what each means, and the arithmetic that ties them together.

All of it is data: `vocabularies/core.yaml` and one file per plan that brings its own words.
Counts are whole numbers. A name a fact file uses that is not listed is an error, so a typo never
silently becomes "no data". A part of a whole names its whole (`at_most`), a total its parts
(`total_of`); the loader checks both for every report.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

GROUPS = ("dossiers", "indicators")


@dataclass(frozen=True)
class Quantity:
    name: str
    meaning: str
    unit: str
    group: str = "indicators"  # "dossiers" or "indicators"
    # Each bound is a sum of qualified names ("dossiers.received_total") this one never exceeds.
    at_most: tuple[tuple[str, ...], ...] = ()
    total_of: tuple[str, ...] = ()  # when given, it must equal the sum of these (same group)

    @property
    def ref(self) -> str:
        return f"{self.group}.{self.name}"


@dataclass(frozen=True)
class Duty:
    name: str
    meaning: str


@dataclass(frozen=True)
class EventKind:
    name: str
    meaning: str
    needs_subject: bool = False  # the event names another unit (the one inspected)


VOCABULARY_DIR = Path(__file__).parent / "vocabularies"
DOSSIER_FIELDS: dict[str, Quantity] = {}
INDICATORS: dict[str, Quantity] = {}
DUTIES: dict[str, Duty] = {}
EVENT_KINDS: dict[str, EventKind] = {}
QUANTITIES = {"dossiers": DOSSIER_FIELDS, "indicators": INDICATORS}


def _bound(expression: str, group: str) -> tuple[str, ...]:
    """`returned_total` -> ("dossiers.returned_total",); `a + indicators.b` -> both qualified."""
    names = [part.strip() for part in expression.split("+")]
    return tuple(name if "." in name else f"{group}.{name}" for name in names)


def _quantity(name: str, spec: dict, group: str) -> Quantity:
    return Quantity(
        name,
        spec["meaning"],
        spec["unit"],
        group,
        tuple(_bound(expression, group) for expression in spec.get("at_most", ())),
        tuple(spec.get("total_of", ())),
    )


def _add(table: dict, name: str, path: Path, entry: object) -> None:
    if name in table:
        raise ValueError(f"{path}: {name!r} is already defined in the fact vocabulary")
    table[name] = entry


def _load(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for group in GROUPS:
        for name, spec in (document.get(group) or {}).items():
            _add(QUANTITIES[group], name, path, _quantity(name, spec, group))
    for name, spec in (document.get("duties") or {}).items():
        _add(DUTIES, name, path, Duty(name, spec["meaning"]))
    for name, spec in (document.get("events") or {}).items():
        _add(
            EVENT_KINDS,
            name,
            path,
            EventKind(name, spec["meaning"], spec.get("needs_subject", False)),
        )


def _check_references() -> None:
    """A bound or a total must name quantities that exist: found on import, not on use."""
    for table in QUANTITIES.values():
        for quantity in table.values():
            for ref in [ref for bound in quantity.at_most for ref in bound]:
                group, _, name = ref.partition(".")
                if name not in QUANTITIES.get(group, {}):
                    raise ValueError(f"{quantity.ref}: at_most names unknown {ref!r}")
            for part in quantity.total_of:
                if part not in table:
                    raise ValueError(f"{quantity.ref}: total_of names unknown {part!r}")


def _load_all() -> None:
    _load(VOCABULARY_DIR / "core.yaml")
    for path in sorted(VOCABULARY_DIR.glob("*.yaml")):
        if path.name != "core.yaml":
            _load(path)
    _check_references()


_load_all()
CORE_NAMES: frozenset[str] = frozenset(
    name
    for group in ("dossiers", "indicators", "duties", "events")
    for name in (yaml.safe_load((VOCABULARY_DIR / "core.yaml").read_text("utf-8"))[group] or {})
)
