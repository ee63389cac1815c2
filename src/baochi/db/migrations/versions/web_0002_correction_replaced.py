"""Label corrections keep the document's label they replaced: the correction is now written to
the document itself, so search, the dashboard and reports use it, and the page still shows what
the machine said. Corrections made before are written to their documents here.

Revision ID: web_0002
Revises: web_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "web_0002"
down_revision = "web_0001"
branch_labels = None
depends_on = "search_0001"  # documents.topic, tone, place, hanoi

TASKS = ("topic", "tone", "place")
corrections = sa.table(
    "label_corrections",
    sa.column("id"),
    sa.column("document_id"),
    sa.column("task"),
    sa.column("label"),
    sa.column("replaced"),
)
documents = sa.table("documents", *(sa.column(name) for name in ("id", *TASKS, "hanoi")))


def upgrade() -> None:
    with op.batch_alter_table("label_corrections") as batch:
        batch.add_column(sa.Column("replaced", sa.String(300)))
    _apply_earlier(op.get_bind())


def _apply_earlier(conn: sa.Connection) -> None:
    """Each document's latest topic, tone and place correction, written to the document as new
    ones are; its first correction keeps the label replaced. A label that is no topic or tone
    (forms before this one stored any text) stays on the article page only."""
    from baochi.labels import label_code

    c = corrections.c
    rows = conn.execute(
        sa.select(c.id, c.document_id, c.task, c.label).where(c.task.in_(TASKS)).order_by(c.id)
    ).all()
    first: dict[tuple[int, str], int] = {}
    latest: dict[tuple[int, str], str] = {}
    for row in rows:
        first.setdefault((row.document_id, row.task), row.id)
        latest[(row.document_id, row.task)] = row.label
    for (doc, task), label in latest.items():
        code = label_code(task, label)
        if code is None:
            continue
        where = documents.c.id == doc
        machine = conn.execute(sa.select(documents.c[task]).where(where)).scalar()
        values = {task: code} | ({"hanoi": code == "Hà Nội"} if task == "place" else {})
        conn.execute(sa.update(documents).where(where).values(**values))
        conn.execute(
            sa.update(corrections).where(c.id == first[(doc, task)]).values(replaced=machine or "")
        )


def downgrade() -> None:
    with op.batch_alter_table("label_corrections") as batch:
        batch.drop_column("replaced")
