"""API tokens expire: a token is a password a script keeps, and one forgotten on a laptop or in a
cron job should stop working by itself. Tokens made before get a year from the upgrade, as
GitLab did when it brought in expiry.

Revision ID: web_0004
Revises: web_0003
"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "web_0004"
down_revision = "web_0003"
branch_labels = None
depends_on = None

EARLIER_TOKENS = dt.timedelta(days=365)
tokens = sa.table("api_tokens", sa.column("expires_at", UTCDateTime))


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", UTCDateTime))
    op.execute(tokens.update().values(expires_at=dt.datetime.now(dt.UTC) + EARLIER_TOKENS))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
