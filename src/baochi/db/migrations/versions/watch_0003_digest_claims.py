"""Signals: a digest is claimed before it is sent (who holds it and until when), so of several
workers one sends it.

Revision ID: watch_0003
Revises: watch_0002
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "watch_0003"
down_revision = "watch_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("digests") as table:
        table.add_column(
            sa.Column("lease_owner", sa.String(200), nullable=False, server_default="")
        )
        table.add_column(sa.Column("lease_until", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("digests") as table:
        for name in ("lease_until", "lease_owner"):
            table.drop_column(name)
