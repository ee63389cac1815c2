"""Search for the pages and the API: ranked hits with marked snippets, facets and paging.

Uses the search area's `run_query` (query language, facets, snippets) when it is installed, and
its plain `search` otherwise, with snippets and outlet/day facets made here.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy.exc import OperationalError

from baochi.db import DocumentRow, Store
from baochi.vi import fold

search_api: Any = importlib.import_module("baochi.search")
RICH = hasattr(search_api, "run_query")
HANOI = dt.timezone(dt.timedelta(hours=7))
SNIPPET_CHARS = 240
PLAIN_DEPTH = 300
FACET_NAMES = {
    "outlet": "Theo báo",
    "topic": "Chủ đề",
    "tone": "Sắc thái",
    "place": "Địa điểm",
    "day": "Theo ngày",
}
_WORD = re.compile(r"\w+")
UNSUPPORTED = "Tìm kiếm toàn văn chưa chạy trên cơ sở dữ liệu này (mới có SQLite)."


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the document, its score, and its title and snippet with the matches marked."""

    doc: DocumentRow
    score: float
    title: Markup
    snippet: Markup


@dataclass(frozen=True, slots=True)
class FacetValue:
    """One value of a facet and the search parameters that select it."""

    value: str
    count: int
    params: dict[str, str]


@dataclass(slots=True)
class Results:
    """One page of results with the total and the facets of all matches."""

    query: str
    understood: str = ""
    total: int = 0
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    error: str = ""


def query_words(query: str) -> list[str]:
    """The folded words of a query, operators and field names left out."""
    words = _WORD.findall(fold(re.sub(r"\b\w+:\S*", " ", query)))
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
    prefix = escape("… " if start else "")
    suffix = escape(" …" if start + size < len(text) else "")
    return prefix + highlight(piece, words) + suffix


def local_day(stamp: dt.datetime | None) -> str:
    """YYYY-MM-DD of a time in Hà Nội, "" if unknown."""
    return stamp.astimezone(HANOI).date().isoformat() if stamp else ""


def run(
    store: Store,
    query: str,
    limit: int = 50,
    offset: int = 0,
    filters: dict[str, str] | None = None,
    lang: str = "vi",
) -> Results:
    """A page of ranked hits for a query, the facets of all its matches, never an exception for
    a malformed query (the error is in `Results.error`, in the user's language)."""
    if not query.strip():
        return Results(query=query)
    if store.dialect != "sqlite":
        return Results(query=query, error=UNSUPPORTED)
    if RICH:
        return _rich(store, query, limit, offset, lang)
    return _plain(store, query, limit, offset, filters or {})


def _rich(store: Store, query: str, limit: int, offset: int, lang: str) -> Results:
    try:
        found = search_api.run_query(store, query, limit=limit, offset=offset)
    except search_api.QueryError as exc:
        return Results(query=query, error=exc.message(lang))
    results = Results(query=query, understood=found.understood, total=found.total)
    results.hits = [Hit(h.doc, h.score, h.title, h.snippet) for h in found.hits]
    for name, values in found.facets.items():
        results.facets[name] = [
            FacetValue(f.value, f.count, {"q": f"{query} {f.term}"}) for f in values
        ]
    return results


def _plain(store: Store, query: str, limit: int, offset: int, filters: dict[str, str]) -> Results:
    try:
        found = search_api.search(store, query, PLAIN_DEPTH)
    except OperationalError:  # a malformed expression must not become a 500
        return Results(query=query, error="Không hiểu truy vấn này; hãy kiểm tra dấu ngoặc kép.")
    outlet, day = filters.get("outlet", ""), filters.get("day", "")
    results = Results(query=query)
    outlets = Counter(doc.outlet for doc, _ in found).most_common(12)
    days = sorted(Counter(local_day(doc.published_at) for doc, _ in found).items())
    results.facets = {
        "outlet": [FacetValue(o, n, {"q": query, "outlet": o}) for o, n in outlets if o],
        "day": [FacetValue(d, n, {"q": query, "day": d}) for d, n in days if d],
    }
    kept = [
        (doc, score)
        for doc, score in found
        if (not outlet or doc.outlet == outlet) and (not day or local_day(doc.published_at) == day)
    ]
    results.total = len(kept)
    words = query_words(query)
    results.hits = [
        Hit(doc, score, highlight(doc.title, words), snippet(doc.text, words))
        for doc, score in kept[offset : offset + limit]
    ]
    return results


def hanoi_today(store: Store, limit: int) -> list[DocumentRow] | None:
    """The newest documents of today about Hà Nội, or None when the search area cannot say."""
    if not RICH or store.dialect != "sqlite":
        return None
    today = dt.datetime.now(HANOI).date().isoformat()
    found = search_api.run_query(
        store, f'(hanoi:yes OR "hà nội") date:{today}', limit=100, sort="newest", facets=False
    )
    docs = [hit.doc for hit in found.hits]
    docs.sort(key=lambda d: d.published_at or d.fetched_at, reverse=True)
    return docs[:limit]


def label_mix(store: Store, days: int) -> dict[str, list[tuple[str, int]]]:
    """Tone and topic counts over the last days, when the search area knows the labels."""
    if not RICH or store.dialect != "sqlite":
        return {}
    found = search_api.run_query(store, f"date:{days}d", limit=0, sort="newest")
    return {
        name: [(f.value, f.count) for f in found.facets.get(name, [])] for name in ("tone", "topic")
    }


def every_hit(
    store: Store, query: str, filters: dict[str, str], cap: int, page: int = 500
) -> list[Hit]:
    """Up to `cap` hits in rank order, fetched a page at a time (for exports)."""
    hits: list[Hit] = []
    while len(hits) < cap:
        found = run(store, query, min(page, cap - len(hits)), len(hits), filters)
        hits.extend(found.hits)
        if found.error or len(found.hits) < page or len(hits) >= found.total:
            break
    return hits


def problem(query: str, lang: str = "vi") -> str | None:
    """Why a query cannot be saved as a watchlist, or None if it can."""
    if not query_words(query):
        return "Truy vấn không có từ nào để tìm." if lang == "vi" else "The query has no words."
    if RICH:
        try:
            search_api.parse(query)
        except search_api.QueryError as exc:
            return str(exc.message(lang))
    return None


def daily_counts(store: Store, query: str, days: int) -> list[int]:
    """Matches per Hà Nội day over the last `days` days, oldest first, today last."""
    today = dt.datetime.now(HANOI).date()
    first = today - dt.timedelta(days=days - 1)
    per_day: Counter[str] = Counter()
    if store.dialect != "sqlite":
        return [0] * days
    if RICH:
        found = search_api.run_query(store, f"({query}) date:{days}d", limit=0, sort="newest")
        per_day.update({f.value: f.count for f in found.facets.get("day", [])})
    else:
        per_day.update(
            local_day(doc.published_at) for doc, _ in search_api.search(store, query, PLAIN_DEPTH)
        )
    return [per_day[(first + dt.timedelta(days=i)).isoformat()] for i in range(days)]
