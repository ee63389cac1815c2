"""Search: document labels (topic, tone, place, hanoi, story); on SQLite the packed label table
and its change feed kept by triggers, the indexing queue, and the words and exact FTS5 indexes.

Revision ID: search_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "search_0001"
down_revision = "0001"
branch_labels = ("search",)

LABELS = ("topic", "tone", "place", "hanoi", "story_id")


def _labels() -> list[sa.Column]:
    return [
        sa.Column("topic", sa.String(40)),
        sa.Column("tone", sa.String(10)),
        sa.Column("place", sa.String(100)),
        sa.Column("hanoi", sa.Boolean),
        sa.Column("story_id", sa.Integer),
    ]


# Days since 1970-01-01 of the publication (else fetch) time in Hà Nội (UTC+7, no daylight
# saving), the fraction cut so 16:59:59.9999 UTC is not rounded into the next day; the version
# stamp lets readers fetch only what changed. Statements are spelled out: no SQL is assembled.
TRIGGERS = {
    "search_documents_insert": """
        AFTER INSERT ON documents BEGIN
            UPDATE search_state SET version = version + 1;
            INSERT INTO search_facets(
                doc_id, day, outlet_id, topic, tone, place, hanoi, story_id, version
            ) VALUES (
                new.id,
                CAST(julianday(substr(coalesce(new.published_at, new.fetched_at), 1, 19),
                               '+7 hours') - 2440587.5 AS INTEGER),
                new.outlet_id, new.topic, new.tone, new.place, new.hanoi, new.story_id,
                (SELECT version FROM search_state)
            );
            INSERT OR IGNORE INTO search_pending(doc_id) VALUES (new.id);
        END""",
    "search_documents_labels": """
        AFTER UPDATE OF outlet_id, published_at, fetched_at, topic, tone, place, hanoi, story_id
        ON documents BEGIN
            UPDATE search_state SET version = version + 1;
            UPDATE search_facets SET
                day = CAST(julianday(substr(coalesce(new.published_at, new.fetched_at), 1, 19),
                                     '+7 hours') - 2440587.5 AS INTEGER),
                outlet_id = new.outlet_id, topic = new.topic, tone = new.tone,
                place = new.place, hanoi = new.hanoi, story_id = new.story_id,
                version = (SELECT version FROM search_state)
            WHERE doc_id = new.id;
        END""",
    "search_documents_text": """
        AFTER UPDATE OF title, lead, body ON documents BEGIN
            INSERT OR IGNORE INTO search_pending(doc_id, old_title, old_text)
            VALUES (old.id, old.title, old.lead || char(10) || old.body);
        END""",
    "search_documents_delete": """
        AFTER DELETE ON documents BEGIN
            UPDATE search_state SET version = version + 1;
            UPDATE search_facets SET gone = 1, version = (SELECT version FROM search_state)
            WHERE doc_id = old.id;
            INSERT OR IGNORE INTO search_pending(doc_id, old_title, old_text)
            VALUES (old.id, old.title, old.lead || char(10) || old.body);
        END""",
}
BACKFILL = (
    """INSERT INTO search_facets(
        doc_id, day, outlet_id, topic, tone, place, hanoi, story_id, version
    ) SELECT
        id,
        CAST(julianday(substr(coalesce(published_at, fetched_at), 1, 19), '+7 hours')
             - 2440587.5 AS INTEGER),
        outlet_id, topic, tone, place, hanoi, story_id, 1
    FROM documents""",
    "INSERT INTO search_pending(doc_id) SELECT id FROM documents",
)
# Contentless: the text stays in documents, only the index is stored. The input is already folded
# or lower-cased syllables, and in the *_pairs columns each syllable joined to the next by '_'.
INDEXES = (
    "CREATE VIRTUAL TABLE search_words USING fts5(title, body, title_pairs, body_pairs, "
    "content='', tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")",
    "CREATE VIRTUAL TABLE search_exact USING fts5(title, body, title_pairs, body_pairs, "
    "content='', tokenize = \"unicode61 remove_diacritics 0 tokenchars '_'\")",
)


def upgrade() -> None:
    for label in _labels():
        op.add_column("documents", label)
    if op.get_bind().dialect.name != "sqlite":
        return  # PostgreSQL reads labels from documents; its own search tables come with it
    op.create_table(
        "search_facets",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("day", sa.Integer, nullable=False),
        sa.Column("outlet_id", sa.Integer),
        *_labels(),
        sa.Column("gone", sa.Boolean, nullable=False, server_default="0"),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_index("ix_search_facets_version", "search_facets", ["version"])
    op.create_table(
        "search_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.execute("INSERT INTO search_state(id, version) VALUES (1, 1)")
    op.create_table(
        "search_pending",
        sa.Column("doc_id", sa.Integer, primary_key=True),
        sa.Column("old_title", sa.Text),
        sa.Column("old_text", sa.Text),
    )
    for statement in (*INDEXES, *BACKFILL):
        op.execute(statement)
    for name, body in TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
        for name in ("search_words", "search_exact"):
            op.execute(f"DROP TABLE {name}")
        for name in ("search_pending", "search_state", "search_facets"):
            op.drop_table(name)
    for label in LABELS:
        op.drop_column("documents", label)
