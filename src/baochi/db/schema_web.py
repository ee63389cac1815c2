"""The web application's tables: people, access, the audit trail and what analysts add to documents.

They live on the "web" migration branch; other areas read `departments` and `users` by id.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table, Text

from baochi.db.schema import UTCDateTime, metadata

departments = Table(
    "departments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("code", String(50), nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    Column("merged_into", Integer),  # the department that took over its people and open cases
    Column("merged_at", UTCDateTime),
)

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(100), nullable=False, unique=True),
    Column("display_name", String(300), nullable=False, server_default=""),
    Column("role", String(20), nullable=False),  # admin, analyst, officer, leader
    Column("department_id", Integer, ForeignKey("departments.id")),
    Column("password_hash", Text, nullable=False),
    Column("active", Boolean, nullable=False, server_default="1"),
    Column("lang", String(5), nullable=False, server_default="vi"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_login_at", UTCDateTime),
)

# A browser session: only the SHA-256 of the cookie is stored, so a leaked table opens nothing.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("ip", String(64), nullable=False, server_default=""),
)
Index("ix_web_sessions_user", web_sessions.c.user_id)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used_at", UTCDateTime),
    Column("revoked_at", UTCDateTime),
    Column("expires_at", UTCDateTime),  # refused from then on (and when unset)
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False),  # "user:<name>" or "ip:<address>"
    Column("at", UTCDateTime, nullable=False),
)
Index("ix_login_failures_key", login_failures.c.key, login_failures.c.at)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", Integer),
    Column("username", String(100), nullable=False),
    Column("action", String(100), nullable=False),
    Column("entity", String(200), nullable=False),
    Column("before", Text, nullable=False, server_default=""),  # JSON
    Column("after", Text, nullable=False, server_default=""),  # JSON
)
Index("ix_audit_log_at", audit_log.c.at)

label_corrections = Table(
    "label_corrections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("task", String(20), nullable=False),  # topic, tone, place
    Column("label", String(300), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("username", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("replaced", String(300)),  # the document's label before it; the first: the machine's
)
Index("ix_label_corrections_doc", label_corrections.c.document_id, label_corrections.c.task)

flags = Table(
    "flags",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False),
    Column("note", Text, nullable=False, server_default=""),
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("username", String(100), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("resolved_at", UTCDateTime),
)
Index("ix_flags_doc", flags.c.document_id)
