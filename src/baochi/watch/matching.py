"""The seam to the search area: a watchlist's query, in the analysts' query language, and the
documents it matched lately. Nothing else in the watch area knows how search works.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from baochi.db import DocumentRow, Store
from baochi.search import QueryError, parse, run_query
from baochi.search.tree import Everything

PAGE = 500  # the most hits one search call returns
# Results come newest day first, by id within a day: read one day past the horizon to be sure.
MARGIN = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Matches:
    """The documents a query matched since a moment, and how many stored ones await indexing."""

    documents: list[DocumentRow]
    pending: int


def query_problem(query: str) -> str | None:
    """Why a query cannot be a watchlist (in Vietnamese), or None if it can."""
    try:
        tree = parse(query)
    except QueryError as exc:
        return exc.message("vi")
    return "truy vấn không có từ nào để tìm" if isinstance(tree, Everything) else None


def appeared_at(doc: DocumentRow) -> dt.datetime:
    """When a document appeared: its publication time, else when it was fetched."""
    return doc.published_at or doc.fetched_at


def recent_matches(store: Store, query: str, since: dt.datetime) -> Matches:
    """Every document the query matches that appeared at or after `since`, newest first."""
    found: list[DocumentRow] = []
    offset, pending = 0, 0
    while True:
        result = run_query(store, query, limit=PAGE, offset=offset, sort="newest", facets=False)
        pending = max(pending, result.pending)
        page = [hit.doc for hit in result.hits]
        found += [doc for doc in page if appeared_at(doc) >= since]
        if len(page) < PAGE or appeared_at(page[-1]) < since - MARGIN:
            return Matches(found, pending)
        offset += PAGE
