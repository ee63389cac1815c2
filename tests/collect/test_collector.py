"""A pass survives what goes wrong in it: a bug met by one source or one article, an extraction
process killed or overrunning; and what a long-lived collector keeps from pass to pass."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from baochi import pipeline
from baochi.collect import collect_once, collector
from baochi.collect.collector import Collector
from baochi.db import Store
from baochi.failures import Retry
from baochi.records import Page
from baochi.settings import Settings
from tests.collect.test_owner import alive
from tests.site.pages import Story, article_html, make_story, rss_xml

FAR_FUTURE = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
BASE = "https://hanoimoi.vn"


@asynccontextmanager
async def running(store: Store, settings: Settings, **options: Any) -> AsyncIterator[Collector]:
    """A collector for several passes in one event loop, as `baochi worker` keeps it."""
    kept = Collector(store, settings, **options)
    try:
        yield kept
    finally:
        await kept.close()


def test_a_bug_met_reading_one_source_fails_that_source_only(
    site, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    """A parser raising on one feed (year 0 in a date) stopped the whole pass, every source
    unchanged and so due again to stop the next pass too."""
    real = collector.parse_feed

    def parse_feed(body: bytes, url: str) -> Any:
        if url.endswith("/rss/thoi-su.rss"):
            raise ValueError("year 0 is out of range")
        return real(body, url)

    monkeypatch.setattr(collector, "parse_feed", parse_feed)
    settings = settings.replace(max_articles_per_source=3)
    healthy, _ = store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")
    broken, _ = store.add_source(site.base_url + "/rss/thoi-su.rss", "Báo Thử nghiệm", "feed")
    summary = collect_once(store, settings)
    reports = {report.source_id: report for report in summary.sources}
    assert reports[healthy].new == 3 and store.counts()["documents"] == 3
    assert reports[broken].error == "internal: ValueError: year 0 is out of range"
    sources = {source.id: source for source in store.sources()}
    assert sources[healthy].consecutive_failures == 0 and sources[healthy].last_success_at
    assert sources[broken].consecutive_failures == 1
    assert sources[broken].last_error == reports[broken].error
    assert sources[broken].next_poll_at > dt.datetime.now(dt.UTC)  # backs off like any failure
    assert store.attempts(broken)[0]["outcome"] == "retry"
    (logged,) = [r for r in caplog.records if r.name == collector.log.name]
    assert "/rss/thoi-su.rss" in logged.getMessage() and logged.exc_info


def test_a_bug_met_by_one_article_fails_that_article_only(
    site, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.process
    victim = site.base_url + site.newest[0].path  # the newest: among those a capped poll takes

    def process(page: Page, settings: Settings) -> Any:
        if page.url == victim:
            raise OverflowError("date value out of range")
        return real(page, settings)

    monkeypatch.setattr(pipeline, "process", process)  # extraction runs in-process here
    store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")
    (report,) = collect_once(store, settings.replace(max_articles_per_source=3)).sources
    assert (report.fetched, report.new, report.failed) == (3, 2, 1)
    assert report.reasons == {"internal": 1}
    assert store.url_status(victim) == (
        "failed",
        "internal: OverflowError: date value out of range",
    )
    (source,) = store.sources()
    assert source.consecutive_failures == 0 and source.last_error == ""


def test_a_backlog_past_the_cap_keeps_the_source_polled_as_often(site, store, settings) -> None:
    """A feed of 50 new links, 2 taken a poll: the 48 left counted as known and the source was
    polled 1.5 times less often at each poll; and its unchanged feed answered 304 next time,
    so the backlog waited for the feed to change."""
    settings = settings.replace(max_articles_per_source=2)
    store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")
    interval = settings.poll_interval
    for when in (None, FAR_FUTURE, FAR_FUTURE + dt.timedelta(days=1)):
        (report,) = collect_once(store, settings, when=when).sources
        assert report.new == 2
        (source,) = store.sources()
        assert source.poll_interval <= interval
        interval = source.poll_interval
    assert store.counts()["documents"] == 6


def test_robots_txt_is_read_once_per_ttl_not_once_per_pass(site, store, settings) -> None:
    settings = settings.replace(max_articles_per_source=1)
    store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")
    day = dt.timedelta(days=1)

    async def passes() -> None:
        async with running(store, settings) as kept:
            await kept.run_once(FAR_FUTURE)
            await kept.run_once(FAR_FUTURE + day)
            assert site.hits["/robots.txt"] == 1
        async with running(store, settings.replace(robots_ttl=0.2)) as kept:
            await kept.run_once(FAR_FUTURE + 2 * day)
            await asyncio.sleep(0.3)
            await kept.run_once(FAR_FUTURE + 3 * day)
            assert site.hits["/robots.txt"] >= 3  # past its time, read again

    asyncio.run(passes())


def test_an_extraction_process_killed_between_passes_is_replaced(site, store, settings) -> None:
    """An extraction process killed (as an OOM kill does) broke every later pass of a worker."""
    settings = settings.replace(extract_workers=1, max_articles_per_source=2)
    store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")

    async def passes() -> None:
        async with running(store, settings) as kept:
            assert (await kept.run_once()).total("new") == 2
            (victim,) = _extraction_workers()
            os.kill(victim, signal.SIGKILL)
            _wait(lambda: not alive(victim))
            store.add_source(site.base_url + "/rss/thoi-su.rss", "Báo Thử nghiệm", kind="feed")
            (report,) = (await kept.run_once()).sources  # the new source alone is due
            assert (report.new, report.failed) == (2, 0)
            assert len(_extraction_workers()) == 1

    asyncio.run(passes())


def test_an_article_whose_process_is_killed_goes_again_on_a_new_pool(site_articles, settings):
    """A worker killed mid-article breaks the pool whole: the pool is replaced and the article
    extracted there; an article whose new pool breaks too fails, and the next one is served."""
    extraction = collector.Extraction(settings.replace(extract_workers=1))
    story = make_story(site_articles[0], "thoi-su")

    async def killed_while_extracting(replaced: object = None) -> None:
        """Kill the worker once the article is in it: a pool that is not `replaced`, its worker
        warm, the article handed over (extracting the heavy page takes some 1.5 s here)."""
        while extraction.pool is replaced or not all(f.done() for f in extraction._warming):
            await asyncio.sleep(0.02)
        await asyncio.sleep(0.1)
        (victim,) = _extraction_workers()
        os.kill(victim, signal.SIGKILL)
        _wait(lambda: not alive(victim))

    async def run() -> None:
        assert (await extraction.process(_page(story))).article.title == story.title
        heavy = asyncio.create_task(extraction.process(_page(_heavy(site_articles))))
        await killed_while_extracting()
        assert (await heavy).article.title  # on the new pool
        again = asyncio.create_task(extraction.process(_page(_heavy(site_articles))))
        first = extraction.pool
        await killed_while_extracting()
        await killed_while_extracting(replaced=first)  # the article there again
        with pytest.raises(Retry, match="extract_crashed"):
            await again
        assert (await extraction.process(_page(story))).article.title == story.title

    try:
        asyncio.run(run())
    finally:
        extraction.close()


def test_an_article_past_its_extraction_time_fails_and_its_worker_goes_on(
    site_articles, store, settings
) -> None:
    """A page that takes trafilatura long held an extraction process as long as it took; its
    worker now stops it at the limit, counted from the article's start, and takes the next. The
    article is tried again later (it was rejected for good, though a busy machine may be why)."""
    settings = settings.replace(
        extract_workers=1, extract_timeout=0.5, max_body_bytes=8 * 1024 * 1024
    )
    stories = [make_story(record, "thoi-su") for record in site_articles[:2]]
    heavy = _heavy(site_articles)
    feed = rss_xml("Tin mới", BASE, "/rss/home.rss", [heavy, *stories], lambda s: BASE + s.path)
    pages = {"/rss/home.rss": feed} | {s.path: _html(s) for s in [heavy, *stories]}
    store.add_source(BASE + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")

    async def run() -> None:
        async with running(store, settings, transport=_answering(pages)) as kept:
            started = time.monotonic()
            (report,) = (await kept.run_once()).sources
            assert (report.new, report.failed) == (2, 1)
            assert report.reasons == {"extract_timeout": 1}
            assert time.monotonic() - started < 10  # its seconds of extraction cut short
            status, reason = store.url_status(BASE + heavy.path) or ("", "")
            assert status == "failed" and reason.startswith("extract_timeout")
            # tried again while the source lists it, as a failed fetch is, then let be
            later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
            (again,) = (await kept.run_once(later)).sources
            assert (again.new, again.failed, again.reasons) == (0, 1, {"extract_timeout": 1})

    asyncio.run(run())


def _heavy(records: list[dict]) -> Story:
    """A real article whose paragraphs go on for 3 MB: seconds of extraction, never an error."""
    lines = [line for record in records[:3] for line in record["text"].split("\n") if line.strip()]
    record = {**records[0], "id": "9999", "text": "\n".join(lines * 400)}
    return make_story(record, "thoi-su")


def _html(story: Story) -> str:
    return article_html(story, canonical=BASE + story.path, related=[])


def _page(story: Story) -> Page:
    url = BASE + story.path
    body = _html(story).encode()
    return Page(url, url, 200, "text/html", "utf-8", body, dt.datetime.now(dt.UTC))


def _answering(pages: dict[str, str]) -> httpx.MockTransport:
    """A site that answers these paths, and 404 to any other (robots.txt: none)."""

    def answer(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path not in pages:
            return httpx.Response(404)
        kind = "application/rss+xml" if path.endswith(".rss") else "text/html; charset=utf-8"
        return httpx.Response(200, headers={"content-type": kind}, stream=_Body(pages[path]))

    return httpx.MockTransport(answer)


class _Body(httpx.AsyncByteStream):
    """A body streamed as a server sends it (bytes given as content come already read)."""

    def __init__(self, text: str) -> None:
        self.data = text.encode()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data


def _extraction_workers() -> list[int]:
    """The live extraction processes, found as an operator finds one to kill: the children of
    this process's forkserver."""
    forkservers = [
        pid
        for pid in _children(os.getpid())
        if b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]
    return [pid for forkserver in forkservers for pid in _children(forkserver) if alive(pid)]


def _children(parent: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{parent}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that ended meanwhile
            found += map(int, (task / "children").read_text().split())
    return found


def _wait(done: Callable[[], bool], seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)
