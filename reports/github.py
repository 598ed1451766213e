"""The findings as GitHub Actions workflow commands: an annotation per finding listed (those that
need attention, unless --only or --all say otherwise), then the evaluation's warnings, then one
line with the counts.

A firm target not met is an `::error`, an aspirational (phấn đấu) one a `::warning`, anything
else listed a `::notice`; each points at the rule's entry in its plan file (`file=`, `line=`).
Values are escaped exactly as GitHub's toolkit does (actions/toolkit, packages/core/src/
command.ts: `escapeData`, `escapeProperty`), so a unit name holding `%`, a newline, `::` or a
comma can neither end its line, start a command of its own, nor add a property. Other control
and bidi characters, which the runner would pass to the log raw, are shown as escapes.
"""

from __future__ import annotations

from collections.abc import Iterator

from cchc.engine.evaluation import Evaluation
from cchc.engine.findings import Finding
from cchc.reports.sources import Source, rule_sources
from cchc.reports.terminal import printable
from cchc.reports.view import RenderOptions, ReportView

BATCH = 2_000  # lines per piece written


def escape_data(text: str) -> str:
    """A command's message, as the toolkit's `escapeData` writes it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property's value, as the toolkit's `escapeProperty` writes it."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, object], message: str) -> str:
    """One workflow command line: `::name key=value,key=value::message`. Properties without a
    value are left out, as the toolkit leaves them. The toolkit's escapes come first: the
    escapes `printable` adds for other controls contain no character the runner decodes."""
    given = ",".join(
        f"{key}={printable(escape_property(str(value)))}"
        for key, value in properties.items()
        if value not in (None, "")
    )
    return f"::{name}{' ' if given else ''}{given}::{printable(escape_data(message))}"


def level(status: str, strength: str) -> str:
    """The annotation a listed finding makes."""
    if status == "fail":
        return "error" if strength == "firm" else "warning"
    if status == "at_risk":
        return "warning"
    return "notice"


def render(evaluation: Evaluation, options: RenderOptions) -> Iterator[bytes]:
    """UTF-8 lines in pieces: the annotations, the warnings, the summary."""
    view = ReportView(evaluation, options)
    sources = rule_sources(evaluation)
    lines: list[str] = []
    for finding in view.listed():
        lines.append(_annotation(view, finding, sources[finding.rule_id]))
        if len(lines) == BATCH:
            yield _piece(lines)
            lines = []
    title = view("report.warnings", count=view.number(len(view.warnings)))
    lines += [command("warning", {"title": title}, text) for text in view.warnings]
    lines.append(command("notice", {"title": view("report.title")}, _summary(view)))
    yield _piece(lines)


def _piece(lines: list[str]) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _annotation(view: ReportView, finding: Finding, source: Source) -> str:
    row = view.row(finding)
    title = view(
        "github.title", rule=finding.rule_id, unit_name=row.unit_name, period=row.period_name
    )
    message = view("github.verdict", status=row.status_word, strength=row.strength_word)
    if row.evidence:
        message = view("github.with_figures", text=message, figures=row.evidence)
    if row.gap:
        message = view("github.with_gap", text=message, gap=row.gap)
    properties = {"file": source.path, "line": source.line, "title": title}
    return command(level(finding.status, row.strength), properties, message)


def _summary(view: ReportView) -> str:
    """The counts over every finding, whatever is listed: the view's, as every format states."""
    total, number = view.total, view.number
    return view(
        "github.summary",
        day=view.day(view.evaluation.as_of),
        findings=number(total.total),
        passed=number(total["pass"]),
        failed=number(total["fail"]),
        firm=number(total.firm_failures),
        aspirational=number(total.aspirational_failures),
        pending=number(total["pending"]),
        missing=number(total["missing"]),
        not_applicable=number(total["not_applicable"]),
    )
