"""The workbook a unit fills in to report under a plan (`cchc facts template`), laid out as
/work/notes/workbook-spec.md agrees with the workbook reader:

- "Hướng dẫn" first: the plan, the units and periods, how to fill the cells, then every column
  to fill with its label, the name cchc reads, its meaning and unit, the rules that read it and
  the plan's words they quote, verbatim.
- One sheet per kind of fact the units need, only those, with only the columns they need: row 1
  the label in the reader's language, row 2 the machine column name (what the reader keys on),
  data from row 3. Sheets are titled in Vietnamese (the contract's titles) for a Vietnamese
  reader and by their machine names (which the reader accepts as well) for an English one.
- Report, dossier, per-field and indicator sheets have one row per unit × period (× field),
  the unit and period pre-filled and locked; a cell the unit of its row does not report is grey
  and locked. Scores, duties, events and tasks are lists: empty rows to fill, one item a row,
  with the unit, period and code chosen from lists (a row pre-filled with a key but nothing
  else would be read as an item reported without its value).
- Data validation: whole numbers ≥ 0 for counts, numbers ≥ 0 for scores, dates for dates, the
  yes/no words facts/values.py accepts for yes/no, and lists (on the hidden "_lists" sheet) for
  codes. Header rows frozen; sheets protected without a password: the protection keeps the
  structure from being changed by mistake, it is no security.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import ClassVar

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.workbook.protection import WorkbookProtection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.protection import SheetProtection
from openpyxl.worksheet.worksheet import Worksheet

from cchc.facts.periods import Period
from cchc.facts.vocabulary import DOSSIER_FIELDS
from cchc.facts.workbooks import SHEET_TITLES as WORKBOOK_SHEET_TITLES
from cchc.reports.needs import group_name, kind_name, meaning, periods_text, rule_title
from cchc.reports.wording.catalogues import Language, language
from cchc.rules.needs import GROUPS, Need, Needs

INSTRUCTIONS = "Hướng dẫn"
LISTS = "_lists"
# The sheets are titled as the reader (facts/workbooks.py) matches them.
SHEET_TITLES = WORKBOOK_SHEET_TITLES
LIST_GROUPS = ("scores", "duties", "events", "tasks")
DATE_FORMAT = "dd/mm/yyyy"
FIRST_ROW = 3
GREY = PatternFill("solid", fgColor="D9D9D9")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
UNLOCKED = Protection(locked=False)
WRAPPED = Alignment(wrap_text=True, vertical="top")
FIXED_TIME = datetime(2000, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
EVENT_ROWS = 12  # empty event rows per unit and event kind: a monthly event, a year of them

# Each fixed column: its label's message and the kind of value it takes.
FIXED = {
    "unit": ("template.column_unit", "unit"),
    "period": ("template.column_period", "period"),
    "field": ("template.column_field", "key"),
    "code": ("template.column_code", "list"),
    "score": ("template.column_score", "score"),
    "duty": ("template.column_duty", "list"),
    "done": ("template.column_done", "yes_no"),
    "date": ("template.column_date", "date"),
    "evidence": ("template.column_evidence", "text"),
    "kind": ("template.column_kind", "list"),
    "inspected": ("template.column_inspected", "text"),
    "by": ("template.column_by", "text"),
    "note": ("template.column_note", "text"),
    "task": ("template.column_task", "list"),
    "completed": ("template.column_completed", "date"),
    "product": ("template.column_product", "text"),
}
# A list sheet's columns after unit and period; the column naming the item comes first.
LIST_COLUMNS = {
    "scores": ("code", "score"),
    "duties": ("duty", "done", "date", "evidence"),
    "events": ("kind", "date", "inspected", "by", "note"),
    "tasks": ("task", "completed", "product"),
}
REPORT_COLUMNS = ("submitted", "thematic_submitted", "data_from", "data_to")


@dataclass(frozen=True)
class TemplateUnit:
    """A unit the workbook is for. Without an id the officer types it (a template by kind)."""

    needs: Needs
    id: str | None = None
    name: str | None = None
    parent: str | None = None
    agency: str | None = None

    def wants(self, group: str, name: str) -> bool:
        return name in self.needs.names(group)


@dataclass(frozen=True)
class Column:
    name: str  # the machine name (row 2)
    label: str  # row 1
    kind: str  # unit, period, key, count, score, date, yes_no, list, text


@dataclass
class _Lists:
    """The hidden sheet's lists, each in its own column, referenced by validations."""

    sheet: Worksheet
    columns: dict[str, str] = field(default_factory=dict)

    def reference(self, name: str, values: Sequence[str]) -> str:
        if name not in self.columns:
            letter = get_column_letter(len(self.columns) + 1)
            self.columns[name] = letter
            _text(self.sheet, f"{letter}1", name)
            for row, value in enumerate(values, start=2):
                _text(self.sheet, f"{letter}{row}", value)
        letter = self.columns[name]
        return f"'{LISTS}'!${letter}$2:${letter}${max(2, len(values) + 1)}"


