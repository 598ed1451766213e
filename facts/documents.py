"""A fact file's text into plain data, safely: YAML and JSON documents, CSV rows with their lines.

Untrusted input: nothing here constructs objects, follows an alias beyond a small budget, nests
beyond what a fact file ever needs, or converts a number before its text has been checked.
Numbers stay as the text written (`NumberText`) and dates as text, so `facts.values` can refuse
`1.000` as a count and `2019-02-31` as a date with a message that names the place.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from cchc.facts.problems import Place, Problem, Value
from cchc.facts.values import NumberText, excerpt

MAX_DEPTH = 24  # a fact file nests 6 levels (reports[0].dossiers_by_field.x.y); room to spare
MAX_ALIAS_GROWTH = 10_000  # extra nodes aliases may add beyond the document's own
MAX_CELL = 4_000  # characters in one CSV cell


class DocumentError(ValueError):
    """The text is not a document cchc can read: where (a line, maybe a column) and why (a
    code and its values)."""

    def __init__(
        self, code: str, line: int | None = None, column: int | None = None, **values: Value
    ) -> None:
        self.code, self.line, self.column, self.values = code, line, column, values
        super().__init__(f"line {line}: {code} {values}" if line else f"{code} {values}")

    def at(self, file: str, record: int | None = None) -> Problem:
        """The problem in `file` (in an NDJSON file, on the line of `record`)."""
        place = Place(file, line=record or self.line, column=None if record else self.column)
        return Problem.of(place, self.code, **self.values)


class _KeyTwice(yaml.constructor.ConstructorError):
    def __init__(self, key: str, mark: Any) -> None:
        self.key = key
        super().__init__(None, None, f"key {excerpt(key)} is given twice", mark)


_SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present


class _FactLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """yaml.safe_load with stricter mappings and scalars kept as written (see module doc)."""


def _construct_mapping(loader: _FactLoader, node: MappingNode) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping or a list cannot be used as a key", key_node.start_mark
            )
        key = unicodedata.normalize("NFC", key_node.value)
        if key in mapping:
            raise _KeyTwice(key, key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
    return mapping


def _number(is_integer: bool) -> Any:
    def construct(loader: _FactLoader, node: ScalarNode) -> NumberText:
        return NumberText.of(node.value, is_integer)

    return construct


_FactLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FactLoader.add_constructor("tag:yaml.org,2002:int", _number(True))
_FactLoader.add_constructor("tag:yaml.org,2002:float", _number(False))
# Dates stay text here: 2019-02-31 is then refused by the date reader, located, not a traceback.
_FactLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda _, node: node.value)


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []


def _check_graph(root: Node) -> None:
    """Depth, and the size the document would have with every alias expanded, computed without
    expanding (memoised, iteratively): a billion-laughs file is refused in milliseconds."""
    sizes: dict[int, int] = {}
    on_path = {id(root)}
    stack = [(root, 1, iter(_children(root)))]
    while stack:
        node, depth, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            on_path.discard(id(node))
            sizes[id(node)] = 1 + sum(sizes[id(c)] for c in _children(node))
            if sizes[id(node)] > len(sizes) + MAX_ALIAS_GROWTH:
                raise DocumentError("alias_expansion", node.start_mark.line + 1)
            continue
        if id(child) in on_path:
            raise DocumentError("alias_cycle", child.start_mark.line + 1)
        if id(child) in sizes:
            continue
        if depth >= MAX_DEPTH:
            raise DocumentError("too_deep", child.start_mark.line + 1, depth=MAX_DEPTH)
        on_path.add(id(child))
        stack.append((child, depth + 1, iter(_children(child))))


def parse_yaml(text: str) -> Any:
    """One YAML document as plain data (dicts with text keys, lists, text, NumberText, bool,
    None). Raises DocumentError with the line and what is wrong."""
    loader = _FactLoader(text)
    try:
        root = loader.get_single_node()
        if root is None:
            return None
        if "&" in text:  # without an anchor there is no alias: the cheaper depth check will do
            _check_graph(root)
        # libyaml refuses nesting beyond 1,000 levels itself; the constructor's recursion below
        # that is caught as RecursionError, and _check_depth bounds what is constructed.
        document = loader.construct_document(root)
    except yaml.YAMLError as error:
        raise _yaml_error(error) from None
    except RecursionError:
        raise DocumentError("too_deep", depth=MAX_DEPTH) from None
    finally:
        loader.dispose()
    _check_depth(document)
    return document


def _yaml_error(error: yaml.YAMLError) -> DocumentError:
    """The YAML library's own explanation (English, from the library) is kept as a value."""
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    if isinstance(error, _KeyTwice):
        return DocumentError("key_twice", line, column, key=excerpt(error.key))
    detail = getattr(error, "problem", None) or ""
    return DocumentError("not_yaml", line, column, detail=detail)


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    mapping: dict[str, Any] = {}
    for key, value in pairs:
        key = unicodedata.normalize("NFC", key)
        if key in mapping:
            raise DocumentError("key_twice", key=excerpt(key))
        mapping[key] = value
    return mapping


def _no_constant(name: str) -> Any:
    raise DocumentError("json_constant", name=name)


def _json_int(text: str) -> int | NumberText:
    # JSON's integer syntax is digits with an optional minus: a short one is exactly an int
    # (fast); a long one stays text, so the count reader refuses it before any conversion.
    return int(text) if len(text) <= 15 else NumberText(text)


def parse_json(text: str) -> Any:
    """One JSON document as plain data, numbers kept as written, duplicate keys refused."""
    try:
        document = json.loads(
            text,
            object_pairs_hook=_unique_object,
            parse_int=_json_int,
            parse_float=lambda t: NumberText.of(t, False),
            parse_constant=_no_constant,
        )
    except json.JSONDecodeError as error:
        raise DocumentError("not_json", error.lineno, error.colno, detail=error.msg) from None
    except RecursionError:
        raise DocumentError("too_deep", depth=MAX_DEPTH) from None
    _check_depth(document)
    return document


def _check_depth(document: Any) -> None:
    """Iteratively, so a deep document cannot exhaust the stack here; scalars are not visited."""
    stack = [(document, 1)] if isinstance(document, dict | list) else []
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise DocumentError("too_deep", depth=MAX_DEPTH)
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def csv_delimiter(text: str) -> str:
    """`;` when the header line is separated by semicolons (Excel's "CSV" where the decimal
    separator is a comma, as in a Vietnamese locale), else `,`. A header of cchc's column names
    holds no comma or semicolon of its own, so the count decides."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def csv_rows(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) per record, the line being where the record starts in the file.
    Only CR/LF end a record: a U+2028 or \\x1c inside a cell stays in that cell."""
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise DocumentError("nul_character", line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise DocumentError("not_csv", start, detail=str(error)) from None
        long_cell = next((cell for cell in cells if len(cell) > MAX_CELL), None)
        if long_cell is not None:
            raise DocumentError("cell_too_long", start, limit=MAX_CELL)
        yield start, cells
        start = reader.line_num + 1


class _PlanLoader(_SafeLoader):  # type: ignore[misc, valid-type]
    """For the catalogue's own plan files (trusted, in this repository): yaml.safe_load's usual
    values (dates, numbers), with a key given twice refused."""


def _construct_plan_mapping(loader: _PlanLoader, node: MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} is given twice", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep)


_PlanLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_plan_mapping)


def parse_plan_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_PlanLoader)  # a SafeLoader subclass
