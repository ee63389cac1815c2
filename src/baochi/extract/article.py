"""HTML page → Article: body, lead, title, authors, date and canonical URL (trafilatura).

A pure function of the page and the settings, run in worker processes so that it never blocks
the fetching loop; a page that is not an article raises Skip with the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

import trafilatura
from courlan import normalize_url
from selectolax.lexbor import LexborHTMLParser
from trafilatura.settings import Document

from baochi.failures import Reject, Skip
from baochi.hanoi_time import HANOI
from baochi.records import Article, Page
from baochi.settings import Settings
from baochi.vi import decode_html_bytes, fold, normalize

LISTING_SHARE = 0.5  # more of the text than this in link headlines: a listing, not an article

_PUBLISHED = (
    re.compile(
        r"""<meta[^>]+(?:property|name|itemprop)=["'](?:article:published_time|"""
        r"""datePublished|pubdate|publishdate|dc\.date\.issued)["'][^>]*>""",
        re.I,
    ),
    re.compile(r""""datePublished"\s*:\s*"([^"]+)\"""", re.I),
)
_CONTENT = re.compile(r"""content=["']([^"']+)["']""", re.I)


def published_time(html: str) -> dt.datetime | None:
    """The publication time declared in meta tags or JSON-LD, with its hour, in UTC."""
    head = html[:200_000]
    found = _PUBLISHED[0].search(head)
    value = None
    if found:
        content = _CONTENT.search(found.group(0))
        value = content.group(1) if content else None
    if value is None:
        found = _PUBLISHED[1].search(head)
        value = found.group(1) if found else None
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=HANOI)
        return when.astimezone(dt.UTC)
    except (ValueError, OverflowError):  # OverflowError: .NET's empty date, 0001-01-01T00:00:00
        return None


def _same_site(a: str, b: str) -> bool:
    """Whether two URLs are on one site (www. ignored); a page may not claim another's URL, nor
    one with no port that can be read (hanoimoi.vn:99999): nothing could fetch it again."""
    try:
        parts = [urlsplit(u) for u in (a, b)]
        parts[0].port  # noqa: B018 - reading it checks it
    except ValueError:
        return False
    hosts = [p.hostname or "" for p in parts]
    return hosts[0].removeprefix("www.") == hosts[1].removeprefix("www.")


def _headline_share(tree: LexborHTMLParser, lines: list[str]) -> float:
    """Share of the extracted text that is the text of links: high on listing pages."""
    anchors = {fold(" ".join(a.text().split())) for a in tree.css("a")}
    anchors.discard("")
    total = sum(len(line) for line in lines) or 1
    linked = sum(len(line) for line in lines if fold(line) in anchors)
    return linked / total


def _split_lead(lines: list[str], description: str) -> tuple[str, list[str]]:
    """The sapo (lead) apart from the body: the first line when the page's description is it."""
    if not lines:
        return description, []
    first, key = fold(lines[0]), fold(description)
    if key and (first.startswith(key[:80]) or key.startswith(first[:80])):
        return lines[0], lines[1:]
    return "", lines


def extract(page: Page, settings: Settings) -> Article:
    """The article in a fetched page, normalised to NFC; Skip when the page is not an article."""
    html, encoding = decode_html_bytes(page.body, page.charset)
    if "<" not in html[:4096]:
        raise Reject("not_html", "the body is not HTML")
    doc = trafilatura.bare_extraction(
        html,
        url=page.final_url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        fast=True,
        deduplicate=False,
    )
    if not isinstance(doc, Document) or not doc.text:
        raise Skip("no_content", "no main text found")
    title = normalize(doc.title or "").strip()
    lines = [" ".join(normalize(line).split()) for line in doc.text.split("\n")]
    lines = [line for line in lines if line]
    if lines and title and fold(lines[0]) == fold(title):
        lines = lines[1:]  # the headline, repeated at the top of the text
    lead, body_lines = _split_lead(lines, normalize(doc.description or "").strip())
    body = "\n".join(body_lines)
    if len(body) + len(lead) < settings.min_article_chars:
        raise Skip("too_short", f"{len(body) + len(lead)} characters of text")
    if _headline_share(LexborHTMLParser(html), lines) > LISTING_SHARE:
        raise Skip("listing", "the text is mostly links to other pages")
    if not title:
        raise Skip("no_title", "no title found")
    url = page.final_url
    if doc.url and doc.url.startswith(("http://", "https://")) and _same_site(doc.url, url):
        url = doc.url
    notes = []
    published = published_time(html)
    if published is None and doc.date:
        day = dt.date.fromisoformat(doc.date[:10])
        published = dt.datetime(day.year, day.month, day.day, tzinfo=HANOI).astimezone(dt.UTC)
    limit = page.fetched_at + dt.timedelta(seconds=settings.max_future_seconds)
    if published is not None and published > limit:
        notes.append(f"future_date:{published.isoformat()}")
        published = None
    authors = tuple(a.strip() for a in (doc.author or "").split(";") if a.strip())
    return Article(
        url=normalize_url(url),
        title=title,
        lead=lead,
        body=body,
        published_at=published,
        authors=authors,
        language="vi",
        encoding=encoding,
        notes=tuple(notes),
    )
