-- The floor: Biểu 06 counts per handling unit × period, by hand, in one DuckDB query.
--
-- The 13 counts of the issue-10 contract (/work/notes/dossier-spec.md) with its default options
-- (end = NgayKetThucXuLy; withdrawn 7 and stopped 8 judged like any terminal dossier; days
-- waiting for a supplement added to the due date; more than one supplement request: late),
-- per DonViXuLy × (year-Q1, …, year-Q4, year). Dates compared by day.
-- Rows with a record problem are filtered out (the contract lists them and counts them; a floor
-- just leaves them out): appointment or end before receipt, unknown status or channel, a date
-- that does not parse, missing MaHoSo / DonViXuLy / NgayTiepNhan, and every copy of a MaHoSo
-- after the first in file order. Statuses 1 and 3 are not under resolution: left out too.
--
-- Parameters are DuckDB variables:
--   duckdb -c "SET VARIABLE dossiers = '/tmp/d1m.parquet'; SET VARIABLE year = 2024;" \
--          -c ".read bench/baselines/dossiers.sql"
-- (bench/bench_dossiers.py and tests/test_dossier_baselines.py set them and run this text.)

WITH periods(period, p_from, p_to) AS (
  SELECT * FROM (VALUES
    (getvariable('year')::VARCHAR || '-Q1', make_date(getvariable('year'), 1, 1), make_date(getvariable('year'), 3, 31)),
    (getvariable('year')::VARCHAR || '-Q2', make_date(getvariable('year'), 4, 1), make_date(getvariable('year'), 6, 30)),
    (getvariable('year')::VARCHAR || '-Q3', make_date(getvariable('year'), 7, 1), make_date(getvariable('year'), 9, 30)),
    (getvariable('year')::VARCHAR || '-Q4', make_date(getvariable('year'), 10, 1), make_date(getvariable('year'), 12, 31)),
    (getvariable('year')::VARCHAR, make_date(getvariable('year'), 1, 1), make_date(getvariable('year'), 12, 31))
  )
),
raw AS (
  SELECT *,
    -- the first copy of a MaHoSo in file order is the one kept
    row_number() OVER (PARTITION BY MaHoSo ORDER BY file_row_number) AS copy_number,
    try_strptime(NULLIF(NgayTiepNhan, ''), ['%Y%m%d%H%M%S', '%Y-%m-%d', '%Y-%m-%dT%H:%M:%S'])::DATE AS received,
    try_strptime(NULLIF(NgayHenTra, ''), ['%Y%m%d%H%M%S', '%Y-%m-%d', '%Y-%m-%dT%H:%M:%S'])::DATE AS appointment,
    try_strptime(NULLIF(NgayKetThucXuLy, ''), ['%Y%m%d%H%M%S', '%Y-%m-%d', '%Y-%m-%dT%H:%M:%S'])::DATE AS ended,
    try_strptime(NULLIF(NgayTra, ''), ['%Y%m%d%H%M%S', '%Y-%m-%d', '%Y-%m-%dT%H:%M:%S'])::DATE AS returned
  FROM read_parquet(getvariable('dossiers'), file_row_number = true)
),
dossiers AS (
  SELECT
    DonViXuLy AS unit, KenhThucHien AS channel, TrangThaiHoSo AS status, HinhThuc,
    received, returned,
    CASE WHEN TrangThaiHoSo IN (7, 8, 9, 10) THEN ended END AS end_day,
    appointment + coalesce(SoNgayChoBoSung, 0)::INTEGER AS due,
    coalesce(SoLanBoSung, 0) > 1 AS repeated_supplements
  FROM raw
  WHERE MaHoSo IS NOT NULL AND NULLIF(MaHoSo, '') IS NOT NULL AND copy_number = 1
    AND DonViXuLy IS NOT NULL AND DonViXuLy <> ''
    AND received IS NOT NULL
    AND (NULLIF(NgayHenTra, '') IS NULL OR appointment IS NOT NULL)
    AND (NULLIF(NgayKetThucXuLy, '') IS NULL OR ended IS NOT NULL)
    AND (NULLIF(NgayTra, '') IS NULL OR returned IS NOT NULL)
    AND TrangThaiHoSo BETWEEN 1 AND 10
    AND KenhThucHien IN (1, 2, 3)
    AND (appointment IS NULL OR appointment >= received)
    AND NOT (TrangThaiHoSo IN (7, 8, 9, 10) AND ended < received)
    AND TrangThaiHoSo NOT IN (1, 3)
)
SELECT
  unit, period,
  count(*) FILTER (received BETWEEN p_from AND p_to AND channel = 2) AS received_online,
  count(*) FILTER (received BETWEEN p_from AND p_to AND channel = 1) AS received_in_person,
  count(*) FILTER (received BETWEEN p_from AND p_to AND channel = 3) AS received_postal,
  count(*) FILTER (received < p_from AND (end_day IS NULL OR end_day >= p_from)) AS carried_over,
  received_online + received_in_person + received_postal + carried_over AS received_total,
  count(*) FILTER (end_day BETWEEN p_from AND p_to AND NOT repeated_supplements
                   AND end_day < due) AS resolved_early,
  count(*) FILTER (end_day BETWEEN p_from AND p_to AND NOT repeated_supplements
                   AND (due IS NULL OR end_day = due)) AS resolved_on_time,
  count(*) FILTER (end_day BETWEEN p_from AND p_to
                   AND (repeated_supplements OR end_day > due)) AS resolved_late,
  resolved_early + resolved_on_time + resolved_late AS resolved_total,
  count(*) FILTER (received <= p_to AND (end_day IS NULL OR end_day > p_to)
                   AND (due IS NULL OR due >= p_to OR status IN (5, 6))) AS pending_within_due,
  count(*) FILTER (received <= p_to AND (end_day IS NULL OR end_day > p_to)
                   AND due < p_to AND status NOT IN (5, 6)) AS pending_past_due,
  count(*) FILTER (returned BETWEEN p_from AND p_to) AS returned_total,
  count(*) FILTER (returned BETWEEN p_from AND p_to AND HinhThuc = 1) AS returned_postal
FROM dossiers CROSS JOIN periods
GROUP BY unit, period
ORDER BY unit, period;
