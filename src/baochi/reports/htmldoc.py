"""The report as one HTML document: what the browser shows, what WeasyPrint prints to PDF, and
the body of a mailed brief. Charts are embedded PNG images; every text is escaped."""

from __future__ import annotations

import base64
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from baochi.records import web_address
from baochi.reports.charts import SIZE, png
from baochi.reports.paper import Chart, Paper

TEMPLATES = Path(__file__).with_name("templates")
_env = Environment(
    loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]), auto_reload=False
)
_env.tests["web_address"] = web_address


def chart_uri(chart: Chart, size: tuple[float, float] = SIZE) -> str:
    """A chart as a data: URI, which the page's policy and WeasyPrint both accept."""
    return "data:image/png;base64," + base64.b64encode(png(chart, size)).decode("ascii")


def render_html(paper: Paper) -> str:
    """The whole standalone document (its own styles, A4 pages for print)."""
    return _env.get_template("reports/document.html").render(paper=paper, chart_uri=chart_uri)
