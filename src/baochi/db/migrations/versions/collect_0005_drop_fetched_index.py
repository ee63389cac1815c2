"""Collection: drop the index on documents.fetched_at alone; ix_documents_fetched_source begins
with the same column and serves the same ranges, and every stored article paid for both.

Revision ID: collect_0005
Revises: collect_0004
"""

from alembic import op

revision = "collect_0005"
down_revision = "collect_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_documents_fetched", "documents")


def downgrade() -> None:
    op.create_index("ix_documents_fetched", "documents", ["fetched_at"])
