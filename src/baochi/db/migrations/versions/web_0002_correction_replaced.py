"""Label corrections keep the document's label they replaced: the correction is now written to
the document itself, so search, the dashboard and reports use it, and the page still shows what
the machine said.

Revision ID: web_0002
Revises: web_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None


def upgrade() -> None:
    with op.batch_alter_table("label_corrections") as batch:
        batch.add_column(sa.Column("replaced", sa.String(300)))


def downgrade() -> None:
    with op.batch_alter_table("label_corrections") as batch:
        batch.drop_column("replaced")
