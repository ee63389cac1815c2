"""A local stand-in for the Facebook Graph API, the YouTube Data API v3 and a generic JSON
API, on 127.0.0.1, answering with the documented response shapes: Graph `data`/`paging`
(cursors, next) and error objects (190 expired token, 4/17/32/613 rate limits with the usage
headers), YouTube list responses (`items`, `nextPageToken`, `pageInfo`) and error objects
(quotaExceeded, keyInvalid, commentsDisabled), and a generic API with Retry-After on 429.

Posts and comments carry real Vietnamese social text (UIT-VSFC, ViHSD, UIT-ViCTSD).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.conftest import SHARED_DATA

GOOD_TOKEN = "EAAG-good-token-7d1f"
GOOD_KEY = "AIza-good-key-42"


def social_texts(n: int) -> list[str]:
    """n real comments: UIT-VSFC feedback, ViHSD and UIT-ViCTSD comments, interleaved."""
    vsfc = (SHARED_DATA / "uit-vsfc" / "train" / "sents.txt").read_text(encoding="utf-8")
    sources = [[line for line in vsfc.splitlines() if line.strip()]]
    for path, column in (
        (SHARED_DATA / "vihsd" / "train.csv", "free_text"),
        (SHARED_DATA / "victsd" / "ViCTSD_train.csv", "Comment"),
    ):
        with path.open(encoding="utf-8", newline="") as f:
            sources.append([r[column] for r in csv.DictReader(f) if r[column].strip()])
    out = []
    for i in range(n):
        source = sources[i % len(sources)]
        out.append(source[i // len(sources)])
    return out


@dataclass
class Scenario:
    """What the fake platforms hold and how they misbehave."""

    posts: list[dict[str, Any]] = field(default_factory=list)  # Graph-shaped posts, newest first
    comments: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    videos: list[dict[str, Any]] = field(default_factory=list)  # videos.list items, newest first
    threads: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    generic: list[dict[str, Any]] = field(default_factory=list)
    page_size: int = 3
    expired: bool = False  # every call answers "token expired"
    limit_after: int | None = None  # calls answered before a rate limit
    limit_code: int = 4  # Graph rate-limit code
    limit_minutes: int = 0  # estimated_time_to_regain_access
    usage: int = 10  # percentage in X-App-Usage
    stall: float = 0.0  # seconds every answer waits (a slow platform, a worker caught mid-sync)
    calls: Counter[str] = field(default_factory=Counter)
    auth_seen: list[str] = field(default_factory=list)
    paths_seen: list[str] = field(default_factory=list)


def _time(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


def graph_posts(texts: list[str], start: dt.datetime, links: dict[int, str] | None = None) -> list:
    """Graph posts (newest first) of a page, an hour apart, with engagement and comments."""
    posts = []
    for i, text in enumerate(texts):
        post: dict[str, Any] = {
            "id": f"1020304_{9000 + i}",
            "message": text,
            "created_time": _time(start + dt.timedelta(hours=i)),
            "permalink_url": f"https://www.facebook.com/1020304/posts/{9000 + i}",
            "from": {"id": "1020304", "name": "Cổng TTĐT Hà Nội"},
            "shares": {"count": 3 * i},
            "reactions": {"data": [], "summary": {"total_count": 10 + i}},
            "comments": {
                "data": [],
                "summary": {"order": "ranked", "total_count": 0, "can_comment": True},
            },
        }
        if links and i in links:
            post["attachments"] = {"data": [{"unshimmed_url": links[i], "title": "Bài báo"}]}
        posts.append(post)
    return list(reversed(posts))


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.strip("/").split("/")
        s = self.server.scenario
        s.paths_seen.append(self.path)
        time.sleep(s.stall)
        s.auth_seen.append(
            self.headers.get("Authorization") or self.headers.get("X-Goog-Api-Key") or ""
        )
        root = path[0]
        s.calls[root] += 1
        if root == "graph":
            self._graph(path[2:], query, s)
        elif root == "youtube":
            self._youtube(path[2:], query, s)
        elif root == "generic":
            self._generic(query, s)
        else:
            self._send(404, {"error": "no such API"})

    # -- Graph ---------------------------------------------------------------------------

    def _graph(self, path: list[str], query: dict[str, str], s: Scenario) -> None:
        if self.headers.get("Authorization") != f"Bearer {GOOD_TOKEN}" or s.expired:
            self._send(
                400,
                {
                    "error": {
                        "message": "Error validating access token: Session has expired on Friday, "
                        "27-Nov-26 09:00:00 PST.",
                        "type": "OAuthException",
                        "code": 190,
                        "error_subcode": 463,
                        "fbtrace_id": "AbCdEf123",
                    }
                },
            )
            return
        usage = {
            "x-app-usage": json.dumps({"call_count": s.usage, "total_cputime": 1, "total_time": 1})
        }
        if s.limit_after is not None and s.calls["graph"] > s.limit_after:
            business = {
                "1020304": [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_cputime": 20,
                        "total_time": 20,
                        "estimated_time_to_regain_access": s.limit_minutes,
                    }
                ]
            }
            self._send(
                400,
                {
                    "error": {
                        "message": "(#4) Application request limit reached",
                        "type": "OAuthException",
                        "is_transient": True,
                        "code": s.limit_code,
                        "fbtrace_id": "XyZ",
                    }
                },
                {"X-Business-Use-Case-Usage": json.dumps(business)},
            )
            return
        edge = path[1] if len(path) > 1 else ""
        if edge == "posts":
            since = int(query.get("since", "0"))
            rows = [p for p in s.posts if _epoch(p["created_time"]) >= since]
        elif edge == "comments":
            rows = s.comments.get(path[0], [])
        else:
            self._send(
                400,
                {
                    "error": {
                        "message": "Unknown path components",
                        "type": "OAuthException",
                        "code": 2500,
                        "fbtrace_id": "Q",
                    }
                },
            )
            return
        start = int(query.get("after", "0") or 0)
        size = min(int(query.get("limit", "25")), s.page_size)
        page = rows[start : start + size]
        body: dict[str, Any] = {"data": page}
        if rows:
            body["paging"] = {"cursors": {"before": str(start), "after": str(start + size)}}
            if start + size < len(rows):
                following = dict(query, after=str(start + size))
                body["paging"]["next"] = self._url(following)
        self._send(200, body, usage)

    def _url(self, query: dict[str, str]) -> str:
        from urllib.parse import urlencode

        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}{urlsplit(self.path).path}?{urlencode(query)}"

    # -- YouTube -------------------------------------------------------------------------

    def _youtube(self, path: list[str], query: dict[str, str], s: Scenario) -> None:
        key = self.headers.get("X-Goog-Api-Key")
        if key != GOOD_KEY:
            self._send(
                400,
                {
                    "error": {
                        "code": 400,
                        "message": "API key not valid. Please pass a valid API key.",
                        "errors": [
                            {
                                "message": "API key not valid. Please pass a valid API key.",
                                "domain": "global",
                                "reason": "badRequest",
                            }
                        ],
                        "status": "INVALID_ARGUMENT",
                        "details": [
                            {
                                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                "reason": "API_KEY_INVALID",
                                "domain": "googleapis.com",
                            }
                        ],
                    }
                },
            )
            return
        if s.limit_after is not None and s.calls["youtube"] > s.limit_after:
            message = (
                "The request cannot be completed because you have exceeded your "
                '<a href="/youtube/v3/getting-started#quota">quota</a>.'
            )
            self._send(
                403,
                {
                    "error": {
                        "code": 403,
                        "message": message,
                        "errors": [
                            {
                                "message": message,
                                "domain": "youtube.quota",
                                "reason": "quotaExceeded",
                            }
                        ],
                    }
                },
            )
            return
        method = path[0] if path else ""
        if method == "channels":
            items = [
                {
                    "kind": "youtube#channel",
                    "etag": "e1",
                    "id": query["id"],
                    "contentDetails": {
                        "relatedPlaylists": {"likes": "", "uploads": "UU" + query["id"][2:]}
                    },
                }
            ]
            self._send(
                200,
                {
                    "kind": "youtube#channelListResponse",
                    "etag": "e0",
                    "pageInfo": {"totalResults": 1, "resultsPerPage": 5},
                    "items": items,
                },
            )
            return
        if method == "playlistItems":
            rows = [
                {
                    "kind": "youtube#playlistItem",
                    "etag": f"p{v['id']}",
                    "id": f"PI{v['id']}",
                    "contentDetails": {
                        "videoId": v["id"],
                        "videoPublishedAt": v["snippet"]["publishedAt"],
                    },
                }
                for v in s.videos
            ]
            self._youtube_page("youtube#playlistItemListResponse", rows, query, s)
            return
        if method == "videos":
            wanted = query["id"].split(",")
            rows = [v for v in s.videos if v["id"] in wanted]
            self._send(
                200,
                {
                    "kind": "youtube#videoListResponse",
                    "etag": "v",
                    "pageInfo": {"totalResults": len(rows), "resultsPerPage": len(rows)},
                    "items": rows,
                },
            )
            return
        if method == "commentThreads":
            video = query["videoId"]
            if video not in s.threads:
                self._send(
                    403,
                    {
                        "error": {
                            "code": 403,
                            "message": "The video identified by "
                            "the videoId parameter has disabled comments.",
                            "errors": [
                                {
                                    "message": "comments disabled",
                                    "domain": "youtube.commentThread",
                                    "reason": "commentsDisabled",
                                    "location": "videoId",
                                    "locationType": "parameter",
                                }
                            ],
                        }
                    },
                )
                return
            self._youtube_page("youtube#commentThreadListResponse", s.threads[video], query, s)
            return
        self._send(
            404,
            {
                "error": {
                    "code": 404,
                    "message": "Not Found",
                    "errors": [{"message": "Not Found", "domain": "global", "reason": "notFound"}],
                }
            },
        )

    def _youtube_page(self, kind: str, rows: list, query: dict[str, str], s: Scenario) -> None:
        start = int(query.get("pageToken") or 0)
        size = min(int(query.get("maxResults", "5")), s.page_size)
        body: dict[str, Any] = {
            "kind": kind,
            "etag": "x",
            "pageInfo": {"totalResults": len(rows), "resultsPerPage": size},
            "items": rows[start : start + size],
        }
        if start + size < len(rows):
            body["nextPageToken"] = str(start + size)
        self._send(200, body)

    # -- generic -------------------------------------------------------------------------

    def _generic(self, query: dict[str, str], s: Scenario) -> None:
        if self.headers.get("Authorization") != f"Token {GOOD_TOKEN}" or s.expired:
            self._send(401, {"error": {"message": "token expired"}})
            return
        if s.limit_after is not None and s.calls["generic"] == s.limit_after + 1:
            self._send(429, {"message": "slow down"}, {"Retry-After": "1"})
            return
        since = query.get("since", "")
        rows = [r for r in s.generic if r["created"] > since] if since else s.generic
        start = int(query.get("page", "0"))
        page = rows[start : start + s.page_size]
        nxt = (
            f"/generic/v1/posts?page={start + s.page_size}"
            if start + s.page_size < len(rows)
            else None
        )
        if nxt and since:
            nxt += f"&since={since}"
        self._send(200, {"result": {"posts": page}, "links": {"next": nxt}})


def _epoch(stamp: str) -> int:
    return int(dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S%z").timestamp())


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, scenario: Scenario) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.scenario = scenario


@contextmanager
def fake_api(scenario: Scenario) -> Iterator[str]:
    """Serve the scenario on 127.0.0.1; yields the base URL."""
    server = _Server(scenario)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def youtube_videos(texts: list[str], start: dt.datetime) -> list[dict[str, Any]]:
    """videos.list items (newest first) with snippet and statistics as strings, as the API."""
    videos = []
    for i, text in enumerate(texts):
        videos.append(
            {
                "kind": "youtube#video",
                "etag": f"v{i}",
                "id": f"vid{i:08d}",
                "snippet": {
                    "publishedAt": (start + dt.timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "channelId": "UChanoi",
                    "title": text[:60],
                    "description": text,
                    "channelTitle": "Hà Nội TV",
                },
                "statistics": {
                    "viewCount": str(1000 + i),
                    "likeCount": str(20 + i),
                    "favoriteCount": "0",
                    "commentCount": "2",
                },
            }
        )
    return list(reversed(videos))


def youtube_threads(video: str, texts: list[str], start: dt.datetime) -> list[dict[str, Any]]:
    """commentThreads items (newest first), each with one reply."""
    threads = []
    for i, text in enumerate(texts):
        when = (start + dt.timedelta(minutes=10 * i)).strftime("%Y-%m-%dT%H:%M:%SZ")
        top = {
            "kind": "youtube#comment",
            "etag": "c",
            "id": f"Ug{video}{i}",
            "snippet": {
                "channelId": "UChanoi",
                "videoId": video,
                "textDisplay": text,
                "textOriginal": text,
                "authorDisplayName": f"@nguoidung{i}",
                "likeCount": i,
                "publishedAt": when,
                "updatedAt": when,
            },
        }
        reply = {
            "kind": "youtube#comment",
            "etag": "r",
            "id": f"Ug{video}{i}.r",
            "snippet": {
                "videoId": video,
                "textOriginal": "đồng ý",
                "parentId": top["id"],
                "authorDisplayName": "@traloi",
                "likeCount": 0,
                "publishedAt": when,
            },
        }
        threads.append(
            {
                "kind": "youtube#commentThread",
                "etag": "t",
                "id": top["id"],
                "snippet": {
                    "channelId": "UChanoi",
                    "videoId": video,
                    "topLevelComment": top,
                    "canReply": True,
                    "totalReplyCount": 1,
                    "isPublic": True,
                },
                "replies": {"comments": [reply]},
            }
        )
    return list(reversed(threads))
