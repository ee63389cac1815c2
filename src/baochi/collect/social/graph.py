"""Facebook pages through the Graph API: a page's posts (message, link, reactions, comments,
shares) and their comments, newest since the cursor, following `paging.next`.

Errors follow the Graph reference: code 190 (and 102, 463/467 subcodes) is an expired or
invalid token; 4, 17, 32, 613 and 80001–80014 are rate limits, with the wait taken from
X-Business-Use-Case-Usage `estimated_time_to_regain_access` (minutes) when given.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from baochi.collect.fetcher import Fetcher
from baochi.collect.social.api import ApiClient
from baochi.collect.social.items import (
    PlatformError,
    Pull,
    RateLimited,
    SocialItem,
    TokenExpired,
    count,
    parse_time,
)
from baochi.failures import Failure, Retry, Skip
from baochi.settings import Settings

PLATFORM = "facebook"
TOKEN_CODES = {102, 190}
RATE_CODES = {4, 17, 32, 613, *range(80001, 80015)}
DEFAULT_WAIT = 300.0  # seconds, when a limit names no time: Graph counts usage over an hour
POST_FIELDS = (
    "id,message,created_time,permalink_url,from{id,name},shares,"
    "reactions.summary(total_count).limit(0),comments.summary(true).limit(0),"
    "attachments{unshimmed_url,url,title}"
)
COMMENT_FIELDS = (
    "id,message,created_time,permalink_url,from{id,name},like_count,comment_count,parent{id}"
)
USAGE_KEYS = ("call_count", "total_cputime", "total_time")
LOOKBACK = dt.timedelta(days=1)  # recent posts are read again: new comments, new counts


def _usage(headers: Mapping[str, str]) -> tuple[float, float]:
    """(highest usage percentage, minutes to regain access) from the usage headers."""
    highest, minutes = 0.0, 0.0
    try:
        app = json.loads(headers.get("x-app-usage", "{}") or "{}")
        highest = max([float(v) for v in app.values()] or [0.0])
        business = json.loads(headers.get("x-business-use-case-usage", "{}") or "{}")
        for entries in business.values():
            for entry in entries:
                highest = max(highest, *(float(entry.get(k, 0)) for k in USAGE_KEYS))
                minutes = max(minutes, float(entry.get("estimated_time_to_regain_access", 0)))
    except (ValueError, TypeError, AttributeError):
        return 0.0, 0.0
    return highest, minutes


def classify(status: int, body: Any, headers: Mapping[str, str]) -> Failure | None:
    """The Graph error object as a typed failure; None for data."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = error.get("code")
    message = str(error.get("message", ""))[:300]
    detail = f"code {code}" + (f"/{error['error_subcode']}" if "error_subcode" in error else "")
    if code in TOKEN_CODES or error.get("error_subcode") in (463, 467):
        return TokenExpired(PLATFORM, f"{detail}: {message}")
    if code in RATE_CODES:
        _, minutes = _usage(headers)
        return RateLimited(PLATFORM, f"{detail}: {message}", minutes * 60 or DEFAULT_WAIT)
    if code in (1, 2) or status >= 500:
        return Retry("platform_unavailable", f"{PLATFORM} {detail}: {message}")
    return PlatformError(PLATFORM, f"{detail}: {message}")


def pacer(threshold: float) -> Any:
    """Pause when the usage headers pass `threshold` percent, for the time they name."""

    def pace(headers: Mapping[str, str]) -> float:
        highest, minutes = _usage(headers)
        return max(minutes * 60, 60.0) if highest >= threshold else 0.0

    return pace


def _post(data: Mapping[str, Any]) -> SocialItem:
    links = []
    for attachment in (data.get("attachments") or {}).get("data", []):
        link = attachment.get("unshimmed_url") or attachment.get("url")
        if link:
            links.append(str(link))
    return SocialItem(
        PLATFORM,
        str(data["id"]),
        "post",
        str(data.get("message") or ""),
        parse_time(data.get("created_time")),
        url=str(data.get("permalink_url") or ""),
        author=str((data.get("from") or {}).get("name") or ""),
        reactions=count(((data.get("reactions") or {}).get("summary") or {}).get("total_count")),
        comments=count(((data.get("comments") or {}).get("summary") or {}).get("total_count")),
        shares=count((data.get("shares") or {}).get("count")),
        links=tuple(links),
    )


def _comment(data: Mapping[str, Any], post_id: str) -> SocialItem:
    return SocialItem(
        PLATFORM,
        str(data["id"]),
        "comment",
        str(data.get("message") or ""),
        parse_time(data.get("created_time")),
        url=str(data.get("permalink_url") or ""),
        author=str((data.get("from") or {}).get("name") or ""),
        reactions=count(data.get("like_count")),
        comments=count(data.get("comment_count")),
        parent=str((data.get("parent") or {}).get("id") or post_id),
    )


class FacebookPage:
    """One page's posts and comments since a cursor (the newest post time seen, ISO 8601)."""

    platform = PLATFORM

    def __init__(self, page_id: str, token: str, settings: Settings, fetcher: Fetcher) -> None:
        self.page_id = page_id
        self.settings = settings
        self.api = ApiClient(
            fetcher,
            settings,
            PLATFORM,
            settings.facebook_graph_url,
            {"Authorization": f"Bearer {token}"},
            classify,
            pacer(settings.social_usage_pause),
        )

    async def _pages(self, url: str) -> Any:
        """Each `data` list of a paged edge, following `paging.next` up to the page limit."""
        for _ in range(self.settings.social_max_pages):
            body = await self.api.get(url)
            yield list(body.get("data") or [])
            url = (body.get("paging") or {}).get("next") or ""
            if not url:
                return

    async def pull(self, cursor: str) -> Pull:
        """Posts since the cursor (less a day, to refresh counts), and their comments."""
        since = parse_time(cursor) if cursor else None
        items: list[SocialItem] = []
        newest = since
        params = {"fields": POST_FIELDS, "limit": self.settings.social_page_size}
        if since is not None:
            params["since"] = int((since - LOOKBACK).timestamp())
        try:
            async for batch in self._pages(self.api.url(f"{self.page_id}/posts", params)):
                for data in batch:
                    post = _post(data)
                    items.append(post)
                    if post.published_at and (newest is None or post.published_at > newest):
                        newest = post.published_at
                    if post.comments:
                        items += await self._comments(post.external_id)
        except (Skip, Retry) as failure:
            return Pull(items, cursor, self.api.requests, failure)
        return Pull(items, newest.isoformat() if newest else cursor, self.api.requests)

    async def _comments(self, post_id: str) -> list[SocialItem]:
        params = {
            "fields": COMMENT_FIELDS,
            "filter": "stream",
            "order": "chronological",
            "limit": self.settings.social_page_size,
        }
        found = []
        async for batch in self._pages(self.api.url(f"{post_id}/comments", params)):
            found += [_comment(data, post_id) for data in batch]
        return found
