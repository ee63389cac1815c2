"""XML sitemaps, sitemap indexes and Google News sitemaps → article links and child sitemaps."""

from __future__ import annotations

import datetime as dt

from lxml import etree

from baochi.collect.links import Link, Listing, joined
from baochi.failures import Reject

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=False, remove_comments=True
)


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _date(value: str) -> dt.datetime | None:
    """A W3C datetime (2017-02-06, 2017-02-06T08:00:00+07:00) in UTC, or None; None too for
    one with no UTC time (.NET's empty date 0001-01-01 at +07:00 falls before year 1)."""
    value = value.strip()
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone(dt.timedelta(hours=7)))
        return when.astimezone(dt.UTC)
    except (ValueError, OverflowError):
        return None


def parse_sitemap(body: bytes, base_url: str) -> Listing:
    """Read a urlset (plain or Google News) or a sitemapindex."""
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise Reject("bad_sitemap", str(exc)[:300]) from exc
    if root is None:
        raise Reject("bad_sitemap", "empty document")
    kind = _local(root.tag)
    listing = Listing("sitemap")
    for entry in root:
        fields: dict[str, str] = {}
        for node in entry.iter():
            name = _local(node.tag)
            if name and node.text and name not in fields:
                fields[name] = node.text.strip()
        loc = fields.get("loc", "")
        url = joined(base_url, loc) if loc else None
        if url is None:
            continue
        if kind == "sitemapindex":
            listing.children.append(url)
        elif kind == "urlset":
            when = _date(fields.get("publication_date", "") or fields.get("lastmod", ""))
            listing.links.append(Link(url, fields.get("title", ""), when))
    if kind not in ("urlset", "sitemapindex"):
        raise Reject("bad_sitemap", f"root element <{kind}> is not a sitemap")
    return listing
