"""A small time-limited cache for figures that many users read and few change (the dashboard)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
_lock = threading.Lock()


def cached(store: dict[str, Any], key: str, seconds: float, compute: Callable[[], T]) -> T:
    """The value under `key` if younger than `seconds`, else computed once and kept."""
    stamp = time.monotonic()
    with _lock:
        hit = store.get(key)
    if hit is not None and stamp - hit[0] < seconds:
        return hit[1]
    value = compute()
    with _lock:
        store[key] = (stamp, value)
    return value
