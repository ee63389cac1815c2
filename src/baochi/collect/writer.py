"""Write-behind batching: documents from many fetches go to the single writer thread together.

One transaction per batch instead of one per article keeps the writer thread (and its hold on
the GIL) short, so the fetching loop stays responsive. Story placement is not done here: it is a
later stage over every unplaced document (baochi.stories.place_pending).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

from baochi.db import Store
from baochi.records import Collected

BATCH_SIZE = 64
BATCH_DELAY = 0.05  # seconds a lone document waits for company


class BatchWriter:
    """Collects documents and stores them in batches through one executor (the writer)."""

    def __init__(self, store: Store, writer: Executor) -> None:
        self._store = store
        self._writer = writer
        self._queue: list[tuple[Collected, asyncio.Future[tuple[str, int]]]] = []
        self._timer: asyncio.TimerHandle | None = None
        self._flushes: set[asyncio.Task[None]] = set()

    async def save(self, item: Collected) -> tuple[str, int]:
        """Store one document with the next batch; ("stored" | "duplicate", document id)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[tuple[str, int]] = loop.create_future()
        self._queue.append((item, future))
        if len(self._queue) >= BATCH_SIZE:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(BATCH_DELAY, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._queue = self._queue, []
        if batch:
            task = asyncio.ensure_future(self._write(batch))
            self._flushes.add(task)
            task.add_done_callback(self._flushes.discard)

    async def _write(self, batch: list[tuple[Collected, asyncio.Future[tuple[str, int]]]]) -> None:
        loop = asyncio.get_running_loop()
        items = [item for item, _ in batch]
        try:
            results = await loop.run_in_executor(self._writer, self._store.save_documents, items)
        except Exception as exc:  # a database failure fails every document of the batch
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            future.set_result(result)
