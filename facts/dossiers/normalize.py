"""Each national field of a dossier export as SQL: the normalization every engine runs.

`record_select` is one SELECT over a file's rows (a relation with the file's own columns and
`file_row_number`, 0 for the first record) giving the normalized record of records.py's
docstring. It is DuckDB SQL; spark.py runs the same text on Apache Spark after sqlglot
transpiles it, so it keeps to what both engines share (the list of supplements, JSON functions
and lambdas, is DuckDB's alone: see spark.py).

Cost matters here (each of 50 million rows goes through every expression): the common shapes of
a value are recognised by length or by a cast, and only the rest meets a regular expression.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cchc.facts.dossiers.mapping import CODE_COLUMNS, NATIONAL_COLUMNS, Mapping

LIST_COLUMN = "DanhSachHoSoBoSung"
SUMMARY_COLUMNS = ("SoLanBoSung", "SoNgayChoBoSung")
DATE_COLUMNS = {
    "received": "NgayTiepNhan",
    "due": "NgayHenTra",
    "ended": "NgayKetThucXuLy",
    "returned": "NgayTra",
}
# Code columns: (name in the table, national column, the codes it may hold: a range).
CODES = (
    ("channel", "KenhThucHien", (1, 2, 3)),
    ("status", "TrangThaiHoSo", tuple(range(1, 11))),
    ("result_by_post", "HinhThuc", (0, 1)),
    ("service_level", "MucDo", (1, 2, 3, 4)),
)
# Every column a problem can name, by its name in the table (the rest are named as they are).
NATIONAL_OF = {
    "dossier": "MaHoSo",
    "procedure": "MaTTHC",
    "field": "MaLinhVuc",
    "unit": "DonViXuLy",
    **DATE_COLUMNS,
    **{name: national for name, national, _ in CODES},
}
ROW_LIMIT_KEY = 1 << 40  # file_index * ROW_LIMIT_KEY + row orders records across files
RECORD_COLUMNS = (
    "file_index INTEGER, row BIGINT, dossier VARCHAR, procedure VARCHAR, field VARCHAR, "
    "unit VARCHAR, channel INTEGER, received DATE, due DATE, ended DATE, returned DATE, "
    "status INTEGER, result_by_post INTEGER, service_level INTEGER, "
    "supplement_requests INTEGER, supplement_days INTEGER, "
    "field_bad VARCHAR, unit_bad VARCHAR, channel_bad VARCHAR, status_bad VARCHAR, "
    "result_by_post_bad VARCHAR, service_level_bad VARCHAR, received_bad VARCHAR, "
    "due_bad VARCHAR, ended_bad VARCHAR, returned_bad VARCHAR, "
    "supplement_problem VARCHAR, supplement_column VARCHAR, supplement_values VARCHAR"
)

# Whitespace a spreadsheet leaves around a value: spaces, tabs, line ends, NBSP, a stray BOM.
_BLANK_CODES = (32, 9, 10, 13, 160, 65279)
_BLANKS = "'" + "".join(map(chr, _BLANK_CODES)) + "'"
_YEAR = "(19[0-9]{2}|20[0-9]{2}|2100)"
_ISO_DAY = _YEAR + "-[0-9]{2}-[0-9]{2}"
_ISO_TIME = _ISO_DAY + "[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,9})?)?"
_OFFSET = "(Z|[+-][0-9]{2}(:?[0-9]{2})?)"
# A unit id as facts/model.py's Identifier: 1 to 120 characters, none of these.
_NOT_IN_UNIT_ID = r"[\s\x00-\x1f\x7f-\x9f]"
_INTEGER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def sql_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def json_values(**values: str) -> str:
    """A JSON object text of SQL values (a struct's JSON, which sqlglot writes for Spark too)."""
    if not values:
        return "'{}'"
    fields = ", ".join(f"'{key}': {value}" for key, value in values.items())
    return f"CAST(to_json({{{fields}}}) AS VARCHAR)"


def full_match(text: str, pattern: str) -> str:
    """`text` is all of `pattern` (written so that sqlglot makes it Spark's RLIKE)."""
    return f"regexp_matches({text}, '^({pattern})$')"


def unit_id_sql(text: str) -> str:
    """The text is a unit id. Written as "nothing to remove" rather than as a match: DuckDB
    runs regexp_replace once per distinct value of a column read as a dictionary (a unit
    column has a few hundred), regexp_matches once per row."""
    return (
        f"length({text}) BETWEEN 1 AND 120 "
        f"AND regexp_replace({text}, '{_NOT_IN_UNIT_ID}', '', 'g') = {text}"
    )


def text_sql(expression: str) -> str:
    """A cell as trimmed text, NULL when empty. Most cells begin and end with a printable ASCII
    character: they are kept as they are without calling trim (trimming six kinds of blank
    costs more than the rest of a cell's reading); the others are trimmed."""
    cell = f"CAST({expression} AS VARCHAR)"
    clean = f"ascii({cell}) BETWEEN 33 AND 126 AND ascii(substr({cell}, -1)) BETWEEN 33 AND 126"
    return f"CASE WHEN {clean} THEN {cell} ELSE NULLIF(trim({cell}, {_BLANKS}), '') END"


def raw_day_sql(cell: str) -> str:
    """The day a cell names, read as it is first and trimmed only when that fails (a date is
    most of a record's reading: the usual cell is read once)."""
    text = f"CAST({cell} AS VARCHAR)"
    return (
        f"COALESCE({parsed_day_sql(text)}, "
        f"CASE WHEN {text} IS NOT NULL THEN {parsed_day_sql(text_sql(cell))} END)"
    )


def date_sql(text: str) -> str:
    """The day a date text names (see the module docstring), NULL when it names none."""
    return in_years(parsed_day_sql(text))


def in_years(day: str) -> str:
    """A parsed day, NULL when out of the years dates may name (1900–2100)."""
    return f"CASE WHEN {day} BETWEEN DATE '1900-01-01' AND DATE '2100-12-31' THEN {day} END"


def parsed_day_sql(text: str) -> str:
    """The day a date text names, any year. The usual shapes are told apart by their length
    and parsed without a regular expression; the rest (ISO times with fractions or an offset)
    by the patterns they must match in full."""
    return (
        f"CASE length({text}) "
        f"WHEN 14 THEN CAST(try_strptime({text}, '%Y%m%d%H%M%S') AS DATE) "
        f"WHEN 8 THEN CAST(try_strptime({text}, '%Y%m%d') AS DATE) "
        f"WHEN 10 THEN CASE WHEN {text} LIKE '____-__-__' THEN TRY_CAST({text} AS DATE) END "
        f"ELSE {_iso_time_sql(text)} END"
    )


def _iso_time_sql(text: str) -> str:
    return (
        f"CASE WHEN {full_match(text, _ISO_TIME)} "
        f"THEN CAST(TRY_CAST({text} AS TIMESTAMP) AS DATE) "
        f"WHEN {full_match(text, _ISO_TIME + _OFFSET)} "
        f"THEN CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS DATE) END"
    )


def number_sql(text: str, digits: int) -> str:
    """A whole number written as digits (`2`, or `2.0` as a spreadsheet saves it), else NULL.
    The usual plain digits are read by a cast (and written back, to refuse `+2` or `02`)."""
    plain = f"TRY_CAST({text} AS INTEGER)"
    return (
        f"CASE WHEN length({text}) <= {digits} AND {plain} >= 0 "
        f"AND CAST({plain} AS VARCHAR) = {text} "
        f"THEN {plain} "
        f"WHEN {full_match(text, f'[0-9]{{1,{digits}}}([.]0+)?')} "
        f"THEN CAST(CAST({text} AS DOUBLE) AS INTEGER) END"
    )


@dataclass
class SourceFile:
    """One file to read: where, how, and which of its columns holds each national name."""

    index: int
    path: Path
    kind: str  # csv, parquet or json
    columns: dict[str, str]  # national name -> the file's column
    types: dict[str, str]  # the file's column -> its DuckDB type

    def source(self, national: str) -> str:
        return self.columns.get(national, national)


def record_select(source: SourceFile, relation: str, mapping: Mapping) -> str:
    """The file's records normalized (the columns of RECORD_COLUMNS, in order). `relation`
    holds the file's columns and `file_row_number`; the mapping's tables `unit_map`,
    `field_map` and `value_map` are joined only when it has entries for them."""
    return f"""
WITH src AS (SELECT file_row_number + 1 AS row, {_cells(source, mapping)} FROM {relation}),
mapped AS (
  SELECT src.*,
    {_mapped_sql(mapping)}
  FROM src
  {_mapping_joins(mapping)}
),
parsed AS (
  SELECT *,
    {", ".join(f"{raw_day_sql(national)} AS {name}_day" for name, national in DATE_COLUMNS.items())},
    {", ".join(f"{_code_sql(source, mapping, name)} AS {name}_code" for name, _, _ in CODES)},
    {_supplement_list_sql(source)} AS supplement_list
  FROM mapped
),
dated AS (
  SELECT *, {", ".join(f"{in_years(f'{name}_day')} AS {name}" for name in DATE_COLUMNS)}
  FROM parsed
),
supplements AS (SELECT *, {_supplement_checks_sql(source)} FROM dated),
valued AS (SELECT *, {_unit_ok_sql(source, mapping)} AS unit_ok FROM supplements)
SELECT CAST({source.index} AS INTEGER) AS file_index, CAST(row AS BIGINT) AS row,
  MaHoSo AS dossier, MaTTHC AS procedure,
  CASE WHEN field_code <> '' THEN field_code END AS field,
  CASE WHEN unit_ok THEN unit_text END AS unit,
  {_code_value_sql("channel")} AS channel, received, due, ended, returned,
  {_code_value_sql("status")} AS status, {_code_value_sql("result_by_post")} AS result_by_post,
  {_code_value_sql("service_level")} AS service_level,
  {_supplement_counts_sql(source)},
  CASE WHEN field_code = '' THEN MaLinhVuc END AS field_bad,
  CASE WHEN NOT unit_ok THEN unit_text END AS unit_bad,
  {", ".join(f"{_code_bad_sql(source, mapping, name)} AS {name}_bad" for name, _, _ in CODES)},
  {", ".join(f"CASE WHEN {name} IS NULL THEN {text_sql(national)} END AS {name}_bad" for name, national in DATE_COLUMNS.items())},
  {_supplement_problem_sql(source, mapping)}
FROM valued
"""  # noqa: E501


def _cells(source: SourceFile, mapping: Mapping) -> str:
    """Each national column as text, and as `<name>_int` too when the file types it so. A
    typed code or number that no mapping reads as text has no text column: the few values
    that are wrong are written as text where they are named (_text_of)."""
    texts = [
        f"CAST(NULL AS VARCHAR) AS {national}"
        if _read_as_integer(source, mapping, national)
        else f"{_cell(source, national)} AS {sql_name(national)}"
        for national in NATIONAL_COLUMNS
    ]
    typed = [
        f"CAST({sql_name(source.columns[national])} AS INTEGER) AS {national}_int"
        for national in NATIONAL_COLUMNS
        if _is_integer(source, national)
    ]
    unit = source.columns.get("DonViXuLy")
    raw = [f"CAST({sql_name(unit)} AS VARCHAR) AS DonViXuLy_cell"] if unit else []
    return ",\n".join(texts + typed + raw)


def _unit_ok_sql(source: SourceFile, mapping: Mapping) -> str:
    """The unit is an id (unit_id_sql). A cell that is one as it is, is one trimmed: that is
    asked first of the cell as the file holds it, which DuckDB keeps as a dictionary (one
    regexp_replace per distinct unit; the trimmed text is a new value per row)."""
    if mapping.units or "DonViXuLy" not in source.columns:
        return unit_id_sql("unit_text")
    as_held, trimmed = unit_id_sql("DonViXuLy_cell"), unit_id_sql("unit_text")
    return f"CASE WHEN {as_held} THEN true ELSE {trimmed} END"


def _mapped_sql(mapping: Mapping) -> str:
    unit = "COALESCE(unit_map.target, src.DonViXuLy)" if mapping.units else "src.DonViXuLy"
    field = _field_code_sql("src.MaLinhVuc")
    if mapping.fields:
        field = f"COALESCE(field_map.target, {field})"
    codes = ", ".join(
        f"COALESCE(map_{n}.target, src.{n}) AS {n}_text"
        if n in mapping.values
        else f"src.{n} AS {n}_text"
        for n in CODE_COLUMNS
    )
    return f"{unit} AS unit_text, {field} AS field_code, {codes}"


def _mapping_joins(mapping: Mapping) -> str:
    joins = ["LEFT JOIN unit_map ON unit_map.code = src.DonViXuLy"] if mapping.units else []
    if mapping.fields:
        joins.append("LEFT JOIN field_map ON field_map.code = src.MaLinhVuc")
    joins += [
        f"LEFT JOIN value_map AS map_{n} ON map_{n}.column_name = '{n}' AND map_{n}.code = src.{n}"
        for n in CODE_COLUMNS
        if n in mapping.values
    ]
    return "\n  ".join(joins)


def _is_integer(source: SourceFile, national: str) -> bool:
    """The file holds the column as integers already (a typed Parquet column)."""
    name = source.columns.get(national)
    return name is not None and source.types.get(name, "VARCHAR") in _INTEGER_TYPES


def _typed_integer(source: SourceFile, national: str) -> str | None:
    return f"{national}_int" if _is_integer(source, national) else None


def _code_sql(source: SourceFile, mapping: Mapping, name: str) -> str:
    national = next(n for c, n, _ in CODES if c == name)
    typed = _typed_integer(source, national)
    if typed is not None and national not in mapping.values:
        return typed
    return number_sql(f"{national}_text", 3)


def _count_sql(source: SourceFile, national: str) -> str:
    """SoLanBoSung or SoNgayChoBoSung as a number (NULL when unreadable)."""
    typed = _typed_integer(source, national)
    if typed is not None:
        return f"CASE WHEN {typed} BETWEEN 0 AND 99999 THEN {typed} END"
    return number_sql(national, 5)


def _cell(source: SourceFile, national: str) -> str:
    """The file's cell for a national name as trimmed text (NULL when the file has no such
    column); a Parquet list of supplements as its JSON text."""
    name = source.columns.get(national)
    if name is None:
        return "CAST(NULL AS VARCHAR)"
    kind = source.types.get(name, "VARCHAR")
    if national in DATE_COLUMNS.values():  # read as they are: raw_day_sql trims on failure
        return f"CAST({sql_name(name)} AS VARCHAR)"
    if national == LIST_COLUMN and source.kind == "parquet" and kind not in ("VARCHAR", "JSON"):
        return text_sql(f"to_json({sql_name(name)})")
    if kind in _INTEGER_TYPES:
        return f"CAST({sql_name(name)} AS VARCHAR)"
    return text_sql(sql_name(name))


def _field_code_sql(text: str) -> str:
    """MaLinhVuc as a cchc field code: lower case, other characters `-`, no leading `-` (a
    field code starts with a letter or a digit). '' when nothing is left: a problem."""
    return f"ltrim(regexp_replace(lower({text}), '[^a-z0-9]', '-', 'g'), '-')"


def _valid_code_sql(name: str) -> str:
    """The code is one of its column's (each column's codes are a range)."""
    codes = next(codes for n, _, codes in CODES if n == name)
    return f"{name}_code BETWEEN {min(codes)} AND {max(codes)}"


def _code_value_sql(name: str) -> str:
    return f"CASE WHEN {_valid_code_sql(name)} THEN {name}_code END"


def _read_as_integer(source: SourceFile, mapping: Mapping, national: str) -> bool:
    """A code or number column the file types as integers, read as such (not value-mapped)."""
    numbers = (*(n for _, n, _ in CODES), *SUMMARY_COLUMNS)
    return national in numbers and _is_integer(source, national) and national not in mapping.values


def _text_of(source: SourceFile, mapping: Mapping, national: str, column: str) -> str:
    """A code or number cell as text, for a message (`column`: its text column)."""
    if _read_as_integer(source, mapping, national):
        return f"CAST({national}_int AS VARCHAR)"
    return column


def _code_bad_sql(source: SourceFile, mapping: Mapping, name: str) -> str:
    national = next(n for c, n, _ in CODES if c == name)
    valid = _valid_code_sql(name)
    text = _text_of(source, mapping, national, f"{national}_text")
    return f"CASE WHEN ({valid}) IS NOT TRUE THEN {text} END"  # NULL when not given


def _supplement_list_sql(source: SourceFile) -> str:
    """The supplement requests as a list of {requested, received} texts; NULL without the list
    column or when the cell is not a JSON list (a problem)."""
    if LIST_COLUMN not in source.columns:
        return "CAST(NULL AS INTEGER)"
    cell = LIST_COLUMN
    element = (
        "lambda e: {'requested': "
        + text_sql("json_extract_string(e, '$.NgayBoSung')")
        + ", 'received': "
        + text_sql("json_extract_string(e, '$.NgayTiepNhanBoSung')")
        + ", 'is_object': json_type(e) = 'OBJECT'}"
    )
    return (
        f"CASE WHEN (CASE WHEN json_valid({cell}) THEN json_type({cell}) END) = 'ARRAY' "
        f"THEN list_transform(from_json({cell}, '[\"JSON\"]'), {element}) END"
    )


def _supplement_checks_sql(source: SourceFile) -> str:
    """Per request its days as dates, and the first unreadable date or backwards wait."""
    if LIST_COLUMN not in source.columns:
        return "CAST(NULL AS INTEGER) AS supplement_days_list"
    dated = (
        "list_transform(supplement_list, lambda s, i: {'i': i - 1, 'requested': s.requested, "
        f"'received': s.received, 'requested_day': {date_sql('s.requested')}, "
        f"'received_day': {date_sql('s.received')}, 'is_object': s.is_object}})"
    )
    return f"{dated} AS supplement_days_list"


def _supplement_counts_sql(source: SourceFile) -> str:
    if LIST_COLUMN in source.columns:
        waits = (
            "list_transform(supplement_days_list, lambda s: CASE WHEN s.received_day >= "
            "s.requested_day THEN date_diff('day', s.requested_day, s.received_day) ELSE 0 END)"
        )
        return (
            "COALESCE(len(supplement_list), 0) AS supplement_requests, "
            f"COALESCE(list_sum({waits}), 0) AS supplement_days"
        )
    return (
        f"COALESCE({_count_sql(source, 'SoLanBoSung')}, 0) AS supplement_requests, "
        f"COALESCE({_count_sql(source, 'SoNgayChoBoSung')}, 0) AS supplement_days"
    )


def _supplement_problem_sql(source: SourceFile, mapping: Mapping) -> str:
    """supplement_problem, supplement_column, supplement_values (JSON): the first problem of
    the row's supplements. Columns are written with national names; derive.py shows them as
    the file names them."""
    if LIST_COLUMN not in source.columns:
        texts = {n: _text_of(source, mapping, n, n) for n in SUMMARY_COLUMNS}
        given = {
            n: f"{n}_int IS NOT NULL"
            if _read_as_integer(source, mapping, n)
            else f"{n} IS NOT NULL"
            for n in SUMMARY_COLUMNS
        }
        checks = [
            (
                f"{given[national]} AND {_count_sql(source, national)} IS NULL",
                "'bad_number'",
                f"'{national}'",
                json_values(value=texts[national]),
            )
            for national in SUMMARY_COLUMNS
        ]
    else:
        first = "list_filter(supplement_days_list, lambda s: {})[1]"
        unreadable = first.format(
            "(s.requested IS NOT NULL AND s.requested_day IS NULL) OR "
            "(s.received IS NOT NULL AND s.received_day IS NULL)"
        )
        backwards = first.format("s.received_day < s.requested_day")
        bad_key = (
            f"CASE WHEN {unreadable}.requested_day IS NULL AND {unreadable}.requested IS NOT NULL "
            "THEN 'NgayBoSung' ELSE 'NgayTiepNhanBoSung' END"
        )
        bad_text = (
            f"CASE WHEN {unreadable}.requested_day IS NULL AND {unreadable}.requested IS NOT NULL "
            f"THEN {unreadable}.requested ELSE {unreadable}.received END"
        )
        not_object = "list_bool_or(list_transform(supplement_list, lambda s: NOT s.is_object))"
        checks = [
            (
                f"{LIST_COLUMN} IS NOT NULL AND (CASE WHEN json_valid({LIST_COLUMN}) "
                f"THEN json_type({LIST_COLUMN}) END) IS DISTINCT FROM 'NULL' "
                f"AND (supplement_list IS NULL OR {not_object})",
                "'bad_supplements'",
                f"'{LIST_COLUMN}'",
                json_values(value=f"left({LIST_COLUMN}, 60)"),
            ),
            (
                f"{unreadable} IS NOT NULL",
                "'bad_date'",
                f"'{LIST_COLUMN}[' || {unreadable}.i || '].' || {bad_key}",
                json_values(value=bad_text),
            ),
            (
                f"{backwards} IS NOT NULL",
                "'supplement_before_request'",
                f"'{LIST_COLUMN}[' || {backwards}.i || '].NgayTiepNhanBoSung'",
                json_values(
                    requested=f"CAST({backwards}.requested_day AS VARCHAR)",
                    received=f"CAST({backwards}.received_day AS VARCHAR)",
                ),
            ),
        ]
    names = ("supplement_problem", "supplement_column", "supplement_values")
    return ",\n  ".join(
        "CASE " + " ".join(f"WHEN {when} THEN {part[i]}" for when, *part in checks) + " END"
        f" AS {names[i]}"
        for i in range(3)
    )
