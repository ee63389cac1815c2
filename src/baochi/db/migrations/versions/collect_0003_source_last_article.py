"""Collection: when each source last led to a new article, so the source-health page tells a site
that stopped publishing from one that is only slow; filled from the documents already stored.

Revision ID: collect_0003
Revises: collect_0002
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "collect_0003"
down_revision = "collect_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("sources", sa.Column("last_article_at", UTCDateTime))
    sources = sa.table("sources", sa.column("id"), sa.column("last_article_at"))
    documents = sa.table("documents", sa.column("source_id"), sa.column("fetched_at"))
    conn = op.get_bind()
    latest = conn.execute(
        sa.select(documents.c.source_id, sa.func.max(documents.c.fetched_at))
        .where(documents.c.source_id.is_not(None))
        .group_by(documents.c.source_id)
    ).all()
    if latest:  # one pass over the documents, not one per source
        conn.execute(
            sources.update()
            .where(sources.c.id == sa.bindparam("source"))
            .values(last_article_at=sa.bindparam("at")),
            [{"source": source, "at": at} for source, at in latest],
        )


def downgrade() -> None:
    op.drop_column("sources", "last_article_at")  # in place: SQLite cannot copy a referenced table
