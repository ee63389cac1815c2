"""The web application: departments, users, sessions, API tokens, audit log, labels, flags.

Revision ID: web_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "web_0001"
down_revision = "0001"
branch_labels = ("web",)


def upgrade() -> None:
    op.create_table(
        "departments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("code", sa.String(50), nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.String(300), nullable=False, server_default=""),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("department_id", sa.Integer, sa.ForeignKey("departments.id")),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("lang", sa.String(5), nullable=False, server_default="vi"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_login_at", UTCDateTime),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.Column("ip", sa.String(64), nullable=False, server_default=""),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user_id"])
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("last_used_at", UTCDateTime),
        sa.Column("revoked_at", UTCDateTime),
    )
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key", "at"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("entity", sa.String(200), nullable=False),
        sa.Column("before", sa.Text, nullable=False, server_default=""),
        sa.Column("after", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "label_corrections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("task", sa.String(20), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_label_corrections_doc", "label_corrections", ["document_id", "task"])
    op.create_table(
        "flags",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("username", sa.String(100), nullable=False),
        sa.Column("at", UTCDateTime, nullable=False),
        sa.Column("resolved_at", UTCDateTime),
    )
    op.create_index("ix_flags_doc", "flags", ["document_id"])


def downgrade() -> None:
    for table in (
        "flags",
        "label_corrections",
        "audit_log",
        "login_failures",
        "api_tokens",
        "web_sessions",
        "users",
        "departments",
    ):
        op.drop_table(table)
