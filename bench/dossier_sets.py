"""Generated dossier-record sets in the national field names, for the issue-10 benchmark.

    python bench/dossier_sets.py --rows 1000000 --output /tmp/d1m.parquet
    python bench/dossier_sets.py --rows 2000 --output /tmp/d2k.csv --format csv --delimiter ';'
    python bench/dossier_sets.py --rows 2000 --output /tmp/d2k.ndjson --format json

One row per dossier (see /work/notes/dossier-spec.md): MaHoSo, MaTTHC, MaLinhVuc, DonViXuLy,
KenhThucHien, NgayTiepNhan, NgayHenTra, NgayKetThucXuLy, NgayTra, TrangThaiHoSo, HinhThuc,
MucDo and, in flat files, SoLanBoSung and SoNgayChoBoSung; the JSON form carries the nested
DanhSachHoSoBoSung list instead (the national sync format), each request with NgayBoSung,
NgayTiepNhanBoSung, NgayHenTraTruoc and NgayHenTraMoi.

The province (`--units`, default 600) is made of departments (`000.00.07.H26`), districts
(`000.00.31.H26`) and their communes (`000.04.31.H26`); each unit handles its own fields of
procedures, and each unit × field gets its own online, postal and on-time rates from the seed.
Receipts cover `--year` plus the last weeks of the year before (carried over); the export is
taken on 10 January of the next year, so late receipts are still open.

The messy cases real exports have, each at a small rate (together about 0.45% of rows, under
the contract's 1% bad-row limit): appointment before receipt, end before receipt, unknown
status code, unknown channel, unparseable date, missing MaHoSo / DonViXuLy / NgayTiepNhan,
duplicate MaHoSo (a later row reusing the code of an earlier, clean, counted row, so that
"keep the first copy" is unambiguous). Harmless oddities: ISO dates on some rows (with or
without a time), missing NgayHenTra, appointments at 00:00 on the day of a 09:00 receipt,
and stray NgayKetThucXuLy on open dossiers (never before receipt).

Every value is a pure function of (seed, row number): hash-based uniforms inside one DuckDB
query over `range(rows)`, streamed to the file by COPY (bounded memory; order-preserving, so
the same arguments give byte-identical files). The parameters (seed, year, rows, units) are
written into the Parquet file's key-value metadata, where bench/bench_dossiers.py reads the year.
"""

from __future__ import annotations

import argparse
import calendar
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

PROVINCE = "H26"
EXPORT_DAYS_AFTER_YEAR = 9  # the export is taken on 10 January of the next year
CARRIED_SHARE = 0.06  # receipts from the last CARRIED_DAYS days of the previous year
CARRIED_DAYS = 45
UNIT_SLOTS = 16384  # a row picks its unit by slot: slots per unit ∝ the unit's volume
FIELD_SLOTS = 64  # and its field among the unit's fields the same way
SORTED_UP_TO = 1_000_000  # rows: smaller sets are sorted by row number (see generate)

# Record problems (the contract's list), as cumulative thresholds on one uniform per row: a row
# has at most one, so what makes a row bad is never in doubt.
PROBLEMS: tuple[tuple[str, float], ...] = (
    ("due_before_receipt", 0.0010),
    ("end_before_receipt", 0.0005),
    ("unknown_status", 0.0005),
    ("unknown_channel", 0.0003),
    ("unparseable_date", 0.0004),
    ("missing_unit", 0.0002),
    ("missing_receipt", 0.0002),
    ("missing_code", 0.0001),
    ("duplicate_code", 0.0012),
)
IGNORED_NEW, IGNORED_NOT_ACCEPTED = 0.006, 0.004  # statuses 1 and 3 (by their own uniform)


@dataclass(frozen=True)
class Field:
    code: str  # MaLinhVuc
    name: str
    level: str  # who handles it: "dept", "district", "commune" (a department: any)
    days: tuple[int, ...]  # statutory working days of its procedures


