"""One sync of the registered channels: each enabled channel's connector pulls what is new
since its cursor, the items are ingested, and the cursor moves only past what was stored.
A channel whose token expired or that is rate-limited keeps its cursor and says why. Workers
lease a channel while they sync it and mark when it is next due, so that several of them
fetch each channel once per period and a dead worker's channel is free when its lease ends."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from baochi.collect.fetcher import Fetcher
from baochi.collect.social.generic import GenericJson
from baochi.collect.social.graph import FacebookPage
from baochi.collect.social.items import Pull
from baochi.collect.social.tokens import TokenError, reveal
from baochi.collect.social.youtube import YouTubeChannel
from baochi.db import Store
from baochi.db.leases import worker_name
from baochi.db.social_store import AccountRow, SocialStore
from baochi.settings import Settings
from baochi.social.ingest import ingest

log = logging.getLogger(__name__)
CONNECTORS = ("facebook", "youtube", "generic")


class Connector(Protocol):
    """What every platform connector does: pull what is new since a cursor."""

    async def pull(self, cursor: str) -> Pull: ...


@dataclass
class SyncReport:
    """What one channel's sync did, for the command's summary and the channel's health."""

    account_id: int
    name: str
    fetched: int = 0
    stored: int = 0
    known: int = 0
    placed: int = 0
    requests: int = 0
    error: str = ""
    seconds: float = 0.0


def _token(account: AccountRow, settings: Settings) -> str:
    """The channel's own token, else the platform's from the settings, made usable."""
    fallback = {"facebook": settings.facebook_token, "youtube": settings.youtube_key}
    value = account.token or fallback.get(account.connector, "")
    return reveal(value, settings)


def connector(account: AccountRow, settings: Settings, fetcher: Fetcher) -> Connector:
    """The connector of a registered channel."""
    token = _token(account, settings)
    if account.connector == "facebook":
        return FacebookPage(account.handle, token, settings, fetcher)
    if account.connector == "youtube":
        query = str(account.config.get("query") or "")
        return YouTubeChannel(account.handle, token, settings, fetcher, query)
    if account.connector == "generic":
        return GenericJson(account.platform, account.config, token, settings, fetcher)
    raise ValueError(f"unknown connector {account.connector!r}; known: {', '.join(CONNECTORS)}")


async def _pull(account: AccountRow, settings: Settings, fetcher: Fetcher) -> Pull | str:
    try:
        return await connector(account, settings, fetcher).pull(account.cursor)
    except (TokenError, ValueError) as exc:
        return f"config: {exc}"


async def sync_accounts(
    store: Store,
    settings: Settings,
    account_ids: list[int] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    due_only: bool = False,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
) -> list[SyncReport]:
    """Sync the enabled channels (or the ones named; only the due ones if `due_only`), one
    after the other, each under a lease so that no other worker syncs it at the same time."""
    social = SocialStore(store.engine)
    owner = worker_name()
    fetcher = Fetcher(settings, transport)
    reports: list[SyncReport] = []
    loop = asyncio.get_running_loop()
    if account_ids is None and not due_only:
        account_ids = [a.id for a in social.accounts(enabled_only=True)]
    try:
        while True:
            done = [r.account_id for r in reports]
            claim = functools.partial(
                social.claim_account,
                owner,
                now(),
                settings.lease_seconds,
                account_ids,
                due_only,
                exclude=done,
            )
            account = await loop.run_in_executor(None, claim)
            if account is None:
                break
            started = loop.time()
            report = SyncReport(account.id, account.name)
            try:
                pulled = await _pull(account, settings, fetcher)
                cursor = account.cursor
                if isinstance(pulled, str):
                    report.error = pulled
                else:
                    report.fetched, report.requests = len(pulled.items), pulled.requests
                    found = await loop.run_in_executor(
                        None, ingest, store, pulled.items, settings, account.id
                    )
                    report.stored, report.known = found.stored, found.known
                    report.placed = found.placed
                    if pulled.failure is not None:
                        report.error = str(pulled.failure)
                    cursor = pulled.cursor
            except asyncio.CancelledError:  # the worker is stopping: the next one syncs it
                social.release_account(account.id, owner)
                raise
            finished = now()
            due = finished + dt.timedelta(seconds=settings.social_sync_interval)
            await loop.run_in_executor(
                None,
                social.record_sync,
                account.id,
                cursor,
                report.error,
                report.stored,
                finished,
                due,
            )
            report.seconds = loop.time() - started
            if report.error:
                log.warning("social sync of %s: %s", account.name, report.error)
            reports.append(report)
    finally:
        await fetcher.aclose()
    return reports


def sync(
    store: Store, settings: Settings, account_ids: list[int] | None = None, due_only: bool = False
) -> Any:
    """`sync_accounts` from synchronous code (the CLI, the worker)."""
    return asyncio.run(sync_accounts(store, settings, account_ids, due_only=due_only))
