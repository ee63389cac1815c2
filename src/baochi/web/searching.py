"""Search for the pages and the API: run the query, cut highlighted snippets, count facets.

Built on `baochi.search.search` today; the richer `run_query` (boolean language, facets) is used
as soon as the search area provides it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from sqlalchemy.exc import OperationalError

from baochi.db import DocumentRow, Store
from baochi.search import search
from baochi.vi import fold

HANOI = dt.timezone(dt.timedelta(hours=7))
SNIPPET_CHARS = 240
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the document, its score and a snippet with the query's words marked."""

    doc: DocumentRow
    score: float
    snippet: Markup
    title: Markup


@dataclass(slots=True)
class Results:
    """A result list with its facets by outlet and by Hà Nội day."""

    query: str
    hits: list[Hit] = field(default_factory=list)
    outlets: list[tuple[str, int]] = field(default_factory=list)
    days: list[tuple[str, int]] = field(default_factory=list)
    error: str = ""


def query_words(query: str) -> list[str]:
    """The folded words of a query, operators and field names left out."""
    words = _WORD.findall(fold(re.sub(r"\b\w+:", " ", query)))
    return [w for w in words if w not in {"and", "or", "not"}]


def highlight(text: str, words: list[str]) -> Markup:
    """The text escaped, with whole-syllable matches of the folded words wrapped in <mark>."""
    folded = fold(text)
    if not words or len(folded) != len(text):
        return escape(text)
    word = "(?:" + "|".join(map(re.escape, words)) + ")"
    pattern = re.compile(rf"(?<!\w){word}(?:\s+{word})*(?!\w)")  # neighbours marked as one
    out, last = [], 0
    for match in pattern.finditer(folded):
        out.append(escape(text[last : match.start()]))
        out.append(Markup("<mark>") + escape(text[match.start() : match.end()]) + Markup("</mark>"))
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def snippet(text: str, words: list[str], size: int = SNIPPET_CHARS) -> Markup:
    """A window of the text around the first matched word, highlighted."""
    folded = fold(text)
    start = 0
    for word in words:
        found = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", folded)
        if found:
            start = max(0, found.start() - size // 3)
            break
    if start:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < start + 30 else start
    piece = " ".join(text[start : start + size].split())
    marked = highlight(piece, words)
    prefix = escape("… " if start else "")
    suffix = escape(" …" if start + size < len(text) else "")
    return prefix + marked + suffix


def local_day(stamp: dt.datetime | None) -> str:
    """YYYY-MM-DD of a time in Hà Nội, "" if unknown."""
    return stamp.astimezone(HANOI).date().isoformat() if stamp else ""


def run(store: Store, query: str, limit: int = 200, outlet: str = "", day: str = "") -> Results:
    """Ranked hits for a query, facets over all of them, then the outlet/day filters applied."""
    results = Results(query=query)
    if not query.strip():
        return results
    try:
        found = search(store, query, limit)
    except OperationalError:  # a malformed expression must not become a 500
        results.error = "Không hiểu truy vấn này; hãy kiểm tra dấu ngoặc kép và toán tử."
        return results
    results.outlets = Counter(doc.outlet for doc, _ in found).most_common(12)
    results.days = sorted(Counter(local_day(doc.published_at) for doc, _ in found).items())
    words = query_words(query)
    for doc, score in found:
        if outlet and doc.outlet != outlet:
            continue
        if day and local_day(doc.published_at) != day:
            continue
        results.hits.append(Hit(doc, score, snippet(doc.text, words), highlight(doc.title, words)))
    return results
