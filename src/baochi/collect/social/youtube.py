"""YouTube through the Data API v3: a channel's uploads (or a search's videos) with their
statistics, and their comment threads with replies, newest since the cursor, by pageToken.

Errors follow the reference: quotaExceeded (403) waits for the daily reset at midnight
Pacific time; rateLimitExceeded and userRateLimitExceeded wait a minute; keyInvalid,
authError and 401 are a refused key; commentsDisabled only skips that video's comments.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Mapping
from typing import Any
from zoneinfo import ZoneInfo

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

PLATFORM = "youtube"
PACIFIC = ZoneInfo("America/Los_Angeles")
TOKEN_REASONS = {"keyInvalid", "authError", "keyExpired", "invalidCredentials", "unauthorized"}
SHORT_LIMITS = {"rateLimitExceeded", "userRateLimitExceeded"}
BATCH = 50  # ids per videos.list call, the API's maximum
LOOKBACK = dt.timedelta(days=1)


def _reason(body: Any) -> tuple[str, str]:
    """The error's reason (the ErrorInfo detail API_KEY_INVALID counts as keyInvalid)."""
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return "", ""
    message = str(error.get("message", ""))
    details = [d.get("reason") for d in error.get("details") or [] if isinstance(d, dict)]
    if "API_KEY_INVALID" in details:
        return "keyInvalid", message
    reasons = [e.get("reason", "") for e in error.get("errors") or [] if isinstance(e, dict)]
    return (reasons[0] if reasons else str(error.get("status", ""))), message


