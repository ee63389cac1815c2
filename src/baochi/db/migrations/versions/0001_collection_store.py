"""The collection store: outlets, sources, fetch attempts, documents, known URLs, full text.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from baochi.db.schema import UTCDateTime

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "outlets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("domain", sa.String(255), nullable=False, server_default=""),
        sa.Column("city_outlet", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id"), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.String(32), nullable=False, unique=True),
        sa.Column("host", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("section", sa.String(300), nullable=False, server_default=""),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("disabled_reason", sa.Text, nullable=False, server_default=""),
        sa.Column("etag", sa.Text, nullable=False, server_default=""),
        sa.Column("last_modified", sa.Text, nullable=False, server_default=""),
        sa.Column("poll_interval", sa.Float, nullable=False),
        sa.Column("next_poll_at", UTCDateTime, nullable=False),
        sa.Column("last_polled_at", UTCDateTime),
        sa.Column("last_success_at", UTCDateTime),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("articles_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_sources_due", "sources", ["enabled", "next_poll_at"])
    op.create_index("ix_sources_host", "sources", ["host"])
    op.create_table(
        "hosts",
        sa.Column("host", sa.String(300), primary_key=True),
        sa.Column("lease_owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("lease_until", UTCDateTime),
    )
    op.create_table(
        "fetch_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("bytes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("new_urls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("known_urls", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("ix_fetch_attempts_source", "fetch_attempts", ["source_id", "started_at"])
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("url_hash", sa.String(32), nullable=False, unique=True),
        sa.Column("content_hash", sa.String(32), nullable=False, unique=True),
        sa.Column("outlet_id", sa.Integer, sa.ForeignKey("outlets.id")),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("kind", sa.String(20), nullable=False, server_default="article"),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("lead", sa.Text, nullable=False, server_default=""),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("authors", sa.Text, nullable=False, server_default=""),
        sa.Column("language", sa.String(10), nullable=False, server_default="vi"),
        sa.Column("encoding", sa.String(30), nullable=False, server_default=""),
        sa.Column("published_at", UTCDateTime),
        sa.Column("fetched_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_documents_published", "documents", ["published_at"])
    op.create_index("ix_documents_fetched", "documents", ["fetched_at"])
    op.create_index("ix_documents_outlet", "documents", ["outlet_id", "published_at"])
    op.create_table(
        "urls",
        sa.Column("url_hash", sa.String(32), primary_key=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("source_id", sa.Integer, sa.ForeignKey("sources.id")),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("last_seen_at", UTCDateTime, nullable=False),
    )
    # Folded text (no diacritics, đ→d) goes into the index; both tokenizers split on syllables.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE documents_fts USING fts5("
            "title, body, tokenize = 'unicode61 remove_diacritics 2')"
        )
    else:
        op.create_table(
            "documents_fts",
            sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
            sa.Column("tsv", postgresql.TSVECTOR, nullable=False),
        )
        op.create_index("ix_documents_fts_tsv", "documents_fts", ["tsv"], postgresql_using="gin")


def downgrade() -> None:
    op.drop_table("documents_fts")
    for table in ("urls", "documents", "fetch_attempts", "hosts", "sources", "outlets"):
        op.drop_table(table)
