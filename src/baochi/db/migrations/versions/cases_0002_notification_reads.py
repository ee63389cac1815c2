"""Cases: which user has read which reminder or escalation, for each user's notification list.

Revision ID: cases_0002
Revises: cases_0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "cases_0002"
down_revision = "cases_0001"
branch_labels = None


def upgrade() -> None:
    op.create_table(
        "case_notification_reads",
        sa.Column(
            "notification_id",
            sa.Integer,
            sa.ForeignKey("case_notifications.id"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.Integer, primary_key=True),
        sa.Column("read_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("case_notification_reads")
