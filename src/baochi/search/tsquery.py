"""The PostgreSQL backend: a text subtree as a tsquery over the words or exact tsvector (see
tsvector.py), passed as a bound parameter; ids come from the GIN indexes, and relevance is FTS5's
own BM25, computed from PostgreSQL's counts, so both databases rank alike.

A term is its phrase of tokens (`'ha_noi' <-> 'noi_ngap'`), weight A when it asks for the title.
User text reaches PostgreSQL only as quoted tokens of letters, digits and "_" inside a bound
value, so tsquery's own operators cannot be smuggled in.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Engine, Text, bindparam, cast, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSQUERY
from sqlalchemy.sql.elements import Cast

from baochi.db import DocumentRow
from baochi.db.schema_search import search_text, search_totals
from baochi.search.rows import documents_by_id
from baochi.search.tokens import phrase_tokens, spellings
from baochi.search.tree import And, IndexName, Node, Not, Or, Words

# FTS5's bm25() constants, and its weights: a title instance counts four times.
K1, B = 1.2, 0.75
TITLE_WEIGHT = 4.0
# ts_rank_cd weights {D, C, B, A} scaled to at most 1: it then sums them over the instances.
ANY_COLUMN = [TITLE_WEIGHT**-1, 0.0, 0.0, 1.0]
TITLE_ONLY = [0.0, 0.0, 0.0, 1.0]


@dataclass(frozen=True, slots=True)
class Phrase:
    """One FTS5 phrase of a query: its tokens, title only or not."""

    tokens: tuple[str, ...]
    title_only: bool

    def tsquery(self) -> str:
        weight = ":A" if self.title_only else ""
        return "(" + " <-> ".join(f"'{t}'{weight}" for t in self.tokens) + ")"


def phrases(node: Node) -> list[Phrase]:
    """The phrases of a text subtree in the order FTS5 numbers them (fts5.match_text's order)."""
    if isinstance(node, Words):
        return [Phrase(tuple(phrase_tokens(s)), node.title_only) for s in spellings(node)]
    if isinstance(node, Or):
        return [p for item in node.items for p in phrases(item)]
    if isinstance(node, And):
        positives = [p for i in node.items if not isinstance(i, Not) for p in phrases(i)]
        return positives + [p for i in node.items if isinstance(i, Not) for p in phrases(i.item)]
    raise ValueError(f"not a full-text expression: {node!r}")


def query_text(node: Node) -> str:
    """The tsquery for a subtree that one index can run by itself (see tree.index_of)."""
    if isinstance(node, Words):
        return "(" + " | ".join(p.tsquery() for p in phrases(node)) + ")"
    if isinstance(node, Or):
        return "(" + " | ".join(query_text(i) for i in node.items) + ")"
    if isinstance(node, And):
        positives = [query_text(i) for i in node.items if not isinstance(i, Not)]
        negatives = [query_text(i.item) for i in node.items if isinstance(i, Not)]
        return "(" + " & ".join(positives) + "".join(f" & !{n}" for n in negatives) + ")"
    raise ValueError(f"not a full-text expression: {node!r}")


def settle(node: Node, freqs: Iterator[float]) -> tuple[bool, list[float]]:
    """Whether the subtree matches a row whose phrases (in `phrases` order) have these
    frequencies, and the frequencies FTS5 reports: none for phrases of an AND that fails."""
    if isinstance(node, Words):
        found = [next(freqs) for _ in spellings(node)]
        return any(f > 0 for f in found), found
    if isinstance(node, Or):
        parts = [settle(i, freqs) for i in node.items]
        return any(m for m, _ in parts), [f for _, fs in parts for f in fs]
    if isinstance(node, And):
        positives = [settle(i, freqs) for i in node.items if not isinstance(i, Not)]
        negatives = [settle(i.item, freqs) for i in node.items if isinstance(i, Not)]
        found = [f for _, fs in positives + negatives for f in fs]
        if all(m for m, _ in positives) and not any(m for m, _ in negatives):
            return True, found
        return False, [0.0] * len(found)
    raise ValueError(f"not a full-text expression: {node!r}")


def bm25(idf: list[float], freqs: Sequence[float], size: float, average: float) -> float:
    """FTS5's bm25() of one row, sign flipped, term for term in its own order of operations."""
    score = 0.0
    for weight, freq in zip(idf, freqs, strict=True):
        score += weight * ((freq * (K1 + 1.0)) / (freq + K1 * (1 - B + B * size / average)))
    return score


def idf(rows: int, hits: int) -> float:
    """FTS5's inverse document frequency, floored at a millionth as it does."""
    found = math.log((rows - hits + 0.5) / (hits + 0.5))
    return found if found > 0.0 else 1e-6


# A tsvector of a long article is kilobytes in TOAST: the planner prices a scan that opens every
# one for a common word (a fifth of the rows) below the GIN index, and is wrong by 100 times.
_INDEX_FIRST = text("SET LOCAL enable_seqscan = off")


def _tsquery(value: str) -> Cast[Any]:
    """A bound query text, cast by PostgreSQL (never parsed into the statement)."""
    return cast(bindparam(None, value, type_=Text), TSQUERY)


class PostgresBackend:
    """Runs text subtrees on the tsvector indexes of one PostgreSQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def ids(self, index: IndexName, node: Node) -> np.ndarray:
        """The ids of every document the index finds for the subtree, ascending (one string
        numpy parses in C, as on SQLite)."""
        column = search_text.c.words if index == "folded" else search_text.c.exact
        query = select(func.string_agg(search_text.c.doc_id.cast(Text), ",")).where(
            column.bool_op("@@")(_tsquery(query_text(node)))
        )
        with self.engine.begin() as conn:
            conn.execute(_INDEX_FIRST)
            joined = conn.execute(query).scalar_one()
        if not joined:
            return np.zeros(0, dtype=np.int64)
        return np.sort(np.fromstring(joined, dtype=np.int64, sep=","))

    def scores(
        self,
        index: IndexName,
        node: Node,
        candidates: np.ndarray,
        every: bool,
        limit: int,
        offset: int,
    ) -> list[tuple[int, float]]:
        """The best `limit` of the candidate ids (after `offset`) by BM25, with their scores.

        Like FTS5: the rows and tokens of the whole index give the average length, each
        phrase's matching rows its weight, and its title and body instances in a row (title
        four times) its frequency there.
        """
        if not len(candidates):
            return []
        column = search_text.c.words if index == "folded" else search_text.c.exact
        size = search_text.c.words_size if index == "folded" else search_text.c.exact_size
        tokens = search_totals.c.words_tokens if index == "folded" else search_totals.c.exact_tokens
        found = phrases(node)
        matches = [column.bool_op("@@")(_tsquery(p.tsquery())) for p in found]
        hits_query = select(*(func.count().filter(m) for m in matches)).where(
            column.bool_op("@@")(_tsquery(" | ".join(p.tsquery() for p in found)))
        )
        freqs = [
            func.ts_rank_cd(
                bindparam(None, TITLE_ONLY if p.title_only else ANY_COLUMN, type_=ARRAY(REAL)),
                column,
                _tsquery(p.tsquery()),
                0,
            )
            for p in found
        ]
        wanted = bindparam(None, candidates.tolist(), ARRAY(BigInteger))
        rows_query = select(search_text.c.doc_id, size, *freqs).where(
            search_text.c.doc_id == func.any(wanted)
        )
        with self.engine.begin() as conn:
            conn.execute(_INDEX_FIRST)
            rows, total = conn.execute(select(search_totals.c.rows, tokens)).one()
            hits = conn.execute(hits_query).one()
            scored = conn.execute(rows_query).all()
        weights = [idf(int(rows), int(h)) for h in hits]
        average = int(total) / int(rows)
        ranked = sorted(
            (
                (
                    bm25(
                        weights,
                        settle(node, iter(f * TITLE_WEIGHT for f in r[2:]))[1],
                        r[1],
                        average,
                    ),
                    r[0],
                )
                for r in scored
            ),
            reverse=True,
        )
        return [(int(i), s) for s, i in ranked[offset : offset + limit]]

    def documents(self, ids: Sequence[int]) -> dict[int, DocumentRow]:
        """The documents with these ids, with their outlet's name."""
        return documents_by_id(self.engine, ids)