FIELDS: tuple[Field, ...] = (
    Field("TP.HT", "Hộ tịch", "commune", (0, 1, 3, 5, 5, 15)),
    Field("TP.CT", "Chứng thực", "commune", (0, 0, 1, 2)),
    Field("LDTBXH.BTXH", "Bảo trợ xã hội", "commune", (7, 10, 15, 20)),
    Field("NN.TL", "Thủy lợi", "commune", (5, 10, 15)),
    Field("TNMT.DD", "Đất đai", "district", (10, 15, 20, 30, 45)),
    Field("XD.GPXD", "Cấp phép xây dựng", "district", (7, 15, 20)),
    Field("KH.HKD", "Đăng ký hộ kinh doanh", "district", (3, 3, 5)),
    Field("GD.VB", "Văn bằng, chứng chỉ", "district", (3, 5, 10)),
    Field("YT.ATTP", "An toàn thực phẩm", "district", (7, 15, 20)),
    Field("CT.LTHH", "Lưu thông hàng hóa", "district", (7, 10, 15)),
    Field("NV.TDKT", "Thi đua, khen thưởng", "district", (10, 20, 30)),
    Field("KH.DKDN", "Đăng ký doanh nghiệp", "dept", (3, 3, 5, 10)),
    Field("TNMT.MT", "Môi trường", "dept", (15, 20, 30, 45)),
    Field("XD.QH", "Quy hoạch xây dựng", "dept", (15, 20, 25)),
    Field("GTVT.DB", "Đường bộ", "dept", (1, 3, 5, 10)),
    Field("YT.KCB", "Khám bệnh, chữa bệnh", "dept", (10, 20, 45)),
    Field("TP.LLTP", "Lý lịch tư pháp", "dept", (10, 10, 15)),
    Field("LDTBXH.VL", "Việc làm", "dept", (3, 7, 15)),
    Field("VHTT.DL", "Du lịch", "dept", (5, 10, 15)),
    Field("TC.QLGS", "Quản lý giá, công sản", "dept", (10, 15, 20)),
)
LEVEL_FIELDS = {
    "commune": [f for f in FIELDS if f.level == "commune"] + [FIELDS[4]],  # + land
    "district": [f for f in FIELDS if f.level in ("district", "commune")],
    "dept": list(FIELDS),
}


def _provinces_units(count: int, rng: random.Random) -> list[tuple[str, str, float]]:
    """(code, level, volume) for `count` units: ~4% departments, ~5% districts, the rest
    communes spread over the districts. Codes follow the national 4-level unit code."""
    departments = max(1, round(count * 0.04))
    districts = max(1, min(count - departments, round(count * 0.05)))
    communes = max(0, count - departments - districts)
    units = [(f"000.00.{d + 1:02d}.{PROVINCE}", "dept", rng.lognormvariate(4.5, 0.7))
             for d in range(departments)]  # fmt: skip
    for d in range(districts):
        number = departments + d + 1
        units.append((f"000.00.{number:02d}.{PROVINCE}", "district", rng.lognormvariate(4.6, 0.5)))
        mine = communes // districts + (1 if d < communes % districts else 0)
        units += [(f"000.{c + 1:02d}.{number:02d}.{PROVINCE}", "commune",
                   rng.lognormvariate(2.3, 0.6)) for c in range(mine)]  # fmt: skip
    return units


def _slots(weights: list[float], slots: int) -> list[int]:
    """`slots` entries naming indexes of `weights`, each about in proportion (at least one)."""
    total = sum(weights)
    counts = [max(1, round(w / total * slots)) for w in weights]
    while sum(counts) > slots:  # trim the largest until it fits
        counts[counts.index(max(counts))] -= 1
    while sum(counts) < slots:
        counts[counts.index(max(counts))] += 1
    return [index for index, n in enumerate(counts) for _ in range(n)]


def _literal(value: object) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


