"""The issue-10 benchmark's two baselines (bench/baselines) agree, and keep Biểu 06's identities.

On a generated 2,000-row dossier set (bench/dossier_sets.py, with its messy rows), the
hand-written DuckDB SQL and the pandas script give the same 13 counts for every unit × period.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
duckdb = pytest.importorskip("duckdb")
pytest.importorskip("pyarrow")  # pandas.read_parquet's engine

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH / "baselines"))

import dossier_sets  # noqa: E402
import dossiers_pandas  # noqa: E402

YEAR = 2024
# Both tests read the one generated set: same worker under pytest-xdist (--dist loadgroup).
pytestmark = pytest.mark.xdist_group("dossier_baselines")


@pytest.fixture(scope="module")
def dossier_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("dossiers") / "d2k.parquet"
    dossier_sets.generate(path, 2000, seed=7, units=600, year=YEAR)
    return path


@pytest.fixture(scope="module")
def sql_counts(dossier_set: Path) -> pd.DataFrame:
    connection = duckdb.connect()
    connection.execute("SET VARIABLE dossiers = ?", [str(dossier_set)])
    connection.execute("SET VARIABLE year = ?", [YEAR])
    query = (BENCH / "baselines" / "dossiers.sql").read_text("utf-8")
    counts = connection.sql(query).df()
    counts[dossiers_pandas.COUNTS] = counts[dossiers_pandas.COUNTS].astype("int64")
    return counts


def test_pandas_and_sql_give_the_same_counts(dossier_set: Path, sql_counts: pd.DataFrame) -> None:
    pandas_counts = dossiers_pandas.dossier_counts(dossier_set, YEAR)
    assert len(sql_counts) == 5 * sql_counts["unit"].nunique() > 0
    pd.testing.assert_frame_equal(pandas_counts, sql_counts, check_dtype=False)


def test_counts_keep_the_identities(sql_counts: pd.DataFrame) -> None:
    c = sql_counts
    open_or_ended = c["resolved_total"] + c["pending_within_due"] + c["pending_past_due"]
    assert (c["received_total"] == open_or_ended).all()
    judged = c["resolved_early"] + c["resolved_on_time"] + c["resolved_late"]
    assert (c["resolved_total"] == judged).all()
    # the set is not trivial: every kind of count occurs somewhere
    assert (c[dossiers_pandas.COUNTS].sum() > 0).all()
