"""The cases tables: issues raised in the press, routed to departments, answered and followed up.

Departments and users are plain integers (their tables live on the "web" migration branch), so
this branch migrates on its own; documents are referenced by key since they are in the root.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from baochi.db.schema import UTCDateTime, metadata

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("issue", Text, nullable=False, server_default=""),
    Column("priority", String(20), nullable=False),  # a key of deadline_rules.json
    Column("status", String(20), nullable=False),  # new, assigned, in_progress, answered, closed
    Column("origin", String(20), nullable=False),  # article, story, alert, manual
    Column("story_id", Integer),
    Column("alert_id", Integer),
    Column("received_on", Date, nullable=False),  # the period runs from the day after
    Column("due_on", Date, nullable=False),  # last day to answer, Hà Nội calendar
    Column("opened_at", UTCDateTime, nullable=False),
    Column("opened_by", Integer),
    Column("assigned_at", UTCDateTime),
    Column("answered_at", UTCDateTime),
    Column("answered_by", Integer),
    Column("closed_at", UTCDateTime),
    Column("answer", Text, nullable=False, server_default=""),
    Column("escalation_level", Integer, nullable=False, server_default="0"),
    Column("note", Text, nullable=False, server_default=""),
)
Index("ix_cases_status_due", cases.c.status, cases.c.due_on)
Index("ix_cases_story", cases.c.story_id)

# Which departments a case concerns: "responsible" ones answer, "coordinating" ones help and see it.
case_departments = Table(
    "case_departments",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("department_id", Integer, primary_key=True),
    Column("role", String(20), nullable=False),
)
Index("ix_case_departments_dept", case_departments.c.department_id)

# The coverage a case concerns, and the replies or corrections (cải chính) found in the press.
case_documents = Table(
    "case_documents",
    metadata,
    Column("case_id", Integer, ForeignKey("cases.id"), primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("relation", String(20), nullable=False),  # coverage, candidate, reply, correction
    Column("score", Integer, nullable=False, server_default="0"),
    Column("added_at", UTCDateTime, nullable=False),
    Column("confirmed_by", Integer),
)

Index("ix_case_documents_document", case_documents.c.document_id)  # an article's cases

case_events = Table(
    "case_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("action", String(30), nullable=False),
    Column("from_status", String(20), nullable=False),
    Column("to_status", String(20), nullable=False),
    Column("user_id", Integer),
    Column("role", String(20), nullable=False, server_default=""),
    Column("note", Text, nullable=False, server_default=""),
)
Index("ix_case_events_case", case_events.c.case_id, case_events.c.at)

case_attachments = Table(
    "case_attachments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("stored_name", String(80), nullable=False, unique=True),
    Column("original_name", Text, nullable=False),
    Column("content_type", String(120), nullable=False),
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("uploaded_by", Integer),
    Column("uploaded_at", UTCDateTime, nullable=False),
)
Index("ix_case_attachments_case", case_attachments.c.case_id)

# Reminders and escalations, written once each (case, key); delivered_at is set by the notifier.
case_notifications = Table(
    "case_notifications",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("case_id", Integer, ForeignKey("cases.id"), nullable=False),
    Column("key", String(60), nullable=False),
    Column("kind", String(20), nullable=False),  # reminder, escalation
    Column("audience", String(20), nullable=False),  # department, office
    Column("department_id", Integer),
    Column("message", Text, nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("delivered_at", UTCDateTime),
    UniqueConstraint("case_id", "key", name="uq_case_notifications_key"),
)
Index("ix_case_notifications_pending", case_notifications.c.delivered_at)

# Each user's read marks on the notifications shown to them (a department's are shared by its
# officers, the office's by the office, but each person reads them on their own).
case_notification_reads = Table(
    "case_notification_reads",
    metadata,
    Column("notification_id", Integer, ForeignKey("case_notifications.id"), primary_key=True),
    Column("user_id", Integer, primary_key=True),
    Column("read_at", UTCDateTime, nullable=False),
)
