"""One entry point for every output: a Paper as HTML, DOCX or PDF bytes, with its MIME type."""

from __future__ import annotations

from collections.abc import Callable

from baochi.reports.htmldoc import render_html
from baochi.reports.paper import Paper
from baochi.reports.pdf import render_pdf
from baochi.reports.word import render_docx

FORMATS: dict[str, tuple[str, Callable[[Paper], bytes]]] = {
    "html": ("text/html; charset=utf-8", lambda paper: render_html(paper).encode("utf-8")),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        render_docx,
    ),
    "pdf": ("application/pdf", render_pdf),
}


def render(paper: Paper, fmt: str) -> bytes:
    """The report in one format; ValueError for an unknown one."""
    if fmt not in FORMATS:
        raise ValueError(f"định dạng không hỗ trợ: {fmt!r} (html, docx, pdf)")
    return FORMATS[fmt][1](paper)


def media_type(fmt: str) -> str:
    """The MIME type of a format."""
    return FORMATS[fmt][0]


def file_name(paper: Paper, fmt: str) -> str:
    """E.g. "diem-bao-2017-02-06.pdf", "bao-cao-2017-02-01-2017-02-28.docx"."""
    first, last = paper.period.get("first", ""), paper.period.get("last", "")
    if paper.kind == "brief":
        return f"diem-bao-{first}.{fmt}"
    return f"bao-cao-{first}-{last}.{fmt}"
