"""When to poll a source next: adaptive intervals, backoff on failure, disabling dead sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

from baochi.collect.explain import explain
from baochi.settings import Settings

SPEED_UP = 0.5  # mostly new links: poll twice as often
SLOW_DOWN = 1.5  # mostly known links: poll less often


def next_interval(current: float, new: int, known: int, settings: Settings) -> float:
    """Shorter when a poll brings mostly new links, longer when mostly known, within bounds."""
    total = new + known
    if total == 0 or new / total < 0.1:
        current *= SLOW_DOWN
    elif new / total > 0.5:
        current *= SPEED_UP
    return min(max(current, settings.min_poll_interval), settings.max_poll_interval)


def after_success(
    current: float,
    new: int,
    known: int,
    etag: str,
    last_modified: str,
    when: dt.datetime,
    settings: Settings,
) -> dict[str, Any]:
    """The source's new state after a successful poll (304 included)."""
    interval = next_interval(current, new, known, settings)
    return {
        "poll_interval": interval,
        "next_poll_at": when + dt.timedelta(seconds=interval),
        "last_polled_at": when,
        "last_success_at": when,
        "consecutive_failures": 0,
        "last_error": "",
        "etag": etag,
        "last_modified": last_modified,
    }


def handed_over(
    current: float, etag: str, last_modified: str, when: dt.datetime, settings: Settings
) -> dict[str, Any]:
    """A poll cut short to hand the host over: due at once, its interval and validators
    unchanged, so the next worker reads the whole listing again instead of a 304."""
    state = after_success(current, 0, 0, etag, last_modified, when, settings)
    return state | {"next_poll_at": when, "poll_interval": current}


def after_failure(
    current: float,
    failures: int,
    error: str,
    when: dt.datetime,
    settings: Settings,
    asked: float = 0.0,
) -> dict[str, Any]:
    """The source's new state after a failed poll: back off, no sooner than the server `asked`
    (its Retry-After, in seconds), and disable it after too many."""
    failures += 1
    backoff = min(settings.min_poll_interval * 2 ** min(failures, 16), settings.max_poll_interval)
    state: dict[str, Any] = {
        "next_poll_at": when + dt.timedelta(seconds=max(backoff, current, asked)),
        "last_polled_at": when,
        "consecutive_failures": failures,
        "last_error": error[:1000],
    }
    if failures >= settings.max_failures:
        state["enabled"] = False
        # Shown on the sources page as why it is off, in the office's words and the raw error.
        why = explain(error) or "lỗi"
        state["disabled_reason"] = f"Tự tắt sau {failures} lần lỗi liên tiếp ({why}): {error[:300]}"
    return state
