"""Collection: documents indexed by fetch time and source together, so the source-health page
counts each source's fortnight from the index alone instead of reading every row.

Revision ID: collect_0002
Revises: collect_0001
"""

from alembic import op

revision = "collect_0002"
down_revision = "collect_0001"
branch_labels = None
depends_on = ("retention_0001",)  # on PostgreSQL the index goes to the partitioned table


def upgrade() -> None:
    op.create_index("ix_documents_fetched_source", "documents", ["fetched_at", "source_id"])


def downgrade() -> None:
    op.drop_index("ix_documents_fetched_source", "documents")
