"""Delivery against hostile or broken peers on 127.0.0.1: internal targets are refused before
any connection, and a trickling or flooding peer costs one delivery notify_timeout and no memory."""

from __future__ import annotations

import dataclasses
import socket
import time
from collections.abc import Callable

import pytest

from baochi.db import Store
from baochi.db.watch_store import WatchStore
from baochi.settings import Settings
from baochi.watch import DeliveryError, Mailer, Message, WatchConfig, Webhook, check, raise_alert
from baochi.watch.notify import notifiers
from tests.watch.conftest import NOW, conflict_alert
from tests.watch.receivers import connections, read_request, tcp_server, webhook_receiver

SECRET = "bí-mật-của-sở"
MESSAGE = Message("Cảnh báo", "Nội dung", {"count": 1})
MIB = 2**20


def _webhook(settings: Settings, timeout: float) -> Webhook:
    """The webhook notifier as a check builds it, allowed to reach 127.0.0.1 as in every test."""
    config = WatchConfig.from_settings(settings, webhook_secret=SECRET, notify_timeout=timeout)
    return notifiers(config)["webhook"]


def _drip(data: bytes, every: float) -> Callable[[socket.socket], None]:
    """A peer that sends its answer one byte at a time."""

    def handle(conn: socket.socket) -> None:
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(every)

    return handle


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/hook",
        "http://192.168.1.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/hook",
        "http://127.0.0.1:9/hook",
    ],
)
def test_a_webhook_to_an_internal_address_is_refused_before_connecting(url: str) -> None:
    with connections() as attempted, pytest.raises(DeliveryError) as refused:
        Webhook(SECRET, 2.0).send(url, MESSAGE)
    assert str(refused.value) == f"webhook {url}: refused: internal address"
    assert attempted == []


def test_a_name_that_resolves_inside_fails_its_digest_at_once(
    store: Store, watch: WatchStore, config: WatchConfig
) -> None:
    """localhost is a name, resolved at send time; its digest fails on the first attempt."""
    hooked = dataclasses.replace(config, webhook_secret=SECRET, notify_timeout=3.0)
    with webhook_receiver() as hook:
        port = hook.url.split(":")[2].split("/")[0]
        watch.add_rule(["conflict"], "webhook", f"http://localhost:{port}/hook", 60, NOW)
        raise_alert(watch, conflict_alert(1), NOW)
        with connections() as attempted:
            summary = check(store, watch, hooked, NOW, notifiers(hooked))
    assert summary.deliveries == {"failed": 1} and hook.received == [] and attempted == []
    [failed] = watch.digests(("failed",))
    assert failed.last_error == f"webhook http://localhost:{port}/hook: refused: internal address"


def test_a_dripping_webhook_answer_is_cut_at_the_timeout(settings: Settings) -> None:
    answer = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Slow: " + b"z" * 60 + b"\r\n\r\nok"

    def handle(conn: socket.socket) -> None:
        read_request(conn)
        _drip(answer, 0.2)(conn)

    with tcp_server(handle) as port:
        started = time.monotonic()
        with pytest.raises(DeliveryError, match="not done within 1 s"):
            _webhook(settings, 1.0).send(f"http://127.0.0.1:{port}/hook", MESSAGE)
        assert time.monotonic() - started < 10  # the answer takes 16 s to drip in


def test_a_huge_webhook_answer_is_not_read(settings: Settings) -> None:
    size, sent = 128 * MIB, [0]

    def handle(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        chunk = b"x" * MIB
        while sent[0] < size:
            conn.sendall(chunk)
            sent[0] += len(chunk)

    with tcp_server(handle) as port:
        _webhook(settings, 5.0).send(f"http://127.0.0.1:{port}/hook", MESSAGE)
    assert sent[0] < 32 * MIB  # what the sockets' buffers hold, not the answer


@pytest.mark.parametrize("slow", ["greeting", "ehlo"])
def test_a_trickling_smtp_server_is_cut_at_the_timeout(slow: str) -> None:
    """smtplib's timeout is per read: a server sending a byte every 0.2 s never trips it."""

    def handle(conn: socket.socket) -> None:
        if slow == "greeting":
            _drip(b"220 " + b"h" * 60 + b"\r\n", 0.2)(conn)
            return
        conn.sendall(b"220 ready\r\n")
        conn.recv(1024)  # EHLO
        _drip(b"250 " + b"h" * 60 + b"\r\n", 0.2)(conn)

    with tcp_server(handle) as port:
        cfg = WatchConfig(smtp_host="127.0.0.1", smtp_port=port, notify_timeout=1.0)
        started = time.monotonic()
        with pytest.raises(DeliveryError, match=r"SMTP 127\.0\.0\.1:\d+: not done within 1 s"):
            Mailer(cfg).send("a@example.vn", MESSAGE)
        assert time.monotonic() - started < 10  # the server takes 12 s to answer
