"""Targets: directives, their tasks and indicators, progress reports.

Revision ID: targets_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "targets_0001"
down_revision = "0001"
branch_labels = ("targets",)


def upgrade() -> None:
    op.create_table(
        "directives",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String(100), nullable=False, unique=True),
        sa.Column("issued_on", sa.Date),
        sa.Column("issuer", sa.Text, nullable=False, server_default=""),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("summary", sa.Text, nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "directive_tasks",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("directive_id", sa.Integer, sa.ForeignKey("directives.id"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("lead_unit", sa.Text, nullable=False, server_default=""),
        sa.Column("coordinating_units", sa.Text, nullable=False, server_default=""),
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String(20), nullable=False, server_default="not_started"),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("directive_id", "position", name="uq_directive_tasks_position"),
    )
    op.create_table(
        "indicators",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("directive_id", sa.Integer, sa.ForeignKey("directives.id"), nullable=False),
        sa.Column("task_id", sa.Integer, sa.ForeignKey("directive_tasks.id")),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("unit", sa.String(50), nullable=False, server_default=""),
        sa.Column("baseline", sa.Float),
        sa.Column("baseline_on", sa.Date),
        sa.Column("target", sa.Float, nullable=False),
        sa.Column("target_on", sa.Date, nullable=False),
        sa.Column("direction", sa.String(10), nullable=False, server_default="increase"),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.UniqueConstraint("directive_id", "code", name="uq_indicators_code"),
    )
    op.create_table(
        "progress_reports",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("indicator_id", sa.Integer, sa.ForeignKey("indicators.id"), nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("comment", sa.Text, nullable=False, server_default=""),
        sa.Column("evidence", sa.String(80)),
        sa.Column("reported_at", UTCDateTime, nullable=False),
        sa.Column("reported_by", sa.Integer),
        sa.UniqueConstraint("indicator_id", "period_end", name="uq_progress_reports_period"),
    )


def downgrade() -> None:
    for table in ("progress_reports", "indicators", "directive_tasks", "directives"):
        op.drop_table(table)
