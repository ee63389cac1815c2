"""Search: text indexes with syllables and pairs in separate columns; databases migrated while
search_0001 still interleaved them in one column get empty new indexes and every document queued.

Revision ID: search_0002
Revises: search_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "search_0002"
down_revision = "search_0001"
branch_labels = None

INDEXES = {
    "search_words": (
        "CREATE VIRTUAL TABLE search_words USING fts5(title, body, title_pairs, body_pairs, "
        "content='', tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
    ),
    "search_exact": (
        "CREATE VIRTUAL TABLE search_exact USING fts5(title, body, title_pairs, body_pairs, "
        "content='', tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")"
    ),
}


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    layout = bind.execute(
        sa.text("SELECT sql FROM sqlite_master WHERE name = 'search_words'")
    ).scalar_one()
    if "title_pairs" in layout:
        return  # created by the current search_0001
    for name, create in INDEXES.items():
        op.execute(f"DROP TABLE {name}")
        op.execute(create)
    op.execute("DELETE FROM search_pending")
    op.execute("INSERT INTO search_pending(doc_id) SELECT id FROM documents")


def downgrade() -> None:
    """Nothing to undo: search_0001's tables remain, in the current layout."""
