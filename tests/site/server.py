"""A local Vietnamese news site over real baomoi articles, served on 127.0.0.1 for crawler tests.

Also runnable on its own for benchmarks: `python -m tests.site.server --articles 2000 --port 8765`
prints the base URL on its first stdout line and serves until killed.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import re
import signal
import socket
import socketserver
import sys
import threading
import time
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit

from .bad import BadEndpoints
from .pages import (
    SECTIONS,
    SITE_NAME,
    Response,
    Story,
    article_html,
    atom_xml,
    http_date,
    listing_html,
    load_articles,
    make_story,
    newest_first,
    news_sitemap_xml,
    rss_xml,
    simple_html,
    sitemap_index_xml,
    urlset_xml,
)

__all__ = ["NewsSite", "load_articles"]

HOME_FEED_SIZE = 50
NEWS_SITEMAP_SIZE = 100
SITEMAP_PAGE_SIZE = 500
HOME_SIZE = 20
SECTION_PAGE_SIZE = 30
_ARTICLE_ID = re.compile(r"/[a-z0-9-]+/(?:[a-z0-9-]*-)?(\d+)\.html")
_COPY = re.compile(r"/copy/([^/]+)\.html")


@dataclass
class _Static:
    """A feed, sitemap or robots.txt: fixed bytes with validators for conditional GET."""

    body: bytes
    content_type: str
    modified: datetime

    def __post_init__(self) -> None:
        self.etag = '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'

    def respond(self, path: str, headers: Message) -> Response:
        validators = [
            ("ETag", self.etag),
            ("Last-Modified", http_date(self.modified)),
            ("Cache-Control", "max-age=300"),
        ]
        if self._unchanged(headers):
            return Response(status=304, content_type=None, headers=validators)
        return Response(
            body=self.body, content_type=self.content_type, headers=validators, gzip_key=path
        )

    def _unchanged(self, headers: Message) -> bool:
        none_match = headers.get("If-None-Match")
        if none_match is not None:  # takes precedence over If-Modified-Since (RFC 9110)
            tags = {tag.strip().removeprefix("W/") for tag in none_match.split(",")}
            return "*" in tags or self.etag in tags
        since_header = headers.get("If-Modified-Since")
        if not since_header:
            return False
        try:
            since = parsedate_to_datetime(since_header)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return since >= self.modified


class NewsSite:
    """A news outlet on 127.0.0.1 (and a second listener on a private address) from corpus articles.

    `hits` and `private_hits` count requests per path (query dropped) on each listener;
    `bad_articles` names the corpus article behind each /bad/ endpoint that serves one.
    """

    def __init__(
        self,
        articles: Iterable[Mapping[str, Any]],
        host: str = "127.0.0.1",
        port: int = 0,
        private_host: str = "127.0.0.2",
    ) -> None:
        self.articles = list(articles)
        if not self.articles:
            raise ValueError("NewsSite needs at least one article")
        self.host, self.port, self.private_host = host, port, private_host
        self.stories = [
            make_story(a, SECTIONS[i % len(SECTIONS)][0]) for i, a in enumerate(self.articles)
        ]
        self.newest = newest_first(self.stories)
        self._by_id = {s.id: s for s in self.stories}
        self._position = {s.id: i for i, s in enumerate(self.stories)}
        self.hits: Counter[str] = Counter()
        self.starts: list[float] = []
        self.in_flight = self.peak_in_flight = 0
        self.articles_open = threading.Event()  # cleared: article pages wait until it is set
        self.articles_open.set()
        self.private_hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._pages: dict[str, bytes] = {}
        self._static: dict[str, _Static] = {}
        self._gzipped: dict[str, bytes] = {}
        self._base = self._private_base = ""
        self.bad_articles: dict[str, dict[str, Any]] = {}

    # public interface

    @property
    def base_url(self) -> str:
        if not self._base:
            raise RuntimeError("NewsSite not started")
        return self._base

    @property
    def private_base_url(self) -> str:
        if not self._private_base:
            raise RuntimeError("NewsSite not started")
        return self._private_base

    def article_path(self, article: Mapping[str, Any]) -> str:
        return self._by_id[str(article["id"])].path

    def article_url(self, article: Mapping[str, Any]) -> str:
        """Absolute main URL of a corpus article served by this site."""
        return self.base_url + self.article_path(article)

    def start(self) -> NewsSite:
        try:
            self._bind_and_render()
        except BaseException:
            for server in self._servers:
                server.server_close()
            self._servers.clear()
            raise
        for server in self._servers:
            thread = threading.Thread(
                target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return self

    def _bind_and_render(self) -> None:
        main = _Server((self.host, self.port), self, self.hits)
        self._servers.append(main)
        self.port = main.server_address[1]
        self._base = f"http://{self.host}:{self.port}"
        private_port = self.port
        for port in (self.port, 0):
            try:
                private = _Server((self.private_host, port), self, self.private_hits)
            except OSError:
                continue
            self._servers.append(private)
            private_port = private.server_address[1]
            break
        else:
            private_port = _unused_port()
        self._private_base = f"http://{self.private_host}:{private_port}"
        self._bad = BadEndpoints(self, self._stop)
        self.bad_articles = {name: dict(s.source) for name, s in self._bad.articles.items()}
        self._render_all()

    def stop(self) -> None:
        self._stop.set()
        for server in self._servers:
            server.shutdown()
            server.server_close()
            server.drop_connections()
        for thread in self._threads:
            thread.join()
        deadline = time.monotonic() + 2.0
        while any(s.connections for s in self._servers) and time.monotonic() < deadline:
            time.sleep(0.01)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> NewsSite:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # rendering

    def render(
        self, story: Story, *, canonical: str, charset: str | None = "utf-8", amp: bool = False
    ) -> str:
        """An article page for story with the given canonical URL and meta charset."""
        position = self._position.get(story.id)
        count = len(self.stories)
        if position is None:
            related = self.newest[:5]
        else:
            related = [self.stories[(position + k) % count] for k in range(1, min(6, count))]
        main = position is not None and canonical == self._base + story.path
        amp_url = f"{self._base}/amp{story.path}" if main and not amp else None
        return article_html(
            story, canonical=canonical, related=related, charset=charset, amp_url=amp_url, amp=amp
        )

    def _render_all(self) -> None:
        base = self._base
        for story in self.stories:
            page = self.render(story, canonical=base + story.path)
            self._pages[story.path] = page.encode("utf-8")
        self._pages["/"] = listing_html(
            f"{SITE_NAME} - Tin tức thời sự, kinh tế, xã hội",
            "Tin mới nhất",
            self.newest[:HOME_SIZE],
            canonical=base + "/",
            feed="/rss/home.rss",
        ).encode("utf-8")

        def link(story: Story) -> str:
            return base + story.path

        def add(path: str, text: str, kind: str, stories: list[Story]) -> None:
            modified = stories[0].published if stories else self.newest[0].published
            self._static[path] = _Static(text.encode("utf-8"), kind, modified)

        rss, xml = "application/rss+xml; charset=utf-8", "application/xml; charset=utf-8"
        home = self.newest[:HOME_FEED_SIZE]
        add(
            "/rss/home.rss",
            rss_xml(f"{SITE_NAME} - Tin mới nhất", base, "/rss/home.rss", home, link),
            rss,
            home,
        )
        add(
            "/atom/home.xml",
            atom_xml(base, "/atom/home.xml", home, link),
            "application/atom+xml; charset=utf-8",
            home,
        )
        for slug, name in SECTIONS:
            stories = [s for s in self.newest if s.section == slug]
            feed = f"/rss/{slug}.rss"
            add(feed, rss_xml(f"{SITE_NAME} - {name}", base, feed, stories, link), rss, stories)
            self._pages[f"/{slug}/"] = listing_html(
                f"{name} | {SITE_NAME}",
                name,
                stories[:SECTION_PAGE_SIZE],
                canonical=f"{base}/{slug}/",
                section=slug,
                feed=feed,
            ).encode("utf-8")
        news = self.newest[:NEWS_SITEMAP_SIZE]
        add("/sitemaps/news.xml", news_sitemap_xml(news, link), xml, news)
        children = [(f"{base}/sitemaps/news.xml", news[0].published)]
        for k, start in enumerate(range(0, len(self.newest), SITEMAP_PAGE_SIZE), 1):
            chunk = self.newest[start : start + SITEMAP_PAGE_SIZE]
            path = f"/sitemaps/articles-{k}.xml"
            add(path, urlset_xml(chunk, link), xml, chunk)
            children.append((base + path, chunk[0].published))
        add("/sitemap.xml", sitemap_index_xml(children), xml, self.newest)
        robots = f"User-agent: *\nDisallow: /private/\n\nSitemap: {base}/sitemap.xml\n"
        add("/robots.txt", robots, "text/plain; charset=utf-8", self.newest)

    # answering

    def respond(self, path: str, headers: Message) -> Response:
        """The response for a request path (without query); same on both listeners."""
        static = self._static.get(path)
        if static is not None:
            return static.respond(path, headers)
        page = self._pages.get(path)
        if page is not None:
            return Response(body=page, gzip_key=path)
        if path.startswith("/bad/"):
            return self._bad.respond(path) or self._not_found()
        story: Story | None
        if path.startswith("/amp/"):
            story = self._by_path(path.removeprefix("/amp"))
            if story is not None:
                return self._html(self.render(story, canonical=self._base + story.path, amp=True))
        if copy := _COPY.fullmatch(path):
            story = self._by_id.get(copy.group(1))
            if story is not None:
                return self._html(self.render(story, canonical=self._base + path))
        if path.startswith("/private/"):
            story = self._by_path(path.removeprefix("/private"))
            if story is None:
                story = self.stories[zlib.crc32(path.encode()) % len(self.stories)]
            return self._html(self.render(story, canonical=self._base + path))
        if moved := _ARTICLE_ID.fullmatch(path):  # a stale slug: send to the current URL
            story = self._by_id.get(moved.group(1))
            if story is not None:
                return Response(status=301, headers=[("Location", self._base + story.path)])
        return self._not_found()

    def precompress(self) -> None:
        """Gzip every article page now, so a benchmark measures the crawler, not this server."""
        for story in self.stories:
            self.gzipped(story.path, self._pages[story.path])

    def gzipped(self, key: str, body: bytes) -> bytes:
        packed = self._gzipped.get(key)
        if packed is None:
            packed = self._gzipped[key] = gzip.compress(body, compresslevel=6, mtime=0)
        return packed

    def count(self, hits: Counter[str], path: str) -> None:
        with self._lock:
            hits[path] += 1
            self.starts.append(time.monotonic())
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def done(self) -> None:
        """One request answered: `peak_in_flight` tells a crawler's politeness across processes."""
        with self._lock:
            self.in_flight -= 1

    def _by_path(self, path: str) -> Story | None:
        match = _ARTICLE_ID.fullmatch(path)
        story = self._by_id.get(match.group(1)) if match else None
        return story if story is not None and story.path == path else None

    def _html(self, text: str) -> Response:
        return Response(body=text.encode("utf-8"))

    def _not_found(self) -> Response:
        message = "Trang bạn tìm không tồn tại hoặc đã bị xóa."
        return Response(
            status=404, body=simple_html("Không tìm thấy trang", message).encode("utf-8")
        )


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], site: NewsSite, hits: Counter[str]) -> None:
        self.site = site
        self.hits = hits
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind would look the address up in DNS (getfqdn); not needed here
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = (
            str(self.server_address[0]),
            int(self.server_address[1]),
        )

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], OSError):  # the client went away: routine for a crawler
            return
        super().handle_error(request, client_address)

    def drop_connections(self) -> None:
        with self.connections_lock:
            open_connections = list(self.connections)
        for connection in open_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx/1.24.0"
    sys_version = ""
    disable_nagle_algorithm = True
    timeout = 30  # idle keep-alive connections and stalled readers are dropped
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, *, head: bool) -> None:
        path = urlsplit(self.path).path or "/"
        site = self.server.site
        site.count(self.server.hits, path)
        try:
            if _ARTICLE_ID.fullmatch(path):
                site.articles_open.wait(timeout=60)
            self._send(site, path, head)
        finally:
            site.done()

    def _send(self, site: NewsSite, path: str, head: bool) -> None:
        response = site.respond(path, self.headers)
        self.send_response(response.status)
        if response.content_type:
            self.send_header("Content-Type", response.content_type)
        for name, value in response.headers:
            self.send_header(name, value)
        if response.stream is None:
            body = response.body
            if response.gzip_key:
                if "gzip" in self.headers.get("Accept-Encoding", "").lower():
                    body = site.gzipped(response.gzip_key, body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            if response.status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if body and not head:
                self.wfile.write(body)
            return
        if response.length is None:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(response.length))
        self.send_header("Connection", "close")  # a stream may be cut short
        self.end_headers()
        if head:
            return
        if response.length is None:
            response.stream(self._write_chunk)
            self.wfile.write(b"0\r\n\r\n")
        else:
            response.stream(self.wfile.write)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the local test news site.")
    parser.add_argument("--articles", type=int, default=2000, help="number of corpus articles")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--private-host", default="127.0.0.2")
    parser.add_argument("--data", default=None, help="path of articles.jsonl.gz")
    parser.add_argument("--precompress", action="store_true", help="gzip article pages at start")
    args = parser.parse_args(argv)
    site = NewsSite(
        load_articles(args.articles, args.data), args.host, args.port, args.private_host
    )
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    with site:
        if args.precompress:
            site.precompress()
        print(site.base_url, flush=True)
        print(site.private_base_url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
