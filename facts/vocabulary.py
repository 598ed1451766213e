"""The names a fact file may use, what each means, and the arithmetic that ties them together.

All of it is data: `vocabularies/core.yaml` and one file per plan that brings its own words,
named after the plan's id (`hanoi-papi-2018.yaml` for the plan `hanoi-papi-2018`). A plan file
may also list, under `reuses`, words of another plan it reads with the same meaning.
Counts are whole numbers. A name a fact file uses that is not listed is an error, so a typo never
silently becomes "no data". A part of a whole names its whole (`at_most`), a total its parts
(`total_of`); the loader checks both for every report. Every word has two meanings: `meaning` in
English and `meaning_vi`, the Vietnamese a report form would head its column with; a file with a
word lacking either is refused on import.

The module-wide tables (DOSSIER_FIELDS, INDICATORS, DUTIES, EVENT_KINDS) hold every plan's words:
a fact set is read with them before any plan is chosen. `vocabulary_for(plan_ids)` is the part a
check of those plans accepts: the core words and the plans' own (and reused) words. A word of
another plan is an input error there, not a figure silently ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from types import MappingProxyType

import yaml

GROUPS = ("dossiers", "indicators")  # the counts
# Every kind of word, as the vocabulary files name their sections.
WORD_GROUPS = ("dossiers", "indicators", "duties", "events")
CORE = "core"


@dataclass(frozen=True)
class Quantity:
    name: str
    meaning: str
    unit: str
    meaning_vi: str = field(kw_only=True)  # required: the Vietnamese meaning, a column header
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
    meaning_vi: str = field(kw_only=True)


@dataclass(frozen=True)
class EventKind:
    name: str
    meaning: str
    needs_subject: bool = False  # the event names another unit (the one inspected)
    meaning_vi: str = field(kw_only=True)


VOCABULARY_DIR = Path(__file__).parent / "vocabularies"
DOSSIER_FIELDS: dict[str, Quantity] = {}
INDICATORS: dict[str, Quantity] = {}
DUTIES: dict[str, Duty] = {}
EVENT_KINDS: dict[str, EventKind] = {}
QUANTITIES = {"dossiers": DOSSIER_FIELDS, "indicators": INDICATORS}
TABLES: dict[str, dict] = {**QUANTITIES, "duties": DUTIES, "events": EVENT_KINDS}
# Per vocabulary file ("core", or a plan id) and group: the words it defines.
_OWN: dict[str, dict[str, set[str]]] = {}
# Per plan id and group: the words of other plans it reuses (`reuses:` in its file).
_REUSED: dict[str, dict[str, list[str]]] = {}


def _bound(expression: str, group: str) -> tuple[str, ...]:
    """`returned_total` -> ("dossiers.returned_total",); `a + indicators.b` -> both qualified."""
    names = [part.strip() for part in expression.split("+")]
    return tuple(name if "." in name else f"{group}.{name}" for name in names)


def _text(path: Path, group: str, name: str, spec: Mapping, key: str) -> str:
    """A word's `meaning` or `meaning_vi`: required, a non-empty string."""
    value = spec.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{path}: {group} word {name!r} has no {key}")
    return value


def _quantity(name: str, spec: dict, group: str, path: Path) -> Quantity:
    return Quantity(
        name,
        _text(path, group, name, spec, "meaning"),
        spec["unit"],
        group,
        tuple(_bound(expression, group) for expression in spec.get("at_most", ())),
        tuple(spec.get("total_of", ())),
        meaning_vi=_text(path, group, name, spec, "meaning_vi"),
    )


def _entry(group: str, name: str, spec: object, path: Path) -> Quantity | Duty | EventKind:
    """The word `name` of `group` as its file's `spec` describes it; a malformed one is refused."""
    if not isinstance(spec, dict):
        raise ValueError(f"{path}: {group} word {name!r} is not a mapping of its fields")
    if group in GROUPS:
        return _quantity(name, spec, group, path)
    meaning = _text(path, group, name, spec, "meaning")
    meaning_vi = _text(path, group, name, spec, "meaning_vi")
    if group == "duties":
        return Duty(name, meaning, meaning_vi=meaning_vi)
    return EventKind(name, meaning, spec.get("needs_subject", False), meaning_vi=meaning_vi)


def _add(group: str, name: str, path: Path, entry: object) -> None:
    if name in TABLES[group]:
        raise ValueError(f"{path}: {name!r} is already defined in the fact vocabulary")
    TABLES[group][name] = entry
    _OWN.setdefault(path.stem, {}).setdefault(group, set()).add(name)


