"""Social: channel leases, so that of several workers one syncs a channel, once per period
(who holds it and until when, and when the channel is next due).

Revision ID: social_0002
Revises: social_0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "social_0002"
down_revision = "social_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("social_accounts") as table:
        table.add_column(
            sa.Column("lease_owner", sa.String(200), nullable=False, server_default="")
        )
        table.add_column(sa.Column("lease_until", UTCDateTime))
        table.add_column(sa.Column("next_sync_at", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("social_accounts") as table:
        for name in ("next_sync_at", "lease_until", "lease_owner"):
            table.drop_column(name)