def write_template(
    units: Sequence[TemplateUnit], periods: Sequence[Period], code: str = "vi"
) -> bytes:
    """The workbook for `units` (all under the same plan) and `periods`, as xlsx bytes."""
    lang = language(code)
    workbook = Workbook()
    instructions = workbook.active
    instructions.title = INSTRUCTIONS
    lists = _Lists(workbook.create_sheet(LISTS))
    lists.sheet.sheet_state = "hidden"
    _write_instructions(instructions, units, periods, lang)
    title = SHEET_TITLES["units"] if lang.code == "vi" else "units"
    _write_units(workbook.create_sheet(title, index=1), units, lang)
    for group in GROUPS:
        if any(unit.needs.group(group) for unit in units):
            title = SHEET_TITLES[group] if lang.code == "vi" else group
            sheet = workbook.create_sheet(title, index=len(workbook.sheetnames) - 1)
            _write_group(sheet, group, units, periods, lang, lists)
    lists.sheet.protection.sheet = True
    workbook.security = WorkbookProtection(lockStructure=True)
    workbook.properties.creator = "cchc"
    workbook.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _without_clock(buffer.getvalue())


UNIT_COLUMNS = (
    ("id", "template.column_unit"),
    ("name", "template.column_unit_name"),
    ("kind", "template.column_unit_kind"),
    ("parent", "template.column_unit_parent"),
    ("agency", "template.column_unit_agency"),
)


def _write_units(sheet: Worksheet, units: Sequence[TemplateUnit], lang: Language) -> None:
    """The registry of the units the workbook is for, so that the filled workbook is checked
    on its own: what the template knows (a units file's entries; the kind) is filled in and
    locked, the rest (a unit of a template by kind: its id and name) is the officer's."""
    columns = [Column(name, lang(label), "unit") for name, label in UNIT_COLUMNS]
    _write_header(sheet, columns)
    for row, unit in enumerate(units, start=FIRST_ROW):
        known = {
            "id": unit.id,
            "name": unit.name,
            "kind": unit.needs.kind,
            "parent": unit.parent,
            "agency": unit.agency,
        }
        for index, column in enumerate(columns, start=1):
            cell = sheet.cell(row, index)
            if (known[column.name] is not None and unit.id is not None) or column.name == "kind":
                _text(sheet, cell.coordinate, str(known[column.name] or ""))
            else:
                _open(cell, column)
    sheet.freeze_panes = "A3"
    _widths(sheet, columns)
    sheet.protection = SheetProtection(
        sheet=True, formatColumns=False, formatRows=False, selectLockedCells=False
    )


