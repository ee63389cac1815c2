"""Stories: an index of story_articles by the article copied, for the copies an article page
lists.

Revision ID: stories_0003
Revises: stories_0002
"""

from alembic import op

revision = "stories_0003"
down_revision = "stories_0002"
branch_labels = None


def upgrade() -> None:
    op.create_index("ix_story_articles_copy", "story_articles", ["duplicate_of"])


def downgrade() -> None:
    op.drop_index("ix_story_articles_copy", "story_articles")
