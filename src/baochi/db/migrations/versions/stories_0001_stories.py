"""Stories: stories with their summary, each article's story and copy-of, conflicting facts.

Revision ID: stories_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "stories_0001"
down_revision = "0001"
branch_labels = ("stories",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("first_seen", UTCDateTime, nullable=False),
        sa.Column("last_seen", UTCDateTime, nullable=False),
        sa.Column("articles", sa.Integer, nullable=False),
        sa.Column("copies", sa.Integer, nullable=False, server_default="0"),
        sa.Column("outlets", sa.Integer, nullable=False, server_default="0"),
        sa.Column("conflicts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("summary", sa.Text, nullable=False, server_default="{}"),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_stories_last_seen", "stories", ["last_seen"])
    op.create_table(
        "story_articles",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("similarity", sa.Float),
        sa.Column("added_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_story_articles_story", "story_articles", ["story_id"])
    op.create_table(
        "story_conflicts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id"), nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("other_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("span", sa.Text, nullable=False),
        sa.Column("other_span", sa.Text, nullable=False),
        sa.Column("sentence", sa.Text, nullable=False, server_default=""),
        sa.Column("other_sentence", sa.Text, nullable=False, server_default=""),
        sa.Column("fingerprint", sa.String(32), nullable=False, unique=True),
        sa.Column("found_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_story_conflicts_story", "story_conflicts", ["story_id"])


def downgrade() -> None:
    for table in ("story_conflicts", "story_articles", "stories"):
        op.drop_table(table)
