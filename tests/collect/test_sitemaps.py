"""Sitemaps: a hostile entry is dropped, not the sitemap; a date out of range is no date."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from baochi.collect.sitemaps import parse_sitemap
from tests.collect.conftest import BASE, link
from tests.site.pages import VN_TZ, Story, sitemap_index_xml, urlset_xml

SITEMAP = BASE + "/sitemap.xml"
HOSTILE = ("http://[::1/thoi-su/tin-123456.html", "https://hanoimoi.vn:99999/tin-123457.html")


def test_a_loc_that_is_no_address_is_dropped_and_the_rest_read(stories: list[Story]) -> None:
    """An unclosed IPv6 host raised out of the parser and lost the pass; a port past 65535
    raised in the fetcher."""
    hostile = {stories[1].id: HOSTILE[0], stories[3].id: HOSTILE[1]}
    body = urlset_xml(stories, lambda s: hostile.get(s.id, link(s)))
    listing = parse_sitemap(body.encode(), SITEMAP)
    good = [link(s) for s in stories if s.id not in hostile]
    assert [found.url for found in listing.links] == good
    day = dt.datetime(2017, 2, 6, tzinfo=VN_TZ)
    children = [(BASE + "/sitemap-1.xml", day), (HOSTILE[0], day), (HOSTILE[1], day)]
    index = parse_sitemap(sitemap_index_xml(children).encode(), SITEMAP)
    assert index.children == [BASE + "/sitemap-1.xml"]


def test_a_lastmod_out_of_range_is_no_date(stories: list[Story]) -> None:
    """.NET's empty date in Hà Nội time falls before year 1 in UTC: it raised OverflowError."""
    expected = [s.published.astimezone(dt.UTC) for s in stories]
    stories[2] = replace(stories[2], published=dt.datetime(1, 1, 1, tzinfo=VN_TZ))
    expected[2] = None
    body = urlset_xml(stories, link).replace("0001-01-01T00:00:00+07:00", "0001-01-01")
    assert "<lastmod>0001-01-01</lastmod>" in body
    listing = parse_sitemap(body.encode(), SITEMAP)
    assert [found.url for found in listing.links] == [link(s) for s in stories]
    assert [found.published for found in listing.links] == expected
