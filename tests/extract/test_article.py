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