def until_reset(now: dt.datetime) -> float:
    """Seconds to the next midnight Pacific time, when the daily quota is reset."""
    local = now.astimezone(PACIFIC)
    midnight = (local + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return (midnight - local).total_seconds()


def classify(status: int, body: Any, headers: Mapping[str, str]) -> Failure | None:
    """The API's error object as a typed failure; None for data."""
    if status < 400:
        return None
    reason, message = _reason(body)
    detail = f"{status} {reason}: {message[:300]}"
    if reason == "quotaExceeded":
        return RateLimited(PLATFORM, detail, until_reset(dt.datetime.now(dt.UTC)))
    if reason in SHORT_LIMITS:
        return RateLimited(PLATFORM, detail, 60.0)
    if status == 401 or reason in TOKEN_REASONS:
        return TokenExpired(PLATFORM, detail)
    if status >= 500:
        return Retry("platform_unavailable", f"{PLATFORM} {detail}")
    return PlatformError(PLATFORM, detail)


def _video(data: Mapping[str, Any]) -> SocialItem:
    snippet, stats = data.get("snippet") or {}, data.get("statistics") or {}
    return SocialItem(
        PLATFORM,
        str(data["id"]),
        "post",
        str(snippet.get("description") or ""),
        parse_time(snippet.get("publishedAt")),
        url=f"https://www.youtube.com/watch?v={data['id']}",
        title=str(snippet.get("title") or ""),
        author=str(snippet.get("channelTitle") or ""),
        reactions=count(stats.get("likeCount")),
        comments=count(stats.get("commentCount")),
        views=count(stats.get("viewCount")),
    )


def _comment(data: Mapping[str, Any], video_id: str, parent: str) -> SocialItem:
    snippet = data.get("snippet") or {}
    return SocialItem(
        PLATFORM,
        str(data["id"]),
        "comment",
        str(snippet.get("textOriginal") or snippet.get("textDisplay") or ""),
        parse_time(snippet.get("publishedAt")),
        url=f"https://www.youtube.com/watch?v={video_id}&lc={data['id']}",
        author=str(snippet.get("authorDisplayName") or ""),
        reactions=count(snippet.get("likeCount")),
        parent=parent,
    )


class YouTubeChannel:
    """One channel's uploads, or the videos of a search (`query`), since a cursor."""

    platform = PLATFORM

    def __init__(
        self, channel_id: str, key: str, settings: Settings, fetcher: Fetcher, query: str = ""
    ) -> None:
        self.channel_id = channel_id
        self.query = query
        self.settings = settings
        self.api = ApiClient(
            fetcher,
            settings,
            PLATFORM,
            settings.youtube_api_url,
            {"X-Goog-Api-Key": key},
            classify,
        )

    async def _pages(self, path: str, params: dict[str, Any]) -> AsyncIterator[list[Any]]:
        """Each `items` list of a list method, following nextPageToken up to the page limit."""
        token = ""
        for _ in range(self.settings.social_max_pages):
            body = await self.api.get(self.api.url(path, {**params, "pageToken": token}))
            yield list(body.get("items") or [])
            token = body.get("nextPageToken") or ""
            if not token:
                return

    async def _video_ids(self, since: dt.datetime | None) -> list[str]:
        """Newest first: the uploads playlist of the channel, or the search's results."""
        size = min(self.settings.social_page_size, 50)
        ids: list[str] = []
        if self.query:
            params: dict[str, Any] = {
                "part": "snippet",
                "q": self.query,
                "type": "video",
                "order": "date",
                "maxResults": size,
                "publishedAfter": since.strftime("%Y-%m-%dT%H:%M:%SZ") if since else "",
                "channelId": self.channel_id if self.channel_id != "search" else "",
            }
            async for items in self._pages("search", params):
                ids += [i["id"]["videoId"] for i in items if i.get("id", {}).get("videoId")]
            return ids
        channel = await self.api.get(
            self.api.url("channels", {"part": "contentDetails", "id": self.channel_id})
        )
        found = channel.get("items") or []
        if not found:
            raise PlatformError(PLATFORM, f"no channel {self.channel_id}")
        uploads = found[0]["contentDetails"]["relatedPlaylists"]["uploads"]
        params = {"part": "contentDetails", "playlistId": uploads, "maxResults": size}
        async for items in self._pages("playlistItems", params):
            older = 0
            for item in items:
                details = item.get("contentDetails") or {}
                when = parse_time(details.get("videoPublishedAt"))
                if since is not None and when is not None and when < since:
                    older += 1
                    continue
                ids.append(str(details["videoId"]))
            if items and older == len(items):  # a whole page before the cursor: done
                break
        return ids

    async def pull(self, cursor: str) -> Pull:
        """Videos since the cursor (less a day, to refresh counts) and their comments."""
        since = parse_time(cursor) if cursor else None
        start = since - LOOKBACK if since else None
        items: list[SocialItem] = []
        newest = since
        try:
            ids = await self._video_ids(start)
            for first in range(0, len(ids), BATCH):
                chunk = ",".join(ids[first : first + BATCH])
                body = await self.api.get(
                    self.api.url("videos", {"part": "snippet,statistics", "id": chunk})
                )
                for data in body.get("items") or []:
                    video = _video(data)
                    items.append(video)
                    if video.published_at and (newest is None or video.published_at > newest):
                        newest = video.published_at
                    if video.comments:
                        items += await self._comments(video.external_id, start)
        except (Skip, Retry) as failure:
            return Pull(items, cursor, self.api.requests, failure)
        return Pull(items, newest.isoformat() if newest else cursor, self.api.requests)

    async def _comments(self, video_id: str, since: dt.datetime | None) -> list[SocialItem]:
        params = {
            "part": "snippet,replies",
            "videoId": video_id,
            "maxResults": 100,
            "order": "time",
            "textFormat": "plainText",
        }
        found: list[SocialItem] = []
        try:
            async for threads in self._pages("commentThreads", params):
                for thread in threads:
                    top = (thread.get("snippet") or {}).get("topLevelComment") or {}
                    comment = _comment(top, video_id, video_id)
                    if since and comment.published_at and comment.published_at < since:
                        return found  # threads come newest first
                    found.append(comment)
                    for reply in (thread.get("replies") or {}).get("comments") or []:
                        found.append(_comment(reply, video_id, comment.external_id))
        except PlatformError as exc:
            if "commentsDisabled" not in exc.detail:
                raise
        return found
