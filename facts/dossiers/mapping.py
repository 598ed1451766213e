"""A column mapping: how another vendor's export says what the national record says.

The file is YAML (read with yaml.safe_load), with four optional sections
(facts/dossiers/mapping-example.yaml is a complete example):

    columns:         # the vendor's column (or JSON key): the national name it holds
      so_ho_so: MaHoSo
      kenh_nop: KenhThucHien
    values:          # a national code column: {the vendor's value: the national code}
      KenhThucHien: {DVC: 2, TRUC_TIEP: 1, BUU_CHINH: 3}
      TrangThaiHoSo: {DA_TRA: 10}
    units:           # a DonViXuLy code: the cchc unit id, or the unit itself
      "000.00.12.H26": so-tu-phap
      "000.00.13.H26": {id: so-noi-vu, name: Sở Nội vụ, kind: department}
    fields:          # a MaLinhVuc code: the cchc field code
      G09-TP01: tu-phap

The national names are those of `NATIONAL_COLUMNS`. `values` may be given for the code columns
(`CODE_COLUMNS`); a value the map does not name is read as it is. A DonViXuLy or MaLinhVuc code
the map does not name is used as it is (a field code lower-cased, other characters made `-`).
Units given with `name` and `kind` are written into the derived facts' registry of units.
A column the mapping names must be in every file read with it.

Every error names the mapping file and the key path (`columns.so_ho_so`), with a code:
mapping_unreadable, mapping_bad_yaml, mapping_bad_shape, mapping_unknown_key,
mapping_unknown_target, mapping_duplicate_target, mapping_bad_value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cchc.facts.dossiers.problems import DossierError, RecordProblem, file_problem
from cchc.facts.format import UNIT_KINDS

NATIONAL_COLUMNS = (
    "MaHoSo",
    "MaTTHC",
    "MaLinhVuc",
    "DonViXuLy",
    "KenhThucHien",
    "NgayTiepNhan",
    "NgayHenTra",
    "NgayKetThucXuLy",
    "NgayTra",
    "TrangThaiHoSo",
    "HinhThuc",
    "MucDo",
    "DanhSachHoSoBoSung",
    "SoLanBoSung",
    "SoNgayChoBoSung",
)
CODE_COLUMNS = ("KenhThucHien", "TrangThaiHoSo", "HinhThuc", "MucDo")
SECTIONS = ("columns", "values", "units", "fields")
# As facts/model.py reads them: a unit id has no spaces or controls, a field code is kebab-case.
UNIT_ID = re.compile(r"[^\s\x00-\x1f\x7f-\x9f]{1,120}")
FIELD_CODE = re.compile(r"[a-z0-9][a-z0-9-]*")


@dataclass(frozen=True)
class UnitEntry:
    id: str
    name: str | None = None
    kind: str | None = None


@dataclass(frozen=True)
class Mapping:
    """A parsed mapping file. `columns`: vendor column → national name; `values`: national code
    column → {vendor value → national code}; `units`: DonViXuLy code → unit; `fields`: MaLinhVuc
    code → field code."""

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    units: dict[str, UnitEntry] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    file: str = "<mapping>"

    @classmethod
    def load(cls, path: str | Path) -> Mapping:
        file = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            problem = file_problem(file, None, "mapping_unreadable", detail=str(error))
            raise DossierError([problem]) from None
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 0
            problem = file_problem(file, None, "mapping_bad_yaml", line=line, detail=str(error))
            raise DossierError([problem]) from None
        return cls.from_document(document, file)

    @classmethod
    def from_document(cls, document: Any, file: str = "<mapping>") -> Mapping:
        reader = _Reader(file)
        mapping = reader.read(document)
        if reader.problems:
            raise DossierError(reader.problems)
        return mapping

    def source_of(self, national: str, file_columns: list[str]) -> str | None:
        """The file's column holding a national name: the mapped one, else the name itself."""
        for source, target in self.columns.items():
            if target == national:
                return source
        return national if national in file_columns else None

    def renamed(self, national: str) -> bool:
        return national in self.columns.values()


