"""Signals: a rule may be a department's, so case reminders reach that department's mailbox.

Revision ID: watch_0002
Revises: watch_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "watch_0002"
down_revision = "watch_0001"
branch_labels = None


def upgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.add_column(sa.Column("department_id", sa.Integer))


def downgrade() -> None:
    with op.batch_alter_table("alert_rules") as batch:
        batch.drop_column("department_id")
