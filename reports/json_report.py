"""The findings as one JSON document, schema `cchc-findings/2` (described in the README).

Each rule appears once, in `rules`, with its plan, title, strength, target and citation; a
finding names its rule and unit by id and carries its evidence and gap as numbers and dates.
The document is written with orjson: one top-level key per line, one finding per line, so that
a 10,000-unit report is fast to write and still readable with grep or jq.
"""

from __future__ import annotations

import io
import json
import re
from collections import deque
from collections.abc import Collection, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import orjson
import polars as pl

from cchc import __version__
from cchc.engine.evaluation import Evaluation
from cchc.engine.findings import RuleFindings
from cchc.engine.saved import SCHEMA, plan_entry, rule_entry
from cchc.reports.view import RenderOptions
from cchc.rules.measures.columns import EVIDENCE

LOOK_AHEAD = 3  # rules' findings rendered ahead of the one being written
# orjson writes UTF-8 and leaves DEL, C1 controls, bidi controls and lone surrogates raw. As \u
# escapes they decode to exactly the same data, and a terminal showing the document cannot obey
# them. (A regex: str.translate is 20 times slower on a 10,000-unit report.)
# The UTF-8 of every character of UNSAFE_RANGES from DEL up: DEL, the C1 controls, the Arabic
# letter mark and the bidi controls (tests/test_output_terminal.py checks it covers them all).
# Lone surrogates never reach UTF-8: `_dumps` escapes them.
_LEADS = (b"\x7f", b"\xc2", b"\xd8", b"\xe2")
_RAW_IN_JSON = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


def _json_escape(match: re.Match[bytes]) -> bytes:
    return f"\\u{ord(match[0].decode('utf-8')):04x}".encode()


def header(evaluation: Evaluation, only: Collection[str]) -> dict[str, Any]:
    """Every top-level key but the findings."""
    return {
        "schema": SCHEMA,
        "generator": f"cchc {__version__}",
        "as_of": evaluation.as_of,
        "engine": evaluation.engine,
        "plans": [plan_entry(plan) for plan in evaluation.plans],
        "summary": evaluation.summary(),
        # The statuses `findings` is limited to (--only); empty: every finding is listed.
        "only": sorted(only),
        "warnings": [notice.as_dict() for notice in evaluation.warnings],
        "rules_without_units": evaluation.rules_without_units,
        "rules": {rule.id: rule_entry(plan, rule) for plan, rule in evaluation.rules.values()},
        "units": {
            unit.pop("id"): unit for unit in evaluation.units.sort("id").iter_rows(named=True)
        },
        # Only in a check with --dossiers: the reported counts the records contradict.
        **(
            {"reconciliation": evaluation.reconciliation.as_dict()}
            if evaluation.reconciliation is not None
            else {}
        ),
    }


def chunks(evaluation: Evaluation, only: Collection[str] = ()) -> Iterator[bytes]:
    """The document in pieces, in order."""
    yield b"{"
    for index, (key, value) in enumerate(header(evaluation, only).items()):
        yield (b"\n" if index == 0 else b",\n") + orjson.dumps(key) + b": " + _dumps(value)
    yield b',\n"findings": ['
    first = True
    for lines in _each_rules_lines(evaluation.parts, only):
        if lines:
            yield (b"\n" if first else b",\n") + lines.rstrip(b"\n").replace(b"\n", b",\n")
            first = False
    yield b"\n]}\n"


def _each_rules_lines(parts: list[RuleFindings], only: Collection[str]) -> Iterator[bytes]:
    """Each rule's findings as JSON lines, in order. Polars writes them without the GIL, so two
    rules are written at once (and the file while they are); at most LOOK_AHEAD wait."""

    def lines(part: RuleFindings) -> bytes:
        frame = part.frame
        if only:
            frame = frame.filter(pl.col("status").is_in(list(only)))
        return _lines(part.rule.id, frame) if frame.height else b""

    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="cchc-json") as pool:
        waiting: deque[Future[bytes]] = deque()
        for part in parts:
            waiting.append(pool.submit(lines, part))
            if len(waiting) > LOOK_AHEAD:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def _dumps(value: object) -> bytes:
    """orjson, except for text no UTF-8 can hold (a file name that is not UTF-8 decodes to lone
    surrogates): that is written with \\u escapes by the standard library."""
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(value, default=str).encode("ascii")


def _lines(rule_id: str, frame: pl.DataFrame) -> bytes:
    """One JSON object per row, written by Polars. Evidence and gap fields no row of the rule
    has are left out; in a row, a field that does not apply is null."""
    given = frame.select(pl.all().is_not_null().any()).row(0, named=True)
    evidence = [c for c in frame.columns if c.startswith(EVIDENCE) and given[c]]
    gap = [c for c in frame.columns if c.startswith("g.") and given[c]]
    gap_struct = pl.struct([pl.col(c).alias(c[2:]) for c in gap]) if gap else pl.lit(None)
    unmet = pl.any_horizontal([pl.col(c).is_not_null() for c in gap]) if gap else pl.lit(False)
    findings = frame.select(
        pl.lit(rule_id).alias("rule"),
        "unit",
        "period",
        "status",
        "state",
        "reason",
        "due",
        pl.struct([pl.col(c).alias(c[len(EVIDENCE) :]) for c in evidence]).alias("evidence")
        if evidence
        else pl.lit(None).alias("evidence"),
        pl.when(unmet).then(gap_struct).alias("gap"),
    )
    buffer = io.BytesIO()
    findings.write_ndjson(buffer)
    return buffer.getvalue()


def render(evaluation: Evaluation, options: RenderOptions | None = None) -> Iterator[bytes]:
    """Every finding (or those of the statuses in --only): a machine format lists them all, and
    carries data, not words, so the language does not apply. UTF-8 bytes in pieces, as written:
    a national report is neither decoded and encoded again nor held whole (reports.output
    writes each piece while the next is made)."""
    return map(_escaped, chunks(evaluation, options.only if options else ()))


def _escaped(chunk: bytes) -> bytes:
    """The chunk with raw unsafe characters escaped. Every one of them starts with one of four
    bytes: a chunk without those (most findings are ASCII) is not scanned at all."""
    if any(lead in chunk for lead in _LEADS):
        return _RAW_IN_JSON.sub(_json_escape, chunk)
    return chunk


def as_document(evaluation: Evaluation, only: Collection[str] = ()) -> dict[str, Any]:
    """The document as Python data, as a reader of the file would load it."""
    return orjson.loads(b"".join(map(_escaped, chunks(evaluation, only))))
