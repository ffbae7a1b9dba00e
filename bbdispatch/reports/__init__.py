"""Work statements rendered for clients and accounting: CSV, Markdown, HTML, JSON."""

from __future__ import annotations

from bbdispatch.domain.statements import Statement

FORMATS = ("csv", "md", "html", "json")
"""Formats ``bbdispatch report statement --format`` accepts."""


def render(statement: Statement, fmt: str, delimiter: str = ",") -> str:
    """Render a statement in one of :data:`FORMATS`.

    Raises:
        ValueError: an unknown format.
    """
    if fmt == "csv":
        from bbdispatch.reports.csv_report import render_csv

        return render_csv(statement, delimiter)
    if fmt == "md":
        from bbdispatch.reports.markdown_report import render_markdown

        return render_markdown(statement)
    if fmt == "html":
        from bbdispatch.reports.html_report import render_html

        return render_html(statement)
    if fmt == "json":
        from bbdispatch.reports.json_report import render_json

        return render_json(statement)
    raise ValueError(f"unknown format {fmt!r}")
