"""The fetcher: one polite, bounded, hostile-server-proof HTTP GET that returns a Page.

Policy (robots, per-host turns, redirects, retries, limits) lives here; the network goes through
an injectable httpx transport, guarded against internal addresses by default.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import zlib
from dataclasses import replace
from urllib.parse import urlsplit

import httpx

from baochi.collect.links import joined
from baochi.collect.politeness import HostLimiter, RobotsCache
from baochi.collect.ssrf import BlockedAddress, guarded_transport
from baochi.failures import Reject, Retry, Skip
from baochi.records import Page
from baochi.settings import Settings

HTML_TYPES = ("text/html", "application/xhtml+xml")
SOURCE_TYPES = (
    *HTML_TYPES,
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
    "text/xml",
    "application/rdf+xml",
    "text/plain",
    "application/x-gzip",
    "application/gzip",
    "application/octet-stream",
)
# Platform APIs answer JSON, and their error objects (expired token, rate limit) come with 4xx.
API_TYPES = ("application/json", "text/javascript", "text/plain")
ROBOTS_MAX_BYTES = 512 * 1024
# RFC 9309 2.3.1.2: follow at least five redirects; past them robots.txt counts as missing (as
# Google treats it), so an http → https → www chain is read and a loop blocks nothing.
ROBOTS_REDIRECTS = 5
MAX_RETRY_AFTER = 86_400.0  # a day: a server asking for longer is asked again then
WAIT_IN_PASS = 30.0  # a longer Retry-After is the next poll's to honour, not this pass's


class _Decoder:
    """Decompresses gzip/deflate in bounded steps, so a decompression bomb stops at the limit."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self.parts: list[bytes] = []
        wbits = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS}.get(encoding)
        self._zlib = None
        if encoding in ("gzip", "x-gzip", "deflate"):
            self._zlib = zlib.decompressobj(wbits if wbits else zlib.MAX_WBITS)
        elif encoding not in ("", "identity"):
            raise Reject("content_encoding", f"unsupported Content-Encoding {encoding!r}")
        self._deflate_raw_tried = False

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._add(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._zlib.decompress(data, self.limit - self.size + 1)
            except zlib.error as exc:
                if self._deflate_raw_tried or self.size:
                    raise Reject("bad_compression", str(exc)) from exc
                # Some servers send raw deflate without the zlib header.
                self._deflate_raw_tried = True
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                continue
            self._add(out)
            data = self._zlib.unconsumed_tail

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.limit:
            raise Reject("too_large", f"body over {self.limit} bytes after decompression")
        self.parts.append(data)

    def body(self) -> bytes:
        return b"".join(self.parts)


def _retry_after(value: str | None) -> float:
    """Seconds asked for by a Retry-After header (delta or HTTP date), capped."""
    if not value:
        return 0.0
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return 0.0
        seconds = (when - dt.datetime.now(dt.UTC)).total_seconds()
    return max(0.0, min(seconds, MAX_RETRY_AFTER))


def _media_type(content_type: str) -> tuple[str, str | None]:
    """("text/html", "utf-8") from a Content-Type header."""
    media, _, params = content_type.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media.strip().lower(), charset


class Fetcher:
    """Fetches pages politely and safely; one per collection run, closed with `aclose()`."""

    def __init__(self, settings: Settings, transport: httpx.AsyncBaseTransport | None = None):
        self.settings = settings
        limits = httpx.Limits(max_connections=settings.fetch_concurrency * 2)
        self.client = httpx.AsyncClient(
            transport=transport or guarded_transport(settings.private_networks, limits=limits),
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.total_timeout,
            ),
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Language": "vi,en;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
        )
        self.limiter = HostLimiter(settings.host_delay, settings.host_concurrency)
        self.robots = RobotsCache(self._robots_txt, settings.user_agent, settings.robots_ttl)
        self._slots = asyncio.Semaphore(settings.fetch_concurrency)

    async def aclose(self) -> None:
        await self.client.aclose()

    async def fetch(
        self,
        url: str,
        kind: str = "article",
        etag: str = "",
        last_modified: str = "",
        headers: dict[str, str] | None = None,
    ) -> Page:
        """GET with retries on transient failures; raises Skip, Retry or Reject.

        kind "api" is a platform's JSON API reached with a token: robots.txt (for crawlers) is
        not consulted, 4xx answers come back as pages so the caller reads the error object, and
        `headers` (the credentials) go with the first request only, never to a redirect.
        """
        if joined(url, "") is None:  # a port past 65535 passes httpx and fails in the socket
            raise Reject("bad_url", f"no address: {url[:200]}")
        attempt = 0
        while True:
            try:
                return await asyncio.wait_for(
                    self._follow(url, kind, etag, last_modified, headers or {}),
                    self.settings.total_timeout,
                )
            except TimeoutError:
                failure = Retry("timeout", f"no complete answer in {self.settings.total_timeout}s")
                wait = 0.0
            except Retry as exc:
                failure, wait = exc, exc.wait
            if attempt >= self.settings.retries or wait > WAIT_IN_PASS:
                raise failure
            await asyncio.sleep(max(wait, self.settings.retry_backoff * 2**attempt))
            attempt += 1

    async def _follow(
        self, url: str, kind: str, etag: str, last_modified: str, extra: dict[str, str]
    ) -> Page:
        """Follow redirects by hand, so each hop passes robots, politeness and the guard."""
        visited = {url}
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            if urlsplit(current).scheme not in ("http", "https"):
                raise Skip("scheme", f"not an http(s) URL: {current[:200]}")
            if kind != "api" and not await self.robots.allowed(current):
                raise Skip("robots", f"disallowed by robots.txt: {current[:200]}")
            headers = dict(extra) if current == url else {}
            if current == url and etag:
                headers["If-None-Match"] = etag
            if current == url and last_modified:
                headers["If-Modified-Since"] = last_modified
            async with self.limiter.slot(current), self._slots:
                page, location = await self._get(url, current, kind, headers)
            if page is not None:
                return page
            assert location is not None
            if location in visited:
                raise Reject("redirect_loop", f"{current} redirects back to {location}")
            visited.add(location)
            current = location
        raise Reject("too_many_redirects", f"more than {self.settings.max_redirects} redirects")

    async def _get(
        self, url: str, current: str, kind: str, headers: dict[str, str]
    ) -> tuple[Page | None, str | None]:
        """One request: a Page, or the next location of a redirect."""
        try:
            request = self.client.build_request("GET", current, headers=headers)
        except httpx.InvalidURL as exc:  # nothing to retry: the address itself is broken
            raise Reject("bad_url", f"{exc}: {current[:200]}") from exc
        try:
            response = await self.client.send(request, stream=True)
        except BlockedAddress as exc:
            raise Skip("blocked_address", str(exc)) from exc
        except httpx.TimeoutException as exc:
            raise Retry("timeout", f"{type(exc).__name__} at {current[:200]}") from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            if str(exc).startswith("Invalid URL in location header"):  # httpx reads it itself
                raise Reject("bad_redirect", str(exc)[:200]) from exc
            raise Retry("connection", f"{type(exc).__name__}: {exc}") from exc
        try:
            status = response.status_code
            if status in (301, 302, 303, 307, 308):
                location = response.headers.get("location", "")
                target = joined(current, location) if location else None
                if target is None:
                    raise Reject("bad_redirect", f"redirect to {location[:200]!r}")
                return None, target
            if status >= 500 or status == 429:
                wait = _retry_after(response.headers.get("retry-after"))
                raise Retry(f"http_{status}", current[:200], wait)
            page_headers = {
                "etag": response.headers.get("etag", ""),
                "last_modified": response.headers.get("last-modified", ""),
            }
            stamp = dt.datetime.now(dt.UTC)
            if status == 304:
                return Page(url, current, 304, "", None, b"", stamp, **page_headers), None
            if status >= 400 and kind != "api":
                raise Skip(f"http_{status}", current[:200])
            media, charset = _media_type(response.headers.get("content-type", ""))
            allowed = {"article": HTML_TYPES, "api": API_TYPES}.get(kind, SOURCE_TYPES)
            # robots.txt is read whatever its type, as Google does: lines that are no rules
            # (an HTML or JSON error page) are ignored, so such a file allows everything.
            if media and kind != "robots" and media not in allowed:
                raise Reject("content_type", f"{media} is not expected for a {kind}")
            declared = response.headers.get("content-length", "")
            limit = self.settings.max_body_bytes
            if declared.isdigit() and int(declared) > limit:
                raise Reject("too_large", f"Content-Length {declared} over {limit}")
            body = await self._read(response, limit)
            page = Page(url, current, status, media, charset, body, stamp, **page_headers)
            if kind == "api":  # rate-limit headers of the platform
                page = replace(page, headers=tuple(response.headers.items()))
            return page, None
        except httpx.TimeoutException as exc:
            raise Retry("timeout", f"reading {current[:200]}") from exc
        except httpx.TransportError as exc:
            raise Retry("connection", f"reading {current[:200]}: {exc}") from exc
        finally:
            await response.aclose()

    async def _read(self, response: httpx.Response, limit: int) -> bytes:
        """The body, decompressed in bounded steps, refused as soon as it passes the limit."""
        decoder = _Decoder(response.headers.get("content-encoding", "").strip().lower(), limit)
        async for chunk in response.aiter_raw():
            decoder.feed(chunk)
        return decoder.body()

    async def _robots_txt(self, robots_url: str) -> str:
        """robots.txt text, "" when there is none (4xx, a redirect loop, more redirects than RFC
        9309 asks to follow); raises the Failure when unreachable (5xx, network)."""
        current, visited = robots_url, {robots_url}
        for _hop in range(ROBOTS_REDIRECTS + 1):
            try:
                async with self.limiter.slot(current), self._slots:
                    page, location = await self._get(current, current, "robots", {})
            except Skip as exc:
                if exc.reason.startswith("http_4"):
                    return ""
                raise
            if page is not None:
                return page.body[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            assert location is not None
            if location in visited:
                return ""
            visited.add(location)
            current = location
        return ""
