"""Extraction workers end with the process that owns their pool, however it ends."""

from __future__ import annotations

import os
import select
import threading


def exit_with(owner: int) -> None:
    """Pool initializer: end this worker when process `owner` ends, even by SIGKILL.

    A ProcessPoolExecutor worker waits on its queue forever once its owner is gone, and its
    forkserver waits for it, so a killed `baochi run` or `baochi worker` left both behind."""
    watched = os.pidfd_open(owner)

    def watch() -> None:
        select.select([watched], [], [])
        os._exit(0)

    threading.Thread(target=watch, name="baochi-owner-watch", daemon=True).start()
