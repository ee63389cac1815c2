"""What a source lists: article links with the hints it gives, and the dispatch by source kind."""

from __future__ import annotations

import datetime as dt
import zlib
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit, urlunsplit

from courlan import normalize_url

from baochi.failures import Reject


def article_address(url: str) -> str:
    """The address an article link is fetched and remembered by: tracking parameters
    (utm_source, fbclid, …), the fragment and any user:password@ dropped, scheme and host in
    lower case (courlan, as extraction does), so one article listed five ways is fetched once,
    and a feed never has baochi log in anywhere or show a password in a link."""
    try:
        parts = urlsplit(urldefrag(normalize_url(url)).url)
    except ValueError:  # no URL courlan can read: fetched as given, and refused there if bad
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=host))


def joined(base: str, href: str) -> str | None:
    """`href` read against `base`, or None when that is no address (an unclosed "[::1", a port
    past 65535): one hostile link is dropped, not the listing it is in."""
    try:
        url = urljoin(base, href)
        urlsplit(url).port  # noqa: B018 - reading it checks it; the fetcher would raise on it
    except ValueError:
        return None
    return url


@dataclass(frozen=True, slots=True)
class Link:
    """An article URL as a source lists it, with its title and date when the source gives them."""

    url: str
    title: str = ""
    published: dt.datetime | None = None


@dataclass(slots=True)
class Listing:
    """The outcome of reading one source document: its kind, article links, child sitemaps."""

    kind: str
    links: list[Link] = field(default_factory=list)
    children: list[str] = field(default_factory=list)


def sniff_kind(body: bytes) -> str:
    """feed, sitemap or page, from the first bytes of a source document."""
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<urlset" in head or b"<sitemapindex" in head:
        return "sitemap"
    if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
        return "feed"
    if head.startswith(b"<?xml") and b"<html" not in head:
        return "feed"
    return "page"


def gunzip_limited(body: bytes, limit: int) -> bytes:
    """A .gz sitemap's content, refused past `limit` bytes (no decompression bomb)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decoder.decompress(body, limit + 1)
    except zlib.error as exc:
        raise Reject("bad_compression", str(exc)) from exc
    if len(out) > limit:
        raise Reject("too_large", f"sitemap over {limit} bytes after decompression")
    return out
