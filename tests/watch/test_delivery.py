"""Webhook delivery to a real local receiver: HMAC signature, digests, retries, visible failures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import socket

import pytest

from baochi.db import Store
from baochi.db.watch_store import WatchStore
from baochi.settings import Settings
from baochi.watch import DeliveryError, Message, WatchConfig, Webhook, check, raise_alert, verify
from baochi.watch.notify import SIGNATURE_HEADER, TIMESTAMP_HEADER, notifiers
from tests.watch.conftest import NOW, Seed, conflict_alert
from tests.watch.receivers import webhook_receiver

SECRET = "bí-mật-của-sở"
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture
def hooked(settings: Settings) -> WatchConfig:
    """Webhooks signed, and allowed to reach the receiver on 127.0.0.1 (as the settings are)."""
    return WatchConfig.from_settings(
        settings, delivery_backoff=60.0, webhook_secret=SECRET, notify_timeout=3.0
    )


def test_webhook_is_signed_and_carries_the_numbers(
    store: Store, watch: WatchStore, seed: Seed, hooked: WatchConfig
) -> None:
    watch.add_watchlist("An toàn thực phẩm", "an toàn thực phẩm", NOW - 10 * dt.timedelta(days=1))
    history = [
        (f"An toàn thực phẩm {d}-{i}", NOW - d * dt.timedelta(days=1) - dt.timedelta(hours=1))
        for d in range(1, 8)
        for i in range(3 + d % 3)
    ]
    burst = [(f"Ngộ độc, an toàn thực phẩm {i}", NOW - 2 * MINUTE) for i in range(30)]
    seed(history + burst)
    with webhook_receiver() as hook:
        watch.add_rule(["spike"], "webhook", hook.url, 60, NOW)
        summary = check(store, watch, hooked, NOW, notifiers(hooked))
    assert summary.deliveries == {"sent": 1}
    [got] = hook.received
    stamp, signature = got.headers[TIMESTAMP_HEADER], got.headers[SIGNATURE_HEADER]
    assert verify(SECRET, stamp, got.body, signature)
    assert not verify("another secret", stamp, got.body, signature)
    assert not verify(SECRET, stamp, got.body + b" ", signature)
    data = json.loads(got.body)
    assert data["count"] == 2  # the daily and the hourly rule, one message
    daily = next(a for a in data["alerts"] if a["span"] == "24h")
    assert daily["subject"]["label"] == "An toàn thực phẩm"
    assert daily["observed"] == 30 and daily["reason"].startswith("24 giờ qua: 30 bài")
    assert daily["baseline_mean"] == pytest.approx(4.0, abs=0.01)


def test_many_alerts_make_one_digest_per_interval(
    store: Store, watch: WatchStore, hooked: WatchConfig
) -> None:
    small = dataclasses.replace(hooked, digest_max_items=10)
    with webhook_receiver() as hook:
        watch.add_rule(["conflict"], "webhook", hook.url, 60, NOW)
        watch.add_rule(["spike"], "webhook", hook.url, 60, NOW)  # wants none of them
        for n in range(30):
            raise_alert(watch, conflict_alert(n), NOW)
        assert check(store, watch, small, NOW, notifiers(small)).deliveries == {"sent": 1}
        for n in range(30, 35):
            raise_alert(watch, conflict_alert(n), NOW + MINUTE)
        assert check(store, watch, small, NOW + 10 * MINUTE, notifiers(small)).digests == 0
        later = check(store, watch, small, NOW + 61 * MINUTE, notifiers(small))
        assert later.deliveries == {"sent": 1}
    first, second = (json.loads(r.body) for r in hook.received)
    assert (first["count"], len(first["alerts"]), first["omitted"]) == (30, 10, 20)
    assert second["count"] == 5
    assert second["alerts"][0]["reason"] == "Hai báo đưa số liệu khác nhau: 30 mm và 70 mm"
    assert watch.delivery_counts() == {"sent": 35}


def test_a_failed_delivery_is_retried_after_backoff(
    store: Store, watch: WatchStore, hooked: WatchConfig
) -> None:
    with webhook_receiver(500) as hook:
        watch.add_rule(["conflict"], "webhook", hook.url, 60, NOW)
        raise_alert(watch, conflict_alert(1), NOW)
        assert check(store, watch, hooked, NOW, notifiers(hooked)).deliveries == {"pending": 1}
        [waiting] = watch.digests(("pending",))
        assert waiting.attempts == 1 and waiting.last_error.endswith("HTTP 500")
        assert (
            check(
                store, watch, hooked, NOW + 30 * dt.timedelta(seconds=1), notifiers(hooked)
            ).deliveries
            == {}
        )  # not due before the backoff
        assert check(store, watch, hooked, NOW + 2 * MINUTE, notifiers(hooked)).deliveries == {
            "sent": 1
        }
    assert len(hook.received) == 2 and hook.received[0].body == hook.received[1].body
    [sent] = watch.digests(("sent",))
    assert sent.attempts == 2 and sent.last_error == "" and sent.sent_at == NOW + 2 * MINUTE


def test_a_delivery_that_keeps_failing_is_visible(
    store: Store, watch: WatchStore, hooked: WatchConfig
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{closed.getsockname()[1]}/hook"  # bound, never listening
        watch.add_rule(["conflict"], "webhook", dead, 60, NOW)
        raise_alert(watch, conflict_alert(1), NOW)
        cfg = dataclasses.replace(hooked, delivery_attempts=3, delivery_backoff=1.0)
        outcomes = [
            check(store, watch, cfg, NOW + n * MINUTE, notifiers(cfg)).deliveries for n in range(5)
        ]
    assert outcomes == [{"pending": 1}, {"pending": 1}, {"failed": 1}, {}, {}]
    [failed] = watch.digests(("failed",))
    assert failed.attempts == 3 and "ConnectError" in failed.last_error
    assert watch.delivery_counts() == {"failed": 1}


def test_webhooks_refuse_other_schemes_and_a_missing_secret() -> None:
    message = Message("tiêu đề", "nội dung", {"a": 1})
    for url in ("file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/"):
        with pytest.raises(DeliveryError, match="http"):
            Webhook(SECRET, 1.0).send(url, message)
    with pytest.raises(DeliveryError, match="webhook_secret"):
        Webhook("", 1.0).send("http://127.0.0.1:9/x", message)
