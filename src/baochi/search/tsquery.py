"""The PostgreSQL backend: a text subtree as a tsquery over the words or exact tsvector (see
tsvector.py), passed as a bound parameter; ids come from the GIN indexes, and relevance is FTS5's
own BM25, computed from PostgreSQL's counts, so both databases rank alike.

A term is its phrase of tokens (`'ha_noi' <-> 'noi_ngap'`), asked of the title's own tsvector when
it wants the title, so GIN answers a single token, title or not, without opening any row.
User text reaches PostgreSQL only as quoted tokens of letters, digits and "_" inside a bound
value, so tsquery's own operators cannot be smuggled in.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    Text,
    and_,
    bindparam,
    cast,
    func,
    not_,
    or_,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, REAL, TSQUERY, array
from sqlalchemy.sql.elements import Cast

from baochi.db import DocumentRow
from baochi.db.schema_search import search_text, search_titles, search_totals
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
    """One FTS5 phrase of a query: its tokens, title only or not, and whether it sits under a
    NOT (then every row the query matches has none of it: FTS5 reports it 0 there)."""

    tokens: tuple[str, ...]
    title_only: bool
    negated: bool = False

    def tsquery(self) -> str:
        """Its tokens in a row; a title-only phrase is asked of the title's own tsvector."""
        return "(" + " <-> ".join(f"'{t}'" for t in self.tokens) + ")"


def phrases(node: Node, negated: bool = False) -> list[Phrase]:
    """The phrases of a text subtree in the order FTS5 numbers them (fts5.match_text's order)."""
    if isinstance(node, Words):
        return [Phrase(tuple(phrase_tokens(s)), node.title_only, negated) for s in spellings(node)]
    if isinstance(node, Or):
        return [p for item in node.items for p in phrases(item, negated)]
    if isinstance(node, And):
        positives = [p for i in node.items if not isinstance(i, Not) for p in phrases(i, negated)]
        return positives + [
            p for i in node.items if isinstance(i, Not) for p in phrases(i.item, negated=True)
        ]
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


