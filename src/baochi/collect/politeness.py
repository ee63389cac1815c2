"""Politeness towards each host: requests in flight, the delay between them, and robots.txt."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from protego import Protego

from baochi.failures import Failure, Retry
from baochi.records import source_url


def host_of(url: str) -> str:
    """The scheme, host and port that politeness counts per, the host in IDNA: the links a feed
    writes "hànộimới.vn" share their turns and robots.txt with the source stored in punycode."""
    parts = urlsplit(url)
    return _host_key(parts.scheme, parts.netloc)


@lru_cache(maxsize=4096)
def _host_key(scheme: str, netloc: str) -> str:
    """A host's key, worked out once per host, not once per request (a pass has few hosts)."""
    try:
        parts = urlsplit(source_url(f"{scheme}://{netloc}/"))
    except ValueError:  # no host name: the request fails on its own, politeness need not
        return f"{scheme}://{netloc.lower()}"
    return f"{parts.scheme}://{parts.netloc.lower()}"


@dataclass
class _Host:
    slots: asyncio.Semaphore
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    next_start: float = 0.0


class HostLimiter:
    """At most `concurrency` requests in flight per host, their starts `delay` seconds apart."""

    def __init__(self, delay: float, concurrency: int) -> None:
        self.delay = delay
        self.concurrency = max(1, concurrency)
        self._hosts: dict[str, _Host] = {}

    @asynccontextmanager
    async def slot(self, url: str) -> AsyncIterator[None]:
        """Wait for this host's turn, then hold one of its slots for the request."""
        host = self._hosts.setdefault(host_of(url), _Host(asyncio.Semaphore(self.concurrency)))
        async with host.slots:
            async with host.lock:
                wait = host.next_start - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                host.next_start = time.monotonic() + self.delay
            yield


# Returns the text of robots.txt ("" when there is none); raises a Failure when it cannot tell.
Loader = Callable[[str], Awaitable[str]]
FAILURE_TTL = 300.0  # seconds an unreadable robots.txt is not asked for again


class RobotsCache:
    """robots.txt per host, fetched once and trusted for `ttl` seconds.

    A missing robots.txt (4xx, a redirect loop, more redirects than RFC 9309's five) allows
    everything; one that cannot be read at all (5xx, timeout, no connection) keeps the whole
    host waiting, as Google does, so an outage never turns into a free-for-all; that wait is
    reported as a transient failure with its real cause.
    """

    def __init__(self, loader: Loader, user_agent: str, ttl: float) -> None:
        self._loader = loader
        self._agent = user_agent.split("/")[0]
        self._ttl = ttl
        self._cache: dict[str, tuple[float, Protego | Failure]] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, url: str) -> bool:
        """Whether robots.txt of the URL's host lets us fetch it; Retry when it cannot tell."""
        host = host_of(url)
        async with self._locks.setdefault(host, asyncio.Lock()):
            cached = self._cache.get(host)
            if cached is None or cached[0] < time.monotonic():
                try:
                    rules: Protego | Failure = Protego.parse(
                        await self._loader(host + "/robots.txt")
                    )
                    expires = time.monotonic() + self._ttl
                except Failure as exc:
                    rules, expires = exc, time.monotonic() + min(self._ttl, FAILURE_TTL)
                cached = self._cache[host] = (expires, rules)
        rules = cached[1]
        if isinstance(rules, Failure):
            if rules.reason == "blocked_address":
                raise rules
            raise Retry("robots_unavailable", f"robots.txt of {host} unreadable: {rules}")
        return bool(rules.can_fetch(url, self._agent))
