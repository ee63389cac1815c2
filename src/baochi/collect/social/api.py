"""One JSON request to a platform API through the project's fetcher (SSRF guard, limits,
politeness): credentials in headers (never in a URL, so never in a log line), the platform's
error object turned into a typed failure, and its rate limits and usage headers respected.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

from baochi.collect.fetcher import Fetcher
from baochi.collect.social.items import PlatformError, RateLimited
from baochi.failures import Failure, Reject
from baochi.records import Page
from baochi.settings import Settings

# (status, decoded body, response headers) -> the failure it means, or None when it is data.
Classifier = Callable[[int, Any, Mapping[str, str]], Failure | None]
# (response headers) -> seconds to pause before the next request (0 when usage is fine).
Pacer = Callable[[Mapping[str, str]], float]
MAX_ATTEMPTS = 3


def same_origin(url: str, base: str) -> bool:
    """Whether a URL the platform returned (a `next` page) is on the API's own origin, so the
    credentials never go anywhere else."""
    a, b = urlsplit(url), urlsplit(base)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


class ApiClient:
    """GETs JSON from one platform's API; counts requests; sleeps through short rate limits."""

    def __init__(
        self,
        fetcher: Fetcher,
        settings: Settings,
        platform: str,
        base: str,
        headers: Mapping[str, str],
        classify: Classifier,
        pace: Pacer | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.fetcher = fetcher
        self.settings = settings
        self.platform = platform
        self.base = base.rstrip("/")
        self._headers = dict(headers)
        self._classify = classify
        self._pace = pace
        self._sleep = sleep
        self.requests = 0
        self._hold = 0.0  # a pause the last answer's usage headers asked for

    def url(self, path: str, params: Mapping[str, Any] | None = None) -> str:
        """The API URL of a path with its query parameters."""
        query = urlencode({k: v for k, v in (params or {}).items() if v not in (None, "")})
        return f"{self.base}/{path.lstrip('/')}" + (f"?{query}" if query else "")

    async def get(self, url: str) -> Any:
        """The decoded JSON at an API URL; raises TokenExpired, RateLimited, PlatformError,
        Retry (network, 5xx) or Reject (not JSON, too large)."""
        if not same_origin(url, self.base):
            raise PlatformError(self.platform, f"refused to follow a link off the API: {url[:120]}")
        if self._hold > 0:  # before the next request, not instead of the last answer
            hold, self._hold = self._hold, 0.0
            await self._wait(RateLimited(self.platform, "usage near the limit", hold))
        for attempt in range(MAX_ATTEMPTS):
            self.requests += 1
            page = await self.fetcher.fetch(url, kind="api", headers=self._headers)
            headers = {k.lower(): v for k, v in page.headers}
            body = _json(page)
            failure = self._classify(page.status, body, headers)
            if failure is None and page.status >= 400:
                failure = PlatformError(self.platform, f"HTTP {page.status}")
            if failure is None:
                self._hold = self._pace(headers) if self._pace else 0.0
                return body
            if not isinstance(failure, RateLimited) or attempt == MAX_ATTEMPTS - 1:
                raise failure
            await self._wait(failure)
        raise AssertionError("unreachable")

    async def _wait(self, limited: RateLimited) -> None:
        """Sleep through a short limit; a long one ends the sync (the cursor stays put)."""
        if limited.wait > self.settings.social_max_wait:
            raise limited
        await self._sleep(limited.wait)


def _json(page: Page) -> Any:
    """The page's body as JSON, or a Reject that says what came instead."""
    try:
        return json.loads(page.body.decode(page.charset or "utf-8"))
    except (UnicodeDecodeError, LookupError, ValueError) as exc:
        raise Reject("bad_json", f"HTTP {page.status}, {page.content_type or 'no type'}") from exc
