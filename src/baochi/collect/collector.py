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
import socket
import time
import uuid
from collections import Counter
from collections.abc import Callable, Collection
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
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
from baochi.db.store import now
from baochi.failures import Failure, Reject, Retry
from baochi.records import Collected, Page
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


def worker_name() -> str:
    """Who holds a lease: host, process and a nonce, unique across machines and restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def extraction_pool(settings: Settings) -> Executor:
    """Worker processes for extraction (forkserver: safe beside threads); a thread when 0.

    Every worker starts loading its models at once, while the sources are still being read.
    """
    if settings.extract_workers <= 0:
        pool: Executor = ThreadPoolExecutor(1, thread_name_prefix="baochi-extract")
    else:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["baochi.collect.forkserver"])
        pool = ProcessPoolExecutor(
            settings.extract_workers,
            mp_context=context,
            initializer=exit_with,
            initargs=(os.getpid(),),
        )
    for _ in range(max(1, settings.extract_workers)):
        pool.submit(pipeline.warm, settings)
    return pool


class Collector:
    """Runs collection passes over a store with one fetcher, one writer and one extraction pool."""

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
        self.transport = transport
        self.progress = progress
        self.owner = worker_name()
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="baochi-writer")
        self.batches = BatchWriter(store, self.writer)
        self.pool = extraction_pool(settings)

    def close(self) -> None:
        if self.stays:
            self.writer.submit(self.store.leave, self.owner).result()
        self.pool.shutdown(cancel_futures=True)
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
        fetcher = Fetcher(self.settings, self.transport)
        tending = asyncio.create_task(self._tend(held))
        try:
            while claimed or held:
                for name in claimed:
                    host = held[name] = _Host(self.settings.host_concurrency)
                    host.task = asyncio.create_task(self._host(fetcher, name, when, host))
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
            await fetcher.aclose()
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

    async def _host(
        self, fetcher: Fetcher, name: str, when: dt.datetime, host: _Host
    ) -> list[SourceReport]:
        """Poll the host's due sources, then give the host back at once."""
        try:
            due = await self._write(self.store.sources, due_before=when, on_hosts=[name])
            claimed: set[str] = set()  # links one of these polls fetches: the others skip them
            polls = (self._poll(fetcher, s, host, claimed) for s in due)
            return list(await asyncio.gather(*polls))
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

    async def _poll(
        self, fetcher: Fetcher, source: SourceRow, host: _Host, claimed: set[str]
    ) -> SourceReport:
        """Read a source's listing and fetch its new links, except those that another source of
        the host, polled at the same time, has claimed (a home feed and a section feed list the
        same new articles)."""
        report = SourceReport(source.id, source.url, source.outlet)
        started = now()
        clock = time.monotonic()
        page: Page | None = None
        try:
            page = await fetcher.fetch(source.url, "source", source.etag, source.last_modified)
            links = [] if page.status == 304 else await self._links(fetcher, source, page)
        except Failure as exc:
            report.error = str(exc)
            await self._write(
                self.store.update_source,
                source.id,
                **after_failure(
                    source.poll_interval,
                    source.consecutive_failures,
                    str(exc),
                    now(),
                    self.settings,
                    exc.wait if isinstance(exc, Retry) else 0.0,
                ),
            )
            await self._attempt(source, started, clock, page, exc.outcome, str(exc))
            return report
        urls = list(dict.fromkeys(link.url for link in links))
        settled = await self._write(self.store.settled_urls, urls)
        fresh = [link for link in _unique(links) if link.url not in settled]
        fresh = fresh[: self.settings.max_articles_per_source]
        taken = [link for link in fresh if link.url not in claimed]
        claimed.update(link.url for link in taken)
        report.links = len(urls)
        await asyncio.gather(
            *(self._article(fetcher, source, link, report, host) for link in taken)
        )
        if report.handed_over:
            # Due again with the listing unread: the next worker skips what is settled.
            state = handed_over(
                source.poll_interval, source.etag, source.last_modified, now(), self.settings
            )
        else:
            state = after_success(
                source.poll_interval,
                len(fresh),
                len(urls) - len(fresh),
                page.etag or source.etag,
                page.last_modified or source.last_modified,
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
        return report

    async def _links(self, fetcher: Fetcher, source: SourceRow, page: Page) -> list[Link]:
        """Article links of a source document, following a sitemap index one level down."""
        listing = self._read_listing(source.kind, page)
        if source.kind == "auto" and listing.kind != "page":
            # A feed or sitemap is sure; a web page may be a feed's maintenance page, so the
            # source is recognised again at each poll rather than read as a page for good.
            await self._write(self.store.update_source, source.id, kind=listing.kind)
        links = list(listing.links)
        for child in listing.children[:MAX_CHILD_SITEMAPS]:
            try:
                child_page = await fetcher.fetch(child, "source")
                links.extend(self._read_listing("sitemap", child_page).links)
            except Failure as exc:
                await self._attempt(source, now(), time.monotonic(), None, exc.outcome, str(exc))
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
        self, fetcher: Fetcher, source: SourceRow, link: Link, report: SourceReport, host: _Host
    ) -> None:
        """Fetch, extract and store one article; every outcome is counted with its reason.

        An article waits for a turn of its host, so one that has not started when the host is
        handed over is left, unsettled, to the next worker.
        """
        loop = asyncio.get_running_loop()
        try:
            async with host.turns:
                if host.stop.is_set():
                    report.handed_over += 1
                    return
                page = await fetcher.fetch(link.url, "article")
            report.fetched += 1
            document = await loop.run_in_executor(self.pool, pipeline.process, page, self.settings)
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
        except Failure as exc:
            report.reasons[exc.reason] += 1
            if isinstance(exc, Retry):
                report.failed += 1
                status = "failed"
            else:
                report.skipped += 1
                status = "rejected" if isinstance(exc, Reject) else "skipped"
            await self._write(self.store.mark_urls, [link.url], status, str(exc)[:500], source.id)
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
    collector = Collector(store, settings, transport, progress)
    try:
        return asyncio.run(collector.run_once(when))
    finally:
        collector.close()
