"""The SQLite backend: a text subtree as an FTS5 MATCH expression, passed as a bound parameter,
run on the words or exact index for matching ids and for BM25 scores.

User text reaches SQLite only as bound values, and inside a MATCH value only as double-quoted
tokens of letters and digits (FTS5's own operators cannot be smuggled in), so it is always text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import (
    ColumnElement,
    Engine,
    Select,
    TableClause,
    bindparam,
    func,
    literal_column,
    select,
)

from baochi.db import DocumentRow
from baochi.db.schema_search import EXACT_FTS, WORDS_FTS, exact_fts, words_fts
from baochi.search.rows import documents_by_id
from baochi.search.tokens import COLUMNS, phrase_tokens, spellings
from baochi.search.tree import And, IndexName, Node, Not, Or, Words

# A word in the title says more about what an article is about than one in its body.
WEIGHTS = tuple(4.0 if name.startswith("title") else 1.0 for name in COLUMNS)

TABLES: dict[IndexName, tuple[TableClause, str]] = {
    "folded": (words_fts, WORDS_FTS),
    "exact": (exact_fts, EXACT_FTS),
}


def match_text(node: Node, index: IndexName) -> str:
    """The FTS5 query for a subtree that `index` can run by itself (see tree.index_of)."""
    if isinstance(node, Words):
        quoted = [
            f'{_columns(node, len(s))} : "{" ".join(phrase_tokens(s))}"' for s in spellings(node)
        ]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"
    if isinstance(node, Or):
        return "(" + " OR ".join(match_text(i, index) for i in node.items) + ")"
    if isinstance(node, And):
        positives = [match_text(i, index) for i in node.items if not isinstance(i, Not)]
        negatives = [match_text(i.item, index) for i in node.items if isinstance(i, Not)]
        return "(" + " AND ".join(positives) + "".join(f" NOT {n}" for n in negatives) + ")"
    raise ValueError(f"not a full-text expression: {node!r}")


def _columns(node: Words, syllables: int) -> str:
    """The FTS5 column filter for a term: its syllables or its pairs, title only or not."""
    if syllables == 1:
        return "title" if node.title_only else "{title body}"
    return "title_pairs" if node.title_only else "{title_pairs body_pairs}"


class SQLiteBackend:
    """Runs text subtrees on the FTS5 indexes of one SQLite database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @staticmethod
    def _match(index: IndexName, node: Node) -> ColumnElement[bool]:
        table, name = TABLES[index]
        return table.c[name].match(match_text(node, index))

    @classmethod
    def ids_query(cls, index: IndexName, node: Node, floor: int = 0) -> Select[Any]:
        """The statement listing (comma-separated) the ids from `floor` on the index finds for
        the subtree (FTS5 reads only that range of each token's list)."""
        table, _ = TABLES[index]
        where = [cls._match(index, node)] + ([table.c.rowid >= floor] if floor else [])
        return select(func.group_concat(table.c.rowid)).where(*where)

    def ids(self, index: IndexName, node: Node, floor: int = 0) -> np.ndarray:
        """The ids from `floor` on of every document the index finds for the subtree, ascending.

        They come back as one comma-separated string that numpy parses in C: 100,000 ids as
        Python rows would cost more than the search itself.
        """
        with self.engine.connect() as conn:
            joined = conn.execute(self.ids_query(index, node, floor)).scalar_one()
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

        The candidates are the newest ids the index matched, so FTS5 reads only their id range;
        unless they are `every` match in it (no other filter), membership is tested per row.
        """
        if not len(candidates):
            return []
        table, name = TABLES[index]
        score = (-func.bm25(literal_column(name), *WEIGHTS)).label("score")
        where = [self._match(index, node), table.c.rowid >= int(candidates[0])]
        if not every:
            wanted: Select[Any] = select(literal_column("value")).select_from(
                func.json_each(bindparam(None, json.dumps(candidates.tolist())))
            )
            # `+ 0`: test membership per row, not one FTS5 lookup per candidate.
            where.append((table.c.rowid + 0).in_(wanted))
        query = (
            select(table.c.rowid, score)
            .where(*where)
            .order_by(score.desc(), table.c.rowid.desc())
            .limit(limit)
            .offset(offset)
        )
        with self.engine.connect() as conn:
            return [(int(i), float(s)) for i, s in conn.execute(query).cursor.fetchall()]

    def documents(self, ids: Sequence[int]) -> dict[int, DocumentRow]:
        """The documents with these ids, with their outlet's name."""
        return documents_by_id(self.engine, ids)
