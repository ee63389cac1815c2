"""The fetcher's robots.txt as RFC 9309 reads it, against a small server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from baochi.collect.fetcher import Fetcher
from baochi.failures import Reject, Skip
from baochi.settings import Settings

RULES = "User-agent: *\nDisallow: /private/\n"

# path -> (status, Location or Content-Type, body)
Routes = dict[str, tuple[int, str, str]]


class _Server(ThreadingHTTPServer):
    routes: Routes
    hits: Counter[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.hits[self.path] += 1
        status, header, body = self.server.routes.get(self.path, (404, "text/plain", "không có"))
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Location" if 300 <= status < 400 else "Content-Type", header)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_Server]:
    """A server on 127.0.0.1 answering `server.routes`, counting requests in `server.hits`."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.routes, server.hits = {}, Counter()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


def _base(server: _Server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def _chain(server: _Server, hops: int, end: str) -> None:
    """/robots.txt redirects `hops` times, the last time to `end`."""
    paths = ["/robots.txt", *(f"/robots-hop{n}.txt" for n in range(1, hops))]
    for here, there in zip(paths, [*paths[1:], end], strict=True):
        server.routes[here] = (301, there, "")


def _allowed(settings: Settings, *urls: str) -> list[bool]:
    async def ask() -> list[bool]:
        fetcher = Fetcher(settings)
        try:
            return [await fetcher.robots.allowed(url) for url in urls]
        finally:
            await fetcher.aclose()

    return asyncio.run(ask())


def test_robots_txt_at_the_end_of_five_redirects_is_read(
    server: _Server, settings: Settings
) -> None:
    """http → https → www and the like: RFC 9309 asks crawlers to follow at least five."""
    _chain(server, 5, "/robots-final.txt")
    server.routes["/robots-final.txt"] = (200, "text/plain", RULES)
    base = _base(server)
    assert _allowed(settings, base + "/tin.html", base + "/private/mat.html") == [True, False]


@pytest.mark.parametrize("hops", [6, 0], ids=["six-redirects", "loop"])
def test_robots_txt_redirecting_past_five_or_in_a_loop_allows_everything(
    server: _Server, settings: Settings, hops: int
) -> None:
    """Past five redirects robots.txt is unavailable, as a 404 is (RFC 9309 2.3.1.2, Google)."""
    if hops:
        _chain(server, hops, "/robots-final.txt")
        server.routes["/robots-final.txt"] = (200, "text/plain", "User-agent: *\nDisallow: /\n")
    else:
        server.routes["/robots.txt"] = (301, "/robots.txt", "")
    assert _allowed(settings, _base(server) + "/private/mat.html") == [True]
    assert "/robots-final.txt" not in server.hits and server.hits["/robots.txt"] == 1


@pytest.mark.parametrize(
    ("content_type", "body", "private"),
    [
        ("application/json", '{"error": "not found"}', True),
        ("binary/octet-stream", RULES, False),  # as S3 serves a file uploaded untyped
    ],
)
def test_robots_txt_is_read_whatever_its_content_type(
    server: _Server, settings: Settings, content_type: str, body: str, private: bool
) -> None:
    """Lines that are no rules are ignored, as Google does; the rules there are kept."""
    server.routes["/robots.txt"] = (200, content_type, body)
    base = _base(server)
    assert _allowed(settings, base + "/tin.html", base + "/private/mat.html") == [True, private]


def test_every_robots_redirect_passes_the_guard(server: _Server, settings: Settings) -> None:
    """A third hop to an inside address (127.0.0.2: only 127.0.0.1 is allowed) is never fetched."""
    _chain(server, 3, f"http://127.0.0.2:{server.server_address[1]}/robots.txt")
    with pytest.raises(Skip) as refused:
        _allowed(settings, _base(server) + "/tin.html")
    assert refused.value.reason == "blocked_address"


@pytest.mark.parametrize("location", ["http://[::1/tin.html", "http://127.0.0.1:99999/tin.html"])
def test_a_redirect_to_no_address_is_refused_as_such(
    server: _Server, settings: Settings, location: str
) -> None:
    """A hostile Location (an unclosed IPv6 bracket, a port past 65535) is a broken redirect of
    that one page, not an exception out of the pass."""
    server.routes["/tin.html"] = (302, location, "")
    with pytest.raises(Reject) as refused:
        asyncio.run(fetch(settings, _base(server) + "/tin.html"))
    assert refused.value.reason == "bad_redirect"


@pytest.mark.parametrize("where", [":99999/tin.html", "/t\x00n.html"], ids=["port", "nul"])
def test_an_address_no_request_can_carry_is_refused_not_retried(
    server: _Server, settings: Settings, where: str
) -> None:
    """A port past 65535, a NUL: a broken address, once, not a connection to try again."""
    url = f"http://127.0.0.1{where}" if where.startswith(":") else _base(server) + where
    with pytest.raises(Reject) as refused:
        asyncio.run(fetch(settings, url))
    assert refused.value.reason == "bad_url"


async def fetch(settings: Settings, url: str) -> None:
    """One fetch through a fetcher of its own."""
    fetcher = Fetcher(settings)
    try:
        await fetcher.fetch(url)
    finally:
        await fetcher.aclose()
