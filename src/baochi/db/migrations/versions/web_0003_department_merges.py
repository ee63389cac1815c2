"""Departments merged into another (the 2025 reform merged several): a merged department keeps
its closed cases and its name in their history, while its people and open work move on.

Revision ID: web_0003
Revises: web_0002
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "web_0003"
down_revision = "web_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("departments", sa.Column("merged_into", sa.Integer))
    op.add_column("departments", sa.Column("merged_at", UTCDateTime))


def downgrade() -> None:
    op.drop_column("departments", "merged_at")  # in place: users refer to the table
    op.drop_column("departments", "merged_into")
