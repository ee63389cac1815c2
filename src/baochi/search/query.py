"""Run an analyst's query: parse it, find the matching documents, rank them, count the facets and
cut highlighted snippets. This is what the web pages, the API and `baochi search` call.

The text indexes find the matches; the label columns in memory filter and count them; BM25 ranks
the RANK_WINDOW most recently stored of them, so a query matching a fifth of the archive stays
fast and the order favours recent coverage, as monitoring wants. In an archive larger than
MATCH_WINDOW the matches are listed among its newest MATCH_WINDOW documents only, while they hold
what the page needs: the total beyond them is then estimated, and marked so.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from markupsafe import Markup
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from baochi.db import DocumentRow, Store
from baochi.search import index
from baochi.search.errors import QueryError
from baochi.search.facets import Columns, Facet, Labels, columns, counts, mask
from baochi.search.fts5 import SQLiteBackend
from baochi.search.snippets import highlight, snippet
from baochi.search.syntax import MAX_TERMS, parse
from baochi.search.tree import (
    And,
    Everything,
    IndexName,
    Node,
    Not,
    Or,
    Plan,
    Words,
    describe,
    index_of,
    loosen,
    plan,
    words_of,
)
from baochi.search.tsquery import PostgresBackend

log = logging.getLogger(__name__)

RANK_WINDOW = 1000
# Listing every match of a common word costs as much as it has matches (a sixth of a million
# documents); the newest this many hold the page of any query but a rare or an old one.
MATCH_WINDOW = 100_000
SYNC_ON_READ = 2000
SORTS = ("relevance", "newest")
MAX_LIMIT = 500


@dataclass(frozen=True, slots=True)
class Hit:
    """One result: the document, its relevance (0 when sorted by date), and its title and a
    snippet as HTML-safe markup with the query's words in <mark>."""

    doc: DocumentRow
    score: float
    title: Markup
    snippet: Markup


@dataclass(frozen=True, slots=True)
class SearchResult:
    """A page of hits, how many documents matched in all, and the facets of all of them."""

    query: str
    understood: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[Facet]] = field(default_factory=dict)
    ranked: int = 0  # matches the relevance order looked at (the latest RANK_WINDOW stored)
    pending: int = 0  # stored documents not yet in the text indexes
    # When the matches were listed among the newest `window` documents only: `counted` of them
    # matched there (the facets count those), `total` adds an estimate for the older ones.
    window: int = 0
    counted: int = 0

    @property
    def approximate(self) -> bool:
        """Whether `total` is an estimate (exact up to the window, extrapolated beyond it)."""
        return self.window > 0


def exact_everywhere(node: Node) -> Node:
    """The same query with every word asking for its exact diacritics."""
    if isinstance(node, Words):
        return dataclasses.replace(node, exact=True)
    if isinstance(node, Not):
        return Not(exact_everywhere(node.item))
    if isinstance(node, And | Or):
        return type(node)(tuple(exact_everywhere(i) for i in node.items))
    return node


def run_query(
    source: Store | Engine,
    query: str,
    *,
    limit: int = 20,
    offset: int = 0,
    sort: str = "relevance",
    facets: bool = True,
    exact: bool = False,
    today: dt.date | None = None,
    complete: bool = False,
) -> SearchResult:
    """Search the archive; a malformed query raises QueryError (message and position).

    `complete` lists every match however large the archive (exact totals and facets).
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {SORTS}")
    limit, offset = max(0, min(limit, MAX_LIMIT)), max(0, offset)
    engine = source.engine if isinstance(source, Store) else source
    node = parse(query, today)
    if exact:
        node = exact_everywhere(node)
    pending = _catch_up(engine)
    cols = columns(engine)
    labels = Labels(engine, cols)
    backend = SQLiteBackend(engine) if engine.dialect.name == "sqlite" else PostgresBackend(engine)
    matcher = _Matcher(backend)
    split = plan(node)
    driver = split.ranked_by
    needed = RANK_WINDOW if sort == "relevance" and driver else offset + limit
    window = _Window(node, cols, labels, 0 if complete else MATCH_WINDOW)
    found, ids = _matching(split, cols, labels, matcher, window.floor)
    if window.floor and len(ids) < max(needed, 1) and window.older:
        window = _Window(node, cols, labels, 0)  # the newest are not enough: list them all
        found, ids = _matching(split, cols, labels, matcher, 0)
    ranked: list[tuple[int, float]] = []
    candidates = ids[:0]
    if sort == "relevance" and driver is not None:
        candidates = ids[-RANK_WINDOW:]
        if limit and len(candidates):
            every = len(found) - int(np.searchsorted(found, candidates[0])) == len(candidates)
            ranked = matcher.backend.scores(
                driver, split.text[driver], candidates, every, limit, offset
            )
    else:
        page = newest_first(ids, cols, offset + limit)[offset:]
        ranked = [(int(i), 0.0) for i in page]
    docs = matcher.backend.documents([i for i, _ in ranked])
    terms = words_of(node)
    hits = [
        Hit(doc, score, highlight(doc.title, terms), snippet(doc.text, terms))
        for i, score in ranked
        if (doc := docs.get(i)) is not None
    ]
    return SearchResult(
        query=query,
        understood=describe(node),
        total=window.estimate(len(ids)),
        hits=hits,
        facets=counts(ids, labels) if facets else {},
        ranked=len(candidates),
        pending=pending,
        window=MATCH_WINDOW if window.older else 0,
        counted=len(ids),
    )


def _matching(
    split: Plan, cols: Columns, labels: Labels, matcher: _Matcher, floor: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ids the ranking index found and the ids matching the whole query, from `floor` on."""
    driver = split.ranked_by
    text = functools.partial(matcher.ids, floor=floor)
    found = text(split.text[driver]) if driver else cols.ids()
    ids = cols.keep(found)
    ids = ids[int(np.searchsorted(ids, floor)) :]
    for part in split.rest + tuple(n for i, n in split.text.items() if i != driver):
        ids = ids[mask(part, ids, labels, text)]
    return found, ids


