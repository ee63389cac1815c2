"""The background work of a `baochi run` or `baochi worker` process: collection, alert checks,
case reminders, scheduled reports and the nightly backup, each on its own rhythm, until
cancelled."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from baochi.cases.casework import follow_stories
from baochi.cases.deadlines import configured_rules
from baochi.cases.delivery import remind
from baochi.collect.loop import collect_forever
from baochi.collect.social.sync import sync_accounts
from baochi.db import Store
from baochi.db.backup import nightly
from baochi.db.watch_store import WatchStore
from baochi.pipeline import name_areas
from baochi.reports.schedule import RUN_EVERY, run_schedule
from baochi.settings import Settings
from baochi.watch.check import check
from baochi.watch.config import WatchConfig
from baochi.watch.notify import notifiers

log = logging.getLogger(__name__)
REMINDER_EVERY = 3600.0
SOCIAL_TICK = 60.0  # how often a worker looks for social channels that are due


async def every(seconds: float, name: str, job: Callable[[dt.datetime], Awaitable[object]]) -> None:
    """Run a job every `seconds`; a failure is logged and retried next time."""
    while True:
        try:
            await job(dt.datetime.now(dt.UTC))
        except Exception:
            log.exception("%s failed; trying again in %.0f s", name, seconds)
        await asyncio.sleep(seconds)


def threaded(job: Callable[[dt.datetime], object]) -> Callable[[dt.datetime], Awaitable[object]]:
    """A blocking job run in a thread (a stopping process waits for it to end)."""
    return lambda now: asyncio.to_thread(job, now)


async def background(store: Store, settings: Settings) -> None:
    """Collect, check watchlists and spikes, name the areas of documents stored before areas
    were, write (and hand over) case reminders, make and mail the scheduled brief and reports,
    and back up once a night."""
    config = WatchConfig.from_settings(settings)
    watch, channels = WatchStore(store.engine), notifiers(config)
    await asyncio.gather(
        collect_forever(store, settings),
        every(
            settings.check_interval,
            "alert check",
            threaded(lambda now: check(store, watch, config, now, channels)),
        ),
        every(settings.check_interval, "area naming", threaded(lambda now: name_areas(store))),
        every(
            settings.check_interval,
            "case coverage",
            threaded(lambda now: follow_stories(store.engine, now)),
        ),
        every(
            min(settings.social_sync_interval, SOCIAL_TICK),  # channels fall due one by one
            "social sync",  # on this loop: a stop cancels it mid-request and frees its channel
            lambda now: sync_accounts(store, settings, due_only=True),
        ),
        every(
            REMINDER_EVERY,
            "case reminders",
            threaded(
                lambda now: remind(store.engine, now, configured_rules(settings.case_rules_file))
            ),
        ),
        every(
            RUN_EVERY,
            "scheduled reports",
            threaded(lambda now: run_schedule(store, settings, now)),
        ),
        every(RUN_EVERY, "nightly backup", threaded(lambda now: nightly(settings, now))),
    )
