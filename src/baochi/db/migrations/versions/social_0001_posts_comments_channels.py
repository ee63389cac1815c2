"""Social: posts and comments as documents (platform, author, engagement, parent, sentiment,
toxicity, offensive spans), the channels followed or owned, and posts' stories.

After retention_0001: on PostgreSQL documents is then partitioned by month, so a unique index
must hold the partition key — the platform id is indexed plainly there (a post is kept once by
its content key in document_keys) — and references to a document point at document_keys.

Revision ID: social_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "social_0001"
down_revision = "0001"
branch_labels = ("social",)
depends_on = ("stories_0001", "retention_0001")  # story_social references stories

COLUMNS = (
    ("platform", sa.String(20)),
    ("external_id", sa.String(200)),
    ("account_id", sa.Integer),
    ("author", sa.String(300)),
    ("reactions", sa.Integer),
    ("comments", sa.Integer),
    ("shares", sa.Integer),
    ("views", sa.Integer),
    ("parent_id", sa.Integer),
    ("sentiment", sa.String(10)),
    ("toxicity", sa.String(10)),
    ("offensive", sa.Text),
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "social_accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("connector", sa.String(20), nullable=False),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("official", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("department", sa.String(300), nullable=False, server_default=""),
        sa.Column("config", sa.Text, nullable=False, server_default="{}"),
        sa.Column("token", sa.Text, nullable=False, server_default=""),
        sa.Column("cursor", sa.Text, nullable=False, server_default=""),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("last_sync_at", UTCDateTime),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("items_total", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("platform", "handle", name="uq_social_accounts_handle"),
    )
    # Plain ADD COLUMN (no batch copy): the search triggers on `documents` stay as they are.
    for name, kind in COLUMNS:
        op.add_column("documents", sa.Column(name, kind))
    op.create_index(
        "ix_documents_external", "documents", ["platform", "external_id"], unique=not postgres
    )
    op.create_index("ix_documents_account", "documents", ["account_id", "published_at"])
    op.create_index("ix_documents_parent", "documents", ["parent_id"])
    op.create_index("ix_documents_kind", "documents", ["kind", "published_at"])
    op.create_table(
        "story_social",
        sa.Column(
            "document_id",
            sa.Integer,
            sa.ForeignKey("document_keys.document_id" if postgres else "documents.id"),
            primary_key=True,
        ),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("via", sa.String(10), nullable=False),
        sa.Column("similarity", sa.Float),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_story_social_story", "story_social", ["story_id"])


def downgrade() -> None:
    op.drop_table("story_social")
    for name in ("ix_documents_kind", "ix_documents_parent", "ix_documents_account"):
        op.drop_index(name, "documents")
    op.drop_index("ix_documents_external", "documents")
    for name, _ in reversed(COLUMNS):
        op.drop_column("documents", name)
    op.drop_table("social_accounts")
