"""Renderers format findings and nothing else; `terminal` makes text safe to show, and `output`
delivers a rendered report to the file --output names."""

from cchc.reports.json_report import render_json
from cchc.reports.table import render_table

RENDERERS = {"table": render_table, "json": render_json}

__all__ = ["RENDERERS", "render_json", "render_table"]
