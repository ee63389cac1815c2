"""Signals: watchlists, alert rules, alerts, digests and deliveries.

Revision ID: watch_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from baochi.db.schema import UTCDateTime

revision = "watch_0001"
down_revision = "0001"
branch_labels = ("watch",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "watchlists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(300), nullable=False, unique=True),
        sa.Column("query", sa.Text, nullable=False),
        sa.Column("owner_user_id", sa.Integer),
        sa.Column("department_id", sa.Integer),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("spike_k", sa.Float),
        sa.Column("watermark", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "alert_rules",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("watchlist_id", sa.Integer, sa.ForeignKey("watchlists.id")),
        sa.Column("kinds", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("digest_minutes", sa.Float, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default="1"),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("subject_kind", sa.String(20), nullable=False),
        sa.Column("subject_key", sa.String(100), nullable=False),
        sa.Column("subject_label", sa.Text, nullable=False),
        sa.Column("watchlist_id", sa.Integer, sa.ForeignKey("watchlists.id")),
        sa.Column("span", sa.String(10), nullable=False, server_default=""),
        sa.Column("observed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("baseline_mean", sa.Float),
        sa.Column("baseline_sd", sa.Float),
        sa.Column("threshold", sa.Float),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False, server_default="{}"),
        sa.Column("dedupe_key", sa.String(200), nullable=False, unique=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("read_at", UTCDateTime),
    )
    op.create_index("ix_alerts_subject", "alerts", ["kind", "subject_kind", "subject_key"])
    op.create_index("ix_alerts_created", "alerts", ["created_at"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("alert_rules.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("next_attempt_at", UTCDateTime, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime),
    )
    op.create_index("ix_digests_due", "digests", ["status", "next_attempt_at"])
    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("rule_id", sa.Integer, sa.ForeignKey("alert_rules.id"), nullable=False),
        sa.Column("digest_id", sa.Integer, sa.ForeignKey("digests.id")),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("alert_id", "rule_id", name="uq_deliveries_alert_rule"),
    )
    op.create_index("ix_deliveries_rule", "deliveries", ["rule_id", "digest_id"])


def downgrade() -> None:
    for table in ("deliveries", "digests", "alerts", "alert_rules", "watchlists"):
        op.drop_table(table)