def _without_clock(data: bytes) -> bytes:
    """The same bytes each time a template is made from the same plan: openpyxl stamps the
    save's time in the properties and on each zip member; both are set to FIXED_TIME."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "docProps/core.xml":
                content = _MODIFIED.sub(rb"\g<1>2000-01-01T00:00:00Z\g<2>", content)
            info = zipfile.ZipInfo(member.filename, FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, content)
    return buffer.getvalue()


def _text(sheet: Worksheet, ref: str, value: str) -> None:
    """Text as text: an id or a quote starting with `=` is never a formula."""
    cell = sheet[ref]
    cell.value = value
    cell.data_type = "s"


def merged_needs(units: Iterable[TemplateUnit]) -> list[Need]:
    """Every need of any unit, once, with the rules of all of them (for the instructions)."""
    found: dict[tuple[str, str], Need] = {}
    for unit in units:
        for need in unit.needs.items:
            key = (need.group, need.name)
            if key not in found:
                found[key] = need
                continue
            known = found[key]
            readers = {r.rule_id: r for r in [*known.readers, *need.readers]}
            counts = tuple(dict.fromkeys([*known.counts, *need.counts]))
            found[key] = replace(known, readers=tuple(readers.values()), counts=counts)
    order = {group: index for index, group in enumerate(GROUPS)}
    return sorted(found.values(), key=lambda need: order[need.group])


def _label(text: str) -> str:
    return text[:1].upper() + text[1:]


def _count_label(need: Need, lang: Language) -> str:
    text = _label(meaning(need, lang, with_checks=False))
    return f"{text} ({need.unit})" if need.unit else text


def _columns(group: str, needs: list[Need], lang: Language, by_others: bool) -> list[Column]:
    """The columns of a group's sheet: the keys, then what the units need."""
    keys = ["unit", "period"] + (["field"] if group == "fields" else [])
    columns = [Column(name, lang(FIXED[name][0]), FIXED[name][1]) for name in keys]
    if group == "reports":
        wanted = {need.name: need for need in needs}
        columns += [
            Column(name, _label(meaning(wanted[name], lang)), "date")
            for name in REPORT_COLUMNS
            if name in wanted
        ]
    elif group in ("dossiers", "indicators"):
        columns += [Column(need.name, _count_label(need, lang), "count") for need in needs]
    elif group == "fields":
        counts = dict.fromkeys(name for need in needs for name in need.counts)
        columns += [Column(name, _dossier_label(name, lang), "count") for name in counts]
    else:
        columns += [
            Column(name, lang(FIXED[name][0]), FIXED[name][1])
            for name in LIST_COLUMNS[group]
            if _column_wanted(group, name, needs, by_others)
        ]
    return columns


def _column_wanted(group: str, name: str, needs: list[Need], by_others: bool) -> bool:
    """`inspected` where an event kind names its subject; `by` where the plan counts events
    carried out by units other than the reporting one (Sở Nội vụ inspecting for the city)."""
    if group == "events" and name == "inspected":
        return any(need.needs_subject for need in needs)
    if group == "events" and name == "by":
        return by_others and any(need.needs_subject for need in needs)
    return True


def _dossier_label(name: str, lang: Language) -> str:
    quantity = DOSSIER_FIELDS[name]
    text = getattr(quantity, f"meaning_{lang.code}", None) or quantity.meaning
    return f"{_label(text)} ({quantity.unit})"


def _write_group(
    sheet: Worksheet,
    group: str,
    units: Sequence[TemplateUnit],
    periods: Sequence[Period],
    lang: Language,
    lists: _Lists,
) -> None:
    needs = [need for need in merged_needs(units) if need.group == group]
    by_others = any(unit.needs.events_by_others for unit in units)
    columns = _columns(group, needs, lang, by_others)
    _write_header(sheet, columns)
    validations = _Validations(sheet, lang, lists, units, periods, needs)
    if group in LIST_GROUPS:
        _write_list_rows(sheet, columns, _list_rows(group, units, periods), validations)
    else:
        _write_keyed_rows(sheet, group, columns, units, periods, validations)
    validations.attach()
    keys = sum(1 for column in columns if column.kind in ("unit", "period", "key"))
    sheet.freeze_panes = f"{get_column_letter(keys + 1 if group not in LIST_GROUPS else 1)}3"
    _widths(sheet, columns)
    sheet.protection = SheetProtection(
        sheet=True, formatColumns=False, formatRows=False, selectLockedCells=False
    )


