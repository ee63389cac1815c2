"""Collection: the registry of long-running workers, so hosts are shared out by fair share.

Revision ID: collect_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "collect_0001"
down_revision = "0001"
branch_labels = ("collect",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "workers",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("seen_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("workers")
