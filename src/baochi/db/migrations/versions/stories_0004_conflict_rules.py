"""Stories: the version of the conflict rules that found each stored conflict, so conflicts
found by older rules are checked again after an upgrade; the rows already stored get 0.

Revision ID: stories_0004
Revises: stories_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "stories_0004"
down_revision = "stories_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "story_conflicts", sa.Column("rules", sa.Integer, nullable=False, server_default="0")
    )
    op.create_index("ix_story_conflicts_rules", "story_conflicts", ["rules"])


def downgrade() -> None:
    op.drop_index("ix_story_conflicts_rules", "story_conflicts")
    op.drop_column("story_conflicts", "rules")