def _write_header(sheet: Worksheet, columns: list[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        _text(sheet, f"{letter}1", column.label)
        _text(sheet, f"{letter}2", column.name)
        for row in (1, 2):
            sheet[f"{letter}{row}"].fill = HEADER_FILL
            sheet[f"{letter}{row}"].alignment = WRAPPED
        sheet[f"{letter}1"].font = Font(bold=True)
        sheet[f"{letter}2"].font = Font(italic=True, color="595959")


def _widths(sheet: Worksheet, columns: list[Column]) -> None:
    for index, column in enumerate(columns, start=1):
        wanted = max(len(column.name), min(len(column.label), 60) // 2) + 2
        sheet.column_dimensions[get_column_letter(index)].width = max(12, min(40, wanted))
    sheet.row_dimensions[1].height = 60


class _Validations:
    """The cells of one sheet each validation applies to, attached once the rows are written."""

    ERRORS: ClassVar[dict[str, str]] = {
        "count": "template.error_count",
        "score": "template.error_score",
        "date": "template.error_date",
    }

    def __init__(
        self,
        sheet: Worksheet,
        lang: Language,
        lists: _Lists,
        units: Sequence[TemplateUnit],
        periods: Sequence[Period],
        needs: list[Need],
    ) -> None:
        self.sheet, self.lang, self.lists = sheet, lang, lists
        self.values: dict[str, list[str]] = {
            "period": [str(period) for period in periods],
            "yes_no": [lang("template.yes"), lang("template.no")],
            **{name: [need.name for need in needs] for name in ("code", "duty", "kind", "task")},
        }
        if all(unit.id for unit in units):
            self.values["unit"] = [str(unit.id) for unit in units]
        self.cells: dict[str, list[tuple[int, int]]] = {}

    def add(self, column: Column, row: int, index: int) -> None:
        key = column.kind if column.kind in (*self.ERRORS, "yes_no") else column.name
        if key in self.ERRORS or key in self.values:
            self.cells.setdefault(key, []).append((index, row))

    def attach(self) -> None:
        for key, cells in self.cells.items():
            validation = self._validation(key)
            validation.sqref = " ".join(_ranges(cells))  # type: ignore[assignment]
            self.sheet.add_data_validation(validation)

    def _validation(self, key: str) -> DataValidation:
        common = {
            "allow_blank": True,
            "showErrorMessage": True,
            "errorTitle": self.lang("template.error_title"),
        }
        if key == "count":
            return DataValidation(
                "whole", operator="greaterThanOrEqual", formula1="0", **common,
                error=self.lang("template.error_count"),
            )  # fmt: skip
        if key == "score":
            return DataValidation(
                "decimal", operator="greaterThanOrEqual", formula1="0", **common,
                error=self.lang("template.error_score"),
            )  # fmt: skip
        if key == "date":
            return DataValidation(
                "date", operator="between", formula1="DATE(1900,1,1)",
                formula2="DATE(2100,12,31)", **common, error=self.lang("template.error_date"),
            )  # fmt: skip
        reference = self.lists.reference(key, self.values[key])
        return DataValidation(
            "list", formula1=reference, **common, error=self.lang("template.error_list")
        )


def _ranges(cells: list[tuple[int, int]]) -> list[str]:
    """(column, row) cells as ranges of consecutive rows: `C3:C9 D3:D4 D6`."""
    ranges: list[str] = []
    for column in sorted({c for c, _ in cells}):
        rows = sorted(r for c, r in cells if c == column)
        letter = get_column_letter(column)
        start = previous = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == previous + 1:
                previous = row
                continue
            ranges.append(
                f"{letter}{start}" if start == previous else f"{letter}{start}:{letter}{previous}"
            )
            if row is not None:
                start = previous = row
    return ranges


def _wanted(unit: TemplateUnit, group: str, column: str, field_code: str | None) -> bool:
    if group == "fields":
        return any(n.name == field_code and column in n.counts for n in unit.needs.group("fields"))
    return unit.wants(group, column)


def _write_keyed_rows(
    sheet: Worksheet,
    group: str,
    columns: list[Column],
    units: Sequence[TemplateUnit],
    periods: Sequence[Period],
    validations: _Validations,
) -> int:
    """One row per unit × period (× field): keys locked, what the unit reports open."""
    row = FIRST_ROW
    for unit in units:
        if not unit.needs.group(group):
            continue
        codes: list[str | None] = list(unit.needs.names("fields")) if group == "fields" else [None]
        for period in periods:
            for code in codes:
                keys = {"unit": unit.id, "period": str(period), "field": code}
                for index, column in enumerate(columns, start=1):
                    cell = sheet.cell(row, index)
                    if column.name in keys and keys[column.name] is not None:
                        _text(sheet, cell.coordinate, str(keys[column.name]))
                    elif column.kind == "unit" or _wanted(unit, group, column.name, code):
                        _open(cell, column)
                        validations.add(column, row, index)
                    else:
                        cell.fill = GREY
                row += 1
    return row


def _list_rows(group: str, units: Sequence[TemplateUnit], periods: Sequence[Period]) -> int:
    """Room for every item of every unit and period; an event kind may recur (monthly)."""
    per_item = EVENT_ROWS if group == "events" else 1
    return sum(len(unit.needs.group(group)) * per_item for unit in units) * len(periods)


def _write_list_rows(
    sheet: Worksheet, columns: list[Column], count: int, validations: _Validations
) -> int:
    for row in range(FIRST_ROW, FIRST_ROW + count):
        for index, column in enumerate(columns, start=1):
            _open(sheet.cell(row, index), column)
            validations.add(column, row, index)
    return FIRST_ROW + count


def _open(cell: object, column: Column) -> None:
    cell.protection = UNLOCKED  # type: ignore[attr-defined]
    if column.kind == "date":
        cell.number_format = DATE_FORMAT  # type: ignore[attr-defined]
    elif column.kind in ("unit", "period", "key", "list", "text"):
        cell.number_format = "@"  # type: ignore[attr-defined]  # text: an id stays as typed


INSTRUCTION_COLUMNS = (
    ("template.col_sheet", 16),
    ("template.col_label", 36),
    ("template.col_name", 26),
    ("template.col_meaning", 48),
    ("template.col_unit", 12),
    ("template.col_rules", 48),
    ("template.col_periods", 24),
    ("template.col_quote", 90),
)
EXCEL_CELL_TEXT = 32_767


def _write_instructions(
    sheet: Worksheet, units: Sequence[TemplateUnit], periods: Sequence[Period], lang: Language
) -> None:
    row = 1
    for line in _preamble(units, periods, lang):
        _text(sheet, f"A{row}", line)
        row += 1
    sheet["A1"].font = Font(bold=True, size=14)
    row += 1
    _text(sheet, f"A{row}", lang("template.items_heading"))
    sheet[f"A{row}"].font = Font(bold=True)
    row += 1
    for index, (key, width) in enumerate(INSTRUCTION_COLUMNS, start=1):
        letter = get_column_letter(index)
        _text(sheet, f"{letter}{row}", lang(key))
        sheet[f"{letter}{row}"].font = Font(bold=True)
        sheet[f"{letter}{row}"].fill = HEADER_FILL
        sheet.column_dimensions[letter].width = width
    for need in merged_needs(units):
        row += 1
        for index, text in enumerate(_instruction_cells(need, lang), start=1):
            _text(sheet, f"{get_column_letter(index)}{row}", text[:EXCEL_CELL_TEXT])
            sheet.cell(row, index).alignment = WRAPPED
    sheet.protection = SheetProtection(sheet=True, formatColumns=False, formatRows=False)


def _preamble(
    units: Sequence[TemplateUnit], periods: Sequence[Period], lang: Language
) -> list[str]:
    needs = units[0].needs
    lines = [
        lang("template.instructions_title"),
        lang("template.plan", title=needs.plan_title, plan=needs.plan_id),
    ]
    if all(unit.id for unit in units):
        names = [f"{unit.name} ({unit.id})" if unit.name else str(unit.id) for unit in units]
        lines.append(lang("template.units", units=", ".join(names)))
    else:
        lines.append(lang("template.kind", kind=kind_name(needs.kind or "", lang)))
    lines += [lang("template.periods", periods=periods_text(periods, lang)), ""]
    steps = []
    if not all(unit.id for unit in units):
        steps.append(lang("template.step_unit", column=lang("template.column_unit")))
    steps += [
        lang("template.step_cells"),
        lang("template.step_counts"),
        lang("template.step_dates"),
        lang("template.step_yes_no", yes=lang("template.yes"), no=lang("template.no")),
        lang("template.step_lists"),
    ]
    if len({unit.needs for unit in units}) > 1:
        steps.append(lang("template.step_grey"))
    steps.append(lang("template.step_check"))
    return lines + [f"{number}. {step}" for number, step in enumerate(steps, start=1)]


def _instruction_cells(need: Need, lang: Language) -> list[str]:
    title = SHEET_TITLES[need.group] if lang.code == "vi" else need.group
    if need.group in ("dossiers", "indicators"):
        label = _count_label(need, lang)
    elif need.group == "reports":
        label = _label(meaning(need, lang))
    else:
        label = group_name(need.group, lang)
    rules = [
        lang("template.rule_line", rule=r.rule_id, title=rule_title(r, lang)) for r in need.readers
    ]
    quotes = [lang("template.quote_line", clause=r.clause, quote=r.quote) for r in need.readers]
    return [
        title,
        label,
        need.name,
        meaning(need, lang),
        need.unit,
        "\n".join(rules),
        periods_text(need.periods, lang),
        "\n".join(quotes),
    ]
