"""Any platform that answers JSON over HTTP: the office describes where the list is, where each
field is, and how the next page and the incremental cursor are asked for, as account config:

    {"url": "https://api.example/v1/posts", "items": "data", "next": "paging.next",
     "since_param": "since", "fields": {"text": "content", "author": "user.name"},
     "auth_header": "Authorization", "auth_prefix": "Bearer "}

401/403 mean a refused token; 429 and 5xx are retried after Retry-After by the fetcher.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode, urljoin

from baochi.collect.fetcher import Fetcher
from baochi.collect.social.api import ApiClient
from baochi.collect.social.items import (
    PlatformError,
    Pull,
    SocialItem,
    TokenExpired,
)
from baochi.collect.social.mapping import FieldMap, RowError, item_of, lookup
from baochi.failures import Failure, Retry, Skip
from baochi.settings import Settings


def classifier(platform: str) -> Any:
    """Plain HTTP statuses as typed failures, with the body's message when it has one."""

    def classify(status: int, body: Any, headers: Mapping[str, str]) -> Failure | None:
        if status < 400:
            return None
        message = str(lookup(body, "error.message") or lookup(body, "message") or "")[:300]
        if status in (401, 403):
            return TokenExpired(platform, f"HTTP {status} {message}".strip())
        return PlatformError(platform, f"HTTP {status} {message}".strip())

    return classify


class GenericJson:
    """A JSON list API described by configuration; the cursor is the newest time seen."""

    def __init__(
        self,
        platform: str,
        config: Mapping[str, Any],
        token: str,
        settings: Settings,
        fetcher: Fetcher,
    ) -> None:
        if not config.get("url"):
            raise ValueError("a generic connector needs config.url")
        self.platform = platform
        self.config = config
        self.fields = FieldMap.parse(config.get("fields") or {})
        self.settings = settings
        headers = {}
        if token:
            name = str(config.get("auth_header") or "Authorization")
            headers[name] = f"{config.get('auth_prefix', 'Bearer ')}{token}"
        self.api = ApiClient(
            fetcher, settings, platform, str(config["url"]), headers, classifier(platform)
        )
        self.errors: list[str] = []  # records that could not be read, with the reason

    def _first_url(self, cursor: str) -> str:
        since_param = self.config.get("since_param")
        if not cursor or not since_param:
            return str(self.config["url"])
        joiner = "&" if "?" in str(self.config["url"]) else "?"
        return f"{self.config['url']}{joiner}{urlencode({since_param: cursor})}"

    async def pull(self, cursor: str) -> Pull:
        """Every page from the cursor on; unreadable records are listed in `errors`."""
        items: list[SocialItem] = []
        newest = cursor
        url = self._first_url(cursor)
        try:
            for _ in range(self.settings.social_max_pages):
                body = await self.api.get(url)
                records = lookup(body, str(self.config.get("items") or "data"))
                if not isinstance(records, list):
                    raise PlatformError(self.platform, "the answer has no list of items")
                for number, record in enumerate(records, 1):
                    try:
                        item = item_of(record, self.fields, self.platform)
                    except RowError as exc:
                        self.errors.append(f"{url[:120]} #{number}: {exc}")
                        continue
                    items.append(item)
                    stamp = item.published_at.isoformat() if item.published_at else ""
                    newest = max(newest, stamp)
                following = lookup(body, str(self.config.get("next") or "paging.next"))
                if not following:
                    break
                url = urljoin(url, str(following))
        except (Skip, Retry) as failure:
            return Pull(items, cursor, self.api.requests, failure)
        return Pull(items, newest, self.api.requests)
