"""Social: a comment keeps the platform id of the post it answers while that post is not stored
(a file of comments imported before the file of their posts), so it is linked to the post, and
put in its story, when the post arrives.

Revision ID: social_0005
Revises: social_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "social_0005"
down_revision = "social_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): the search triggers on `documents` stay as they are.
    op.add_column("documents", sa.Column("parent_external", sa.String(200)))
    op.create_index("ix_documents_waiting", "documents", ["platform", "parent_external"])


def downgrade() -> None:
    op.drop_index("ix_documents_waiting", "documents")
    op.drop_column("documents", "parent_external")
