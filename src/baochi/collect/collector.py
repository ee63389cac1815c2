"""One collection pass: poll every due source, fetch each new article it lists, store it once.

Fetching is async; extraction runs in worker processes; every database write goes through one
writer thread, so SQLite sees a single writer and the event loop never waits on disk.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, TypeVar

import httpx

from baochi import pipeline
from baochi.collect.feeds import parse_feed
from baochi.collect.fetcher import Fetcher
from baochi.collect.links import Link, Listing, article_address, gunzip_limited, sniff_kind
from baochi.collect.owner import exit_with
from baochi.collect.pages import parse_page
from baochi.collect.schedule import after_failure, after_success, handed_over
from baochi.collect.sitemaps import parse_sitemap
from baochi.collect.writer import BatchWriter
from baochi.db import SourceRow, Store
from baochi.db.leases import worker_name
from baochi.db.store import now
from baochi.failures import Failure, Reject, Retry
from baochi.records import Collected, Document, Page
from baochi.settings import Settings
from baochi.stories import place_pending
from baochi.vi import decode_html_bytes

T = TypeVar("T")
log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 50
BALANCE_SECONDS = 2.0  # how often a worker compares its hosts with its fair share


@dataclass
class SourceReport:
    """What one poll of one source did, for the summary and the health page."""

    source_id: int
    url: str
    outlet: str
    links: int = 0
    fetched: int = 0
    new: int = 0
    duplicate: int = 0
    skipped: int = 0
    failed: int = 0
    error: str = ""
    handed_over: int = 0
    reasons: Counter[str] = field(default_factory=Counter)


@dataclass
class Summary:
    """The outcome of a collection pass."""

    sources: list[SourceReport]
    seconds: float

    def total(self, name: str) -> int:
        """A counter summed over all sources (fetched, new, duplicate, skipped, failed)."""
        return sum(getattr(report, name) for report in self.sources)


class _Host:
    """A leased host in flight: its poll, the turns its articles take, and the signal to stop."""

    def __init__(self, turns: int) -> None:
        self.turns = asyncio.Semaphore(max(1, turns))
        self.stop = asyncio.Event()
        self.task: asyncio.Task[list[SourceReport]]


def extraction_pool(settings: Settings) -> Executor:
    """Worker processes for extraction (forkserver: safe beside threads); a thread when 0."""
    if settings.extract_workers <= 0:
        return ThreadPoolExecutor(1, thread_name_prefix="baochi-extract")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["baochi.collect.forkserver"])
    return ProcessPoolExecutor(
        settings.extract_workers,
        mp_context=context,
        initializer=exit_with,
        initargs=(os.getpid(),),
    )


class _Overran(BaseException):
    """The alarm of an article past its time: no `except Exception` in a library swallows it."""


def _extract_within(page: Page, settings: Settings) -> Document:
    """pipeline.process, stopped by an alarm `extract_timeout` seconds after the article's start
    in its worker (not its wait in the queue); a thread (extract_workers 0) runs to its end. An
    article stopped is tried again, as few times as a failed fetch: a swamped machine may have
    made it slow."""
    if threading.current_thread() is not threading.main_thread():
        return pipeline.process(page, settings)

    def overrun(signum: int, frame: object) -> None:
        raise _Overran

    previous = signal.signal(signal.SIGALRM, overrun)
    signal.setitimer(signal.ITIMER_REAL, settings.extract_timeout)
    try:
        try:
            return pipeline.process(page, settings)
        finally:  # an alarm ringing just before this is caught below all the same
            signal.setitimer(signal.ITIMER_REAL, 0)
    except _Overran:
        limit = settings.extract_timeout
        raise Retry("extract_timeout", f"no article after {limit:g} s") from None
    finally:
        signal.signal(signal.SIGALRM, previous)


class Extraction:
    """Articles extracted in the pool, each stopped in its worker past `extract_timeout`.

    A worker that dies (an OOM kill) breaks a process pool whole, failing every article in it:
    the pool is replaced and they go again once; an article that breaks the new pool too fails.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._start()

    def _start(self) -> None:
        """A new pool whose workers load their models at once, while sources are still read."""
        self.pool = extraction_pool(self.settings)
        workers = max(1, self.settings.extract_workers)
        self._warming = [self.pool.submit(pipeline.warm, self.settings) for _ in range(workers)]

    async def process(self, page: Page) -> Document:
        """The page as a Document; Reject past the time limit, Retry when its worker died."""
        for _ in range(2):
            # An article's time runs once the workers are ready, not while they load models.
            await asyncio.gather(*map(asyncio.wrap_future, self._warming), return_exceptions=True)
            pool = self.pool
            try:
                loop = asyncio.get_running_loop()
                return await loop.run_in_executor(pool, _extract_within, page, self.settings)
            except BrokenProcessPool:
                self._replace(pool)
        raise Retry("extract_crashed", "its extraction process died twice")

    def _replace(self, pool: Executor) -> None:
        """A new pool in place of `pool`, once, whichever of its articles notices first."""
        if pool is self.pool:
            log.warning("replacing the extraction processes: one died")
            pool.shutdown(wait=False)
            self._start()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class Collector:
    """Runs collection passes over a store with one fetcher, one writer and one extraction pool.

    The fetcher lives as long as the collector, so robots.txt is read once per `robots_ttl`,
    not once per pass; close the collector with `await close()` in the loop that ran it.
    """

    def __init__(
        self,
        store: Store,
        settings: Settings,
        transport: httpx.AsyncBaseTransport | None = None,
        progress: Callable[[int], None] | None = None,
        stays: bool = False,
    ) -> None:
        self.store = store
        self.stays = stays  # a long-running worker: announced, so others may hand hosts to it
        self.settings = settings
        self.progress = progress
        self.owner = worker_name()
        self.fetcher = Fetcher(settings, transport)
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="baochi-writer")
        self.batches = BatchWriter(store, self.writer)
        self.extraction = Extraction(settings)

    async def close(self) -> None:
        """Awaited in the loop of the passes: the fetcher's connections belong to it."""
        if self.stays:
            await self._write(self.store.leave, self.owner)
        await self.fetcher.aclose()
        await asyncio.get_running_loop().run_in_executor(None, self.extraction.close)
        self.writer.shutdown()

    async def _write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(
            self.writer, partial(fn, *args, **kwargs)
        )

    async def run_once(self, when: dt.datetime | None = None) -> Summary:
        """Poll every source due at `when` (default now) on the hosts this worker can lease.

        The worker claims its fair share of the hosts with work, and more as its hosts finish; a
        host held beyond the share while another live worker is short is handed over.
        """
        started = time.monotonic()
        when = when or now()
        if self.stays:
            await self._write(self.store.beat, self.owner, now())
        claimed = await self._claim(when)
        if not claimed:
            return Summary([], time.monotonic() - started)
        held: dict[str, _Host] = {}
        polled: set[str] = set()  # once per pass, even when `when` lies ahead of their next poll
        reports: list[SourceReport] = []
        tending = asyncio.create_task(self._tend(held))
        try:
            while claimed or held:
                for name in claimed:
                    host = held[name] = _Host(self.settings.host_concurrency)
                    host.task = asyncio.create_task(self._host(name, when, host))
                tasks = {host.task: name for name, host in held.items()}
                done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    polled.add(tasks[task])
                    del held[tasks[task]]
                    reports.extend(task.result())
                claimed = await self._claim(when, polled)
        finally:  # stopped or failed: the unfinished hosts give their leases back
            tending.cancel()
            for host in held.values():
                host.task.cancel()
            await asyncio.gather(*(host.task for host in held.values()), return_exceptions=True)
        return Summary(reports, time.monotonic() - started)

    async def _claim(self, when: dt.datetime, polled: Collection[str] = ()) -> list[str]:
        """Lease free hosts with sources due at `when`, up to this worker's fair share."""
        shares = await self._write(self.store.host_shares, self.owner, when, self._since())
        if not shares.room:
            return []
        lease = self.settings.lease_seconds
        return await self._write(
            self.store.claim_hosts, self.owner, when, lease, shares.room, skip=polled
        )

    async def place_stories(self) -> int:
        """Place what any worker stored and no story holds yet, through the writer thread."""
        lease = self.settings.lease_seconds
        return await self._write(place_pending, self.store.engine, self.owner, lease)

    def _since(self) -> dt.datetime:
        """Workers seen since then are alive: a dead one is forgotten when its leases would be."""
        return now() - dt.timedelta(seconds=self.settings.lease_seconds)

    async def _host(self, name: str, when: dt.datetime, host: _Host) -> list[SourceReport]:
        """Poll the host's due sources, then give the host back at once."""
        try:
            due = await self._write(self.store.sources, due_before=when, on_hosts=[name])
            claimed: set[str] = set()  # links one of these polls fetches: the others skip them
            return list(await asyncio.gather(*(self._poll(s, host, claimed) for s in due)))
        finally:
            await self._write(self.store.release_hosts, self.owner, [name])

    async def _tend(self, held: dict[str, _Host]) -> None:
        """Keep the leases alive, and hand the newest hosts over when this worker has too many."""
        lease = self.settings.lease_seconds
        renewed = time.monotonic()
        while True:
            await asyncio.sleep(min(BALANCE_SECONDS, lease / 3))
            if time.monotonic() - renewed >= lease / 3:
                renewed = time.monotonic()
                until = now() + dt.timedelta(seconds=lease)
                await self._write(self.store.renew_hosts, self.owner, list(held), until)
                if self.stays:
                    await self._write(self.store.beat, self.owner, now())
            shares = await self._write(self.store.host_shares, self.owner, now(), self._since())
            going = [name for name, host in held.items() if not host.stop.is_set()]
            handing = going[::-1][: max(0, shares.surplus - (len(held) - len(going)))]
            if handing:
                log.info("handing %d host(s) over to a less busy worker", len(handing))
            for name in handing:
                held[name].stop.set()

    async def _poll(self, source: SourceRow, host: _Host, claimed: set[str]) -> SourceReport:
        """Read a source's listing and fetch its new links, except those that another source of
        the host, polled at the same time, has claimed (a home feed and a section feed list the
        same new articles). Whatever goes wrong is this source's failure, not the pass's."""
        report = SourceReport(source.id, source.url, source.outlet)
        started = now()
        clock = time.monotonic()
        page: Page | None = None
        try:
            page = await self.fetcher.fetch(source.url, "source", source.etag, source.last_modified)
            links = [] if page.status == 304 else await self._links(source, page)
            urls = list(dict.fromkeys(link.url for link in links))
            settled = await self._write(self.store.settled_urls, urls)
            # Links past the cap are new all the same: a backlog is no reason to poll less often.
            fresh = [link for link in _unique(links) if link.url not in settled]
            cap = self.settings.max_articles_per_source
            taken = [link for link in fresh[:cap] if link.url not in claimed]
            claimed.update(link.url for link in taken)
            report.links = len(urls)
            await asyncio.gather(*(self._article(source, link, report, host) for link in taken))
            if report.handed_over:
                # Due again with the listing unread: the next worker skips what is settled.
                state = handed_over(
                    source.poll_interval, source.etag, source.last_modified, now(), self.settings
                )
            else:
                validators = (page.etag or source.etag, page.last_modified or source.last_modified)
                if len(fresh) > cap:  # the next poll reads the rest: no 304 may hide it
                    validators = ("", "")
                state = after_success(
                    source.poll_interval,
                    len(fresh),
                    len(settled),
                    *validators,
                    now(),
                    self.settings,
                )
            await self._write(self.store.update_source, source.id, **state)
            # Articles collected through another source of the site keep this one alive too.
            newest = max((at for at in settled.values() if at is not None), default=None)
            if newest and (source.last_article_at is None or newest > source.last_article_at):
                await self._write(self.store.listed_article, source.id, newest)
            outcome = "not_modified" if page.status == 304 else "ok"
            await self._attempt(source, started, clock, page, outcome, "", len(fresh), len(settled))
        except Exception as exc:
            failure = _failure(exc, source.url)
            report.error = str(failure)
            await self._write(
                self.store.update_source,
                source.id,
                **after_failure(
                    source.poll_interval,
                    source.consecutive_failures,
                    str(failure),
                    now(),
                    self.settings,
                    failure.wait if isinstance(failure, Retry) else 0.0,
                ),
            )
            await self._attempt(source, started, clock, page, failure.outcome, str(failure))
        return report

    async def _links(self, source: SourceRow, page: Page) -> list[Link]:
        """Article links of a source document, following a sitemap index one level down."""
        listing = self._read_listing(source.kind, page)
        if source.kind == "auto" and listing.kind != "page":
            # A feed or sitemap is sure; a web page may be a feed's maintenance page, so the
            # source is recognised again at each poll rather than read as a page for good.
            await self._write(self.store.update_source, source.id, kind=listing.kind)
        links = list(listing.links)
        for child in listing.children[:MAX_CHILD_SITEMAPS]:
            try:
                child_page = await self.fetcher.fetch(child, "source")
                links.extend(self._read_listing("sitemap", child_page).links)
            except Exception as exc:
                failure = _failure(exc, child)
                await self._attempt(
                    source, now(), time.monotonic(), None, failure.outcome, str(failure)
                )
        links = [replace(link, url=article_address(link.url)) for link in links]
        # Newest first, so a capped poll takes the latest news.
        epoch = dt.datetime.min.replace(tzinfo=dt.UTC)
        links.sort(key=lambda link: link.published or epoch, reverse=True)
        return links

    def _read_listing(self, kind: str, page: Page) -> Listing:
        body = gunzip_limited(page.body, self.settings.max_body_bytes)
        kind = sniff_kind(body) if kind == "auto" else kind
        if kind == "feed":
            return Listing("feed", parse_feed(body, page.final_url))
        if kind == "sitemap":
            return parse_sitemap(body, page.final_url)
        html, _ = decode_html_bytes(body, page.charset)
        return Listing("page", parse_page(html, page.final_url))

    async def _article(
        self, source: SourceRow, link: Link, report: SourceReport, host: _Host
    ) -> None:
        """Fetch, extract and store one article; every outcome is counted with its reason.

        An article waits for a turn of its host, so one that has not started when the host is
        handed over is left, unsettled, to the next worker.
        """
        try:
            async with host.turns:
                if host.stop.is_set():
                    report.handed_over += 1
                    return
                page = await self.fetcher.fetch(link.url, "article")
            report.fetched += 1
            document = await self.extraction.process(page)
            status, _ = await self.batches.save(
                Collected(
                    document,
                    (link.url, page.final_url),
                    page.fetched_at,
                    source.outlet_id,
                    source.id,
                )
            )
            report.new += status == "stored"
            report.duplicate += status == "duplicate"
        except Exception as exc:
            failure = _failure(exc, link.url)
            report.reasons[failure.reason] += 1
            if isinstance(failure, Retry):
                report.failed += 1
                status = "failed"
            else:
                report.skipped += 1
                status = "rejected" if isinstance(failure, Reject) else "skipped"
            reason = str(failure)[:500]
            await self._write(self.store.mark_urls, [link.url], status, reason, source.id)
        if self.progress is not None:
            self.progress(1)

    async def _attempt(
        self,
        source: SourceRow,
        started: dt.datetime,
        clock: float,
        page: Page | None,
        outcome: str,
        reason: str,
        new: int = 0,
        known: int = 0,
    ) -> None:
        await self._write(
            self.store.record_attempt,
            source_id=source.id,
            url=source.url,
            started_at=started,
            duration_ms=int((time.monotonic() - clock) * 1000),
            status_code=page.status if page else None,
            outcome=outcome,
            reason=reason[:1000],
            bytes=len(page.body) if page else 0,
            new_urls=new,
            known_urls=known,
        )


def _failure(exc: Exception, where: str) -> Failure:
    """A Failure as it is; any other exception is a bug met at `where`: logged with its
    traceback and failed as transient, so an article is tried again a few times at most and a
    source backs off, while the rest of the pass goes on."""
    if isinstance(exc, Failure):
        return exc
    log.error("unexpected error at %s", where, exc_info=exc)
    return Retry("internal", f"{type(exc).__name__}: {exc}")


def _unique(links: list[Link]) -> list[Link]:
    """The first occurrence of each URL."""
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())


def collect_once(
    store: Store,
    settings: Settings,
    transport: httpx.AsyncBaseTransport | None = None,
    progress: Callable[[int], None] | None = None,
    when: dt.datetime | None = None,
) -> Summary:
    """One pass over the sources due at `when` (default now), from synchronous code."""

    async def once() -> Summary:
        collector = Collector(store, settings, transport, progress)
        try:
            return await collector.run_once(when)
        finally:
            await collector.close()

    return asyncio.run(once())
