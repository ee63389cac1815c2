"""Cases: an index of case_documents by article, for the cases an article page lists.

Revision ID: cases_0003
Revises: cases_0002
"""

from alembic import op

revision = "cases_0003"
down_revision = "cases_0002"
branch_labels = None


def upgrade() -> None:
    op.create_index("ix_case_documents_document", "case_documents", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_case_documents_document", "case_documents")
