"""Adaptive polling: faster when news flows, slower when quiet, disabled when dead."""

import datetime as dt

from baochi.collect.schedule import after_failure, after_success, next_interval
from baochi.settings import Settings

S = Settings()
NOW = dt.datetime(2026, 11, 28, 8, 0, tzinfo=dt.UTC)


def test_mostly_new_links_poll_sooner_and_known_later() -> None:
    assert next_interval(1200, new=40, known=10, settings=S) == 600
    assert next_interval(1200, new=1, known=49, settings=S) == 1800
    assert next_interval(1200, new=10, known=30, settings=S) == 1200


def test_interval_stays_within_bounds() -> None:
    assert next_interval(S.min_poll_interval, 50, 0, S) == S.min_poll_interval
    assert next_interval(S.max_poll_interval, 0, 50, S) == S.max_poll_interval


def test_success_resets_failures_and_keeps_validators() -> None:
    state = after_success(900, 5, 5, '"v1"', "Sat, 28 Nov 2026 07:00:00 GMT", NOW, S)
    assert state["consecutive_failures"] == 0
    assert state["etag"] == '"v1"'
    assert state["next_poll_at"] == NOW + dt.timedelta(seconds=state["poll_interval"])


def test_failures_back_off_then_disable() -> None:
    first = after_failure(900, 0, "timeout", NOW, S)
    assert first["consecutive_failures"] == 1 and "enabled" not in first
    assert first["next_poll_at"] > NOW
    last = after_failure(900, S.max_failures - 1, "http_500", NOW, S)
    assert last["enabled"] is False
    assert "http_500" in last["disabled_reason"]
