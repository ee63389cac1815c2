"""Section pages: a hostile link is dropped, not the page; an empty answer is no page."""

from __future__ import annotations

from dataclasses import replace

import pytest

from baochi.collect.links import sniff_kind
from baochi.collect.pages import parse_page
from baochi.failures import Reject
from tests.collect.conftest import BASE, link
from tests.site.pages import Story, listing_html

SECTION = BASE + "/thoi-su"


def _page(stories: list[Story]) -> str:
    return listing_html("Thời sự", "Thời sự", stories, canonical=SECTION, section="thoi-su")


def test_a_link_that_is_no_address_is_dropped_and_the_rest_read(stories: list[Story]) -> None:
    """An unclosed IPv6 host raised out of the parser and lost the pass; a port past 65535,
    taken for the same site, raised in the fetcher."""
    hostile = [
        replace(stories[1], path="http://[::1/thoi-su/tin-123456.html"),
        replace(stories[3], path="https://hanoimoi.vn:99999/thoi-su/tin-123457.html"),
    ]
    good = [stories[0], stories[2], stories[4]]
    links = parse_page(_page([*good, *hostile]), SECTION)
    assert links == parse_page(_page(good), SECTION)
    assert {link(s) for s in good} <= {found.url for found in links}


def test_a_base_that_is_no_address_is_ignored(stories: list[Story]) -> None:
    """A browser ignores such a <base>; the parser raised on it."""
    html = _page(stories).replace("<head>", '<head><base href="http://[::1/">', 1)
    assert parse_page(html, SECTION) == parse_page(_page(stories), SECTION)


def test_an_empty_answer_is_no_page() -> None:
    """Zero bytes, recognised as a page, read as a section with no news: a poll gone well."""
    for body in (b"", b" \r\n\t"):
        assert sniff_kind(body) == "page"
        with pytest.raises(Reject) as err:
            parse_page(body.decode(), SECTION)
        assert err.value.reason == "not_html"
