"""RSS and Atom feeds (feedparser) → article links with their titles and dates."""

from __future__ import annotations

import calendar
import datetime as dt
import io
import time

import feedparser

from baochi.collect.links import Link, joined
from baochi.failures import Reject


def parse_feed(body: bytes, base_url: str) -> list[Link]:
    """Links of a feed; a broken feed yields what could be read, a hopeless one is rejected."""
    if not body.strip():  # feedparser reads no bytes as a feed with no items, raising nothing
        raise Reject("bad_feed", "empty document")
    # A stream, never bytes or str: feedparser treats those as a path or URL to open.
    parsed = feedparser.parse(io.BytesIO(body), resolve_relative_uris=False, sanitize_html=False)
    links = []
    for entry in parsed.entries:
        href = entry.get("link") or ""
        if not href:
            href = next((ln.get("href", "") for ln in entry.get("links", [])), "")
        if not href and entry.get("guidislink"):
            href = entry.get("id", "")
        href = href.strip()
        url = joined(base_url, href) if href else None
        if url is None:
            continue
        when = _utc(entry.get("published_parsed") or entry.get("updated_parsed"))
        links.append(Link(url, entry.get("title", ""), when))
    if not links and _is_html(body):  # a maintenance or login page where the feed was
        raise Reject("not_feed", "an HTML page, not RSS or Atom")
    if not links and parsed.bozo and not parsed.entries:
        raise Reject("bad_feed", str(parsed.get("bozo_exception", "unreadable feed"))[:300])
    return links


def _utc(when: time.struct_time | None) -> dt.datetime | None:
    """A feed's date, or None when it has none in range: .NET's empty date 0001-01-01T00:00:00
    at +07:00 is year 0 in UTC, MySQL's 0000-00-00 year -1."""
    if not when:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(when), dt.UTC)
    except ValueError:
        return None


def _is_html(body: bytes) -> bool:
    """Whether the first bytes are those of a web page."""
    head = body[:2048].lower()
    return b"<html" in head or b"<!doctype html" in head