def as_mapping(mapping: Mapping | str | Path | dict[str, Any] | None) -> Mapping:
    if mapping is None:
        return Mapping()
    if isinstance(mapping, Mapping):
        return mapping
    if isinstance(mapping, dict):
        return Mapping.from_document(mapping)
    return Mapping.load(mapping)


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[RecordProblem] = []

    def fail(self, place: str | None, code: str, **values: str | int) -> None:
        self.problems.append(file_problem(self.file, place, code, **values))

    def section(self, document: dict[Any, Any], name: str) -> dict[str, Any]:
        """A section as {text key: value}; keys YAML read as numbers become their text."""
        items = document.get(name) or {}
        if not isinstance(items, dict):
            self.fail(name, "mapping_bad_shape", expected="mapping")
            return {}
        section: dict[str, Any] = {}
        for key, value in items.items():
            if isinstance(key, bool) or not isinstance(key, str | int):
                self.fail(f"{name}.{key}", "mapping_bad_value", value=str(key))
            else:
                section[str(key)] = value
        return section

    def read(self, document: Any) -> Mapping:
        if document is None:
            document = {}
        if not isinstance(document, dict):
            self.fail(None, "mapping_bad_shape", expected="mapping")
            return Mapping(file=self.file)
        for key in document:
            if key not in SECTIONS:
                self.fail(str(key), "mapping_unknown_key", key=str(key))
        return Mapping(
            self.columns(self.section(document, "columns")),
            self.values(self.section(document, "values")),
            self.units(self.section(document, "units")),
            self.fields(self.section(document, "fields")),
            self.file,
        )

    def columns(self, section: dict[str, Any]) -> dict[str, str]:
        columns: dict[str, str] = {}
        for source, target in section.items():
            key = f"columns.{source}"
            if target not in NATIONAL_COLUMNS:
                self.fail(key, "mapping_unknown_target", target=str(target))
            elif target in columns.values():
                self.fail(key, "mapping_duplicate_target", target=target)
            else:
                columns[source] = target
        return columns

    def values(self, section: dict[str, Any]) -> dict[str, dict[str, str]]:
        values: dict[str, dict[str, str]] = {}
        for column, codes in section.items():
            if column not in CODE_COLUMNS:
                self.fail(f"values.{column}", "mapping_unknown_target", target=column)
                continue
            if not isinstance(codes, dict):
                self.fail(f"values.{column}", "mapping_bad_shape", expected="mapping")
                continue
            values[column] = {}
            for source, code in codes.items():
                key = f"values.{column}.{source}"
                readable = not isinstance(source, bool) and not isinstance(code, bool)
                if not readable or not re.fullmatch(r"[0-9]{1,3}", str(code)):
                    self.fail(key, "mapping_bad_value", value=str(code))
                else:
                    values[column][str(source)] = str(int(str(code)))
        return values

    def units(self, section: dict[str, Any]) -> dict[str, UnitEntry]:
        units: dict[str, UnitEntry] = {}
        for code, entry in section.items():
            key = f"units.{code}"
            if isinstance(entry, str):
                entry = {"id": entry}
            if not isinstance(entry, dict) or not set(entry) <= {"id", "name", "kind"}:
                self.fail(key, "mapping_bad_shape", expected="unit")
                continue
            unit_id, name, kind = entry.get("id"), entry.get("name"), entry.get("kind")
            if not isinstance(unit_id, str) or not UNIT_ID.fullmatch(unit_id):
                self.fail(f"{key}.id", "mapping_bad_value", value=str(unit_id))
            elif name is not None and (not isinstance(name, str) or not name.strip()):
                self.fail(f"{key}.name", "mapping_bad_value", value=str(name))
            elif kind is not None and kind not in UNIT_KINDS:
                self.fail(f"{key}.kind", "mapping_bad_value", value=str(kind))
            else:
                units[code] = UnitEntry(unit_id, name, kind)
        return units

    def fields(self, section: dict[str, Any]) -> dict[str, str]:
        fields: dict[str, str] = {}
        for code, target in section.items():
            if not isinstance(target, str) or not FIELD_CODE.fullmatch(target):
                self.fail(f"fields.{code}", "mapping_bad_value", value=str(target))
            else:
                fields[code] = target
        return fields
