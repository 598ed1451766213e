"""The Spark engine (facts/dossiers/spark.py) gives DuckDB's counts: every unit × period × field,
every count, on a generated set of about 20,000 records (bench/dossier_sets.py, with its messy
rows: every record problem it makes), for the default options and another option set.

Spark runs in local mode (local[2], two shuffle partitions, no UI, no whole-stage code
generation: on 20,000 rows compiling it costs more than it saves), one session for the module.
Without Java or pyspark the tests skip, unless CI is set: CI installs both, so there they fail.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from cchc.facts.dossiers import Derivation, DeriveOptions, derive_counts
from cchc.facts.periods import Period

# One worker runs them all (pytest-xdist's --dist loadgroup): one JVM, one session.
pytestmark = pytest.mark.xdist_group("spark")
ROOT = Path(__file__).resolve().parents[1]
YEAR = 2024
PERIODS = [Period(YEAR, f"Q{q}") for q in (1, 4)] + [Period(YEAR, "H1"), Period(YEAR)]
OPTION_SETS = {
    "default": DeriveOptions(bad_row_limit=0.05),
    "other": DeriveOptions(
        end_date="returned",
        withdrawn="on-time",
        refused="excluded",
        supplement_wait="counted",
        repeated_supplements="judged",
        fully_online=True,
        bad_row_limit=0.05,
    ),
}


def _missing() -> str | None:
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed"
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        return "no Java runtime (java on PATH or JAVA_HOME)"
    return None


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    missing = _missing()
    if missing is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI installs Spark's requirements, yet {missing}")
        pytest.skip(missing)
    from cchc.facts.dossiers.spark import spark_session

    settings = {
        "spark.sql.shuffle.partitions": "2",
        # Small data: compiling whole-stage code for the long CASE chains costs more than it saves.
        "spark.sql.codegen.wholeStage": "false",
    }
    session = spark_session("local[2]", "cchc-dossiers-test", settings)
    yield session
    session.stop()


def _generator() -> Any:
    """bench/dossier_sets.py's `generate` (bench is not a package: loaded from its path)."""
    name = "cchc_bench_dossier_sets"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / "dossier_sets.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # its dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[name].generate


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("spark") / "d20k.parquet"
    _generator()(path, 20_000, seed=11, units=40, year=YEAR)
    return path


def _sorted(counts: pl.DataFrame) -> pl.DataFrame:
    return counts.sort(["unit", "period", "field"], nulls_last=False)


def _same(duck: Derivation, spark: Derivation) -> None:
    assert duck.counts.height > 100
    assert spark.counts.columns == duck.counts.columns
    assert _sorted(spark.counts).equals(_sorted(duck.counts))
    assert (spark.rows_read, spark.rows_ignored, spark.rows_bad) == (
        duck.rows_read,
        duck.rows_ignored,
        duck.rows_bad,
    )
    assert spark.problem_counts == duck.problem_counts
    assert spark.record_problems == duck.record_problems


@pytest.mark.parametrize("name", list(OPTION_SETS))
def test_spark_counts_equal_duckdbs(spark: Any, records: Path, name: str) -> None:
    from cchc.facts.dossiers.spark import derive_counts_spark

    options = OPTION_SETS[name]
    duck = derive_counts([records], PERIODS, options)
    assert duck.rows_bad > 0  # the generated set has every kind of messy row
    _same(duck, derive_counts_spark([records], PERIODS, options, spark=spark))


def test_spark_reads_a_csv_export_with_a_mapping(spark: Any, tmp_path: Path) -> None:
    from cchc.facts.dossiers.spark import derive_counts_spark

    path = tmp_path / "d2k.csv"
    _generator()(path, 2_000, seed=5, units=12, year=YEAR, output_format="csv", delimiter=";")
    mapping = {"units": {"000.00.01.H26": "so-noi-vu"}, "fields": {"TP.HT": "ho-tich"}}
    options = DeriveOptions(bad_row_limit=0.2)
    duck = derive_counts([path], PERIODS, options, mapping)
    _same(duck, derive_counts_spark([path], PERIODS, options, mapping, spark=spark))
