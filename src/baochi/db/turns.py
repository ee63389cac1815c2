"""One user's repeated submissions checked and written one at a time, so that two clicks
arriving together cannot both miss the first one's row and write a twin."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.engine import Connection

# The same form sent again this soon is a second click, not a new request (cases, drafts,
# users, tokens).
REPEAT_WINDOW = dt.timedelta(minutes=2)

# PostgreSQL advisory lock spaces (4242001 is retention's); one key per user within each.
CASE_OPENINGS = 4242002
FLAGS = 4242003
DRAFTS = 4242004
ATTACHMENTS = 4242005
TOKENS = 4242006


def take_turns(conn: Connection, space: int, user_id: int | None) -> None:
    """Hold, until the transaction ends, the lock that makes this user's writes of one kind
    take turns: SQLite's one writer's lock, taken now rather than at the first write; on
    PostgreSQL one advisory lock per user and space."""
    if conn.dialect.name == "postgresql":
        key = {"space": space, "user": user_id or 0}
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, :user)"), key)
    else:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