def _load(path: Path) -> None:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = sorted(set(document) - {*WORD_GROUPS, "reuses"})
    if unknown:
        raise ValueError(f"{path}: unknown section(s) {', '.join(map(repr, unknown))}")
    # Every word is built, and so checked, before any is registered: a malformed file adds nothing.
    entries = [
        (group, name, _entry(group, name, spec, path))
        for group in WORD_GROUPS
        for name, spec in (document.get(group) or {}).items()
    ]
    _OWN.setdefault(path.stem, {})
    for group, name, entry in entries:
        _add(group, name, path, entry)
    reuses = document.get("reuses") or {}
    if reuses and path.stem == CORE:
        raise ValueError(f"{path}: the core vocabulary reuses nothing: every plan reads it")
    for group, names in reuses.items():
        if group not in WORD_GROUPS or not isinstance(names, list):
            raise ValueError(f"{path}: reuses: expected lists of words under {WORD_GROUPS}")
        _REUSED.setdefault(path.stem, {})[group] = list(dict.fromkeys(names))


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


def _check_reuses() -> None:
    """A reused word must be another plan's word of that group: not core, not the plan's own."""
    for plan_id, groups in _REUSED.items():
        for group, names in groups.items():
            for name in names:
                owner = _owner(group, name)
                if owner is None:
                    raise ValueError(f"{plan_id}: reuses unknown {group} word {name!r}")
                if owner in (CORE, plan_id):
                    raise ValueError(f"{plan_id}: reuses {group} word {name!r} of {owner}")


def _owner(group: str, name: str) -> str | None:
    """The vocabulary file that defines a word: "core", a plan id, or None when unknown."""
    return next((stem for stem, own in _OWN.items() if name in own.get(group, ())), None)


def _load_all() -> None:
    _load(VOCABULARY_DIR / "core.yaml")
    for path in sorted(VOCABULARY_DIR.glob("*.yaml")):
        if path.name != "core.yaml":
            _load(path)
    _check_references()
    _check_reuses()


_load_all()
CORE_NAMES: frozenset[str] = frozenset(name for names in _OWN[CORE].values() for name in names)


def _plans_of_words() -> dict[str, dict[str, tuple[str, ...]]]:
    found: dict[str, dict[str, tuple[str, ...]]] = {group: {} for group in WORD_GROUPS}
    for stem, groups in _OWN.items():
        for group, names in groups.items():
            for name in names:
                if stem != CORE:
                    found[group][name] = (stem,)
    for plan_id, groups in _REUSED.items():
        for group, names in groups.items():
            for name in names:
                found[group][name] += (plan_id,)
    return found


# Per group and plan word: the plans whose vocabulary holds it, the defining plan first. A core
# word is in no entry: every plan reads it.
_PLANS_OF = _plans_of_words()


def vocabulary_plans() -> tuple[str, ...]:
    """The plan ids that have a vocabulary file of their own (a plan without one reads core)."""
    return tuple(stem for stem in _OWN if stem != CORE)


def plans_of(group: str, name: str) -> tuple[str, ...]:
    """The plans whose vocabulary holds a word (its own plan first, then those reusing it);
    empty for a core word, which every plan reads, and for a word no file defines."""
    return _PLANS_OF[group].get(name, ())


@dataclass(frozen=True)
class Vocabulary:
    """The words a fact set may use when it is checked against `plans` (None: any plan).

    The tables map a name to the same Quantity, Duty or EventKind as the module-wide tables. A
    bound (`at_most`) may name a word of another plan; such a figure is never reported under
    this vocabulary, so the bound is simply never checked."""

    plans: tuple[str, ...] | None
    dossier_fields: Mapping[str, Quantity]
    indicators: Mapping[str, Quantity]
    duties: Mapping[str, Duty]
    event_kinds: Mapping[str, EventKind]

    @property
    def quantities(self) -> dict[str, Mapping[str, Quantity]]:
        return {"dossiers": self.dossier_fields, "indicators": self.indicators}

    @cached_property
    def tables(self) -> dict[str, Mapping[str, object]]:
        """The words by group: "dossiers", "indicators", "duties" and "events"."""
        return {**self.quantities, "duties": self.duties, "events": self.event_kinds}

    def allows(self, group: str, name: str) -> bool:
        return name in self.tables[group]


ALL = Vocabulary(None, DOSSIER_FIELDS, INDICATORS, DUTIES, EVENT_KINDS)


def vocabulary_for(plan_ids: Iterable[str]) -> Vocabulary:
    """The core words and the words of these plans (their own files and what they reuse). A plan
    id without a vocabulary file of its own adds nothing; the caller checks that plans exist."""
    return _vocabulary_for(tuple(dict.fromkeys(plan_ids)))


@lru_cache(maxsize=64)
def _vocabulary_for(plan_ids: tuple[str, ...]) -> Vocabulary:
    chosen = set(plan_ids)

    def scoped(group: str) -> Mapping:
        return MappingProxyType(
            {
                name: entry
                for name, entry in TABLES[group].items()
                if not plans_of(group, name) or chosen.intersection(plans_of(group, name))
            }
        )

    return Vocabulary(
        plan_ids, scoped("dossiers"), scoped("indicators"), scoped("duties"), scoped("events")
    )
