"""The fast JSON/NDJSON reader accepts exactly what the full loader accepts, with the same tables.

Every example folder (its YAML and CSV facts written out as one JSON document, and as NDJSON),
a generated fact set, and mutations of them: the fast path either declines (the full loader then
decides and words every problem) or gives tables identical to the full loader's — and it never
accepts what the full loader refuses.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from factsets import generated_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from cchc.facts.fast_read import read_tables
from cchc.facts.load import FactError, load_fact_files
from cchc.facts.model import FactSet
from cchc.facts.tables import FactTables, tables_of

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TABLES = ("units", "reports", "by_field", "events", "duties", "tasks", "scores")


def document_of(facts: FactSet) -> dict[str, Any]:
    """A loaded fact set written back as one JSON document."""
    return {
        "schema": "cchc-facts/1",
        **({"jurisdiction": facts.jurisdiction} if facts.jurisdiction else {}),
        "units": [u.model_dump(mode="json", exclude_none=True) for u in facts.units.values()],
        "reports": [
            r.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
            | {"unit": r.unit, "period": str(r.period)}
            | ({"scores": {c: _decimal(v) for c, v in r.scores.items()}} if r.scores else {})
            | ({"events": [e.model_dump(mode="json", exclude_none=True) for e in r.events]}
               if r.events is not None else {})
            for r in facts.reports.values()
        ],
    }  # fmt: skip


def _decimal(value: Fraction) -> str:
    """An exact score as the decimal it was written as (scores are terminating decimals)."""
    return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def assert_same(fast: FactTables, slow: FactTables) -> None:
    for name in TABLES:
        assert_frame_equal(getattr(fast, name), getattr(slow, name), check_column_order=True)
    assert (fast.jurisdiction, fast.warnings) == (slow.jurisdiction, slow.warnings)


def full(path: Path) -> FactTables | None:
    try:
        return tables_of(load_fact_files([path]))
    except FactError:
        return None


def write_json(tmp: Path, document: dict[str, Any]) -> Path:
    path = tmp / "facts.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def write_ndjson(tmp: Path, document: dict[str, Any]) -> Path:
    path = tmp / "facts.ndjson"
    header = {k: document[k] for k in ("schema", "jurisdiction") if k in document}
    records = [header, *document["units"], *document["reports"]]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    return path


def example_document(folder: str) -> dict[str, Any]:
    files = sorted(p for p in (EXAMPLES / folder).iterdir() if p.suffix in (".yaml", ".csv"))
    return document_of(load_fact_files(files))


@pytest.mark.parametrize(
    "folder",  # examples/records holds dossier records, not facts
    sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir() and p.name != "records"),
)
@pytest.mark.parametrize("write", [write_json, write_ndjson])
def test_an_example_read_fast_gives_the_full_loaders_tables(
    folder: str, write: Any, tmp_path: Path
) -> None:
    path = write(tmp_path, example_document(folder))
    slow = full(path)
    assert slow is not None
    fast = read_tables([path])
    if fast is not None:  # examples with scores or per-field counts are the full loader's
        assert_same(fast, slow)


def test_a_generated_national_fact_set_is_read_fast(tmp_path: Path) -> None:
    path = write_json(tmp_path, generated_document(300))
    fast = read_tables([path])
    slow = full(path)
    assert fast is not None and slow is not None
    assert_same(fast, slow)


def test_a_key_given_twice_is_left_to_the_full_loader(tmp_path: Path) -> None:
    text = json.dumps(generated_document(2)).replace(
        '"resolved_early":', '"resolved_early": 1, "resolved_early":', 1
    )
    path = tmp_path / "facts.json"
    path.write_text(text)
    assert read_tables([path]) is None
    assert full(path) is None  # refused, at its place, by the full loader


MUTANTS: list[Any] = [
    "1", 1.5, True, None, -1, 10**13, 2**70, "2019-02-30", "30/01/2019", "2019-1-5",
    "x y", "", "ｑ", "Q\u0300", [], {}, {"done": "yes"}, {"done": True, "date": "2019-13-01"},
    "indicators", "2019-Q5", 0, 10**12,
]  # fmt: skip


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of a JSON value, to the leaves and the containers."""
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _replaced(document: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    copy[head] = _replaced(document[head], tuple(rest), value)
    return copy


def _deleted(document: Any, path: tuple) -> Any:
    head, *rest = path
    copy = dict(document) if isinstance(document, dict) else list(document)
    if rest:
        copy[head] = _deleted(document[head], tuple(rest))
    else:
        del copy[head]
    return copy


SMALL = generated_document(3, seed=11)
SMALL["reports"][0]["tasks"] = []


@settings(
    max_examples=80, deadline=None, derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)  # fmt: skip
@given(
    path=st.sampled_from(_paths(SMALL)[1:]),
    value=st.sampled_from(MUTANTS),
    ndjson=st.booleans(),
    delete=st.booleans(),
)
def test_a_mutated_fact_set_is_read_fast_only_as_the_full_loader_reads_it(
    tmp_path: Path, path: tuple, value: Any, ndjson: bool, delete: bool
) -> None:
    document = _deleted(SMALL, path) if delete else _replaced(SMALL, path, value)
    if not isinstance(document, dict) or not isinstance(document.get("reports"), list):
        return
    if not isinstance(document.get("units"), list):
        return
    write = write_ndjson if ndjson else write_json
    try:
        file = write(tmp_path, document)
    except (TypeError, ValueError, KeyError):
        return  # not writable as NDJSON records
    fast = read_tables([file])
    slow = full(file)
    if fast is not None:
        assert slow is not None, "the fast path accepted what the full loader refuses"
        assert_same(fast, slow)