def _load_tables(connection: duckdb.DuckDBPyConnection, seed: int, unit_count: int) -> None:
    """The province's small tables, drawn with Python's seeded RNG and keyed by index k: the
    unit of each unit slot, the field (and its rates) of each unit × field slot, and the
    procedures of each field. The rows join them as the probe side (see generate)."""
    rng = random.Random(seed)
    units = _provinces_units(unit_count, rng)
    procedures, first_procedure = [], {}
    for n, field in enumerate(FIELDS):
        first_procedure[field.code] = len(procedures)
        procedures += [(f"{1 + n % 2}.{rng.randrange(10**6):06d}", days) for days in field.days]
    unit_slots = _slots([volume for _, _, volume in units], UNIT_SLOTS)
    field_slots = []
    for code, level, _ in units:
        handled = LEVEL_FIELDS[level]
        count = rng.randint(2, 4) if level == "dept" else rng.randint(4, len(handled))
        mine = rng.sample(handled, k=min(len(handled), count))
        online_bias, on_time_bias = rng.uniform(-0.2, 0.2), rng.uniform(-0.08, 0.05)
        rates = [
            (
                field.code,
                first_procedure[field.code],
                len(field.days),
                min(0.95, max(0.02, rng.uniform(0.1, 0.8) + online_bias)),  # online
                rng.uniform(0.0, 0.06),  # received by post
                rng.uniform(0.0, 0.3),  # result returned by post
                min(0.995, max(0.6, rng.uniform(0.82, 0.99) + on_time_bias)),  # on time
            )
            for field in mine
        ]
        weights = [rng.lognormvariate(0, 0.8) for _ in mine]
        field_slots += [(code, *rates[k]) for k in _slots(weights, FIELD_SLOTS)]
    _table(connection, "unit_slot", ["u INTEGER"], [(u,) for u in unit_slots])
    _table(connection, "field_slot", FIELD_SLOT_COLUMNS, field_slots)
    _table(connection, "procedure", ["code VARCHAR", "days INTEGER"], procedures)


FIELD_SLOT_COLUMNS = ["unit VARCHAR", "field VARCHAR", "first_procedure INTEGER",
                      "procedures INTEGER", "p_online DOUBLE", "p_postal DOUBLE",
                      "p_post_result DOUBLE", "p_on_time DOUBLE"]  # fmt: skip


def _table(
    connection: duckdb.DuckDBPyConnection, name: str, columns: list[str], rows: list[tuple]
) -> None:
    """A temporary table `name` (k = the row's index from 0, then `columns`), passed as one
    list parameter per column (a VALUES text of 38,400 rows takes DuckDB seconds to parse)."""
    unnested = ", ".join(
        f"unnest(${n + 1}::{column.split()[1]}[]) AS {column.split()[0]}"
        for n, column in enumerate(columns)
    )
    lists = [list(values) for values in zip(*rows, strict=True)]
    connection.execute(
        f"CREATE TEMP TABLE {name} AS SELECT generate_subscripts($1, 1) - 1 AS k, {unnested}",
        lists,
    )


def _macros(connection: duckdb.DuckDBPyConnection, seed: int, year: int) -> None:
    """rnd(i, salt): a uniform in [0, 1) from the row number; day_text: a day offset from
    1 January plus seconds, written as the row's date style (0 compact, 1 ISO, 2 ISO day)."""
    problem_cases = " ".join(
        f"WHEN rnd(i, 'problem') < {sum(p for _, p in PROBLEMS[: k + 1])!r} THEN '{name}'"
        for k, (name, _) in enumerate(PROBLEMS)
    )
    connection.execute(
        # hash(i, seed, salt) would not do: DuckDB combines the hashes of its arguments so
        # that two salts give uniforms a fixed bit flip apart. One 64-bit mix of i xor a
        # per-salt key gives independent ones.
        f"CREATE TEMP MACRO rnd(i, salt) AS (hash(xor(i::UBIGINT, hash(salt, {seed}))) >> 11)"
        f"  ::DOUBLE / 9007199254740992.0;"
        f"CREATE TEMP MACRO problem(i) AS CASE {problem_cases} ELSE NULL END;"
        f"CREATE TEMP MACRO dossier_code(i) AS '{PROVINCE}-' || lpad(i::VARCHAR, 10, '0');"
        f"CREATE TEMP MACRO day_text(day, secs, style) AS CASE style"
        f"  WHEN 0 THEN strftime(TIMESTAMP '{year}-01-01' + to_seconds(day * 86400 + secs),"
        f"                       '%Y%m%d%H%M%S')"
        f"  WHEN 1 THEN strftime(TIMESTAMP '{year}-01-01' + to_seconds(day * 86400 + secs),"
        f"                       '%Y-%m-%dT%H:%M:%S')"
        f"  ELSE strftime(DATE '{year}-01-01' + day::INTEGER, '%Y-%m-%d') END;"
    )


