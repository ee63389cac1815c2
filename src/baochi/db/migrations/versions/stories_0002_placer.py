"""Stories: the placer lease and the generation of story writes (placement left the collector's
writer for a background stage that any worker may run).

Revision ID: stories_0002
Revises: stories_0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "stories_0002"
down_revision = "stories_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    placer = op.create_table(
        "story_placer",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("owner", sa.String(200), nullable=False, server_default=""),
        sa.Column("lease_until", UTCDateTime),
        sa.Column("generation", sa.Integer, nullable=False, server_default="0"),
    )
    op.bulk_insert(placer, [{"id": 1, "owner": "", "generation": 0}])


def downgrade() -> None:
    op.drop_table("story_placer")
