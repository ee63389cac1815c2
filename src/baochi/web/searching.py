"""Search for the pages and the API: ranked hits with marked snippets, facets and paging, over
the search area's query language on either store."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from markupsafe import Markup

from baochi import hanoi_time
from baochi.db import DocumentRow, Store
from baochi.numbers import vi_number
from baochi.search import QueryError, narrow, parse, run_query
from baochi.search.tree import Everything

FACET_NAMES = {
    "outlet": "Theo báo",
    "topic": "Chủ đề",
    "tone": "Sắc thái",
    "place": "Địa điểm",
    "area": "Quận, phường, xã",
    "kind": "Bài báo hay mạng xã hội",
    "platform": "Nền tảng",
    "day": "Theo ngày",
}


def search_link(query: str) -> str:
    """The search page of a query: where a chart's bar leads."""
    return "/search?" + urlencode({"q": query})


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
    counted: int = 0  # with `window`: matches among the newest `window` documents (facets')
    window: int = 0  # when not 0, `total` is exact up to the newest `window`, estimated beyond
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    error: str = ""


def run(store: Store, query: str, limit: int = 50, offset: int = 0, lang: str = "vi") -> Results:
    """A page of ranked hits for a query, the facets of all its matches, never an exception for
    a malformed query (the error is in `Results.error`, in the user's language)."""
    if not query.strip():
        return Results(query=query)
    try:
        found = run_query(store, query, limit=limit, offset=offset)
    except QueryError as exc:
        return Results(query=query, error=exc.message(lang))
    results = Results(
        query=query,
        understood=found.understood,
        total=found.total,
        counted=found.counted,
        window=found.window,
    )
    results.hits = [Hit(h.doc, h.score, h.title, h.snippet) for h in found.hits]
    for name, values in found.facets.items():
        results.facets[name] = [
            FacetValue(f.value, f.count, {"q": narrow(query, f.term)}) for f in values
        ]
    return results


def hanoi_today_query() -> str:
    """Today's articles about Hà Nội: labelled so, or naming it when not labelled at all (a
    national story that names Hà Nội as its venue is not news about the city); posts are the
    social area's."""
    today = hanoi_time.today().isoformat()
    return f'(hanoi:yes OR ("hà nội" NOT hanoi:no)) kind:article date:{today}'


def hanoi_today(store: Store, limit: int) -> list[DocumentRow]:
    """The newest documents of `hanoi_today_query`."""
    found = run_query(store, hanoi_today_query(), limit=100, sort="newest", facets=False)
    docs = [hit.doc for hit in found.hits]
    docs.sort(key=lambda d: d.published_at or d.fetched_at, reverse=True)
    return docs[:limit]


def label_mix(store: Store, days: int) -> dict[str, list[tuple[str, int]]]:
    """Tone and topic counts of the articles of the last days."""
    found = run_query(store, f"kind:article date:{days}d", limit=0, sort="newest")
    return {
        name: [(f.value, f.count) for f in found.facets.get(name, [])] for name in ("tone", "topic")
    }


def every_hit(store: Store, query: str, cap: int, page: int = 500) -> tuple[list[Hit], int, str]:
    """Up to `cap` hits in rank order, fetched a page at a time (for exports), the count of all
    matches, and what to say of that count: that it is estimated, that the hits are only the
    first of them ("" when neither). A malformed query raises QueryError: an empty file would
    pass for a search that found nothing."""
    parse(query)
    hits: list[Hit] = []
    total, estimated = 0, ""
    while len(hits) < cap:
        asked = min(page, cap - len(hits))
        found = run(store, query, asked, len(hits))
        hits.extend(found.hits)
        total, estimated = found.total, "ước tính" if found.window else ""
        if len(found.hits) < asked or len(hits) >= found.total:
            return hits, total, estimated
    cut = f"tệp này có {vi_number(cap, 0)} kết quả đầu, theo thứ tự xếp hạng"
    return hits, total, f"{estimated}; {cut}" if estimated else cut


def problem(query: str, lang: str = "vi") -> str | None:
    """Why a query cannot be saved as a watchlist, or None if it can: one that parses to
    nothing to find would match every document."""
    try:
        tree = parse(query)
    except QueryError as exc:
        return str(exc.message(lang))
    if isinstance(tree, Everything):
        return "Truy vấn không có từ nào để tìm." if lang == "vi" else "The query has no words."
    return None


def daily_counts(store: Store, query: str, days: int) -> list[int]:
    """Matches per Hà Nội day over the last `days` days, oldest first, today last; none for a
    watchlist saved before the language refused its query (`ng*`), which the check names."""
    today = hanoi_time.today()
    first = today - dt.timedelta(days=days - 1)
    try:
        narrowed = narrow(query, f"date:{days}d")
        found = run_query(store, narrowed, limit=0, sort="newest", complete=True)
    except QueryError:
        return [0] * days
    per_day = Counter({f.value: f.count for f in found.facets.get("day", [])})
    return [per_day[(first + dt.timedelta(days=i)).isoformat()] for i in range(days)]
