"""The typed records that flow through the pipeline: a fetched Page, then an Article."""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit, urlunsplit

import idna

from baochi.vi import fold


def digest(text: str) -> str:
    """A short stable hash (128-bit BLAKE2b, hex) for URLs and contents."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


_DEFAULT_PORTS = {"http": 80, "https": 443}


def web_address(url: str) -> bool:
    """Whether a page may link out to `url`: an http(s) address. The collector stores no other,
    but a link is not where to find out that a hand-made row holds "javascript:…"."""
    return urlsplit(url.strip()).scheme.lower() in _DEFAULT_PORTS


# An ASCII label of a host name: letters, digits, "-" inside, "_" as some real names have it.
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")
# What a URL holds as is (RFC 3986); the rest, non-ASCII letters included, goes percent-encoded
# in UTF-8 as a browser sends it, and an escape already there stays one.
_URL_SAFE = "!$&'()*+,/:;=?@[]%"
_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")


def ascii_host(host: str) -> str:
    """A host name as DNS and the request carry it, IDNA (punycode) in lower case, so
    "Hànộimới.vn" and "xn--hnimi-rqa6284csa.vn" are one host; ValueError when it is none."""
    host = host.rstrip(".").lower()
    if ":" in host:  # an IPv6 literal
        ipaddress.IPv6Address(host)
        return host
    if not host.isascii():
        host = idna.encode(host, uts46=True).decode("ascii")
    if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in host.split(".")):
        raise ValueError("up to 253 characters in labels of 1 to 63 letters, digits or '-' inside")
    return host


def _encoded(text: str) -> str:
    """A path or query percent-encoded as a browser sends it, its escapes in capitals."""
    return _ESCAPE.sub(lambda escape: escape.group().upper(), quote(text, safe=_URL_SAFE))


def source_url(url: str) -> str:
    """A source's address as stored, one form for all its spellings: scheme and host in lower
    case, the host in IDNA, no default port, no fragment, path and query percent-encoded, so
    "HTTP://Hànộimới.vn:80/tin-tức.rss#top" is "http://xn--hnimi-rqa6284csa.vn/tin-t%E1%BB%A9c.rss"
    (ValueError when the host is no host name)."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), ascii_host(parts.hostname or "")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if parts.username is not None:
        netloc = parts.netloc.rsplit("@", 1)[0] + "@" + netloc
    return urlunsplit((scheme, netloc, _encoded(parts.path or "/"), _encoded(parts.query), ""))


@dataclass(frozen=True, slots=True)
class Page:
    """What the fetcher got: the bytes as sent and where they really came from."""

    url: str
    final_url: str
    status: int
    content_type: str
    charset: str | None
    body: bytes
    fetched_at: dt.datetime
    etag: str = ""
    last_modified: str = ""
    headers: tuple[tuple[str, str], ...] = ()  # kept for API answers only (rate-limit usage)


@dataclass(frozen=True, slots=True)
class Article:
    """An extracted, normalised article: lead (sapo) and body kept apart, text is both."""

    url: str
    title: str
    lead: str
    body: str
    published_at: dt.datetime | None
    authors: tuple[str, ...] = ()
    language: str = "vi"
    encoding: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        """The whole article text: the lead, then the body."""
        return f"{self.lead}\n{self.body}" if self.lead else self.body


@dataclass(frozen=True, slots=True)
class Keys:
    """The normalise stage's part: the content hash, made off the loop (search folds its own)."""

    content_hash: str

    @classmethod
    def of(cls, article: Article) -> Keys:
        """The same words in the same order give the same hash, whatever the markup or accents."""
        return cls(content_hash(article.body))


def content_hash(body: str) -> str:
    """The hash of an article's words in order, without accents, markup or spacing."""
    return digest(" ".join(fold(body).split()))


AREA_SEPARATOR = "|"  # between the names of documents.areas


def split_areas(stored: str | None) -> tuple[str, ...]:
    """The names of a documents.areas value (none for "" or a document not yet named)."""
    return tuple(stored.split(AREA_SEPARATOR)) if stored else ()


@dataclass(frozen=True, slots=True)
class Analysis:
    """The analyse stage's part: what the article is about, its tone and its place."""

    topic: str
    tone: str
    place: str
    hanoi: bool
    areas: tuple[str, ...]  # districts, wards and communes of the main place named up front
    model: str  # "trained" or "rules": the fallback is always marked


@dataclass(frozen=True, slots=True)
class Social:
    """The part a post or comment has beyond its text: where, whose, how engaged, under what."""

    kind: str  # "post" or "comment"
    platform: str
    external_id: str
    author: str = ""
    account_id: int | None = None
    reactions: int | None = None
    comments: int | None = None
    shares: int | None = None
    views: int | None = None
    parent_id: int | None = None  # the stored post a comment answers


@dataclass(frozen=True, slots=True)
class Reading:
    """The analyse stage's part for posts and comments: sentiment, toxicity, offensive spans."""

    sentiment: str
    toxicity: str
    offensive: tuple[tuple[int, int], ...]
    model: str


@dataclass(frozen=True, slots=True)
class Document:
    """One document through the pipeline: one part per stage, each added, never rewritten."""

    article: Article
    keys: Keys
    analysis: Analysis | None = None
    social: Social | None = None
    reading: Reading | None = None


@dataclass(frozen=True, slots=True)
class Collected:
    """A document on its way into the store, with where and when it was found."""

    document: Document
    seen_urls: tuple[str, ...]
    fetched_at: dt.datetime
    outlet_id: int | None = None
    source_id: int | None = None

    @property
    def content_key(self) -> str:
        """The content hash the store keeps it under: one outlet's article met at a second
        address is the same article, but one wire story in two outlets is two articles (the
        stories show the later as a copy), so each outlet that carried it counts."""
        own = self.document.keys.content_hash
        if self.outlet_id is None:  # a social post (its own key) or an article of no outlet
            return own
        return digest(f"{self.outlet_id}|{own}")
