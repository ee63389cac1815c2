"""Search on PostgreSQL: the packed labels and their change feed, the indexing queue, and the
words and exact indexes as tsvector columns with GIN indexes; SQLite has had them since 0001.

The change feed is stamped with the writing transaction's id instead of a shared counter, so
concurrent workers never queue on one row; a reader takes what the oldest running transaction
may still write again (see facets.Columns.refresh).

Revision ID: search_0003
Revises: search_0002
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "search_0003"
down_revision = "search_0002"
branch_labels = None

# Days since 1970-01-01 of the publication (else fetch) time in Hà Nội (UTC+7), as on SQLite;
# the stamp is the writing transaction's id. Statements are spelled out: no SQL is assembled.
FUNCTIONS = {
    "search_documents_insert": """
        INSERT INTO search_facets(
            doc_id, day, outlet_id, topic, tone, place, hanoi, story_id, gone, version
        ) VALUES (
            new.id, ((coalesce(new.published_at, new.fetched_at) + interval '7 hours')::date
                - date '1970-01-01'), new.outlet_id, new.topic, new.tone, new.place,
            new.hanoi, new.story_id, false, pg_current_xact_id()::text::bigint
        ) ON CONFLICT (doc_id) DO UPDATE SET
            day = excluded.day, outlet_id = excluded.outlet_id, topic = excluded.topic,
            tone = excluded.tone, place = excluded.place, hanoi = excluded.hanoi,
            story_id = excluded.story_id, gone = false, version = excluded.version;
        INSERT INTO search_pending(doc_id) VALUES (new.id) ON CONFLICT DO NOTHING;
        RETURN NULL;""",
    "search_documents_labels": """
        UPDATE search_facets SET
            day = ((coalesce(new.published_at, new.fetched_at) + interval '7 hours')::date
                - date '1970-01-01'), outlet_id = new.outlet_id, topic = new.topic,
            tone = new.tone, place = new.place, hanoi = new.hanoi, story_id = new.story_id,
            version = pg_current_xact_id()::text::bigint
        WHERE doc_id = new.id;
        RETURN NULL;""",
    "search_documents_text": """
        INSERT INTO search_pending(doc_id) VALUES (new.id) ON CONFLICT DO NOTHING;
        RETURN NULL;""",
    "search_documents_delete": """
        UPDATE search_facets SET gone = true, version = pg_current_xact_id()::text::bigint
        WHERE doc_id = old.id;
        INSERT INTO search_pending(doc_id) VALUES (old.id) ON CONFLICT DO NOTHING;
        RETURN NULL;""",
}
EVENTS = {
    "search_documents_insert": "AFTER INSERT",
    "search_documents_labels": "AFTER UPDATE OF outlet_id, published_at, fetched_at, topic, "
    "tone, place, hanoi, story_id",
    "search_documents_text": "AFTER UPDATE OF title, lead, body",
    "search_documents_delete": "AFTER DELETE",
}
BACKFILL = (
    """INSERT INTO search_facets(
        doc_id, day, outlet_id, topic, tone, place, hanoi, story_id, gone, version
    ) SELECT id, ((coalesce(published_at, fetched_at) + interval '7 hours')::date
        - date '1970-01-01'), outlet_id, topic, tone, place, hanoi, story_id,
        false, pg_current_xact_id()::text::bigint FROM documents""",
    "INSERT INTO search_pending(doc_id) SELECT id FROM documents",
    "INSERT INTO search_totals(id, rows, words_tokens, exact_tokens) VALUES (1, 0, 0, 0)",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.create_table(
        "search_facets",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("outlet_id", sa.Integer),
        sa.Column("topic", sa.String(40)),
        sa.Column("tone", sa.String(10)),
        sa.Column("place", sa.String(100)),
        sa.Column("hanoi", sa.Boolean),
        sa.Column("story_id", sa.Integer),
        sa.Column("gone", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_search_facets_version", "search_facets", ["version"])
    op.create_table(
        "search_pending",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("old_title", sa.Text),
        sa.Column("old_text", sa.Text),
    )
    op.create_table(
        "search_text",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("words", postgresql.TSVECTOR, nullable=False),
        sa.Column("exact", postgresql.TSVECTOR, nullable=False),
        sa.Column("words_size", sa.Integer, nullable=False),
        sa.Column("exact_size", sa.Integer, nullable=False),
    )
    op.create_index("ix_search_text_words", "search_text", ["words"], postgresql_using="gin")
    op.create_index("ix_search_text_exact", "search_text", ["exact"], postgresql_using="gin")
    # What FTS5 keeps for BM25: how many rows, how many tokens in all.
    op.create_table(
        "search_totals",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rows", sa.BigInteger, nullable=False),
        sa.Column("words_tokens", sa.BigInteger, nullable=False),
        sa.Column("exact_tokens", sa.BigInteger, nullable=False),
    )
    # The first tsvector table (0001) is superseded, and its foreign key would block deletes.
    op.drop_table("documents_fts")
    for statement in BACKFILL:
        op.execute(statement)
    for name, body in FUNCTIONS.items():
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} {EVENTS[name]} ON documents "
            f"FOR EACH ROW EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for name in FUNCTIONS:
        op.execute(f"DROP TRIGGER {name} ON documents")
        op.execute(f"DROP FUNCTION {name}()")
    for name in ("search_totals", "search_text", "search_pending", "search_facets"):
        op.drop_table(name)
    op.create_table(
        "documents_fts",
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("tsv", postgresql.TSVECTOR, nullable=False),
    )
    op.create_index("ix_documents_fts_tsv", "documents_fts", ["tsv"], postgresql_using="gin")
