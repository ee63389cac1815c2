"""Notifiers: a digest sent by e-mail (SMTP) or by webhook (JSON POST signed with HMAC-SHA256),
each within notify_timeout in all, retried with backoff; every failure is written on the digest.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from baochi.collect.ssrf import BlockedAddress, Network, guarded_transport
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


class Refused(DeliveryError):
    """A target no retry will reach (an internal address): its digest fails at once."""


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
        mail = compose(cfg.smtp_from, target, message)
        call = _Call(cfg.notify_timeout)
        try:
            with call:
                call.connect(cfg.smtp_host, cfg.smtp_port)
                if cfg.smtp_starttls:
                    call.starttls(context=ssl.create_default_context())
                if cfg.smtp_user:
                    call.login(cfg.smtp_user, cfg.smtp_password)
                refused = call.send_message(mail)
        except (OSError, smtplib.SMTPException) as exc:
            why = f"not done within {cfg.notify_timeout:g} s" if call.expired else str(exc)
            raise DeliveryError(f"SMTP {cfg.smtp_host}:{cfg.smtp_port}: {why}") from exc
        if refused:
            raise DeliveryError(f"SMTP refused {', '.join(sorted(refused))}")


def one_line(text: str) -> str:
    """The text with every run of white space (line breaks, U+2028 and U+0085 too) made one
    space: a line break in a header value would end the header."""
    return " ".join(text.split())


def compose(sender: str, target: str, message: Message) -> EmailMessage:
    """The mail of a message; one whose headers cannot be written (an address that does not
    parse) is a failed delivery of its digest, not a crash of the check."""
    mail = EmailMessage(policy=UNFOLDED)
    try:
        mail["From"] = one_line(sender)
        mail["To"] = one_line(target)
        mail["Subject"] = one_line(message.subject)
        mail["Date"] = format_datetime(dt.datetime.now(HANOI))
        mail["Message-ID"] = make_msgid(domain=one_line(sender).rpartition("@")[2] or None)
        mail.set_content(message.text, charset="utf-8")
        for item in message.attachments:
            main, _, sub = item.mime.partition(";")[0].partition("/")
            mail.add_attachment(item.data, maintype=main, subtype=sub, filename=one_line(item.name))
    except (ValueError, IndexError) as exc:  # the address parser raises both on bad input
        raise DeliveryError(f"cannot write the mail: {exc}") from exc
    return mail


class _Call(smtplib.SMTP):
    """An SMTP conversation cut at a deadline. smtplib's timeout bounds each socket operation,
    so a server trickling a byte a second holds it for ever, and setting the time left before
    each step would not do (one step is many reads); a timer that shuts the connection down
    wakes whatever read or write is blocked, at any step, TLS or not."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self._timer: threading.Timer | None = None
        self._line: socket.socket | None = None
        super().__init__(timeout=seconds)

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return time.monotonic() >= self.deadline

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        """Connect within the time left (smtplib's hook, which SMTP_SSL overrides too, unknown to
        typeshed), and arm the timer on a duplicate of the socket, which STARTTLS does not
        replace."""
        left = max(self.deadline - time.monotonic(), 0.01)
        sock: socket.socket = super()._get_socket(host, port, left)  # type: ignore[misc]
        self._line = sock.dup()
        self._timer = threading.Timer(self.deadline - time.monotonic(), _hang_up, (self._line,))
        self._timer.start()
        return sock

    def close(self) -> None:
        """Close the connection, then disarm the timer and drop the duplicate."""
        super().close()
        if self._timer is not None:
            self._timer.cancel()
            self._timer.join()
        if self._line is not None:
            self._line.close()
        self._timer = self._line = None


def _hang_up(line: socket.socket) -> None:
    """End a connection at its deadline (it may have ended already)."""
    with contextlib.suppress(OSError):
        line.shutdown(socket.SHUT_RDWR)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature a receiver recomputes: HMAC-SHA256 over "timestamp.body", hex."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """Whether a received webhook was signed with this secret (constant-time comparison)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature)


class Webhook:
    """JSON POST to a configured endpoint outside the network (save the `allowed` networks);
    the transport is injectable for tests."""

    def __init__(
        self,
        secret: str,
        timeout: float,
        allowed: Sequence[Network] = (),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.secret = secret
        self.timeout = timeout
        self.allowed = tuple(allowed)
        self.transport = transport

    def send(self, target: str, message: Message) -> None:
        """POST the message's JSON, signed; any answer but 2xx is a failure to retry, an internal
        address one no retry mends. It runs an event loop of its own (the guard is asynchronous):
        call it where none runs, as the check's thread does."""
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
            status = asyncio.run(self._post(target, body, headers))
        except BlockedAddress as exc:  # which address, and why, would map the network
            raise Refused(f"webhook {target}: refused: internal address") from exc
        except TimeoutError as exc:
            raise DeliveryError(f"webhook {target}: not done within {self.timeout:g} s") from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise DeliveryError(f"webhook {target}: {type(exc).__name__}: {exc}") from exc
        if not 200 <= status < 300:
            raise DeliveryError(f"webhook {target}: HTTP {status}")

    async def _post(self, target: str, body: bytes, headers: dict[str, str]) -> int:
        """The answer's status, within the timeout in all (httpx's bounds each read, which a
        reply trickled a byte at a time never reaches); its body is never read."""
        transport = self.transport or guarded_transport(self.allowed)
        async with (
            asyncio.timeout(self.timeout),
            httpx.AsyncClient(
                timeout=self.timeout, transport=transport, follow_redirects=False, trust_env=False
            ) as client,
            client.stream("POST", target, content=body, headers=headers) as response,
        ):
            return response.status_code


def notifiers(config: WatchConfig) -> dict[str, Notifier]:
    """The notifier of each channel, built from the configuration."""
    return {
        "email": Mailer(config),
        "webhook": Webhook(config.webhook_secret, config.notify_timeout, config.private_networks),
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
        final = tried >= config.delivery_attempts or isinstance(exc, Refused)
        status = "failed" if final else "pending"
        watch.record_attempt(digest.id, status, str(exc), now, now + backoff(config, tried))
        return status
    watch.record_attempt(digest.id, "sent", "", now, now)
    return "sent"