class _Window:
    """The newest `size` documents, where a query asking the text indexes lists its matches,
    and how many older ones its labels and dates allow (0: the window holds every match)."""

    def __init__(self, node: Node, cols: Columns, labels: Labels, size: int) -> None:
        self.floor, self.older, self.newer = 0, 0, 0
        loose = loosen(node)
        present = cols.ids()
        if not size or len(present) <= size or loose == node:
            return
        self.floor = int(present[-size])

        def allowed(ids: np.ndarray) -> int:
            return int(mask(loose, ids, labels, _no_text).sum())

        self.older = allowed(present[:-size])
        self.newer = allowed(present[-size:]) if self.older else 0

    def estimate(self, counted: int) -> int:
        """The matches in the window, and as many again beyond it as the same share of the
        older documents the labels allow."""
        if not self.older:
            return counted
        return counted + round(counted * self.older / max(self.newer, 1))


def _no_text(node: Node) -> np.ndarray:
    raise ValueError(f"a loosened query has no text: {describe(node)}")


def newest_first(ids: np.ndarray, cols: Columns, count: int) -> np.ndarray:
    """The `count` most recently published of the ids, newest first (ties: higher id)."""
    return ids[np.lexsort((ids, cols.day[ids]))[::-1][:count]]


class Backend(Protocol):
    """What a database must do for search: FTS5 on SQLite, tsquery on PostgreSQL."""

    def ids(self, index: IndexName, node: Node, floor: int = 0) -> np.ndarray:
        """Ids (ascending, from `floor` on) of the documents an index finds for a text subtree."""
        ...

    def scores(
        self,
        index: IndexName,
        node: Node,
        candidates: np.ndarray,
        every: bool,
        limit: int,
        offset: int,
    ) -> list[tuple[int, float]]:
        """The best candidates by relevance, with their scores."""
        ...

    def documents(self, ids: Sequence[int]) -> dict[int, DocumentRow]:
        """The documents with these ids."""
        ...


class _Matcher:
    """Runs text subtrees on their index, once each per query."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.seen: dict[tuple[str, int], np.ndarray] = {}

    def ids(self, node: Node, floor: int = 0) -> np.ndarray:
        which = index_of(node)
        if which is None:
            raise ValueError(f"not a full-text expression: {describe(node)}")
        key = (describe(node), floor)
        found = self.seen.get(key)
        if found is None:
            found = self.seen[key] = self.backend.ids(which, node, floor)
        return found


def _catch_up(engine: Engine) -> int:
    """Index documents stored since the last search (a bounded batch); how many still wait.

    Another process indexing at the same moment holds the write lock; this search then runs on
    the indexes as they are rather than wait.
    """
    waiting = index.pending(engine)
    if waiting:
        try:
            waiting -= index.sync(engine, limit=SYNC_ON_READ)
        except OperationalError as exc:
            log.info("search index catch-up skipped: %s", exc)
    return waiting


_LOOSE = re.compile(r"[^\W_]+")


def search(store: Store, query: str, limit: int = 20) -> list[tuple[DocumentRow, float]]:
    """Documents matching the query, best first; an empty query matches nothing.

    Never raises on syntax: a query the parser refuses is searched as its plain words.
    """
    try:
        if isinstance(parse(query), Everything):
            return []
    except QueryError:
        query = " ".join(w.lower() for w in _LOOSE.findall(query)[: MAX_TERMS // 2])
        if not query:
            return []
    result = run_query(store, query, limit=limit, facets=False)
    return [(hit.doc, hit.score) for hit in result.hits]
