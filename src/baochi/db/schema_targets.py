"""The targets tables: directives, their tasks and indicators, and progress reports per period.

Units (lead, coordinating) are kept as the directive names them, since many are not one
department ("các sở, ngành"); the "targets" migration branch stands on its own.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from baochi.db.schema import UTCDateTime, metadata

directives = Table(
    "directives",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", String(100), nullable=False, unique=True),  # e.g. 1559-TB/TU
    Column("issued_on", Date),  # None when the source does not give it
    Column("issuer", Text, nullable=False, server_default=""),
    Column("title", Text, nullable=False),
    Column("summary", Text, nullable=False, server_default=""),
    Column("source", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
)

directive_tasks = Table(
    "directive_tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("directive_id", Integer, ForeignKey("directives.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("lead_unit", Text, nullable=False, server_default=""),
    Column("coordinating_units", Text, nullable=False, server_default=""),  # "; "-separated
    Column("due_on", Date),
    Column("status", String(20), nullable=False, server_default="not_started"),
    Column("note", Text, nullable=False, server_default=""),
    UniqueConstraint("directive_id", "position", name="uq_directive_tasks_position"),
)

indicators = Table(
    "indicators",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("directive_id", Integer, ForeignKey("directives.id"), nullable=False),
    Column("task_id", Integer, ForeignKey("directive_tasks.id")),
    Column("code", String(50), nullable=False),
    Column("name", Text, nullable=False),
    Column("unit", String(50), nullable=False, server_default=""),
    Column("baseline", Float),
    Column("baseline_on", Date),
    Column("target", Float, nullable=False),
    Column("target_on", Date, nullable=False),
    Column("direction", String(10), nullable=False, server_default="increase"),
    Column("source", Text, nullable=False, server_default=""),
    UniqueConstraint("directive_id", "code", name="uq_indicators_code"),
)

progress_reports = Table(
    "progress_reports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("indicator_id", Integer, ForeignKey("indicators.id"), nullable=False),
    Column("period_end", Date, nullable=False),
    Column("value", Float, nullable=False),
    Column("comment", Text, nullable=False, server_default=""),
    Column("evidence", String(80)),  # stored file name under <data>/attachments/
    Column("reported_at", UTCDateTime, nullable=False),
    Column("reported_by", Integer),
    UniqueConstraint("indicator_id", "period_end", name="uq_progress_reports_period"),
)
