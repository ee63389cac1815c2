"""Retention: on PostgreSQL the documents table becomes partitioned by month of collection
(fetched_at), so whole months are dropped in a moment; SQLite keeps its plain table.

A unique constraint on a partitioned table must contain the partition key, so the URL-hash and
content-hash idempotency (and every foreign key to a document) moves to `document_keys`, one
small row per document. Rows outside the monthly partitions (old imports, test archives) land in
`documents_default`. The table's triggers and the other tables' foreign keys are found in the
catalog and carried over, whatever area made them.

Revision ID: retention_0001
Revises: search_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "retention_0001"
down_revision = "search_0003"
branch_labels = ("retention",)
depends_on = ("stories_0001", "cases_0001", "web_0001")

_COLUMNS = """
    id integer NOT NULL DEFAULT nextval('documents_id_seq'),
    url text NOT NULL, url_hash varchar(32) NOT NULL, content_hash varchar(32) NOT NULL,
    outlet_id integer REFERENCES outlets(id), source_id integer REFERENCES sources(id),
    kind varchar(20) NOT NULL DEFAULT 'article', title text NOT NULL,
    lead text NOT NULL DEFAULT '', body text NOT NULL, authors text NOT NULL DEFAULT '',
    language varchar(10) NOT NULL DEFAULT 'vi', encoding varchar(30) NOT NULL DEFAULT '',
    published_at timestamp, fetched_at timestamp NOT NULL,
    topic varchar(40), tone varchar(10), place varchar(100), hanoi boolean, story_id integer"""
PARTITIONED = (
    f"CREATE TABLE documents ({_COLUMNS}, PRIMARY KEY (id, fetched_at)) "
    "PARTITION BY RANGE (fetched_at)",
    "CREATE TABLE documents_default PARTITION OF documents DEFAULT",
    "CREATE INDEX ix_documents_url_hash ON documents (url_hash)",
    "CREATE INDEX ix_documents_content_hash ON documents (content_hash)",
)
PLAIN = (
    f"CREATE TABLE documents ({_COLUMNS}, PRIMARY KEY (id), UNIQUE (url_hash), "
    "UNIQUE (content_hash))",
)
INDEXES = (
    "CREATE INDEX ix_documents_published ON documents (published_at)",
    "CREATE INDEX ix_documents_fetched ON documents (fetched_at)",
    "CREATE INDEX ix_documents_outlet ON documents (outlet_id, published_at)",
)
_TRIGGERS = sa.text(
    "SELECT pg_get_triggerdef(oid) FROM pg_trigger "
    "WHERE tgrelid = 'documents_old'::regclass AND NOT tgisinternal"
)
_FOREIGN_KEYS = sa.text(
    "SELECT c.conrelid::regclass::text, c.conname, a.attname FROM pg_constraint c "
    "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
    "WHERE c.contype = 'f' AND c.confrelid = CAST(:target AS regclass)"
)


def _swap(create: tuple[str, ...], referenced: str, target: str) -> None:
    """Rename documents away, create it anew, copy the rows, carry the triggers over, point the
    foreign keys to `referenced` at `target` instead, drop the old table."""
    bind = op.get_bind()
    op.execute("ALTER TABLE documents RENAME TO documents_old")
    for name in ("ix_documents_published", "ix_documents_fetched", "ix_documents_outlet"):
        op.execute(f"DROP INDEX IF EXISTS {name}")
    op.execute("ALTER SEQUENCE documents_id_seq OWNED BY NONE")
    for statement in (*create, *INDEXES):
        op.execute(statement)
    op.execute("INSERT INTO documents SELECT * FROM documents_old")
    op.execute("ALTER SEQUENCE documents_id_seq OWNED BY documents.id")
    for (definition,) in bind.execute(_TRIGGERS).all():
        op.execute(definition.replace(" ON public.documents_old ", " ON public.documents "))
    for table, name, column in bind.execute(_FOREIGN_KEYS, {"target": referenced}).all():
        op.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        op.execute(
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" FOREIGN KEY ({column}) '
            f"REFERENCES {target}"
        )
    op.execute("DROP TABLE documents_old")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute(
        "CREATE TABLE document_keys ("
        "document_id integer PRIMARY KEY, url_hash varchar(32) NOT NULL UNIQUE, "
        "content_hash varchar(32) NOT NULL UNIQUE, fetched_at timestamp NOT NULL)"
    )
    op.execute("CREATE INDEX ix_document_keys_fetched ON document_keys (fetched_at)")
    op.execute(
        "INSERT INTO document_keys(document_id, url_hash, content_hash, fetched_at) "
        "SELECT id, url_hash, content_hash, fetched_at FROM documents"
    )
    _swap(PARTITIONED, "documents_old", "document_keys(document_id)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    _swap(PLAIN, "document_keys", "documents(id)")
    op.execute("DROP TABLE document_keys")
