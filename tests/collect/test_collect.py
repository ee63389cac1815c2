"""End to end against the local news site: every real article stored once, bad servers survived."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from baochi import pipeline
from baochi.collect import collect_once
from baochi.collect.explain import explain
from baochi.collect.fetcher import Fetcher
from baochi.db import Store
from baochi.records import Page
from baochi.settings import Settings
from baochi.stories import place_pending
from baochi.vi import normalize
from baochi.vi.places import detect_places, units_named
from tests.site.bad import BAD_FEED_TARGETS

FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)


def _by_url(store: Store) -> dict[str, list]:
    docs: dict[str, list] = {}
    for doc in store.documents():
        docs.setdefault(doc.url, []).append(doc)
    return docs


def _words(text: str) -> list[str]:
    """The text line by line with runs of spaces folded, as a browser shows it."""
    return [" ".join(line.split()) for line in normalize(text).split("\n") if line.strip()]


def test_every_real_article_is_stored_once_with_its_body(site, store: Store, settings: Settings):
    base = site.base_url
    for path, kind in (("/sitemap.xml", "sitemap"), ("/rss/home.rss", "feed"), ("/", "page")):
        store.add_source(base + path, "Báo Thử nghiệm", kind=kind)
    summary = collect_once(store, settings)
    assert summary.total("failed") == 0, [r.error for r in summary.sources]

    docs = _by_url(store)
    assert len(docs) == len(site.articles)
    # Listed by all three sources, polled at once: each article page is still fetched once.
    fetched = Counter(site.hits[urlsplit(site.article_url(a)).path] for a in site.articles)
    assert fetched == {1: len(site.articles)}
    # Story placement is the stage after the pass: it places each new article once.
    assert place_pending(store.engine, "test", settings.lease_seconds) == len(site.articles)
    assert place_pending(store.engine, "test", settings.lease_seconds) == 0
    with store.engine.connect() as conn:  # the pipeline labelled every new article
        labels = conn.execute(text("SELECT topic, tone, place, hanoi FROM documents")).all()
        in_stories = conn.execute(text("SELECT count(*) FROM story_articles")).scalar()
    assert in_stories == len(site.articles)  # and placed each in a story
    assert all(topic and tone in ("negative", "neutral", "positive") and place
               for topic, tone, place, _ in labels)  # fmt: skip
    # and named the districts and wards of its main place that its title and lead name
    named = {doc.url: doc for docs_at in docs.values() for doc in docs_at}
    with store.engine.connect() as conn:
        areas = dict(conn.execute(text("SELECT url, areas FROM documents")).all())
    for url, doc in named.items():
        place = detect_places(doc.title, doc.text).main
        assert areas[url] == "|".join(sorted(units_named(doc.title, doc.lead, place))), url
    assert sum(1 for a in areas.values() if a) >= 3
    for article in site.articles:
        (doc,) = docs[site.article_url(article)]  # exactly once
        assert doc.title == normalize(article["title"])
        assert doc.text.split("\n") == _words(article["text"]), article["id"]
        assert doc.outlet == "Báo Thử nghiệm"
        day = dt.date.fromisoformat(article["published_estimate"][:10])
        assert doc.published_at is not None
        assert doc.published_at.astimezone(dt.timezone(dt.timedelta(hours=7))).date() == day


def test_second_pass_uses_conditional_get_and_fetches_nothing_known(site, store, settings):
    store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")
    first = collect_once(store, settings)
    assert first.total("new") == 50
    article_hits = sum(n for path, n in site.hits.items() if path.endswith(".html"))
    second = collect_once(store, settings, when=FAR_FUTURE)
    assert second.total("fetched") == 0 and second.total("new") == 0
    assert sum(n for path, n in site.hits.items() if path.endswith(".html")) == article_hits
    (source,) = store.sources()
    assert source.etag and source.consecutive_failures == 0
    assert store.attempts(source.id)[0]["outcome"] == "not_modified"


def test_a_section_feed_behind_the_sitemap_lives_on_the_articles_it_lists(site, store, settings):
    store.add_source(site.base_url + "/sitemap.xml", "Báo Thử nghiệm", kind="sitemap")
    started = dt.datetime.now(dt.UTC)
    assert collect_once(store, settings).total("new") == len(site.articles)
    section_id, _ = store.add_source(site.base_url + "/rss/thoi-su.rss", "Báo Thử nghiệm", "feed")
    second = dt.datetime.now(dt.UTC)
    summary = collect_once(store, settings)
    (report,) = [r for r in summary.sources if r.url.endswith("thoi-su.rss")]
    assert report.links > 0 and report.fetched == 0  # everything it lists is in the store
    (section,) = [s for s in store.sources() if s.id == section_id]
    # it led to no article of its own, yet it lists the site's new ones: not "no new articles"
    assert section.articles_total == 0
    assert section.last_article_at is not None and started <= section.last_article_at <= second


def test_robots_txt_is_honoured(site, store, settings):
    store.add_source(site.base_url + "/private/tin-mat.html", "Báo Thử nghiệm", kind="page")
    summary = collect_once(store, settings)
    assert "robots" in summary.sources[0].error
    assert not [p for p in site.hits if p.startswith("/private/")]


def test_misbehaving_endpoints_are_refused_with_reasons(site, store, settings):
    store.add_source(site.base_url + "/bad/feed-bad.rss", "Báo Thử nghiệm", kind="feed")
    summary = collect_once(store, settings)
    reasons = {name: store.url_status(f"{site.base_url}/bad/{name}") for name in BAD_FEED_TARGETS}
    expect = {
        "slow": "timeout",
        "endless": "too_large",
        "huge": "too_large",
        "gzip-bomb": "too_large",
        "500": "http_500",
        "404": "http_404",
        "redirect-loop": "redirect_loop",
        "redirect-chain": "too_many_redirects",
        "redirect-private": "blocked_address",
        "not-html": "content_type",
        "listing": "listing",
        "short": "too_short",
    }
    for name, reason in expect.items():
        status = reasons[name]
        assert status is not None and status[1].startswith(reason), (name, status)
    assert summary.sources[0].new == 2  # future-date (date dropped) and hostile are articles
    hostile, future = sorted(store.documents(), key=lambda d: "<script>" not in d.title)
    assert "<script>alert(1)</script>" in hostile.title  # kept as text, escaped when shown
    assert future.url.endswith("/bad/future-date") and future.published_at is None
    assert site.private_hits == {}


def test_feed_item_pointing_inside_is_refused_and_the_rest_stored(site, store, settings):
    store.add_source(site.base_url + "/bad/feed-private.rss", "Báo Thử nghiệm", kind="feed")
    summary = collect_once(store, settings)
    report = summary.sources[0]
    assert report.new == 1
    assert report.reasons["blocked_address"] == 1
    assert site.private_hits == {}


@pytest.mark.parametrize("name", ["cp1258", "cp1258-undeclared", "no-charset", "wrong-charset"])
def test_legacy_and_wrong_charsets_are_repaired(site, settings, name: str):
    async def fetch() -> Page:
        fetcher = Fetcher(settings)
        try:
            return await fetcher.fetch(f"{site.base_url}/bad/{name}")
        finally:
            await fetcher.aclose()

    article = pipeline.process(asyncio.run(fetch()), settings).article
    original = site.bad_articles[name]
    assert article.title == normalize(original["title"])
    assert article.text.split("\n") == _words(original["text"])


def test_each_failing_source_says_why_in_the_offices_words(site, store, settings):
    """The errors stored by real failed fetches read, for Hoa, as what to do about them."""
    settings = settings.replace(retries=0)
    said = {
        "/bad/404": "Không còn địa chỉ này: nguồn tin có thể đã đổi địa chỉ",
        "/bad/500": "Máy chủ của trang đang lỗi hoặc quá tải (hay lớp chống bot)",
        "/bad/not-html": "Địa chỉ không trả về RSS, sitemap hay trang tin",
        "/bad/redirect-loop": "Trang chuyển hướng vòng quanh",
    }
    for path in said:
        store.add_source(site.base_url + path, "Báo Hỏng", kind="feed")
    collect_once(store, settings)
    got = {urlsplit(s.url).path: explain(s.last_error) for s in store.sources()}
    assert got == said


def test_a_feed_answering_once_with_a_web_page(site, store, settings):
    """The site of a feed answers one poll with a maintenance page (200, HTML), then with its
    feed again. A source added as a feed says the address gave a web page, not "ok, 0 links";
    one added to be recognised is not taken for a section page for good: both read the feed
    at the next poll."""
    settings = settings.replace(retries=0)
    store.add_source(site.base_url + "/bad/maintenance.rss/feed", "Báo Bảo Trì", kind="feed")
    store.add_source(site.base_url + "/bad/maintenance.rss/auto", "Báo Bảo Trì")
    collect_once(store, settings)
    sources = {urlsplit(s.url).path.rsplit("/", 1)[1]: s for s in store.sources()}
    assert explain(sources["feed"].last_error) == "Địa chỉ trả về một trang web, không phải RSS"
    assert sources["feed"].consecutive_failures == 1
    assert sources["auto"].kind == "auto"
    assert store.counts()["documents"] == 0
    collect_once(store, settings, when=FAR_FUTURE)
    sources = {urlsplit(s.url).path.rsplit("/", 1)[1]: s for s in store.sources()}
    assert sources["feed"].consecutive_failures == 0 and sources["auto"].kind == "feed"
    assert store.counts()["documents"] == len(site._bad.feed_articles)


def test_a_long_retry_after_is_the_next_polls_to_honour(site, store, settings):
    """A site answering 503 with "Retry-After: 3600" is not waited for, holding its host for
    the pass (it was cut to 120 s and waited three times), and not polled again before the
    hour it asked for (the usual backoff would come back in a quarter of an hour)."""
    settings = settings.replace(retries=2)
    store.add_source(site.base_url + "/bad/busy.rss", "Báo Bận", kind="feed")
    started = dt.datetime.now(dt.UTC)
    clock = time.monotonic()
    collect_once(store, settings)
    assert time.monotonic() - clock < 20
    (source,) = store.sources()
    assert source.consecutive_failures == 1 and source.last_error.startswith("http_503")
    assert source.next_poll_at >= started + dt.timedelta(seconds=3600)
    assert site.hits["/bad/busy.rss"] == 1


def test_one_article_listed_five_ways_is_fetched_once(site, store, settings):
    """A feed lists one article with utm_ and fbclid parameters, a fragment, a user:password@,
    and plain: one fetch, one document (every variant was fetched before it was found a
    duplicate), and no password kept in its address."""
    store.add_source(site.base_url + "/bad/variants.rss", "Báo Thử nghiệm", kind="feed")
    report = collect_once(store, settings).sources[0]
    story = site._bad.feed_articles[0]
    assert site.hits[story.path] == 1
    assert (report.links, report.fetched, report.new) == (1, 1, 1)
    assert store.counts()["documents"] == 1
    with store.engine.connect() as conn:
        addresses = {row[0] for row in conn.execute(text("SELECT url FROM documents"))}
        addresses |= {row[0] for row in conn.execute(text("SELECT url FROM urls"))}
    assert addresses == {site.base_url + story.path}


def test_failing_source_is_shown_then_disabled(site, store, settings):
    settings = settings.replace(max_failures=2, retries=0)
    store.add_source(site.base_url + "/bad/500", "Báo Hỏng", kind="feed")
    collect_once(store, settings)
    (source,) = store.sources()
    assert source.consecutive_failures == 1 and "http_500" in source.last_error and source.enabled
    collect_once(store, settings, when=FAR_FUTURE)
    (source,) = store.sources()
    assert not source.enabled
    assert source.disabled_reason.startswith("Tự tắt sau 2 lần lỗi liên tiếp (Máy chủ của trang")
    assert collect_once(store, settings, when=FAR_FUTURE).sources == []


def test_sigkill_mid_batch_then_rerun_stores_every_article_once(site, settings, tmp_path: Path):
    env = {
        **os.environ,
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
        "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "BAOCHI_HOST_DELAY": "0",
        "BAOCHI_HOST_CONCURRENCY": "4",
        "BAOCHI_EXTRACT_WORKERS": "1",
        "BAOCHI_LEASE_SECONDS": "1",
    }
    cmd = [sys.executable, "-m", "baochi"]
    subprocess.run(
        [*cmd, "sources", "add", site.base_url + "/sitemap.xml", "--outlet", "Báo Thử"],
        env=env,
        check=True,
        capture_output=True,
    )
    store = Store(__import__("baochi.db", fromlist=["open_engine"]).open_engine(settings))
    proc = subprocess.Popen(
        [*cmd, "collect", "--once"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while store.counts()["documents"] < 20 and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = store.counts()["documents"]
    assert 0 < partial < len(site.articles), "the kill must land in the middle of the batch"
    time.sleep(1.2)  # the dead worker's lease on the host expires; another takes over
    subprocess.run([*cmd, "collect", "--once"], env=env, check=True, capture_output=True)
    docs = _by_url(store)
    assert len(docs) == len(site.articles)
    assert all(len(copies) == 1 for copies in docs.values())
    assert sum(1 for _ in store.documents()) == len(site.articles)
    with store.engine.connect() as conn:  # the command placed every article in a story once
        placed = conn.execute(text("SELECT count(DISTINCT document_id) FROM story_articles"))
        assert placed.scalar() == len(site.articles)


def test_unreachable_host_fails_with_its_real_cause(store, settings):
    import socket

    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store.add_source(f"http://127.0.0.1:{port}/rss/home.rss", "Báo Vắng", kind="feed")
    summary = collect_once(store, settings.replace(retries=0))
    error = summary.sources[0].error
    assert error.startswith("robots_unavailable") and "connection" in error
    (source,) = store.sources()
    assert source.consecutive_failures == 1 and source.last_error == error
