"""Notifiers: a digest sent by e-mail (SMTP) or by webhook (JSON POST signed with HMAC-SHA256),
retried with backoff; every failure is written on the digest and its deliveries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from baochi.db.watch_store import DigestRow, WatchStore
from baochi.hanoi_time import HANOI
from baochi.watch.config import WatchConfig

SIGNATURE_HEADER = "X-Baochi-Signature"
# The standard library's folding of long encoded headers drops the space where it cuts a
# Vietnamese subject ("báo chí về" arrives as "báo chívề"); lines up to RFC 5322's hard limit
# of 998 characters need no folding.
UNFOLDED = SMTP.clone(max_line_length=998)
TIMESTAMP_HEADER = "X-Baochi-Timestamp"


class DeliveryError(Exception):
    """A message did not go; the text (kept on the digest) says why."""


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a mail (a report as PDF or DOCX); webhooks carry none."""

    name: str
    mime: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Message:
    """One digest, rendered once for every channel: a subject and text for mail, JSON for hooks."""

    subject: str
    text: str
    data: Mapping[str, Any] = field(default_factory=dict)
    attachments: tuple[Attachment, ...] = ()


class Notifier(Protocol):
    """Sends a message to a target (an address, a URL) or raises DeliveryError."""

    def send(self, target: str, message: Message) -> None:
        """Deliver the message, or raise DeliveryError saying why not."""


class Mailer:
    """E-mail through the configured SMTP server (STARTTLS and login when configured)."""

    def __init__(self, config: WatchConfig) -> None:
        self.config = config

    def send(self, target: str, message: Message) -> None:
        """Send the message as UTF-8 plain text to one or more comma-separated addresses."""
        cfg = self.config
        if not cfg.smtp_host:
            raise DeliveryError("chưa cấu hình máy chủ SMTP (smtp_host)")
        mail = EmailMessage(policy=UNFOLDED)
        mail["From"] = cfg.smtp_from
        mail["To"] = target
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(dt.datetime.now(HANOI))
        mail["Message-ID"] = make_msgid(domain=cfg.smtp_from.rpartition("@")[2] or None)
        mail.set_content(message.text, charset="utf-8")
        for item in message.attachments:
            main, _, sub = item.mime.partition(";")[0].partition("/")
            mail.add_attachment(item.data, maintype=main, subtype=sub, filename=item.name)
        try:
            with smtplib.SMTP(cfg.smtp_host, cfg.smtp_port, timeout=cfg.notify_timeout) as smtp:
                if cfg.smtp_starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if cfg.smtp_user:
                    smtp.login(cfg.smtp_user, cfg.smtp_password)
                refused = smtp.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"SMTP {cfg.smtp_host}:{cfg.smtp_port}: {exc}") from exc
        if refused:
            raise DeliveryError(f"SMTP refused {', '.join(sorted(refused))}")


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a receiver recomputes: HMAC-SHA256 over "timestamp.body", hex."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Whether a received webhook was signed with this secret (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class Webhook:
    """JSON POST to a configured endpoint; the transport is injectable for tests."""

    def __init__(
        self, secret: str, timeout: float, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.secret = secret
        self.timeout = timeout
        self.transport = transport

    def send(self, target: str, message: Message) -> None:
        """POST the message's JSON, signed; any answer but 2xx is a failure to retry."""
        if urlsplit(target).scheme not in ("http", "https"):
            raise DeliveryError(f"webhook URL must be http(s): {target!r}")
        if not self.secret:
            raise DeliveryError("chưa cấu hình khóa ký webhook (webhook_secret)")
        body = json.dumps(message.data, ensure_ascii=False).encode("utf-8")
        stamp = str(int(dt.datetime.now(dt.UTC).timestamp()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: sign(self.secret, stamp, body),
        }
        try:
            with httpx.Client(
                timeout=self.timeout, transport=self.transport, follow_redirects=False
            ) as client:
                response = client.post(target, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"webhook {target}: {type(exc).__name__}: {exc}") from exc
        if not 200 <= response.status_code < 300:
            raise DeliveryError(f"webhook {target}: HTTP {response.status_code}")


def notifiers(config: WatchConfig) -> dict[str, Notifier]:
    """The notifier of each channel, built from the configuration."""
    return {
        "email": Mailer(config),
        "webhook": Webhook(config.webhook_secret, config.notify_timeout),
    }


def backoff(config: WatchConfig, attempts: int) -> dt.timedelta:
    """How long to wait after the given number of failed attempts: doubling each time."""
    return dt.timedelta(seconds=config.delivery_backoff * 2 ** max(attempts - 1, 0))


def attempt(
    watch: WatchStore,
    config: WatchConfig,
    channels: Mapping[str, Notifier],
    digest: DigestRow,
    message: Message,
    now: dt.datetime,
) -> str:
    """Try one digest once and record the outcome: "sent", "pending" (will retry) or "failed"."""
    notifier = channels.get(digest.channel)
    try:
        if notifier is None:
            raise DeliveryError(f"unknown channel {digest.channel!r}")
        notifier.send(digest.target, message)
    except DeliveryError as exc:
        tried = digest.attempts + 1
        status = "failed" if tried >= config.delivery_attempts else "pending"
        watch.record_attempt(digest.id, status, str(exc), now, now + backoff(config, tried))
        return status
    watch.record_attempt(digest.id, "sent", "", now, now)
    return "sent"
