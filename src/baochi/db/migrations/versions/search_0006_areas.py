"""Search: the districts, wards and communes an article names up front (`documents.areas`),
copied into `search_facets` by the triggers as the other labels are, for `place:` and the area
facet. Existing documents are left NULL, for the background job to name (pipeline.name_areas);
a partial index finds them.

Revision ID: search_0006
Revises: search_0005
"""

from types import ModuleType

import sqlalchemy as sa
from alembic import context, op

revision = "search_0006"
down_revision = "search_0005"
branch_labels = None
depends_on = ("retention_0001",)  # on PostgreSQL the column goes to the partitioned table

# The insert and label triggers of search_0001 (SQLite) and search_0003 (PostgreSQL), with areas.
SQLITE_TRIGGERS = {
    "search_documents_insert": """
        AFTER INSERT ON documents BEGIN
            UPDATE search_state SET version = version + 1;
            INSERT INTO search_facets(
                doc_id, day, outlet_id, topic, tone, place, hanoi, story_id, areas, version
            ) VALUES (
                new.id,
                CAST(julianday(substr(coalesce(new.published_at, new.fetched_at), 1, 19),
                               '+7 hours') - 2440587.5 AS INTEGER),
                new.outlet_id, new.topic, new.tone, new.place, new.hanoi, new.story_id,
                new.areas, (SELECT version FROM search_state)
            );
            INSERT OR IGNORE INTO search_pending(doc_id) VALUES (new.id);
        END""",
    "search_documents_labels": """
        AFTER UPDATE OF outlet_id, published_at, fetched_at, topic, tone, place, hanoi, story_id,
            areas
        ON documents BEGIN
            UPDATE search_state SET version = version + 1;
            UPDATE search_facets SET
                day = CAST(julianday(substr(coalesce(new.published_at, new.fetched_at), 1, 19),
                                     '+7 hours') - 2440587.5 AS INTEGER),
                outlet_id = new.outlet_id, topic = new.topic, tone = new.tone,
                place = new.place, hanoi = new.hanoi, story_id = new.story_id,
                areas = new.areas, version = (SELECT version FROM search_state)
            WHERE doc_id = new.id;
        END""",
}
POSTGRES_FUNCTIONS = {
    "search_documents_insert": """
        INSERT INTO search_facets(
            doc_id, day, outlet_id, topic, tone, place, hanoi, story_id, areas, gone, version
        ) VALUES (
            new.id, ((coalesce(new.published_at, new.fetched_at) + interval '7 hours')::date
                - date '1970-01-01'), new.outlet_id, new.topic, new.tone, new.place,
            new.hanoi, new.story_id, new.areas, false, pg_current_xact_id()::text::bigint
        ) ON CONFLICT (doc_id) DO UPDATE SET
            day = excluded.day, outlet_id = excluded.outlet_id, topic = excluded.topic,
            tone = excluded.tone, place = excluded.place, hanoi = excluded.hanoi,
            story_id = excluded.story_id, areas = excluded.areas, gone = false,
            version = excluded.version;
        INSERT INTO search_pending(doc_id) VALUES (new.id) ON CONFLICT DO NOTHING;
        RETURN NULL;""",
    "search_documents_labels": """
        UPDATE search_facets SET
            day = ((coalesce(new.published_at, new.fetched_at) + interval '7 hours')::date
                - date '1970-01-01'), outlet_id = new.outlet_id, topic = new.topic,
            tone = new.tone, place = new.place, hanoi = new.hanoi, story_id = new.story_id,
            areas = new.areas, version = pg_current_xact_id()::text::bigint
        WHERE doc_id = new.id;
        RETURN NULL;""",
}
POSTGRES_LABELS_EVENT = (
    "AFTER UPDATE OF outlet_id, published_at, fetched_at, topic, tone, place, hanoi, story_id, "
    "areas"
)


def upgrade() -> None:
    op.add_column("documents", sa.Column("areas", sa.Text))
    op.add_column("search_facets", sa.Column("areas", sa.Text))
    unnamed = sa.text("areas IS NULL")
    op.create_index(
        "ix_documents_unnamed",
        "documents",
        ["id"],
        sqlite_where=unnamed,
        postgresql_where=unnamed,
    )
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers(SQLITE_TRIGGERS)
    else:
        _postgres_triggers(POSTGRES_FUNCTIONS, POSTGRES_LABELS_EVENT)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_triggers({name: _earlier("search_0001").TRIGGERS[name] for name in SQLITE_TRIGGERS})
    else:
        before = _earlier("search_0003")
        functions = {name: before.FUNCTIONS[name] for name in POSTGRES_FUNCTIONS}
        _postgres_triggers(functions, before.EVENTS["search_documents_labels"])
    op.drop_index("ix_documents_unnamed", "documents")
    op.drop_column("search_facets", "areas")
    op.drop_column("documents", "areas")


def _earlier(revision: str) -> ModuleType:
    """The module of an earlier revision, whose trigger texts a downgrade puts back."""
    script = context.script.get_revision(revision)
    assert script is not None and script.module is not None
    return script.module


def _sqlite_triggers(bodies: dict[str, str]) -> None:
    for name, body in bodies.items():
        op.execute(f"DROP TRIGGER {name}")
        op.execute(f"CREATE TRIGGER {name} {body}")


def _postgres_triggers(functions: dict[str, str], labels_event: str) -> None:
    for name, body in functions.items():
        op.execute(
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {body} END $$"
        )
    op.execute("DROP TRIGGER search_documents_labels ON documents")
    op.execute(
        f"CREATE TRIGGER search_documents_labels {labels_event} ON documents "
        "FOR EACH ROW EXECUTE FUNCTION search_documents_labels()"
    )
