"""Reports: when a send of a draft began, so a second request meanwhile does not mail it again.

Revision ID: reports_0002
Revises: reports_0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "reports_0002"
down_revision = "reports_0001"
branch_labels = None


def upgrade() -> None:
    with op.batch_alter_table("report_drafts") as batch:
        batch.add_column(sa.Column("sending_since", UTCDateTime))


def downgrade() -> None:
    with op.batch_alter_table("report_drafts") as batch:
        batch.drop_column("sending_since")
