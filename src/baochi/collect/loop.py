"""The collector as a long-running task: a pass whenever a source is due, then the documents
stored by any worker placed in stories."""

from __future__ import annotations

import asyncio
import logging

from baochi.collect.collector import Collector
from baochi.db import Store
from baochi.db.store import now
from baochi.settings import Settings

log = logging.getLogger(__name__)
MIN_SLEEP, MAX_SLEEP = 2.0, 60.0  # the shortest nap is how soon a handed-over host is taken


def seconds_until_due(store: Store) -> float:
    """How long until the next enabled source is due, bounded to a sensible nap."""
    due = store.next_due()
    if due is None:
        return MAX_SLEEP
    return min(max((due - now()).total_seconds(), MIN_SLEEP), MAX_SLEEP)


async def collect_forever(store: Store, settings: Settings) -> None:
    """Poll due sources until cancelled; a failing pass is logged and the loop goes on."""
    collector = Collector(store, settings, stays=True)
    try:
        while True:
            try:
                summary = await collector.run_once()
                if summary.sources:
                    log.info(
                        "collected %d source(s): %d new, %d failed",
                        len(summary.sources),
                        summary.total("new"),
                        summary.total("failed"),
                    )
            except Exception:
                log.exception("collection pass failed; retrying later")
            try:
                placed = await collector.place_stories()
                if placed:
                    log.info("placed %d document(s) in stories", placed)
            except Exception:  # the documents are safe; the next round places them
                log.exception("story placement failed; retrying after the next pass")
            await asyncio.sleep(seconds_until_due(store))
    finally:
        await collector.close()
