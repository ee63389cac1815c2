"""The report as PDF: the HTML document printed by WeasyPrint (A4; text and page numbers in Times
New Roman or its metric twin Liberation Serif, whose version 2 has every Vietnamese letter, and
DejaVu for any glyph still missing). Only the document's own data: URIs (its charts) are read;
nothing is fetched from a network or a file."""

from __future__ import annotations

from baochi.reports.htmldoc import render_html
from baochi.reports.paper import Paper


def render_pdf(paper: Paper) -> bytes:
    """The PDF bytes of the report."""
    from weasyprint import HTML  # imported here: loading Pango takes a moment
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})
    return bytes(HTML(string=render_html(paper), url_fetcher=fetcher).write_pdf())
