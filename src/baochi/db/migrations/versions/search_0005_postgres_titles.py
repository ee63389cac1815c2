"""Search on PostgreSQL: the title's tokens in tsvectors of their own (`search_titles`, GIN
indexed), so a `title:` term needs no weight check of the whole text; SQLite's FTS5 has a title
column already.

Filled from what is indexed (the title tokens are the whole tsvector's weight-A positions): an
existing archive is read once and not indexed again, `search_text` is not rewritten (an UPDATE
of every row would re-insert each into its GIN indexes), and `documents`, partitioned or not, is
not touched.

Revision ID: search_0005
Revises: search_0004
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "search_0005"
down_revision = "search_0004"
branch_labels = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.create_table(
        "search_titles",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("words", postgresql.TSVECTOR, nullable=False),
        sa.Column("exact", postgresql.TSVECTOR, nullable=False),
    )
    op.execute(
        "INSERT INTO search_titles(doc_id, words, exact) SELECT doc_id, "
        "ts_filter(words, '{a}'), ts_filter(exact, '{a}') FROM search_text"
    )
    op.create_index("ix_search_titles_words", "search_titles", ["words"], postgresql_using="gin")
    op.create_index("ix_search_titles_exact", "search_titles", ["exact"], postgresql_using="gin")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_table("search_titles")
