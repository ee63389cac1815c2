"""E-mail digests through a real SMTP server (aiosmtpd) on 127.0.0.1, Vietnamese kept intact."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import email
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default

import pytest

from baochi.db import Store
from baochi.db.watch_store import Alert, WatchStore
from baochi.watch import Mailer, Message, WatchConfig, check
from baochi.watch.digest import render
from baochi.watch.notify import DeliveryError, notifiers
from tests.watch.conftest import NOW, Seed

HOUR = dt.timedelta(hours=1)

controller = pytest.importorskip(
    "aiosmtpd.controller", reason="aiosmtpd is not installed (pip install -e '.[dev]')"
)


class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        raw = envelope.content  # type: ignore[attr-defined]
        parsed = email.message_from_bytes(raw, policy=default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[attr-defined]
        return "250 OK"


@contextlib.contextmanager
def smtp_server(inbox: Inbox) -> Iterator[int]:
    """A real SMTP server on a free port of 127.0.0.1 delivering to the inbox; its port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = controller.Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        yield port
    finally:
        server.stop()


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on a free port of 127.0.0.1, and what it received."""
    inbox = Inbox()
    with smtp_server(inbox) as port:
        yield inbox, port


def test_a_spike_digest_arrives_by_mail_in_vietnamese(
    store: Store,
    watch: WatchStore,
    seed: Seed,
    config: WatchConfig,
    smtp: tuple[Inbox, int],
) -> None:
    inbox, port = smtp
    mail = dataclasses.replace(
        config,
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_from="baochi@sotttt.hanoi.gov.vn",
        public_url="https://baochi.sotttt.hanoi.gov.vn/",
    )
    watch_id, _ = watch.add_watchlist(
        "An toàn thực phẩm trường học", '"an toàn thực phẩm"', NOW - dt.timedelta(days=10)
    )
    per_day = [8, 10, 9, 12, 7, 9, 11]
    seed(
        [
            (f"An toàn thực phẩm ở trường {d}-{i}", NOW - (7 - d) * dt.timedelta(days=1) - HOUR)
            for d, n in enumerate(per_day)
            for i in range(n)
        ]
        + [
            (f"Ngộ độc ở trường mầm non, an toàn thực phẩm {i}", NOW - dt.timedelta(hours=3))
            for i in range(37)
        ]
    )
    watch.add_rule(["spike"], "email", "chi.lan@sotttt.hanoi.gov.vn", 60, NOW, watch_id)
    summary = check(store, watch, mail, NOW, notifiers(mail))
    assert summary.deliveries == {"sent": 1}
    [(to, message)] = inbox.messages
    assert to == ["chi.lan@sotttt.hanoi.gov.vn"]
    assert message["Subject"] == "[baochi] Đột biến: An toàn thực phẩm trường học"
    body = message.get_content()
    assert "24 giờ qua: 37 bài, trung bình 7 ngày: 9,4 (độ lệch chuẩn 1,7)" in body
    assert "lúc 30/11/2026 08:00 (giờ Hà Nội)" in body
    # one click from the mail to where the alert is read in baochi
    link = f"Xem trong baochi: https://baochi.sotttt.hanoi.gov.vn/alerts#watchlist-{watch_id}"
    assert link in body
    assert message.get_content_charset() == "utf-8"
    # Sent in Hà Nội's time, not "-0000" (a moment whose zone is unknown)
    assert message["Date"].endswith(" +0700")


def test_a_case_reminder_mail_links_to_the_case_where_baochi_is_opened() -> None:
    """An officer's reminder links to his case; without the address, no link is invented."""
    notice = Alert(
        kind="case",
        subject_kind="department",
        subject_key="7",
        subject_label="Sở Xây dựng — hồ sơ #12",
        reason="Hồ sơ #12 đến hạn trả lời ngày 02/12/2026, còn 2 ngày làm việc.",
        dedupe_key="case:12:due-2",
        payload={"case_id": 12},
    )
    linked = render(1, [notice], NOW, 50, "https://baochi.example.gov.vn/").text
    assert "   Xem trong baochi: https://baochi.example.gov.vn/cases/12\n" in linked
    assert "Xem trong baochi" not in render(1, [notice], NOW, 50).text


def test_a_watchlists_new_matches_say_how_many_are_not_listed() -> None:
    """Seven new matches, five listed: the mail says two more are in the app."""
    documents = [
        {"id": i, "title": f"An toàn thực phẩm {i}", "url": f"https://tin.vn/{i}", "outlet": "A"}
        for i in range(5)
    ]
    matches = Alert(
        kind="match",
        subject_kind="watchlist",
        subject_key="2",
        subject_label="An toàn thực phẩm",
        reason="7 bài mới khớp danh sách theo dõi «an toàn thực phẩm»",
        dedupe_key="match:2:0:7",
        observed=7,
        payload={"documents": documents},
    )
    text = render(1, [matches], NOW, 50).text
    assert text.count("   - An toàn thực phẩm") == 5 and "   - … và 2 bài khác\n" in text


def test_mail_failures_say_why(config: WatchConfig, smtp: tuple[Inbox, int]) -> None:
    message = Message("Cảnh báo", "Nội dung")
    with pytest.raises(DeliveryError, match="smtp_host"):
        Mailer(config).send("a@example.vn", message)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        dead = dataclasses.replace(
            config, smtp_host="127.0.0.1", smtp_port=closed.getsockname()[1], notify_timeout=2
        )
        with pytest.raises(DeliveryError, match=r"SMTP 127\.0\.0\.1"):
            Mailer(dead).send("a@example.vn", message)


def test_a_line_break_in_a_header_fails_no_digest_and_stops_no_other(
    store: Store,
    watch: WatchStore,
    seed: Seed,
    config: WatchConfig,
    smtp: tuple[Inbox, int],
) -> None:
    """A watchlist named with line breaks (stored by an older version, or an API) is mailed with
    its name on one line; a target no mail can be written to fails its own digest only."""
    inbox, port = smtp
    mail = dataclasses.replace(config, smtp_host="127.0.0.1", smtp_port=port)
    watch_id, _ = watch.add_watchlist(
        "Ngập\r\nBcc: spy@example.vn\u2028úng\x85phố", "ngập", NOW - dt.timedelta(days=10)
    )
    seed([("Phố Hà Nội ngập sau mưa lớn", NOW - HOUR)])
    watch.add_rule(["match"], "email", '"chi.lan"@', 60, NOW, watch_id)  # the parser's IndexError
    watch.add_rule(["match"], "email", "chi.lan@sotttt.hanoi.gov.vn", 60, NOW, watch_id)
    summary = check(store, watch, mail, NOW, notifiers(mail))
    assert summary.deliveries == {"pending": 1, "sent": 1}
    [(to, message)] = inbox.messages
    assert to == ["chi.lan@sotttt.hanoi.gov.vn"] and "Bcc" not in message
    assert message["Subject"] == "[baochi] Bài mới: Ngập Bcc: spy@example.vn úng phố"
    [waiting] = watch.digests(("pending",))
    assert waiting.last_error.startswith("cannot write the mail: ")