def _rows_query(rows: int, year: int) -> str:
    """The generating query: picks (unit, field, procedure), then the dossier's timeline, then
    its status and the record problems. Column `requests_json` is the nested supplement list
    (kept only in the JSON form)."""
    days_in_year = 366 if calendar.isleap(year) else 365
    export_day = days_in_year + EXPORT_DAYS_AFTER_YEAR
    garbage = f"['N/A', '{year}-02-30', '31/12/{year}', '{year}1332080000']"
    return f"""
WITH picked AS (
  SELECT r.range AS i, f.unit, f.field, f.p_online, f.p_postal, f.p_post_result, f.p_on_time,
    p.code AS procedure, p.days
  FROM range({rows}) r
  JOIN unit_slot s ON s.k = floor(rnd(r.range, 'unit') * {UNIT_SLOTS})::INTEGER
  JOIN field_slot f
    ON f.k = s.u * {FIELD_SLOTS} + floor(rnd(r.range, 'field') * {FIELD_SLOTS})::INTEGER
  JOIN procedure p
    ON p.k = f.first_procedure + floor(rnd(r.range, 'procedure') * f.procedures)::INTEGER
), drawn AS (
  SELECT *,
    CASE WHEN rnd(i, 'carried') < {CARRIED_SHARE} THEN -1 - floor(rnd(i, 'day') * {CARRIED_DAYS})
         ELSE floor(rnd(i, 'day') * {days_in_year}) END::INTEGER AS day0,
    (27000 + floor(rnd(i, 'secs') * 34200))::INTEGER AS received_secs,
    round(days * 7 / 5)::INTEGER AS allow,  -- working days as calendar days
    CASE WHEN rnd(i, 'requests') < 0.80 THEN 0 WHEN rnd(i, 'requests') < 0.95 THEN 1
         WHEN rnd(i, 'requests') < 0.99 THEN 2 ELSE 3 END AS requests,
    (1 + floor(rnd(i, 'w1') * 10))::INTEGER AS w1,
    (1 + floor(rnd(i, 'w2') * 10))::INTEGER AS w2,
    (1 + floor(rnd(i, 'w3') * 10))::INTEGER AS w3,
    rnd(i, 'on_time') < p_on_time AS on_time,
    CASE WHEN rnd(i, 'style') < 0.94 THEN 0 WHEN rnd(i, 'style') < 0.97 THEN 1 ELSE 2 END AS style
  FROM picked
), timeline AS (
  SELECT *,
    -- receipts fall on working days: Saturday and Sunday move to Monday
    day0 + CASE dayofweek(DATE '{year}-01-01' + day0) WHEN 6 THEN 2 WHEN 0 THEN 1 ELSE 0 END
      AS received_day,
    [w1, w2, w3][1:requests] AS waits,
    CASE WHEN on_time AND rnd(i, 'exact') < 0.3 THEN 0
         WHEN on_time THEN -floor(rnd(i, 'early') * (allow + 1))
         ELSE 1 + floor(rnd(i, 'late') * 25) END::INTEGER AS lateness
  FROM drawn
), fated AS (
  SELECT *,
    received_day + allow AS due_day,
    greatest(received_day, received_day + allow + coalesce(list_sum(waits), 0) + lateness)
      AS natural_end,
    (floor(rnd(i, 'return_lag') * 4))::INTEGER AS return_lag
  FROM timeline
), statused AS (
  SELECT *,
    CASE WHEN rnd(i, 'ignored') < {IGNORED_NEW} THEN 1
         WHEN rnd(i, 'ignored') < {IGNORED_NEW + IGNORED_NOT_ACCEPTED} THEN 3
         WHEN rnd(i, 'stuck') < 0.01 OR natural_end > {export_day} THEN
           CASE WHEN requests > 0 AND rnd(i, 'open') < 0.5 THEN 5
                WHEN rnd(i, 'open') < 0.05 THEN 6 WHEN rnd(i, 'open') < 0.85 THEN 4 ELSE 2 END
         WHEN rnd(i, 'fate') < 0.015 THEN 7
         WHEN rnd(i, 'fate') < 0.025 THEN 8
         WHEN natural_end + return_lag <= {export_day} AND rnd(i, 'returned') < 0.93 THEN 10
         ELSE 9 END AS status,
    problem(i) AS problem
  FROM fated
), ended AS (
  SELECT *,
    CASE WHEN status IN (9, 10) THEN natural_end
         WHEN status IN (7, 8)  -- withdrawn or stopped somewhere along the way
           THEN received_day + floor(rnd(i, 'stop') * (natural_end - received_day + 1))::INTEGER
         WHEN status IN (2, 4, 5, 6) AND rnd(i, 'stray_end') < 0.03  -- ignored by the contract
           THEN received_day
                + floor(rnd(i, 'stop') * ({export_day} - received_day + 1))::INTEGER
         END AS end_day,
    -- an open request (status 5) is not yet waited out: its days are not in the total
    coalesce(list_sum(waits), 0) - CASE WHEN status = 5 THEN coalesce(waits[-1], 0) ELSE 0 END
      AS waited,
    (28800 + floor(rnd(i, 'end_secs') * 32400))::INTEGER AS end_secs,
    rnd(i, 'due') >= 0.015 AS has_due,
    CASE WHEN rnd(i, 'due_time') < 0.7 THEN 61200 WHEN rnd(i, 'due_time') < 0.9 THEN 0
         ELSE received_secs END AS due_secs,
    i - 1 - floor(rnd(i, 'copied') * 5000)::BIGINT AS copied
  FROM statused
)
SELECT i,
  CASE WHEN problem = 'missing_code' THEN NULL
       WHEN problem = 'duplicate_code' AND copied >= 0 AND problem(copied) IS NULL
        AND rnd(copied, 'ignored') >= {IGNORED_NEW + IGNORED_NOT_ACCEPTED}
         THEN dossier_code(copied)
       ELSE dossier_code(i) END AS MaHoSo,
  procedure AS MaTTHC,
  field AS MaLinhVuc,
  CASE WHEN problem = 'missing_unit' THEN NULL ELSE unit END AS DonViXuLy,
  CASE WHEN problem = 'unknown_channel' THEN [0, 4][1 + (i % 2)::INTEGER]
       WHEN rnd(i, 'channel') < p_online THEN 2
       WHEN rnd(i, 'channel') < p_online + p_postal THEN 3 ELSE 1 END::INTEGER AS KenhThucHien,
  CASE WHEN problem = 'missing_receipt' THEN NULL
       WHEN problem = 'unparseable_date' AND i % 2 = 0 THEN {garbage}[1 + (i // 2 % 4)::INTEGER]
       ELSE day_text(received_day, received_secs, style) END AS NgayTiepNhan,
  CASE WHEN problem = 'due_before_receipt'
         THEN day_text(received_day - 1 - floor(rnd(i, 'bad') * 10)::INTEGER, 61200, style)
       WHEN problem = 'unparseable_date' AND i % 2 = 1 THEN {garbage}[1 + (i // 2 % 4)::INTEGER]
       WHEN has_due THEN day_text(due_day, due_secs, style) END AS NgayHenTra,
  CASE WHEN problem = 'end_before_receipt'
         THEN day_text(received_day - 1 - floor(rnd(i, 'bad') * 5)::INTEGER, end_secs, style)
       WHEN end_day IS NOT NULL THEN day_text(end_day, end_secs, style) END AS NgayKetThucXuLy,
  CASE WHEN problem = 'end_before_receipt'
         THEN day_text(received_day - 1 - floor(rnd(i, 'bad') * 5)::INTEGER, end_secs, style)
       WHEN status = 10 THEN day_text(end_day + return_lag, 36000, style) END AS NgayTra,
  CASE WHEN problem = 'unknown_status' THEN [0, 11, 99][1 + (i % 3)::INTEGER]
       WHEN problem = 'end_before_receipt' THEN 10 ELSE status END::INTEGER AS TrangThaiHoSo,
  (rnd(i, 'post_result') < p_post_result)::INTEGER AS HinhThuc,
  CASE WHEN rnd(i, 'channel') < p_online THEN (CASE WHEN rnd(i, 'level') < 0.75 THEN 4 ELSE 3 END)
       WHEN rnd(i, 'level') < 0.1 THEN 2 WHEN rnd(i, 'level') < 0.6 THEN 3 ELSE 4
       END::INTEGER AS MucDo,
  requests::INTEGER AS SoLanBoSung,
  waited::INTEGER AS SoNgayChoBoSung,
  list_transform(range(1, requests + 1), lambda k: {{
    'NgayBoSung': day_text(received_day + k + coalesce(list_sum(waits[1:k - 1]), 0), 32400, style),
    'NgayTiepNhanBoSung': CASE WHEN status = 5 AND k = requests THEN NULL ELSE
      day_text(received_day + k + list_sum(waits[1:k]), 50400, style) END,
    'NgayHenTraTruoc': CASE WHEN has_due THEN
      day_text(due_day + coalesce(list_sum(waits[1:k - 1]), 0), 61200, style) END,
    'NgayHenTraMoi': CASE WHEN has_due AND NOT (status = 5 AND k = requests) THEN
      day_text(due_day + list_sum(waits[1:k]), 61200, style) END
  }}) AS DanhSachHoSoBoSung
FROM ended
"""


