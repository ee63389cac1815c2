"""Social: the imports started from the web page, whose rows are analysed and stored after the
response, so a large export does not hold the page: their progress and outcome.

Revision ID: social_0003
Revises: social_0002
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "social_0003"
down_revision = "social_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "social_imports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("account_id", sa.Integer, sa.ForeignKey("social_accounts.id")),
        sa.Column("rows", sa.Integer, nullable=False),
        sa.Column("errors", sa.Text, nullable=False, server_default="[]"),
        sa.Column("accepted", sa.Integer, nullable=False),
        sa.Column("stored", sa.Integer, nullable=False, server_default="0"),
        sa.Column("known", sa.Integer, nullable=False, server_default="0"),
        sa.Column("placed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("social_imports")
