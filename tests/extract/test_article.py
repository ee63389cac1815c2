"""Extraction: the quality gate on real pages, and the rules for what is an article."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from baochi.extract.article import extract, published_time
from baochi.extract.evaluate import evaluate, prf
from baochi.failures import Skip
from baochi.records import Page
from baochi.settings import Settings
from tests.conftest import SHARED_DATA
from tests.site.pages import article_html, make_story

BASELINE = json.loads((Path(__file__).with_name("baseline.json")).read_text())
NOW = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)


def _page(html: str, url: str = "https://hanoimoi.vn/tin-1.html") -> Page:
    return Page(url, url, 200, "text/html", "utf-8", html.encode("utf-8"), NOW)


def test_extraction_f1_does_not_drop_below_the_pinned_floor() -> None:
    if not (SHARED_DATA / "article-extraction-benchmark").exists():
        pytest.skip("article-extraction-benchmark is absent from ../shared/data")
    figures = evaluate(SHARED_DATA, Settings(), names=("baochi",))
    assert figures["pages"] == 181
    assert figures["baochi"]["f1"] >= BASELINE["f1"], figures  # type: ignore[index]


def test_shingle_f1_metric() -> None:
    gold = "Hà Nội mưa lớn gây ngập nhiều tuyến phố nội thành chiều qua"
    assert prf(gold, gold) == (1.0, 1.0, 1.0)
    p, r, f = prf(gold + " Quảng cáo Quảng cáo Quảng cáo Quảng cáo", gold)
    assert r == 1.0 and p < 1.0 and 0 < f < 1
    assert prf("", gold) == (0.0, 0.0, 0.0)


def test_published_time_reads_meta_and_json_ld_in_hanoi_time() -> None:
    meta = '<meta property="article:published_time" content="2017-02-06T08:00:00+07:00">'
    assert published_time(meta) == dt.datetime(2017, 2, 6, 1, 0, tzinfo=dt.UTC)
    ld = '<script type="application/ld+json">{"datePublished": "2017-02-06T08:00:00"}</script>'
    assert published_time(ld) == dt.datetime(2017, 2, 6, 1, 0, tzinfo=dt.UTC)
    assert published_time("<p>không có ngày</p>") is None


def test_a_page_of_links_is_not_an_article() -> None:
    items = "".join(
        f'<li><a href="/thoi-su/tin-so-{i}-{1000 + i}.html">Tin thời sự số {i}: Hà Nội triển khai '
        f"nhiều giải pháp chống ùn tắc giao thông giờ cao điểm</a></li>"
        for i in range(40)
    )
    html = f"<html><head><title>Thời sự</title></head><body><ul>{items}</ul></body></html>"
    with pytest.raises(Skip) as err:
        extract(_page(html), Settings())
    assert err.value.reason in ("listing", "no_content", "too_short")


def test_a_published_time_out_of_range_is_no_date(site_articles: list[dict]) -> None:
    """.NET's empty date, which real CMSs send, is before year 1 in UTC: it raised OverflowError
    out of extraction, in a worker, and lost the pass."""
    empty = '<meta property="article:published_time" content="0001-01-01T00:00:00">'
    assert published_time(empty) is None
    story = make_story(site_articles[0], "thoi-su", published=dt.datetime(1, 1, 1))
    html = article_html(story, canonical="https://hanoimoi.vn/tin-1.html", related=[])
    assert empty in html
    article = extract(_page(html), Settings())
    assert article.title == story.title
    assert article.published_at is None or article.published_at.year > 1  # a date read elsewhere


def test_a_canonical_url_with_no_readable_port_is_not_taken(site_articles: list[dict]) -> None:
    """Nothing could fetch hanoimoi.vn:99999 again; the page's own address stands."""
    story = make_story(site_articles[0], "thoi-su")
    canonical = "https://hanoimoi.vn:99999" + story.path
    html = article_html(story, canonical=canonical, related=[])
    assert extract(_page(html), Settings()).url == "https://hanoimoi.vn/tin-1.html"
