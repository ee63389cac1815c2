"""The report as a document, whatever it will be printed as: the administrative header, the
title, sections of paragraphs, entries (stories with their summaries and links), tables and
charts, and the signature block.

The brief and the periodic reports build a Paper; the web page, DOCX and PDF render one; a draft
stores one as JSON, so what the analyst edited (which entries, their summaries) is what is sent.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Link:
    """An outlet's article: where the reader can check the summary."""

    outlet: str
    url: str
    title: str = ""


@dataclass
class Entry:
    """One item of a section (a story, a conflict, a spike, a case) that the analyst may drop
    or whose text she may rewrite; `source` keeps the generated text for comparison."""

    key: str
    title: str
    text: str = ""
    meta: str = ""
    links: list[Link] = field(default_factory=list)
    included: bool = True
    source: str = ""


@dataclass
class Table:
    """A table with a header row; cells are already formatted text."""

    columns: list[str]
    rows: list[list[str]]
    title: str = ""


@dataclass
class Chart:
    """A chart's data, drawn as an image by whichever output needs it."""

    kind: str  # "bar", "barh", "line" or "stacked"
    title: str
    labels: list[str]
    series: dict[str, list[float]]


@dataclass
class Section:
    """A numbered part of the report; level 2 sections are the groups inside a level 1."""

    heading: str
    level: int = 1
    paragraphs: list[str] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Paper:
    """A whole report in the layout of a Vietnamese administrative document."""

    kind: str  # "brief" or "report"
    parent: str  # the governing body, e.g. "UBND THÀNH PHỐ HÀ NỘI"
    agency: str  # the issuing office
    number: str  # "Số: …/BC-…"
    date_line: str  # "Hà Nội, ngày 07 tháng 02 năm 2017"
    title: str
    subtitle: str
    sections: list[Section] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer_title: str = ""
    signer_name: str = ""
    period: dict[str, str] = field(default_factory=dict)  # first, last (ISO), kind, scope
    note: str = ""  # the analyst's opening remark, if any

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Read back what to_dict wrote."""
        sections = [
            Section(
                heading=s["heading"],
                level=s.get("level", 1),
                paragraphs=list(s.get("paragraphs", [])),
                entries=[
                    Entry(**{**e, "links": [Link(**link) for link in e.get("links", [])]})
                    for e in s.get("entries", [])
                ],
                tables=[Table(**t) for t in s.get("tables", [])],
                charts=[Chart(**c) for c in s.get("charts", [])],
            )
            for s in data.get("sections", [])
        ]
        plain = {k: v for k, v in data.items() if k != "sections"}
        return cls(**plain, sections=sections)

    def entries(self) -> list[Entry]:
        """Every entry of every section, in order."""
        return [e for s in self.sections for e in s.entries]

    def edit(self, included: set[str], texts: dict[str, str]) -> None:
        """Keep only the entries whose keys are in `included`; replace the texts given."""
        for entry in self.entries():
            entry.included = entry.key in included
            if entry.key in texts:
                entry.text = texts[entry.key].strip()

    def outline(self) -> list[tuple[str, Section, list[Entry]]]:
        """The sections to print, numbered (I., II. … and 1., 2. inside), each with its included
        entries; a section left with nothing to say is not printed."""
        shown: list[tuple[str, Section, list[Entry]]] = []
        major = minor = 0
        for section in self.sections:
            entries = [e for e in section.entries if e.included]
            if not (entries or section.paragraphs or section.tables or section.charts):
                continue
            if section.level == 1:
                major, minor = major + 1, 0
                shown.append((f"{roman(major)}.", section, entries))
            else:
                minor += 1
                shown.append((f"{minor}.", section, entries))
        return shown


def roman(number: int) -> str:
    """I, II, III, IV … as Vietnamese documents number their parts."""
    digits = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for value, letters in digits:
        while number >= value:
            out += letters
            number -= value
    return out