def settle(node: Node, freqs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Whether the subtree matches each row of phrase frequencies (rows × phrases, in
    `phrases` order), and the frequencies FTS5 reports: none for phrases of an AND that fails
    in that row."""
    reported = np.array(freqs, dtype=np.float64)
    matched, _ = _settle(node, reported, iter(range(reported.shape[1])))
    return matched, reported


def _settle(node: Node, freqs: np.ndarray, columns: Iterator[int]) -> tuple[np.ndarray, list[int]]:
    """Rows matched by the subtree and the columns of its phrases; zeroes failed ANDs."""
    if isinstance(node, Words):
        taken = [next(columns) for _ in range(_spelling_count(node))]
        return np.asarray((freqs[:, taken] > 0).any(axis=1)), taken
    if isinstance(node, Or):
        parts = [_settle(i, freqs, columns) for i in node.items]
        return np.logical_or.reduce([m for m, _ in parts]), [c for _, cs in parts for c in cs]
    if isinstance(node, And):
        positives = [_settle(i, freqs, columns) for i in node.items if not isinstance(i, Not)]
        negatives = [_settle(i.item, freqs, columns) for i in node.items if isinstance(i, Not)]
        taken = [c for _, cs in positives + negatives for c in cs]
        matched = np.logical_and.reduce([m for m, _ in positives])
        for m, _ in negatives:
            matched = matched & ~m
        freqs[np.ix_(~matched, taken)] = 0.0
        return matched, taken
    raise ValueError(f"not a full-text expression: {node!r}")


@functools.lru_cache(maxsize=1024)
def _spelling_count(term: Words) -> int:
    """How many phrases a term is looked up as (its spellings)."""
    return len(spellings(term))


def bm25(idf: list[float], freqs: Iterable[Any], size: Any, average: float) -> Any:
    """FTS5's bm25(), sign flipped, term for term in its own order of operations: of one row,
    or of many at once (each frequency and the size an array over the rows)."""
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
# With that penalty every plan costs enough to be compiled by JIT, 50 to 250 ms each time.
_INDEX_FIRST = text(
    "SELECT set_config('enable_seqscan', 'off', true), set_config('jit', 'off', true)"
)


# A phrase checked in rows already found: by their ids, never a GIN scan of the whole archive.
_ROWS_ONLY = text("SELECT set_config('enable_bitmapscan', 'off', true)")


def _tsquery(value: str) -> Cast[Any]:
    """A bound query text, cast by PostgreSQL (never parsed into the statement)."""
    return cast(bindparam(None, value, type_=Text), TSQUERY)


@dataclass(frozen=True, slots=True)
class Columns:
    """One index's columns: the whole text's and the title's tsvectors, the token count."""

    whole: ColumnElement[Any]
    title: ColumnElement[Any]
    size: ColumnElement[Any]
    tokens: ColumnElement[Any]

    @classmethod
    def of(cls, index: IndexName) -> Columns:
        text_, titles = search_text.c, search_titles.c
        if index == "folded":
            return cls(text_.words, titles.words, text_.words_size, search_totals.c.words_tokens)
        return cls(text_.exact, titles.exact, text_.exact_size, search_totals.c.exact_tokens)

    def meets(self, title: bool, query: str) -> ColumnElement[bool]:
        """The GIN-indexed condition: the title's tsvector (of a search_titles row) or the whole
        text's meets the query."""
        return (self.title if title else self.whole).bool_op("@@")(_tsquery(query))

    def match(self, title: bool, query: str) -> ColumnElement[bool]:
        """The same condition on a search_text row."""
        if title:
            return search_text.c.doc_id.in_(
                select(search_titles.c.doc_id).where(self.meets(True, query))
            )
        return self.meets(False, query)


def _titled(node: Node) -> bool | None:
    """True when every term of the subtree asks for the title, False when none does, else None."""
    if isinstance(node, Words):
        return node.title_only
    if isinstance(node, Not):
        return _titled(node.item)
    if isinstance(node, And | Or):
        kinds = {_titled(i) for i in node.items}
        return kinds.pop() if len(kinds) == 1 else None
    raise ValueError(f"not a full-text expression: {node!r}")


def condition(node: Node, cols: Columns) -> ColumnElement[bool]:
    """The row condition of a subtree: one tsquery per column (title terms on the title's own
    tsvector, so no term needs a weight, and GIN answers single tokens without opening a row)."""
    titled = _titled(node)
    if titled is not None:
        return cols.match(titled, query_text(node))
    if isinstance(node, Or):
        kinds = {k: [i for i in node.items if _titled(i) is k] for k in (True, False, None)}
        alone = [cols.match(k, query_text(Or(tuple(kinds[k])))) for k in (True, False) if kinds[k]]
        return or_(*alone, *(condition(i, cols) for i in kinds[None]))
    assert isinstance(node, And)
    parts: list[ColumnElement[bool]] = []
    for kind in (True, False):
        positive = [i for i in node.items if not isinstance(i, Not) and _titled(i) is kind]
        negative = [i for i in node.items if isinstance(i, Not) and _titled(i) is kind]
        if positive:
            parts.append(cols.match(kind, query_text(And((*positive, *negative)))))
        elif negative:
            parts.append(not_(cols.match(kind, query_text(Or(tuple(n.item for n in negative))))))
    for item in node.items:
        if _titled(item) is None:
            inner = condition(item.item if isinstance(item, Not) else item, cols)
            parts.append(not_(inner) if isinstance(item, Not) else inner)
    return and_(*parts)


def _parts(node: Or) -> list[Node]:
    """The OR's items grouped by column and by whether GIN alone answers them (no phrase)."""
    groups: dict[tuple[bool | None, bool], list[Node]] = defaultdict(list)
    for item in node.items:
        groups[_titled(item), all(len(p.tokens) == 1 for p in phrases(item))].append(item)
    return [
        part
        for (titled, _), items in groups.items()
        for part in (items if titled is None or len(items) == 1 else [Or(tuple(items))])
    ]


def _both(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The ids in both sorted lists."""
    return np.intersect1d(a, b, assume_unique=True)


def _negates(node: Node) -> bool:
    """Whether a subtree holds a NOT anywhere."""
    if isinstance(node, Not):
        return True
    return isinstance(node, And | Or) and any(_negates(i) for i in node.items)


def _phrased(node: Node) -> bool:
    """Whether a subtree holds a phrase of several tokens (GIN finds rows, each checked)."""
    return any(len(p.tokens) > 1 for p in phrases(node))


def unphrased(node: Node, negated: bool = False) -> Node | None:
    """A looser subtree GIN answers without opening a row: each phrase of several tokens as
    all of its pairs, anywhere; one under a NOT left out (None: nothing left to ask)."""
    if isinstance(node, Words):
        if len(node.syllables) < 3:
            return node
        if negated:
            return None
        return And(
            tuple(
                replace(node, syllables=node.syllables[i : i + 2])
                for i in range(len(node.syllables) - 1)
            )
        )
    if isinstance(node, Not):
        inner = unphrased(node.item, not negated)
        return None if inner is None else Not(inner)
    assert isinstance(node, And | Or)
    items = [i for i in (unphrased(i, negated) for i in node.items) if i is not None]
    if isinstance(node, Or) and len(items) < len(node.items):
        return None
    return type(node)(tuple(items)) if len(items) > 1 else (items[0] if items else None)


def _ids_condition(
    node: Node, cols: Columns, floor: int
) -> tuple[ColumnElement[Any], ColumnElement[bool]]:
    """Where to read a subtree's ids from `floor` on, and the condition: search_titles alone for
    title terms."""
    if _titled(node):
        doc_id, where = search_titles.c.doc_id, cols.meets(True, query_text(node))
    else:
        doc_id, where = search_text.c.doc_id, condition(node, cols)
    # `+ 0`: the floor filters what GIN found. As an index condition the planner read the id
    # range's rows and opened each tsvector instead (a second for `cháy NOT "cháy rừng"`).
    return doc_id, and_(doc_id + 0 >= floor, where) if floor else where


# Rows each phrase matches in an index, by database and the index's rows and tokens (which any
# indexing changes): a common word's count is a GIN scan of a sixth of the archive, and the same
# for every query until the index changes.
_ROWS: dict[tuple[tuple[str, IndexName, int, int], Phrase], int] = {}
_ROWS_KEPT = 20_000


class PostgresBackend:
    """Runs text subtrees on the tsvector indexes of one PostgreSQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # Rows a lone phrase matched while finding ids: its weight needs no second count (a
        # phrase of several tokens is checked row by row, once is enough).
        self.counted: dict[tuple[IndexName, Phrase], int] = {}

    def ids(self, index: IndexName, node: Node, floor: int = 0) -> np.ndarray:
        """The ids from `floor` on of every document the index finds for the subtree, ascending
        (each part as one string numpy parses in C, as on SQLite).

        The parts of an OR that need a phrase checked run apart from those GIN answers alone:
        a bitmap rechecks whole heap pages, so one phrase would open every row found.

        A NOT is taken away as the ids of what it negates, never sent as `a & !b`: GIN answers
        that from its entries alone, and while its pending list moves into the tree (VACUUM,
        or an insert past gin_pending_list_limit) it can miss a row's entry for b and return
        the row (48 rows for 44, one query in 200 while it was cleaned). Without a NOT, none.
        """
        if isinstance(node, And) and _negates(node):
            plain = [i for i in node.items if not _negates(i)]
            nested = [i for i in node.items if _negates(i) and not isinstance(i, Not)]
            gone = [i.item for i in node.items if isinstance(i, Not)]
            asked = [plain[0] if len(plain) == 1 else And(tuple(plain))] if plain else []
            matched = functools.reduce(_both, [self.ids(index, i, floor) for i in asked + nested])
            if not gone:
                return matched
            negated = self.ids(index, gone[0] if len(gone) == 1 else Or(tuple(gone)), floor)
            return np.setdiff1d(matched, negated, assume_unique=True)
        if isinstance(node, Or) and _negates(node):
            return np.unique(np.concatenate([self.ids(index, i, floor) for i in node.items]))
        cols = Columns.of(index)
        parts = _parts(node) if isinstance(node, Or) else [node]
        found = self._listed(cols, parts, floor)
        for part, part_ids in zip(parts, found, strict=True):
            if not floor and isinstance(part, Words) and len(alone := phrases(part)) == 1:
                self.counted[index, alone[0]] = len(part_ids)
        return np.unique(np.concatenate(found))

    def _listed(self, cols: Columns, parts: Sequence[Node], floor: int) -> list[np.ndarray]:
        """The ids of each part from `floor` on. Below a floor a part with a phrase is found
        loosely first and checked only in those rows: the planner, which expects a phrase to
        be rare, would check it in every row of the archive that holds its tokens."""
        loose = [unphrased(p) if floor and _phrased(p) else None for p in parts]
        checked = [found is not None for found in loose]
        asked = [found or p for found, p in zip(loose, parts, strict=True)]
        lists = [
            select(func.string_agg(doc_id.cast(Text), ",")).where(where).scalar_subquery()
            for doc_id, where in (_ids_condition(part, cols, floor) for part in asked)
        ]
        with self.engine.begin() as conn:
            conn.execute(_INDEX_FIRST)
            joined = list(conn.execute(select(*lists)).one())
            if any(checked):
                conn.execute(_ROWS_ONLY)
            for k, part in enumerate(parts):
                if checked[k] and joined[k]:
                    rows = bindparam(
                        None, [int(i) for i in joined[k].split(",")], ARRAY(BigInteger)
                    )
                    doc_id, where = _ids_condition(part, cols, 0)
                    statement = select(func.string_agg(doc_id.cast(Text), ","))
                    joined[k] = conn.execute(
                        statement.where(doc_id == func.any(rows), where)
                    ).scalar_one()
        return [np.fromstring(j or "", dtype=np.int64, sep=",") for j in joined]

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
        phrase's matching rows its weight (see _matching_rows), and its title and body
        instances in a row (title four times) its frequency there. A candidate's whole
        tsvector is read once, and only if a phrase is neither title-only nor under a NOT.
        """
        if not len(candidates):
            return []
        cols = Columns.of(index)
        found = phrases(node)
        # A phrase under a NOT is absent from every candidate: nothing to count or to read.
        counted = [p for p in found if not p.negated]
        wanted = bindparam(None, candidates.tolist(), ARRAY(BigInteger))
        opened: list[ColumnElement[Any]] = [search_text.c.doc_id, cols.size.label("size")]
        where = [search_text.c.doc_id == func.any(wanted)]
        if any(p.title_only for p in counted):
            opened.append(cols.title.label("title"))
            where.append(search_titles.c.doc_id == search_text.c.doc_id)
        if not all(p.title_only for p in counted):
            # An array holds its elements detoasted: the whole tsvector is read once per row,
            # not once per phrase, as each function of the TOASTed column would read it.
            opened.append(array([cols.whole]).label("whole"))
        rows = select(*opened).where(*where).offset(0).subquery()
        freqs = [
            func.ts_rank_cd(
                bindparam(None, TITLE_ONLY if p.title_only else ANY_COLUMN, type_=ARRAY(REAL)),
                rows.c.title if p.title_only else rows.c.whole[1],
                _tsquery(p.tsquery()),
                0,
            )
            for p in counted
        ]
        rows_query = select(rows.c.doc_id, rows.c.size, *freqs)
        with self.engine.begin() as conn:
            conn.execute(_INDEX_FIRST)
            total_rows, total, known = self._matching_rows(conn, index, counted)
            scored = conn.execute(rows_query).cursor.fetchall()
        # A negated phrase's weight multiplies a frequency of 0: any will do.
        weights = [0.0 if p.negated else idf(int(total_rows), known[p]) for p in found]
        average = int(total) / int(total_rows)
        if not scored:
            return []
        table = np.array(scored, dtype=np.float64)
        ranks = iter(table[:, 2:].T)
        weighted = np.column_stack(
            [np.zeros(len(table)) if p.negated else next(ranks) * TITLE_WEIGHT for p in found]
        )
        score = np.asarray(bm25(weights, settle(node, weighted)[1].T, table[:, 1], average))
        order = np.lexsort((table[:, 0], score))[::-1][offset : offset + limit]
        return [(int(table[k, 0]), float(score[k])) for k in order]

    def _matching_rows(
        self, conn: Connection, index: IndexName, counted: list[Phrase]
    ) -> tuple[int, int, dict[Phrase, int]]:
        """The index's rows and tokens, and the rows each phrase matches in it: counted by its
        GIN index unless finding the ids, or an earlier query on the index as it is, did."""
        cols = Columns.of(index)
        rows, tokens = conn.execute(select(search_totals.c.rows, cols.tokens)).one()
        state = (self.engine.url.render_as_string(), index, int(rows), int(tokens))
        known = {p: self.counted[index, p] for p in counted if (index, p) in self.counted}
        known |= {p: _ROWS[state, p] for p in counted if (state, p) in _ROWS}
        missing = [p for p in counted if p not in known]
        if missing:
            found = conn.execute(
                select(
                    *(
                        select(func.count())
                        .where(cols.meets(p.title_only, p.tsquery()))
                        .scalar_subquery()
                        for p in missing
                    )
                )
            ).one()
            known |= {p: int(n) for p, n in zip(missing, found, strict=True)}
        if len(_ROWS) > _ROWS_KEPT:
            _ROWS.clear()
        _ROWS.update({(state, p): n for p, n in known.items()})
        return int(rows), int(tokens), known

    def documents(self, ids: Sequence[int]) -> dict[int, DocumentRow]:
        """The documents with these ids, with their outlet's name."""
        return documents_by_id(self.engine, ids)
