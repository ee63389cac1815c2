"""Feeds: one hostile item is dropped, not the feed; an empty answer is a broken feed."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from fastapi import FastAPI, Response

from baochi.collect import collect_once
from baochi.collect.explain import explain
from baochi.collect.feeds import parse_feed
from baochi.db import Store
from baochi.failures import Reject
from baochi.settings import Settings
from tests.collect.conftest import BASE, link
from tests.serving import serving
from tests.site.pages import VN_TZ, Story, atom_xml, rss_xml

PATH = "/rss/thoi-su.rss"
FEED = BASE + PATH


def test_a_link_that_is_no_address_is_dropped_and_the_rest_read(stories: list[Story]) -> None:
    """An unclosed IPv6 host raised out of the parser and lost the pass; a port past 65535
    raised in the fetcher."""
    hostile = {
        stories[1].id: "http://[::1/thoi-su/tin-123456.html",
        stories[3].id: "https://hanoimoi.vn:99999/thoi-su/tin-123457.html",
    }
    body = rss_xml("Thời sự", BASE, PATH, stories, lambda s: hostile.get(s.id, link(s)))
    got = [found.url for found in parse_feed(body.encode(), FEED)]
    assert got == [link(s) for s in stories if s.id not in hostile]


def test_a_date_out_of_range_is_no_date(stories: list[Story]) -> None:
    """.NET's empty date at +07:00 is year 0 in UTC, 9999-12-31 at -07:00 year 10000: both
    raised out of the parser."""
    expected = [s.published.astimezone(dt.UTC) for s in stories]
    far = dt.timezone(dt.timedelta(hours=-7))
    stories[1] = replace(stories[1], published=dt.datetime(1, 1, 1, tzinfo=VN_TZ))
    stories[3] = replace(stories[3], published=dt.datetime(9999, 12, 31, 23, 59, tzinfo=far))
    expected[1] = expected[3] = None
    body = atom_xml(BASE, "/rss/thoi-su.atom", stories, link)
    assert "<updated>0001-01-01T00:00:00+07:00</updated>" in body
    links = parse_feed(body.encode(), FEED)
    assert [found.url for found in links] == [link(s) for s in stories]
    assert [found.published for found in links] == expected


def test_an_empty_answer_is_a_broken_feed_as_a_blank_one_is() -> None:
    """Zero bytes read as a feed with no items: a poll that went well, failures reset."""
    for body in (b"", b" \r\n\t"):
        with pytest.raises(Reject) as err:
            parse_feed(body, FEED)
        assert err.value.reason == "bad_feed"
    assert parse_feed(rss_xml("Thời sự", BASE, PATH, [], link).encode(), FEED) == []


def test_an_empty_answer_is_a_failed_poll(store: Store, settings: Settings) -> None:
    """An empty 200 cleared the source's error and reset its failures, as a feed or a section
    page, or as a source to recognise (read as a page)."""
    app = FastAPI()
    app.get("/rss/thoi-su.rss")(lambda: Response(b"", media_type="application/rss+xml"))
    app.get("/thoi-su")(lambda: Response(b"", media_type="text/html"))
    with serving(app) as address:
        store.add_source(address + "/rss/thoi-su.rss", "Báo Rỗng", kind="feed")
        store.add_source(address + "/rss/thoi-su.rss?auto", "Báo Rỗng")
        store.add_source(address + "/thoi-su", "Báo Rỗng", kind="page")
        collect_once(store, settings.replace(retries=0))
    said = {(s.kind, explain(s.last_error), s.consecutive_failures) for s in store.sources()}
    assert said == {
        ("feed", "RSS hỏng, không đọc được", 1),
        ("auto", "Địa chỉ không trả về trang web", 1),
        ("page", "Địa chỉ không trả về trang web", 1),
    }
