"""The tables, declared once for SQLite and PostgreSQL; migrations create them, code reads this."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    and_,
    or_,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.elements import ColumnElement

metadata = MetaData()


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timezone-aware UTC in Python, naive UTC in the column, so SQLite and PostgreSQL agree."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        return None if value is None else value.replace(tzinfo=dt.UTC)


outlets = Table(
    "outlets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(300), nullable=False, unique=True),
    Column("domain", String(255), nullable=False, server_default=""),
    Column("city_outlet", Boolean, nullable=False, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id"), nullable=False),
    Column("url", Text, nullable=False),
    Column("url_hash", String(32), nullable=False, unique=True),
    Column("host", String(300), nullable=False),  # scheme://host:port, the unit of politeness
    Column("kind", String(20), nullable=False),  # feed, sitemap, page, auto
    Column("section", String(300), nullable=False, server_default=""),
    Column("enabled", Boolean, nullable=False, server_default="1"),
    Column("disabled_reason", Text, nullable=False, server_default=""),
    Column("etag", Text, nullable=False, server_default=""),
    Column("last_modified", Text, nullable=False, server_default=""),
    Column("poll_interval", Float, nullable=False),
    Column("next_poll_at", UTCDateTime, nullable=False),
    Column("last_polled_at", UTCDateTime),
    Column("last_success_at", UTCDateTime),
    Column("consecutive_failures", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("articles_total", Integer, nullable=False, server_default="0"),
    # When the source last led to an article not seen before (stored, or a copy of one stored
    # from elsewhere) or listed one collected through another source (a section feed behind
    # the home feed): a site that stopped publishing is told from one that is slow.
    Column("last_article_at", UTCDateTime),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_sources_due", sources.c.enabled, sources.c.next_poll_at)
Index("ix_sources_host", sources.c.host)

# A worker leases a whole host, so politeness per host holds across any number of workers.
hosts = Table(
    "hosts",
    metadata,
    Column("host", String(300), primary_key=True),
    Column("lease_owner", String(200), nullable=False, server_default=""),
    Column("lease_until", UTCDateTime),
)

# Long-running collectors announce themselves, so a busy one can hand hosts to an idle one.
workers = Table(
    "workers",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("seen_at", UTCDateTime, nullable=False),
)

fetch_attempts = Table(
    "fetch_attempts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("url", Text, nullable=False),
    Column("started_at", UTCDateTime, nullable=False),
    Column("duration_ms", Integer, nullable=False),
    Column("status_code", Integer),
    Column("outcome", String(20), nullable=False),  # ok, not_modified, skip, retry, reject
    Column("reason", Text, nullable=False, server_default=""),
    Column("bytes", Integer, nullable=False, server_default="0"),
    Column("new_urls", Integer, nullable=False, server_default="0"),
    Column("known_urls", Integer, nullable=False, server_default="0"),
)
Index("ix_fetch_attempts_source", fetch_attempts.c.source_id, fetch_attempts.c.started_at)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=False),
    Column("url_hash", String(32), nullable=False, unique=True),
    Column("content_hash", String(32), nullable=False, unique=True),
    Column("outlet_id", Integer, ForeignKey("outlets.id")),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("kind", String(20), nullable=False, server_default="article"),
    Column("title", Text, nullable=False),
    Column("lead", Text, nullable=False, server_default=""),
    Column("body", Text, nullable=False),
    Column("authors", Text, nullable=False, server_default=""),
    Column("language", String(10), nullable=False, server_default="vi"),
    Column("encoding", String(30), nullable=False, server_default=""),
    Column("published_at", UTCDateTime),
    Column("fetched_at", UTCDateTime, nullable=False),
    # Labels of the analyse stage; the columns come with the search branch's first migration.
    Column("topic", String(40)),
    Column("tone", String(10)),
    Column("place", String(100)),
    Column("hanoi", Boolean),
    Column("story_id", Integer),
    # The main place's districts, wards and communes named up front, '|'-joined ("" for none,
    # NULL until named); the column comes with the search branch's sixth migration.
    Column("areas", Text),
    # Posts and comments; the columns come with the social branch's first migration.
    Column("platform", String(20)),
    Column("external_id", String(200)),
    Column("account_id", Integer),
    Column("author", String(300)),
    Column("reactions", Integer),
    Column("comments", Integer),
    Column("shares", Integer),
    Column("views", Integer),
    Column("parent_id", Integer),
    # The platform id of the post a comment answers while that post is not stored (social_0005).
    Column("parent_external", String(200)),
    Column("sentiment", String(10)),
    Column("toxicity", String(10)),
    Column("offensive", Text),  # JSON [[start, end], …] of offensive spans in the body
)
# The press's own documents: the press figures and spikes count these, not posts or comments.
IS_ARTICLE = documents.c.kind == "article"
Index("ix_documents_published", documents.c.published_at)
# ranges of fetch times, and each source's recent volume counted from the index alone (the
# source-health page)
Index("ix_documents_fetched_source", documents.c.fetched_at, documents.c.source_id)
Index("ix_documents_outlet", documents.c.outlet_id, documents.c.published_at)


def appeared_between(since: dt.datetime, until: dt.datetime | None = None) -> ColumnElement[bool]:
    """A document appeared (published, or fetched when it has no date) in [since, until): the
    same as `coalesce(published_at, fetched_at)` in it, written so the dates' indexes answer
    it instead of a scan of every document."""
    published, fetched = [documents.c.published_at >= since], [documents.c.fetched_at >= since]
    if until is not None:
        published.append(documents.c.published_at < until)
        fetched.append(documents.c.fetched_at < until)
    return or_(and_(*published), and_(documents.c.published_at.is_(None), *fetched))


# The few documents whose areas are still to be named (search_0006), found without a scan.
Index(
    "ix_documents_unnamed",
    documents.c.id,
    sqlite_where=documents.c.areas.is_(None),
    postgresql_where=documents.c.areas.is_(None),
)

# PostgreSQL only (retention_0001): documents are partitioned by month, and a unique constraint
# there must include the month, so idempotency and references to a document live here.
document_keys = Table(
    "document_keys",
    metadata,
    Column("document_id", Integer, primary_key=True),
    Column("url_hash", String(32), nullable=False, unique=True),
    Column("content_hash", String(32), nullable=False, unique=True),
    Column("fetched_at", UTCDateTime, nullable=False),
)

# Every URL the collector has met, so a poll fetches only what is new and a skip is not retried.
urls = Table(
    "urls",
    metadata,
    Column("url_hash", String(32), primary_key=True),
    Column("url", Text, nullable=False),
    Column("source_id", Integer, ForeignKey("sources.id")),
    Column("document_id", Integer, ForeignKey("documents.id")),
    Column("status", String(20), nullable=False),  # stored, duplicate, skipped, failed
    Column("reason", Text, nullable=False, server_default=""),
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("last_seen_at", UTCDateTime, nullable=False),
)
