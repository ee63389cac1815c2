"""Social: articles indexed by kind, tone and date, with the columns the city channels' page
reads of them (story, Hà Nội, fetch time), so its negative stories of a month come from the
index alone: some 500 ms at 100,000 documents, reading every article of the month, before.

Revision ID: social_0004
Revises: social_0003
"""

from alembic import op

revision = "social_0004"
down_revision = "social_0003"
branch_labels = None
depends_on = None

COLUMNS = ["kind", "tone", "published_at", "story_id", "hanoi", "fetched_at"]


def upgrade() -> None:
    op.create_index("ix_documents_tone", "documents", COLUMNS)


def downgrade() -> None:
    op.drop_index("ix_documents_tone", "documents")
