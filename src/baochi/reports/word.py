"""The report as DOCX in the layout of a Vietnamese administrative document (Decree 30/2020):
A4, Times New Roman 13 pt, margins 20/20/30/15 mm; the governing body and office top left with
the number beneath, the national motto top right with the date line; the title centred; parts
numbered I, II …; the recipients bottom left and the signature block bottom right."""

from __future__ import annotations

import io
import re

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from baochi.reports.charts import png
from baochi.reports.paper import Entry, Paper, Table

FONT = "Times New Roman"
SIZE = Pt(13)
# What XML 1.0 cannot hold: C0 controls but tab, line feed and carriage return, lone surrogates,
# U+FFFE and U+FFFF. python-docx refuses a text with one (a control in a title, pasted in a note).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_docx(paper: Paper) -> bytes:
    """The DOCX bytes of the report."""
    doc = Document()
    _page_and_font(doc)
    _header(doc, paper)
    _line(doc, paper.title, bold=True, size=Pt(14), align=WD_ALIGN_PARAGRAPH.CENTER, before=12)
    _line(doc, paper.subtitle, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=12)
    if paper.note:
        _line(doc, paper.note, italic=True)
    for number, section, entries in paper.outline():
        _line(doc, f"{number} {section.heading}", bold=True, italic=section.level > 1, before=6)
        for text in section.paragraphs:
            _line(doc, text, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        for table in section.tables:
            _table(doc, table)
        for chart in section.charts:
            doc.add_picture(io.BytesIO(png(chart)), width=Mm(160))
        for index, entry in enumerate(entries, 1):
            _entry(doc, index, entry)
    _footer(doc, paper)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_and_font(doc: DocxDocument) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = SIZE
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(3)


def _line(
    where: DocxDocument | _Cell,
    text: str,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: Pt | None = None,
    align: int | None = None,
    before: int = 0,
    after: int = 3,
) -> Paragraph:
    paragraph = where.add_paragraph()
    run = _run(paragraph, text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = size
    if align is not None:
        paragraph.alignment = align
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _run(paragraph: Paragraph, text: str) -> Run:
    """Text added to a paragraph, without what XML cannot hold: every text of the document goes
    through here."""
    return paragraph.add_run(_NOT_XML.sub("", text))


def _two_columns(doc: DocxDocument) -> tuple[_Cell, _Cell]:
    """A borderless two-column row, its cells emptied of their default paragraph."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    for cell in (left, right):
        cell._element.remove(cell.paragraphs[0]._element)
    return left, right


def _header(doc: DocxDocument, paper: Paper) -> None:
    left, right = _two_columns(doc)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _line(left, paper.parent, size=Pt(12), align=centre, after=0)
    _line(left, paper.agency, bold=True, underline=True, size=Pt(12), align=centre)
    _line(left, paper.number, align=centre, before=6)
    _line(
        right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=Pt(12), align=centre, after=0
    )
    _line(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, align=centre)
    _line(right, paper.date_line, italic=True, align=centre, before=6)


def _table(doc: DocxDocument, table: Table) -> None:
    if table.title:
        _line(doc, table.title, bold=True, italic=True)
    grid = doc.add_table(rows=1, cols=len(table.columns))
    grid.style = "Table Grid"
    for cell, name in zip(grid.rows[0].cells, table.columns, strict=True):
        _run(cell.paragraphs[0], name).bold = True
    for row in table.rows:
        for cell, value in zip(grid.add_row().cells, row, strict=True):
            _run(cell.paragraphs[0], value)
    for row in grid.rows:
        for cell in row.cells:
            for run in cell.paragraphs[0].runs:
                run.font.size = Pt(11)
    doc.add_paragraph()


def _entry(doc: DocxDocument, index: int, entry: Entry) -> None:
    _line(doc, f"{index}. {entry.title}", bold=True, after=0)
    if entry.text:
        _line(doc, entry.text, align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=0)
    if entry.meta:
        _line(doc, entry.meta, italic=True, size=Pt(11), after=0)
    for link in entry.links:
        _line(doc, f"{link.outlet}: {link.url}", size=Pt(10), after=0)
    doc.add_paragraph().paragraph_format.space_after = Pt(2)


def _footer(doc: DocxDocument, paper: Paper) -> None:
    left, right = _two_columns(doc)
    _line(left, "Nơi nhận:", bold=True, italic=True, size=Pt(12), before=12, after=0)
    for name in paper.recipients:
        _line(left, f"- {name};", size=Pt(11), after=0)
    centre = WD_ALIGN_PARAGRAPH.CENTER
    _line(right, paper.signer_title, bold=True, align=centre, before=12, after=60)
    if paper.signer_name:
        _line(right, paper.signer_name, bold=True, align=centre)
