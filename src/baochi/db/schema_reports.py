"""The reports table: drafts of briefs and periodic reports, as the analyst edited them, and
whether and to whom they were sent or when they were issued (published to the leaders in the
app, which needs no mail server).

A scheduled report has a `schedule_key` (kind, period, scope), so a restarted or second worker
never makes or sends the same one twice.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Index, Integer, String, Table, Text

from baochi.db.schema import UTCDateTime, metadata

report_drafts = Table(
    "report_drafts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(20), nullable=False),  # brief, report
    Column("first_day", Date, nullable=False),
    Column("last_day", Date, nullable=False),
    Column("scope", String(100), nullable=False),  # hanoi, all, watchlist:<id>
    Column("title", Text, nullable=False),
    Column("paper", Text, nullable=False),  # JSON of baochi.reports.paper.Paper
    Column("status", String(20), nullable=False, server_default="draft"),  # draft, sent
    Column("schedule_key", String(200), unique=True),
    Column("created_by", Integer),  # users.id (web branch), None when scheduled
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("sent_to", Text, nullable=False, server_default=""),
    Column("send_error", Text, nullable=False, server_default=""),
    Column("sending_since", UTCDateTime),  # a send under way (its mail not yet accepted)
    Column("issued_at", UTCDateTime),  # published to the leaders in the app, mailed or not
)
Index("ix_report_drafts_period", report_drafts.c.kind, report_drafts.c.first_day)
