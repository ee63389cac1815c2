"""Cases: issues raised in the press, their departments, coverage, events, files, notifications.

Revision ID: cases_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "cases_0001"
down_revision = "0001"
branch_labels = ("cases",)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("issue", sa.Text, nullable=False, server_default=""),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("story_id", sa.Integer),
        sa.Column("alert_id", sa.Integer),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("opened_by", sa.Integer),
        sa.Column("assigned_at", UTCDateTime),
        sa.Column("answered_at", UTCDateTime),
        sa.Column("answered_by", sa.Integer),
        sa.Column("closed_at", UTCDateTime),
        sa.Column("answer", sa.Text, nullable=False, server_default=""),
        sa.Column("escalation_level", sa.Integer, nullable=False, server_default="0"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_cases_status_due", "cases", ["status", "due_on"])
    op.create_index("ix_cases_story", "cases", ["story_id"])
    op.create_table(
        "case_departments",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("department_id", sa.Integer, primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
    )
    op.create_index("ix_case_departments_dept", "case_departments", ["department_id"])
    op.create_table(
        "case_documents",
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), primary_key=True),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("score", sa.Integer, nullable=False, server_default="0"),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.Column("confirmed_by", sa.Integer),
    )
    op.create_table(
        "case_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("from_status", sa.String(20), nullable=False),
        sa.Column("to_status", sa.String(20), nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("role", sa.String(20), nullable=False, server_default=""),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_case_events_case", "case_events", ["case_id", "at"])
    op.create_table(
        "case_attachments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("stored_name", sa.String(80), nullable=False, unique=True),
        sa.Column("original_name", sa.Text, nullable=False),
        sa.Column("content_type", sa.String(120), nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("uploaded_by", sa.Integer),
        sa.Column("uploaded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_case_attachments_case", "case_attachments", ["case_id"])
    op.create_table(
        "case_notifications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False),
        sa.Column("key", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("department_id", sa.Integer),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("delivered_at", UTCDateTime),
        sa.UniqueConstraint("case_id", "key", name="uq_case_notifications_key"),
    )
    op.create_index("ix_case_notifications_pending", "case_notifications", ["delivered_at"])


def downgrade() -> None:
    for table in (
        "case_notifications",
        "case_attachments",
        "case_events",
        "case_documents",
        "case_departments",
        "cases",
    ):
        op.drop_table(table)
