"""Section and home pages → links that look like articles of the same site."""

from __future__ import annotations

import re
from urllib.parse import urldefrag, urlsplit

from selectolax.lexbor import LexborHTMLParser

from baochi.collect.links import Link, joined
from baochi.failures import Reject

# Vietnamese outlets end article paths with an id: -20170206123456.htm, -123456.html, /a123.html
_ARTICLE_PATH = re.compile(r"(\d{5,}|-\w+-\w+-\w+).*\.(html?|aspx|ldo|vnp|tpo|vov)$|\d{6,}/?$")
_NOT_ARTICLE = re.compile(
    r"/(tag|tags|tim-kiem|search|video|photo|author|tac-gia|page|trang)/|\.(jpe?g|png|gif|pdf|mp4)$",
    re.I,
)


def _site(host: str) -> str:
    """The registrable part of a host, roughly: www.hanoimoi.vn and hanoimoi.vn are one site."""
    host = host.lower().split(":")[0]
    return host[4:] if host.startswith("www.") else host


def parse_page(body: str, base_url: str) -> list[Link]:
    """Links of the same site whose path looks like an article's, with their longest headline."""
    if not body.strip():  # an empty 200 is a broken page, not a section with no news today
        raise Reject("not_html", "empty document")
    tree = LexborHTMLParser(body)
    base = tree.css_first("base[href]")
    # A <base> that is no address is ignored, as a browser ignores it.
    base_href = joined(base_url, (base.attributes.get("href") or "") if base else "") or base_url
    site = _site(urlsplit(base_url).netloc)
    page_url = urldefrag(base_url)[0]
    found: dict[str, Link] = {}
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = joined(base_href, href)
        if url is None:
            continue
        url = urldefrag(url)[0]
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or _site(parts.netloc) != site:
            continue
        if url == page_url or _NOT_ARTICLE.search(parts.path):
            continue
        if not _ARTICLE_PATH.search(parts.path):
            continue
        headline = " ".join(anchor.text(separator=" ").split())
        if url not in found or len(headline) > len(found[url].title):
            found[url] = Link(url, headline)
    return list(found.values())
