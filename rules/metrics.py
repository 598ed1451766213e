"""Named metrics: exact expressions over count names, read from rules/metrics.yaml.

A metric is one of
- a share: a sum of counts over a sum of counts, `(dossiers.a + dossiers.b) / dossiers.c`;
- a count: a sum of counts, `indicators.par_index_rank`;
- an events count: the distinct dated events of some kinds a unit held, `events.inspection`.

Each is written once, with its meaning, and a rule names it (`metric: on_time_share`) instead of
spelling its numerator and denominator. The file is checked on import: every name must be a word
of the fact vocabulary, so a typo is an error at load, never a silent "no data". Nothing here
computes: the measures read `numerator` and `denominator`, and compare them exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Literal

import yaml

from cchc.facts.vocabulary import DOSSIER_FIELDS, EVENT_KINDS, INDICATORS

METRICS_FILE = Path(__file__).with_name("metrics.yaml")
MetricKind = Literal["share", "count", "events"]
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_REF = re.compile(r"^(dossiers|indicators|events)\.([a-z0-9_]+)$")
_GROUPS = {"dossiers": DOSSIER_FIELDS, "indicators": INDICATORS, "events": EVENT_KINDS}


class MetricError(ValueError):
    pass


@dataclass(frozen=True)
class Metric:
    name: str
    formula: str  # as written
    meaning: str
    counted: str
    counted_vi: str
    numerator: tuple[str, ...]  # a count's or an events count's terms
    denominator: tuple[str, ...] = ()  # empty: not a share

    @property
    def kind(self) -> MetricKind:
        if self.denominator:
            return "share"
        return "events" if self.numerator[0].startswith("events.") else "count"

    @property
    def refs(self) -> tuple[str, ...]:
        """Every name the metric reads, each once, numerator first."""
        return tuple(dict.fromkeys([*self.numerator, *self.denominator]))

    @property
    def events(self) -> tuple[str, ...]:
        """An events count's event kinds (`inspection`), without the group."""
        return (
            tuple(ref.partition(".")[2] for ref in self.numerator) if self.kind == "events" else ()
        )


def _terms(text: str) -> tuple[str, ...]:
    """`(a + b)` or `a + b` or `a` -> its names; each must be a known word of its group."""
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    if "(" in text or ")" in text:
        raise MetricError(f"{text!r}: write a sum of names, in one pair of parentheses at most")
    terms = tuple(part.strip() for part in text.split("+"))
    for ref in terms:
        match = _REF.match(ref)
        if match is None:
            raise MetricError(f"{ref!r} is not a name such as dossiers.resolved_late")
        group, name = match.groups()
        if name not in _GROUPS[group]:
            raise MetricError(f"{ref!r} is not a word of the fact vocabulary")
    return terms


def parse_formula(formula: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A formula's numerator (or terms) and denominator (empty for a count)."""
    parts = formula.split("/")
    if len(parts) > 2:
        raise MetricError("a share divides one sum by another: one `/` at most")
    numerator = _terms(parts[0])
    denominator = _terms(parts[1]) if len(parts) == 2 else ()
    events = [ref.startswith("events.") for ref in (*numerator, *denominator)]
    if any(events) and (denominator or not all(events)):
        raise MetricError("an events count sums event kinds only, and is never divided")
    return numerator, denominator


_KEYS = ("formula", "meaning", "counted", "counted_vi")


def _metric(name: object, spec: object) -> Metric:
    if not isinstance(name, str) or not _NAME.match(name):
        raise MetricError(f"{name!r} is not a metric name (lower case, digits and _)")
    if not isinstance(spec, dict) or set(spec) != set(_KEYS):
        raise MetricError(f"{name}: give exactly {', '.join(f'`{key}`' for key in _KEYS)}")
    for key in _KEYS:
        value = spec[key]
        if not isinstance(value, str) or not value.strip() or "\n" in value.strip():
            raise MetricError(f"{name}.{key}: one line of text")
    try:
        numerator, denominator = parse_formula(spec["formula"])
    except MetricError as error:
        raise MetricError(f"{name}.formula: {error}") from error
    return Metric(
        name,
        " ".join(spec["formula"].split()),
        spec["meaning"].strip(),
        spec["counted"].strip(),
        spec["counted_vi"].strip(),
        numerator,
        denominator,
    )


def load_metrics(path: Path = METRICS_FILE) -> MappingProxyType[str, Metric]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(document, dict):
        raise MetricError(f"{path}: expected a mapping of metric names")
    try:
        return MappingProxyType({name: _metric(name, spec) for name, spec in document.items()})
    except MetricError as error:
        raise MetricError(f"{path}: {error}") from error


METRICS = load_metrics()


def metric(name: str) -> Metric:
    """The metric of that name; an unknown name is an error naming the known ones."""
    if name not in METRICS:
        raise MetricError(f"unknown metric {name!r}; known: {', '.join(sorted(METRICS))}")
    return METRICS[name]


__all__ = ["METRICS", "Metric", "MetricError", "load_metrics", "metric", "parse_formula"]
