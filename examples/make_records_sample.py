"""Build examples/records/soc-son-2019-Q1.csv: the one-stop system's dossier records behind Huyện
Sóc Sơn's 2019-Q1 report (examples/hanoi-2019/soc-son-dossiers.csv), with the national field
names, as an inspector receives an export.

The records agree with the report on every count but three: 24 dossiers the report counts as
resolved on time ended after their appointment date (on time 1,443 reported, 1,419 in the
records; late 107 reported, 131 in the records), which also takes the on-time share from
94.51% to 93.28%. Illustrative data, deterministic: run it again and the bytes do not change.

Run: .venv/bin/python examples/make_records_sample.py
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

OUTPUT = Path(__file__).parent / "records" / "soc-son-2019-Q1.csv"
UNIT = "000.00.19.H26"  # Sóc Sơn's handling-unit code in this sample (mapping.yaml names it)
FIELDS = ("DAT-DAI", "HO-TICH", "XAY-DUNG", "LDTBXH")
Q1_START, Q1_END = date(2019, 1, 1), date(2019, 3, 31)
DAYS_TO_RESOLVE = 15
COLUMNS = (
    "MaHoSo", "MaTTHC", "MaLinhVuc", "DonViXuLy", "KenhThucHien", "NgayTiepNhan", "NgayHenTra",
    "NgayKetThucXuLy", "NgayTra", "TrangThaiHoSo", "HinhThuc", "MucDo", "SoLanBoSung",
    "SoNgayChoBoSung",
)  # fmt: skip

# (how many, channel, outcome) for the dossiers received in the quarter or carried over into it.
RESOLVED = (("early", 400), ("on_time", 1419), ("late", 131))
OPEN = (("within_due", 389), ("past_due", 43))
CHANNELS = ((2, 312), (1, 1720), (3, 86))  # online, in person, postal
CARRIED_OVER = 264
RETURNED, RETURNED_BY_POST = 1880, 300


def stamp(day: date, hour: int = 8) -> str:
    return f"{day:%Y%m%d}{hour:02d}0000"


def received_days() -> Iterator[tuple[date, int | None]]:
    """Each dossier's receipt day and channel (None: carried over from December 2018)."""
    for index in range(CARRIED_OVER):
        yield date(2018, 12, 20) + timedelta(days=index % 10), None
    for channel, count in CHANNELS:
        for index in range(count):
            yield Q1_START + timedelta(days=index % 75), channel


def outcomes() -> Iterator[str]:
    """The resolved ones first (by receipt day), the open ones last (received latest)."""
    for outcome, count in (*RESOLVED, *OPEN):
        yield from [outcome] * count


def record(number: int, received: date, channel: int, outcome: str) -> dict[str, object]:
    due = received + timedelta(days=DAYS_TO_RESOLVE)
    ended = {"early": due - timedelta(days=3), "on_time": due, "late": due + timedelta(days=4)}
    end = ended.get(outcome)
    if outcome == "within_due":
        received, due = Q1_END - timedelta(days=number % 10), Q1_END + timedelta(days=10)
    elif outcome == "past_due":
        received, due = Q1_END - timedelta(days=40), Q1_END - timedelta(days=5)
    returned = end if end is not None and number % 1950 < RETURNED else None
    return {
        "MaHoSo": f"{UNIT}-{received:%y%m%d}-{number:04d}",
        "MaTTHC": f"1.00{number % 7}",
        "MaLinhVuc": FIELDS[number % len(FIELDS)],
        "DonViXuLy": UNIT,
        "KenhThucHien": channel,
        "NgayTiepNhan": stamp(received),
        "NgayHenTra": stamp(due, 17),
        "NgayKetThucXuLy": stamp(end, 10) if end else "",
        "NgayTra": stamp(returned, 14) if returned else "",
        "TrangThaiHoSo": 10 if returned else 9 if end else 4,
        "HinhThuc": 1 if returned and number % 1950 < RETURNED_BY_POST else 0,
        "MucDo": 4 if channel == 2 else 3,
        "SoLanBoSung": 0,
        "SoNgayChoBoSung": 0,
    }


def records() -> list[dict[str, object]]:
    """Carried-over and early-received dossiers are the resolved ones; the open ones get their
    own receipt and due dates at the end of the quarter (see `record`)."""
    received = sorted(received_days(), key=lambda pair: pair[0])
    return [
        record(number, day, channel or 1, outcome)
        for number, ((day, channel), outcome) in enumerate(zip(received, outcomes(), strict=True))
    ]


def main() -> None:
    OUTPUT.parent.mkdir(exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(records())
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