def _copy_options(output_format: str, delimiter: str, metadata: dict[str, str]) -> str:
    if output_format == "csv":
        return f"FORMAT csv, HEADER true, DELIMITER {_literal(delimiter)}"
    if output_format == "json":
        return "FORMAT json"  # newline-delimited, one dossier per line
    pairs = ", ".join(f"{key}: {_literal(value)}" for key, value in metadata.items())
    return f"FORMAT parquet, COMPRESSION zstd, KV_METADATA {{{pairs}}}"


def generate(
    output: Path,
    rows: int,
    *,
    seed: int = 7,
    units: int = 600,
    year: int = 2024,
    output_format: str = "parquet",
    delimiter: str = ",",
    memory_limit: str = "3GB",
) -> None:
    """Write `rows` dossier records to `output` (same arguments: byte-identical file)."""
    with tempfile.TemporaryDirectory(prefix="dossier-sets-") as spill:
        connection = duckdb.connect(config={"memory_limit": memory_limit, "temp_directory": spill})
        # With filter pushdown on, DuckDB 2.0 copies the long CASE chains (status, end day)
        # into every expression that uses them: 10× slower. Nothing here filters anyway.
        connection.execute("SET disabled_optimizers = 'filter_pushdown'")
        _load_tables(connection, seed, units)
        _macros(connection, seed, year)
        # flat files: the two summary columns; JSON: the nested list of supplement requests
        nested = output_format == "json"
        dropped = "SoLanBoSung, SoNgayChoBoSung" if nested else "DanhSachHoSoBoSung"
        metadata = {"cchc_dossier_set": "1", "seed": str(seed), "year": str(year),
                    "rows": str(rows), "units": str(units)}  # fmt: skip
        # The big range is the probe side of the joins, whose order DuckDB keeps; a set smaller
        # than the lookup tables would be their build side, so it is sorted (cheap at that size).
        order = "ORDER BY i" if rows <= max(SORTED_UP_TO, 4 * units * FIELD_SLOTS) else ""
        query = f"SELECT * EXCLUDE (i, {dropped}) FROM ({_rows_query(rows, year)}) {order}"
        options = _copy_options(output_format, delimiter, metadata)
        output.unlink(missing_ok=True)
        connection.execute(f"COPY ({query}) TO {_literal(str(output))} ({options})")
        connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--units", type=int, default=600)
    parser.add_argument("--year", type=int, default=2024)
    parser.add_argument("--format", choices=["parquet", "csv", "json"], default="parquet")
    parser.add_argument("--delimiter", default=",", help="CSV only, e.g. ';'")
    parser.add_argument("--memory-limit", default="3GB", help="DuckDB's, while generating")
    args = parser.parse_args()
    if args.units < 3:
        sys.exit("--units: at least 3 (a department, a district and a commune)")
    start = time.perf_counter()
    generate(
        args.output,
        args.rows,
        seed=args.seed,
        units=args.units,
        year=args.year,
        output_format=args.format,
        delimiter=args.delimiter,
        memory_limit=args.memory_limit,
    )
    seconds = time.perf_counter() - start
    size = args.output.stat().st_size / 2**20
    print(f"{args.rows:,} rows → {args.output} ({args.format}, {size:,.1f} MiB) in {seconds:.1f} s")


if __name__ == "__main__":
    main()
