"""Biểu 06 counts per handling unit × period the way an analyst would write them in pandas.

    python bench/baselines/dossiers_pandas.py /tmp/d1m.parquet --year 2024 [--output counts.csv]

The same 13 counts, default options and row filters as bench/baselines/dossiers.sql (the
issue-10 contract, /work/notes/dossier-spec.md): read_parquet, to_datetime, boolean masks and a
groupby per period. Straightforward, not tuned.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

COUNTS = [
    "received_online",
    "received_in_person",
    "received_postal",
    "carried_over",
    "received_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "resolved_total",
    "pending_within_due",
    "pending_past_due",
    "returned_total",
    "returned_postal",
]
DATE_COLUMNS = ["NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra"]


def periods(year: int) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """The four quarters and the year: (name, first day, last day)."""
    last_day = pd.offsets.MonthEnd(0)  # rolls the 1st of a month forward to its last day
    quarters = [
        (f"{year}-Q{q}", pd.Timestamp(year, 3 * q - 2, 1), pd.Timestamp(year, 3 * q, 1) + last_day)
        for q in range(1, 5)
    ]
    return [*quarters, (str(year), pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31))]


def parse_day(text: pd.Series) -> pd.Series:
    """yyyyMMddHHmmss mostly, ISO sometimes; the day only (NaT when it does not parse)."""
    parsed = pd.to_datetime(text, format="%Y%m%d%H%M%S", errors="coerce")
    iso = parsed.isna() & text.notna()
    parsed[iso] = pd.to_datetime(text[iso], format="ISO8601", errors="coerce")
    return parsed.dt.normalize()


def clean_dossiers(path: Path) -> pd.DataFrame:
    """The rows the counts are made of: record problems and statuses 1 and 3 left out."""
    df = pd.read_parquet(path)
    for column in DATE_COLUMNS:
        df[column] = df[column].replace("", None)
        df[column + "_day"] = parse_day(df[column])
    terminal = df["TrangThaiHoSo"].isin([7, 8, 9, 10])
    bad = (
        df["MaHoSo"].isna()
        | df["MaHoSo"].eq("")
        | df["MaHoSo"].duplicated(keep="first") & df["MaHoSo"].notna()
        | df["DonViXuLy"].isna()
        | df["DonViXuLy"].eq("")
        | df["NgayTiepNhan_day"].isna()
        | ~df["TrangThaiHoSo"].between(1, 10)
        | ~df["KenhThucHien"].isin([1, 2, 3])
        | (df["NgayHenTra_day"] < df["NgayTiepNhan_day"])
        | (terminal & (df["NgayKetThucXuLy_day"] < df["NgayTiepNhan_day"]))
    )
    for column in DATE_COLUMNS:
        bad |= df[column].notna() & df[column + "_day"].isna()
    df = df[~bad & ~df["TrangThaiHoSo"].isin([1, 3])].copy()
    df["received"] = df["NgayTiepNhan_day"]
    df["end"] = df["NgayKetThucXuLy_day"].where(df["TrangThaiHoSo"].isin([7, 8, 9, 10]))
    waited = pd.to_timedelta(df["SoNgayChoBoSung"].fillna(0), unit="D")
    df["due"] = df["NgayHenTra_day"] + waited
    df["repeated"] = df["SoLanBoSung"].fillna(0) > 1
    return df


def period_counts(df: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    received_in = df["received"].between(start, end)
    no_end = df["end"].isna()
    ended_in = df["end"].between(start, end)
    open_at_end = (df["received"] <= end) & (no_end | (df["end"] > end))
    waiting = df["TrangThaiHoSo"].isin([5, 6])
    returned_in = df["NgayTra_day"].between(start, end)
    flags = pd.DataFrame(
        {
            "received_online": received_in & (df["KenhThucHien"] == 2),
            "received_in_person": received_in & (df["KenhThucHien"] == 1),
            "received_postal": received_in & (df["KenhThucHien"] == 3),
            "carried_over": (df["received"] < start) & (no_end | (df["end"] >= start)),
            "resolved_early": ended_in & ~df["repeated"] & (df["end"] < df["due"]),
            "resolved_on_time": ended_in & ~df["repeated"]
            & (df["due"].isna() | (df["end"] == df["due"])),
            "resolved_late": ended_in & (df["repeated"] | (df["end"] > df["due"])),
            "pending_within_due": open_at_end
            & (df["due"].isna() | (df["due"] >= end) | waiting),
            "pending_past_due": open_at_end & (df["due"] < end) & ~waiting,
            "returned_total": returned_in,
            "returned_postal": returned_in & (df["HinhThuc"] == 1),
        }
    )  # fmt: skip
    counts = flags.groupby(df["DonViXuLy"].rename("unit")).sum()
    counts["received_total"] = counts[
        ["received_online", "received_in_person", "received_postal", "carried_over"]
    ].sum(axis=1)
    counts["resolved_total"] = counts[["resolved_early", "resolved_on_time", "resolved_late"]].sum(
        axis=1
    )
    return counts


def dossier_counts(path: Path, year: int) -> pd.DataFrame:
    """One row per unit × period: unit, period, then the 13 counts (int64), sorted."""
    df = clean_dossiers(path)
    frames = []
    for name, start, end in periods(year):
        counts = period_counts(df, start, end)
        counts.insert(0, "period", name)
        frames.append(counts.reset_index())
    result = pd.concat(frames, ignore_index=True)[["unit", "period", *COUNTS]]
    result[COUNTS] = result[COUNTS].astype("int64")
    return result.sort_values(["unit", "period"], ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dossiers", type=Path, help="a Parquet file of dossier records")
    parser.add_argument("--year", type=int, required=True)
    parser.add_argument("--output", type=Path, help="CSV of the counts (default: stdout)")
    args = parser.parse_args()
    result = dossier_counts(args.dossiers, args.year)
    if args.output:
        result.to_csv(args.output, index=False)
    else:
        print(result.to_string(index=False))


if __name__ == "__main__":
    main()
