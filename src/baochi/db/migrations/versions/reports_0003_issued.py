"""Reports: when a draft was issued to the leaders in the app (read there, mailed or not).

Revision ID: reports_0003
Revises: reports_0002
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "reports_0003"
down_revision = "reports_0002"
branch_labels = None


def upgrade() -> None:
    with op.batch_alter_table("report_drafts") as batch:
        batch.add_column(sa.Column("issued_at", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("report_drafts") as batch:
        batch.drop_column("issued_at")
