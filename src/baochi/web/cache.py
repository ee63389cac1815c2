"""A small time-limited cache for figures that many users read and few change (the dashboard).

One thread recomputes an expired value while the others keep reading the previous one, so a
crowd arriving together costs one computation, not twenty.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
DASHBOARD_SECONDS = 30.0  # how old the dashboard's figures, and every panel on it, may be
_guard = threading.Lock()
_locks: dict[str, threading.Lock] = {}


def cached(store: dict[str, Any], key: str, seconds: float, compute: Callable[[], T]) -> T:
    """The value under `key` if younger than `seconds`, else computed once and kept."""
    hit = store.get(key)
    if hit is not None and time.monotonic() - hit[0] < seconds:
        return hit[1]
    with _guard:
        lock = _locks.setdefault(key, threading.Lock())
    if hit is not None and not lock.acquire(blocking=False):
        return hit[1]  # stale while another thread refreshes
    if hit is None:
        lock.acquire()
    try:
        hit = store.get(key)
        if hit is not None and time.monotonic() - hit[0] < seconds:
            return hit[1]
        value = compute()
        store[key] = (time.monotonic(), value)
        return value
    finally:
        lock.release()
