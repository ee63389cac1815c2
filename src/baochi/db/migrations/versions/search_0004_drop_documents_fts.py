"""Search: SQLite's first full-text table (documents_fts, from 0001) goes; every search reads the
search indexes, so a document is indexed once. PostgreSQL dropped its copy in search_0003.

Downgrading recreates the table empty: nothing has read it since the search indexes came. It
follows retention_0001 (itself after search_0003) so that search@head stays one revision.

Revision ID: search_0004
Revises: retention_0001
"""

from alembic import op

revision = "search_0004"
down_revision = "retention_0001"
branch_labels = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS documents_fts")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
