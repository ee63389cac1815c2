"""The signals tables: watchlists, alert rules, alerts, and their digests and deliveries.

Owners (users, departments) are plain integers: their tables live on another migration branch.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from baochi.db.schema import UTCDateTime, metadata

# A saved query; its watermark is the last document id already reported as a new match.
watchlists = Table(
    "watchlists",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("query", Text, nullable=False),
    Column("owner_user_id", Integer),
    Column("department_id", Integer),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("spike_k", Float),  # None: the configured default sensitivity
    Column("watermark", Integer, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
)

# Who is told what, how, and how often: one channel and target per rule.
alert_rules = Table(
    "alert_rules",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id")),  # None: every subject
    Column("kinds", String(100), nullable=False),  # comma-separated: match,spike,health,conflict
    Column("channel", String(20), nullable=False),  # email, webhook
    Column("target", Text, nullable=False),  # an address or a URL
    Column("digest_minutes", Float, nullable=False),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("department_id", Integer),  # a department's rule: only alerts about that department
)

# What happened and why, with the numbers; dedupe_key makes a repeated check write nothing new.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # match, spike, health, conflict
    Column("subject_kind", String(20), nullable=False),  # watchlist, outlet, topic, place, story
    Column("subject_key", String(100), nullable=False),
    Column("subject_label", Text, nullable=False),
    Column("watchlist_id", Integer, ForeignKey("watchlists.id")),
    Column("span", String(10), nullable=False, server_default=""),  # 24h, 1h
    Column("observed", Integer, nullable=False, server_default="0"),
    Column("baseline_mean", Float),
    Column("baseline_sd", Float),
    Column("threshold", Float),
    Column("reason", Text, nullable=False),
    Column("payload", Text, nullable=False, server_default="{}"),  # JSON: documents, extras
    Column("dedupe_key", String(200), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("read_at", UTCDateTime),
)
Index("ix_alerts_subject", alerts.c.kind, alerts.c.subject_kind, alerts.c.subject_key)
Index("ix_alerts_created", alerts.c.created_at)

# One message to one target, grouping many alerts; retried with backoff until it goes or gives up,
# claimed by one worker while it is sent.
digests = Table(
    "digests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rule_id", Integer, ForeignKey("alert_rules.id"), nullable=False),
    Column("status", String(20), nullable=False),  # pending, sent, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("lease_owner", String(200), nullable=False, server_default=""),  # the sending worker
    Column("lease_until", UTCDateTime),  # its claim lapses then: the worker may have died
)
Index("ix_digests_due", digests.c.status, digests.c.next_attempt_at)

# One alert owed to one rule; it joins a digest when the rule's interval allows.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("rule_id", Integer, ForeignKey("alert_rules.id"), nullable=False),
    Column("digest_id", Integer, ForeignKey("digests.id")),
    Column("status", String(20), nullable=False),  # pending, sent, failed
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("alert_id", "rule_id", name="uq_deliveries_alert_rule"),
)
Index("ix_deliveries_rule", deliveries.c.rule_id, deliveries.c.digest_id)
