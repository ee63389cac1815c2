"""Search's own tables: document labels packed for facets, their change feed, the queue
of documents waiting for the text indexes, and the two FTS5 indexes as names for queries.

A document's labels sit at the end of a multi-kilobyte `documents` row, often in overflow pages;
triggers copy them into `search_facets`, a few hundred rows to the page, stamped with a version
so a reader can fetch just what changed since it last looked.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    column,
    table,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from baochi.db.schema import metadata

search_facets = Table(
    "search_facets",
    metadata,
    Column("doc_id", Integer, primary_key=True),  # documents.id, kept by triggers
    Column("day", Integer, nullable=False),  # days since 1970-01-01 of publication, Hà Nội time
    Column("outlet_id", Integer),
    Column("topic", String(40)),
    Column("tone", String(10)),
    Column("place", String(100)),
    Column("hanoi", Boolean),
    Column("story_id", Integer),
    Column("areas", Text),  # documents.areas
    Column("gone", Boolean, nullable=False, server_default="0"),  # the document was deleted
    Column("version", Integer, nullable=False),  # search_state.version when last written
)
Index("ix_search_facets_version", search_facets.c.version)

# One row: bumped by every trigger that writes search_facets.
search_state = Table(
    "search_state",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

# Documents whose text must be (re)indexed; the old text is kept when an indexed one changes, as
# contentless FTS5 tables need the old tokens to delete them.
search_pending = Table(
    "search_pending",
    metadata,
    Column("doc_id", Integer, primary_key=True),
    Column("old_title", Text),
    Column("old_text", Text),
)

# Contentless FTS5 tables, created by the migration: folded syllables and pairs, and the same with
# diacritics (tone marks in the classic placement) for `=` terms.
WORDS_FTS = "search_words"
EXACT_FTS = "search_exact"
words_fts = table(WORDS_FTS, column("rowid", Integer), column(WORDS_FTS, String))
exact_fts = table(EXACT_FTS, column("rowid", Integer), column(EXACT_FTS, String))

# PostgreSQL's text indexes (search_0003): both token sets as tsvectors, with their token counts,
# and the totals BM25 needs, as FTS5 keeps them.
search_text = Table(
    "search_text",
    metadata,
    Column("doc_id", Integer, primary_key=True),
    Column("words", TSVECTOR, nullable=False),
    Column("exact", TSVECTOR, nullable=False),
    Column("words_size", Integer, nullable=False),
    Column("exact_size", Integer, nullable=False),
)
# The title's tokens alone, as both tsvectors (search_0005): a few hundred bytes a row, so a
# `title:` term is found and counted by its GIN index and ranked without opening the whole text.
search_titles = Table(
    "search_titles",
    metadata,
    Column("doc_id", Integer, primary_key=True),
    Column("words", TSVECTOR, nullable=False),
    Column("exact", TSVECTOR, nullable=False),
)
search_totals = Table(
    "search_totals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rows", BigInteger, nullable=False),
    Column("words_tokens", BigInteger, nullable=False),
    Column("exact_tokens", BigInteger, nullable=False),
)
