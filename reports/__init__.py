"""Renderers format findings and nothing else: one module per format, each with
`render(evaluation, options) -> Rendered` (text, bytes, or bytes in pieces; reports.output
writes any of them to a file atomically). Human formats lay out reports/view.py's ReportView;
`terminal` makes text safe to show; `output` delivers a report where --output names.

Modules are imported when their format is asked for: a JSON run does not pay for openpyxl."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from cchc.engine.evaluation import Evaluation
from cchc.reports.output import Rendered
from cchc.reports.view import RenderOptions

Renderer = Callable[[Evaluation, RenderOptions], Rendered]

# Format name -> its module; the order is --help's.
FORMATS: dict[str, str] = {
    "table": "cchc.reports.table",
    "json": "cchc.reports.json_report",
    "html": "cchc.reports.html",
    "md": "cchc.reports.markdown",
    "csv": "cchc.reports.csv_report",
    "xlsx": "cchc.reports.xlsx",
    "junit": "cchc.reports.junit",
    "sarif": "cchc.reports.sarif",
    "github": "cchc.reports.github",
}


def renderer(name: str) -> Renderer:
    """The `render` function of format `name` (one of FORMATS)."""
    module = importlib.import_module(FORMATS[name])
    render: Renderer = module.render
    return render


def render(name: str, evaluation: Evaluation, options: RenderOptions) -> Rendered:
    return renderer(name)(evaluation, options)


__all__ = ["FORMATS", "RenderOptions", "Renderer", "render", "renderer"]
