"""Reports: drafts of briefs and periodic reports, and their sending.

Revision ID: reports_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "reports_0001"
down_revision = "0001"
branch_labels = ("reports",)


def upgrade() -> None:
    op.create_table(
        "report_drafts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("first_day", sa.Date, nullable=False),
        sa.Column("last_day", sa.Date, nullable=False),
        sa.Column("scope", sa.String(100), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("paper", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False, server_default="draft"),
        sa.Column("schedule_key", sa.String(200), unique=True),
        sa.Column("created_by", sa.Integer),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
        sa.Column("sent_to", sa.Text, nullable=False, server_default=""),
        sa.Column("send_error", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_report_drafts_period", "report_drafts", ["kind", "first_day"])


def downgrade() -> None:
    op.drop_index("ix_report_drafts_period", "report_drafts")
    op.drop_table("report_drafts")
