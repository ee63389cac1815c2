"""Collection: a document's content hash is per outlet, so one wire story carried by two outlets
is two articles (the stories show the later as a copy) while one outlet's article met at a
second address stays one; the hashes already stored are keyed by their outlet the same way
(`Collected.content_key`), in documents and, on PostgreSQL, in document_keys.

Revision ID: collect_0004
Revises: collect_0003
"""

import sqlalchemy as sa
from alembic import op

from baochi.records import content_hash, digest

revision = "collect_0004"
down_revision = "collect_0003"
branch_labels = None
depends_on = None

CHUNK = 5000


documents = sa.table(
    "documents",
    sa.column("id"),
    sa.column("outlet_id"),
    sa.column("content_hash"),
    sa.column("body"),
)
keys = sa.table("document_keys", sa.column("document_id"), sa.column("content_hash"))


def upgrade() -> None:
    rows = op.get_bind().execute(
        sa.select(documents.c.id, documents.c.outlet_id, documents.c.content_hash)
        .where(documents.c.outlet_id.is_not(None))
        .order_by(documents.c.id)
    )
    _rehash([(doc, digest(f"{outlet}|{old}")) for doc, outlet, old in rows])


def downgrade() -> None:
    """Back to one hash for all outlets, from the text; fails on the unique content hash when
    two outlets carried the same text meanwhile (the older schema cannot hold both)."""
    rows = op.get_bind().execute(
        sa.select(documents.c.id, documents.c.body)
        .where(documents.c.outlet_id.is_not(None))
        .order_by(documents.c.id)
    )
    _rehash([(doc, content_hash(body)) for doc, body in rows])


def _rehash(changes: list[tuple[int, str]]) -> None:
    """Give documents (and on PostgreSQL document_keys, which keeps them unique) new hashes."""
    conn = op.get_bind()
    tables = [(documents, documents.c.id)]
    if sa.inspect(conn).has_table("document_keys"):
        tables.append((keys, keys.c.document_id))
    for start in range(0, len(changes), CHUNK):
        chunk = [{"doc": doc, "hash": new} for doc, new in changes[start : start + CHUNK]]
        for table, id_column in tables:
            conn.execute(
                table.update()
                .where(id_column == sa.bindparam("doc"))
                .values(content_hash=sa.bindparam("hash")),
                chunk,
            )
