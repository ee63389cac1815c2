"""The two text indexes (contentless SQLite FTS5 tables, or tsvector columns on PostgreSQL; see
tokens.py for what they hold), kept in step with the documents through a queue that triggers fill
on every insert, text edit and delete; `sync` works the queue off, `add` indexes on a writer's own
transaction. On PostgreSQL any number of processes sync at once, each taking its own queue rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.engine import Connection

from baochi.db.schema import documents
from baochi.db.schema_search import search_pending, search_text, search_titles, search_totals
from baochi.search.tokens import IndexText
from baochi.search.tsvector import tsvector_text

# Contentless FTS5 tables forget the text: deleting a row means giving its tokens again.
_INSERT_WORDS = text(
    "INSERT INTO search_words(rowid, title, body, title_pairs, body_pairs) "
    "VALUES (:id, :title, :body, :title_pairs, :body_pairs)"
)
_INSERT_EXACT = text(
    "INSERT INTO search_exact(rowid, title, body, title_pairs, body_pairs) "
    "VALUES (:id, :title, :body, :title_pairs, :body_pairs)"
)
_DELETE_WORDS = text(
    "INSERT INTO search_words(search_words, rowid, title, body, title_pairs, body_pairs) "
    "VALUES ('delete', :id, :title, :body, :title_pairs, :body_pairs)"
)
_DELETE_EXACT = text(
    "INSERT INTO search_exact(search_exact, rowid, title, body, title_pairs, body_pairs) "
    "VALUES ('delete', :id, :title, :body, :title_pairs, :body_pairs)"
)
_EMPTY = (
    text("INSERT INTO search_words(search_words) VALUES ('delete-all')"),
    text("INSERT INTO search_exact(search_exact) VALUES ('delete-all')"),
)
BATCH = 500


def _rows(docs: Sequence[tuple[int, str, str]]) -> tuple[list[dict], list[dict]]:
    texts = [(i, IndexText.of(title, body)) for i, title, body in docs]
    return [{"id": i, **t.words} for i, t in texts], [{"id": i, **t.exact} for i, t in texts]


def _write(conn: Connection, docs: Sequence[tuple[int, str, str]], remove: bool) -> None:
    """Insert index rows, or delete them by giving their old tokens."""
    if not docs:
        return
    if conn.dialect.name != "sqlite":
        _replace(conn, [d[0] for d in docs], [] if remove else docs)
        return
    words, exact = _rows(docs)
    conn.execute(_DELETE_WORDS if remove else _INSERT_WORDS, words)
    conn.execute(_DELETE_EXACT if remove else _INSERT_EXACT, exact)


def _replace(conn: Connection, ids: list[int], docs: Sequence[tuple[int, str, str]]) -> None:
    """PostgreSQL: drop the index rows of `ids`, insert those of `docs`, keep the totals right."""
    gone = conn.execute(
        delete(search_text)
        .where(search_text.c.doc_id.in_(ids))
        .returning(search_text.c.words_size, search_text.c.exact_size)
    ).all()
    conn.execute(delete(search_titles).where(search_titles.c.doc_id.in_(ids)))
    rows: list[dict[str, Any]] = []
    for doc_id, title, body in docs:
        index_text = IndexText.of(title, body)
        words, exact = tsvector_text(index_text.words), tsvector_text(index_text.exact)
        rows.append(
            {"doc_id": doc_id, "words": words.whole, "exact": exact.whole}
            | {"title_words": words.title, "title_exact": exact.title}
            | {"words_size": words.size, "exact_size": exact.size}
        )
    if rows:
        conn.execute(_INSERT_TEXT, rows)
        conn.execute(_INSERT_TITLES, rows)
    t = search_totals.c
    conn.execute(
        search_totals.update().values(
            rows=t.rows + len(rows) - len(gone),
            words_tokens=t.words_tokens
            + sum(r["words_size"] for r in rows)
            - sum(g.words_size for g in gone),
            exact_tokens=t.exact_tokens
            + sum(r["exact_size"] for r in rows)
            - sum(g.exact_size for g in gone),
        )
    )


_INSERT_TEXT = text(
    "INSERT INTO search_text(doc_id, words, exact, words_size, exact_size) VALUES "
    "(:doc_id, CAST(:words AS tsvector), CAST(:exact AS tsvector), :words_size, :exact_size)"
)
_INSERT_TITLES = text(
    "INSERT INTO search_titles(doc_id, words, exact) VALUES "
    "(:doc_id, CAST(:title_words AS tsvector), CAST(:title_exact AS tsvector))"
)


def add(conn: Connection, docs: Sequence[tuple[int, str, str]]) -> None:
    """Index new documents given as (id, title, text), on the caller's transaction."""
    _write(conn, docs, remove=False)
    conn.execute(delete(search_pending).where(search_pending.c.doc_id.in_([d[0] for d in docs])))


def rebuild(engine: Engine) -> None:
    """Empty both indexes and queue every document, for `sync` to index again."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for statement in _EMPTY:
                conn.execute(statement)
        else:
            conn.execute(delete(search_text))
            conn.execute(delete(search_titles))
            conn.execute(search_totals.update().values(rows=0, words_tokens=0, exact_tokens=0))
        conn.execute(delete(search_pending))
        conn.execute(search_pending.insert().from_select(["doc_id"], select(documents.c.id)))


def pending(engine: Engine) -> int:
    """How many documents wait to be indexed (new, edited or deleted)."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(search_pending)).scalar_one())


def sync(engine: Engine, limit: int | None = None) -> int:
    """Bring the indexes up to date with the queue (all of it, or `limit` documents); how many."""
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        with engine.begin() as conn:
            query = (
                select(search_pending, documents.c.title, documents.c.lead, documents.c.body)
                .outerjoin(documents, documents.c.id == search_pending.c.doc_id)
                .order_by(search_pending.c.doc_id)
                .limit(size)
            )
            if engine.dialect.name != "sqlite":
                # Other processes syncing at the same moment take other rows of the queue.
                query = query.with_for_update(of=search_pending, skip_locked=True)
            batch = list(conn.execute(query))
            if not batch:
                break
            old = [(r.doc_id, r.old_title, r.old_text) for r in batch if r.old_text is not None]
            new = [(r.doc_id, r.title, f"{r.lead}\n{r.body}") for r in batch if r.title is not None]
            if engine.dialect.name == "sqlite":
                _write(conn, old, remove=True)
                _write(conn, new, remove=False)
            else:
                _replace(conn, [r.doc_id for r in batch], new)
            ids = [r.doc_id for r in batch]
            conn.execute(delete(search_pending).where(search_pending.c.doc_id.in_(ids)))
        done += len(batch)
    return done
