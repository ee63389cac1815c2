"""Search: the analysts' query language, compiled to full-text and label queries, with ranked
hits, highlighted snippets and facet counts."""

from baochi.search.errors import QueryError
from baochi.search.facets import Facet
from baochi.search.index import sync
from baochi.search.query import Hit, SearchResult, run_query, search
from baochi.search.syntax import narrow, parse
from baochi.search.tree import describe

__all__ = [
    "Facet",
    "Hit",
    "QueryError",
    "SearchResult",
    "describe",
    "narrow",
    "parse",
    "run_query",
    "search",
    "sync",
]
