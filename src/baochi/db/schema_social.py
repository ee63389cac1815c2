"""The social tables: the channels the office follows or owns (with their sync cursor and
token), and the stories that posts and comments joined, apart from the press articles'.

Posts and comments themselves are rows of `documents` (kind post/comment, platform, author,
engagement, parent), so search, stories and alerts read them like articles.
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

social_accounts = Table(
    "social_accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", String(20), nullable=False),  # facebook, youtube, or a generic name
    Column("connector", String(20), nullable=False),  # facebook, youtube, generic, import
    Column("handle", String(300), nullable=False),  # page id, channel id, or the feed's key
    Column("name", String(300), nullable=False),
    Column("official", Boolean, nullable=False, server_default="0"),  # the city's own channel
    Column("department", String(300), nullable=False, server_default=""),
    Column("config", Text, nullable=False, server_default="{}"),  # JSON: generic mapping, query
    Column("token", Text, nullable=False, server_default=""),  # "enc:…" only, never plain
    Column("cursor", Text, nullable=False, server_default=""),  # where the next sync starts
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("last_sync_at", UTCDateTime),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("items_total", Integer, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    # social_0002: the worker syncing the channel now, until when, and when it is next due
    Column("lease_owner", String(200), nullable=False, server_default=""),
    Column("lease_until", UTCDateTime),
    Column("next_sync_at", UTCDateTime),
    UniqueConstraint("platform", "handle", name="uq_social_accounts_handle"),
)

story_social = Table(
    "story_social",
    metadata,
    Column("document_id", Integer, ForeignKey("documents.id"), primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("via", String(10), nullable=False),  # link, parent, content
    Column("similarity", Float),  # cosine to the closest article, when joined by content
    Column("added_at", UTCDateTime, nullable=False),
)
Index("ix_story_social_story", story_social.c.story_id)

# A file of posts and comments imported from the web page, analysed after the response
# (social_0003): what it held, how far it got, and how it ended.
social_imports = Table(
    "social_imports",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", String(300), nullable=False),
    Column("platform", String(20), nullable=False),
    Column("account_id", Integer, ForeignKey("social_accounts.id")),
    Column("rows", Integer, nullable=False),  # rows of the file, bad ones included
    Column("errors", Text, nullable=False, server_default="[]"),  # JSON [[row, problem], …]
    Column("accepted", Integer, nullable=False),  # the good rows, to be stored
    Column("stored", Integer, nullable=False, server_default="0"),
    Column("known", Integer, nullable=False, server_default="0"),
    Column("placed", Integer, nullable=False, server_default="0"),
    Column("status", String(10), nullable=False),  # running, done, failed
    Column("error", Text, nullable=False, server_default=""),
    Column("created_by", String(100), nullable=False),  # the username
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),  # a running import's last progress
)
