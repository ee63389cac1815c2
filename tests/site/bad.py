"""The site's misbehaving endpoints under /bad/: slow, endless, huge and bombed bodies, wrong or
legacy charsets, errors, redirect traps, non-articles, hostile text and broken feeds.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
import threading
import unicodedata
import zlib
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from .pages import VN_TZ, Response, Story, listing_html, make_story, rss_xml, simple_html

if TYPE_CHECKING:
    from .server import NewsSite

# Items of /bad/feed-bad.rss; flaky and retry-after are left out so that their first request stays
# the test's own.
BAD_FEED_TARGETS = (
    "slow",
    "endless",
    "huge",
    "gzip-bomb",
    "500",
    "404",
    "redirect-loop",
    "redirect-chain",
    "redirect-private",
    "not-html",
    "listing",
    "short",
    "future-date",
    "hostile",
)
REDIRECT_CHAIN_HOPS = 12
SLOW_SECONDS = 60
HUGE_BYTES = 50 * 1024 * 1024
_MIB = 1024 * 1024
BOMB_BLOCKS = 10 * 1024  # of 1 MiB of spaces each: 10 GiB expanded, about 10 MB compressed
FUTURE = datetime(2099, 1, 1, 8, 0, tzinfo=VN_TZ)

RSS_TYPE = "application/rss+xml; charset=utf-8"
_HEAD = '<!DOCTYPE html><html><head><meta charset="utf-8">'

HOSTILE = {
    "id": "hostile",
    "title": "Cảnh giác với đoạn mã <script>alert(1)</script> và "
    '"><img src=x onerror=alert(2)> trên mạng',
    "text": "\n".join(
        (
            "Nhiều tài khoản mạng xã hội nhận được tin nhắn chứa đoạn mã "
            '"><script>alert(document.cookie)</script> kèm lời mời nhận quà tặng.',
            "Theo các chuyên gia an ninh mạng, đoạn mã <script>alert(1)</script> trong bài chỉ "
            "là ví dụ vô hại, nhưng kẻ gian có thể thay bằng mã độc đánh cắp thông tin đăng nhập "
            "của người dùng.",
            "Người dùng được khuyến cáo không nhấp vào các đường dẫn dạng javascript:alert('xss') "
            "và không tải tệp đính kèm không rõ nguồn gốc, kể cả khi tin nhắn đến từ người quen.",
            'Mọi nội dung như </p><iframe src="//evil.example/"></iframe><p> hay {{7*7}} phải được '
            "hiển thị đúng như văn bản, không được thực thi trên trình duyệt của bạn đọc.",
            "Cơ quan chức năng đề nghị người dân báo cáo các trường hợp nghi vấn qua đường dây "
            "nóng để được hướng dẫn xử lý kịp thời.",
        )
    ),
    "published_estimate": "2017-03-15",
}
SHORT = {
    "id": "short",
    "title": "Hà Nội: Mưa lớn gây ngập cục bộ nhiều tuyến phố",
    "text": "Chiều 12/6, mưa lớn kéo dài khiến nhiều tuyến phố nội thành ngập sâu.\n"
    "Lực lượng chức năng đã có mặt để phân luồng giao thông.",
    "published_estimate": "2017-06-12",
}

# -- Windows-1258 ----------------------------------------------------------------------------------

_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_CP1258: dict[str, bytes] = {}


def _cp1258_char(ch: str) -> bytes:
    try:
        return ch.encode("cp1258")
    except UnicodeEncodeError:
        pass
    # cp1258 has ê, ơ, ư, ă… precomposed but tone marks only as combining characters
    parts = unicodedata.normalize("NFD", ch)
    core = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONE_MARKS))
    tones = "".join(c for c in parts if c in _TONE_MARKS)
    try:
        return (core + tones).encode("cp1258")
    except UnicodeEncodeError:
        return f"&#{ord(ch)};".encode("ascii")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 bytes of NFC text, tone marks decomposed where needed; the rest as &#N;."""
    out = []
    for ch in text:
        encoded = _CP1258.get(ch)
        if encoded is None:
            encoded = _CP1258[ch] = _cp1258_char(ch)
        out.append(encoded)
    return b"".join(out)


def cp1258_exact(text: str) -> bool:
    """Whether every character of text has a Windows-1258 form (no numeric character reference)."""
    return all(not encode_cp1258(ch).startswith(b"&#") for ch in set(text))


# -- gzip bomb -------------------------------------------------------------------------------------


def _gf2_times(matrix: list[int], vector: int) -> int:
    total, row = 0, 0
    while vector:
        if vector & 1:
            total ^= matrix[row]
        vector >>= 1
        row += 1
    return total


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """CRC-32 of A+B from crc(A), crc(B) and len(B) (zlib's crc32_combine, absent from Python)."""
    if len2 <= 0:
        return crc1
    odd = [0xEDB88320] + [1 << n for n in range(31)]  # operator for one zero bit
    even = [_gf2_times(odd, odd[n]) for n in range(32)]  # two zero bits
    odd = [_gf2_times(even, even[n]) for n in range(32)]  # four zero bits
    while True:
        even = [_gf2_times(odd, odd[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(even, crc1)
        len2 >>= 1
        if not len2:
            break
        odd = [_gf2_times(even, even[n]) for n in range(32)]
        if len2 & 1:
            crc1 = _gf2_times(odd, crc1)
        len2 >>= 1
        if not len2:
            break
    return crc1 ^ crc2


@functools.cache
def gzip_bomb_parts(blocks: int = BOMB_BLOCKS) -> tuple[bytes, bytes, int, bytes]:
    """(head, block, repeat, tail): head + block*repeat + tail is one valid gzip member expanding
    to a short HTML prefix and `blocks` MiB of spaces, built without holding the expanded form."""
    prefix = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Tin nóng</title></head><body>'
    prefix_bytes = prefix.encode("utf-8")
    spaces = b" " * _MIB
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = packer.compress(prefix_bytes) + packer.flush(zlib.Z_FULL_FLUSH)
    # after a full flush the window is empty, so every block compresses to the same bytes
    block = packer.compress(spaces) + packer.flush(zlib.Z_FULL_FLUSH)
    crc, run_crc, run_len, left = zlib.crc32(prefix_bytes), zlib.crc32(spaces), _MIB, blocks
    while left:  # crc of the spaces by doubling
        if left & 1:
            crc = crc32_combine(crc, run_crc, run_len)
        run_crc, run_len, left = crc32_combine(run_crc, run_crc, run_len), run_len * 2, left >> 1
    size = len(prefix_bytes) + blocks * _MIB
    tail = b"\x03\x00" + struct.pack("<II", crc, size & 0xFFFFFFFF)  # empty final block, trailer
    return head, block, blocks, tail


# -- the endpoints ---------------------------------------------------------------------------------


class BadEndpoints:
    """Answers /bad/… paths for a started NewsSite; articles come from the site's own corpus."""

    def __init__(self, site: NewsSite, stop: threading.Event) -> None:
        self.site = site
        self.stop = stop
        self._seen: set[str] = set()
        self._lock = threading.Lock()
        stories = site.stories
        count = len(stories)
        self.hostile = make_story(HOSTILE, "xa-hoi", path="/bad/hostile")
        self.short = make_story(SHORT, "thoi-su", path="/bad/short")
        # the cp1258 pages serve an article no other endpoint uses, when there are enough
        cp1258 = next(
            (
                s
                for s in stories[11:] + stories[:11]
                if cp1258_exact(" ".join((s.title, s.sapo, *s.paragraphs)))
            ),
            stories[-1],
        )
        #: which corpus article each endpoint serves (or redirects to)
        self.articles: dict[str, Story] = {
            "no-charset": stories[0],
            "wrong-charset": stories[1 % count],
            "flaky": stories[2 % count],
            "retry-after": stories[3 % count],
            "future-date": dataclasses.replace(stories[4 % count], published=FUTURE),
            "redirect-chain": stories[5 % count],
            "redirect-private": stories[6 % count],
            "cp1258": cp1258,
            "cp1258-undeclared": cp1258,
        }
        self.feed_articles = [stories[(7 + k) % count] for k in range(4)]
        self._routes: Mapping[str, Callable[[str], Response]] = {
            "slow": self._slow,
            "endless": self._endless,
            "huge": self._huge,
            "gzip-bomb": self._gzip_bomb,
            "no-charset": lambda p: self._page(p, "no-charset", charset=None, header="text/html"),
            "wrong-charset": lambda p: self._page(
                p, "wrong-charset", header="text/html; charset=iso-8859-1"
            ),
            "cp1258": lambda p: self._cp1258(p, declared=True),
            "cp1258-undeclared": lambda p: self._cp1258(p, declared=False),
            "500": lambda p: self._error(500, "Lỗi máy chủ"),
            "flaky": lambda p: self._once(p, "flaky", 500, []),
            "retry-after": lambda p: self._once(p, "retry-after", 503, [("Retry-After", "1")]),
            "404": lambda p: self._error(404, "Không tìm thấy trang"),
            "redirect-loop": lambda p: self._redirect("/bad/redirect-loop-2"),
            "redirect-loop-2": lambda p: self._redirect("/bad/redirect-loop"),
            "redirect-chain": self._chain,
            "redirect-private": lambda p: self._redirect(
                site.private_base_url + self.articles["redirect-private"].path
            ),
            "not-html": self._not_html,
            "listing": self._listing,
            "short": lambda p: self._story(p, self.short),
            "future-date": lambda p: self._story(p, self.articles["future-date"]),
            "hostile": lambda p: self._story(p, self.hostile),
            "malformed.rss": self._malformed_rss,
            "maintenance.rss": self._maintenance_rss,
            "busy.rss": self._busy,
            "variants.rss": self._variants_rss,
            "feed-private.rss": self._feed_private,
            "feed-bad.rss": self._feed_bad,
        }

    def respond(self, path: str) -> Response | None:
        """The answer for a /bad/ path, None when there is no such endpoint."""
        name = path.removeprefix("/bad/").split("/", 1)[0]
        route = self._routes.get(name)
        return route(path) if route else None

    # pages

    def _story(self, path: str, story: Story, *, charset: str | None = "utf-8") -> Response:
        html = self.site.render(story, canonical=self.site.base_url + path, charset=charset)
        return Response(body=html.encode("utf-8"))

    def _page(
        self, path: str, name: str, *, header: str, charset: str | None = "utf-8"
    ) -> Response:
        response = self._story(path, self.articles[name], charset=charset)
        response.content_type = header
        return response

    def _cp1258(self, path: str, *, declared: bool) -> Response:
        name = "cp1258" if declared else "cp1258-undeclared"
        charset = "windows-1258" if declared else None
        html = self.site.render(
            self.articles[name], canonical=self.site.base_url + path, charset=charset
        )
        header = "text/html; charset=windows-1258" if declared else "text/html"
        return Response(body=encode_cp1258(html), content_type=header)

    def _error(self, status: int, title: str) -> Response:
        message = "Xin lỗi, đã có lỗi xảy ra. Vui lòng thử lại sau."
        return Response(status=status, body=simple_html(title, message).encode("utf-8"))

    def _once(self, path: str, name: str, status: int, headers: list[tuple[str, str]]) -> Response:
        with self._lock:
            first = path not in self._seen
            self._seen.add(path)
        if first:
            response = self._error(status, "Hệ thống đang bận")
            response.headers = headers
            return response
        return self._story(path, self.articles[name])

    def _redirect(self, location: str, status: int = 302) -> Response:
        body = f'<html><body><a href="{location}">Chuyển hướng</a></body></html>'.encode()
        return Response(status=status, body=body, headers=[("Location", location)])

    def _chain(self, path: str) -> Response:
        rest = path.removeprefix("/bad/redirect-chain").strip("/")
        hop = int(rest) if rest.isdigit() else 0
        if hop + 1 >= REDIRECT_CHAIN_HOPS:
            return self._redirect(self.site.base_url + self.articles["redirect-chain"].path, 301)
        return self._redirect(f"/bad/redirect-chain/{hop + 1}", 301 if hop % 2 else 302)

    def _not_html(self, path: str) -> Response:
        body = (
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
            b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
            + b"% Van ban chi dao so 1559-TB/TU\n" * 64
            + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
        )
        headers = [("Content-Disposition", 'inline; filename="van-ban.pdf"')]
        return Response(body=body, content_type="application/pdf", headers=headers)

    def _listing(self, path: str) -> Response:
        stories = self.site.newest[:40]
        html = listing_html(
            "Tin tổng hợp", "Tin tổng hợp", stories, canonical=self.site.base_url + path
        )
        return Response(body=html.encode("utf-8"))

    # streams

    def _slow(self, path: str) -> Response:
        start, end = b"<html><body><p>", b"</p></body></html>"
        body = start + b"." * (SLOW_SECONDS - len(start) - len(end)) + end

        def stream(write: Callable[[bytes], object]) -> None:
            for byte in body:
                if self.stop.wait(1.0):
                    return
                write(bytes((byte,)))

        return Response(stream=stream, length=len(body))

    def _endless(self, path: str) -> Response:
        start = f"{_HEAD}<title>Trực tiếp</title></head><body>\n"
        chunk = ("<p>" + "Tin nóng cập nhật liên tục từ hiện trường. " * 300 + "</p>\n").encode()

        def stream(write: Callable[[bytes], object]) -> None:
            write(start.encode())
            while not self.stop.is_set():
                write(chunk)

        return Response(stream=stream, length=None)

    def _huge(self, path: str) -> Response:
        start = f"{_HEAD}<title>Toàn văn</title></head><body>\n"
        head, end = start.encode(), b"</body></html>\n"
        chunk = ("<p>" + "Nội dung văn bản rất dài của hội nghị. " * 1500 + "</p>\n").encode()

        def stream(write: Callable[[bytes], object]) -> None:
            write(head)
            left = HUGE_BYTES - len(head) - len(end)
            while left > 0 and not self.stop.is_set():
                piece = chunk[:left]
                write(piece)
                left -= len(piece)
            write(end)

        return Response(stream=stream, length=HUGE_BYTES)

    def _gzip_bomb(self, path: str) -> Response:
        head, block, repeat, tail = gzip_bomb_parts()

        def stream(write: Callable[[bytes], object]) -> None:
            write(head)
            for _ in range(repeat):
                if self.stop.is_set():
                    return
                write(block)
            write(tail)

        length = len(head) + len(block) * repeat + len(tail)
        return Response(stream=stream, length=length, headers=[("Content-Encoding", "gzip")])

    # feeds

    def _rss(self, title: str, path: str, stories: list[Story], links: Mapping[str, str]) -> str:
        return rss_xml(title, self.site.base_url, path, stories, lambda s: links[s.id])

    def _malformed_rss(self, path: str) -> Response:
        base = self.site.base_url
        stories = self.feed_articles
        xml = self._rss("Tin mới", path, stories, {s.id: base + s.path for s in stories})
        cut = xml.rindex("<item>") + len("<item>\n<title>") + 12  # inside the last item's title
        return Response(body=xml[:cut].encode("utf-8"), content_type=RSS_TYPE)

    def _variants_rss(self, path: str) -> Response:
        """One article listed five ways: with tracking parameters, a fragment, a login, plain."""
        story = self.feed_articles[0]
        plain = self.site.base_url + story.path
        ways = [f"{plain}?utm_source=facebook", f"{plain}#binh-luan", plain]
        ways.append(f"{plain}?utm_medium=social&utm_campaign=tin-nong&fbclid=IwAR0x")
        ways.append(plain.replace("://", "://khach:mat-khau@"))
        items = [dataclasses.replace(story, id=f"{story.id}-{k}") for k in range(len(ways))]
        links = {item.id: way for item, way in zip(items, ways, strict=True)}
        return Response(
            body=self._rss("Tin mới", path, items, links).encode(), content_type=RSS_TYPE
        )

    def _busy(self, path: str) -> Response:
        """A site asking to be left alone for an hour (503 with Retry-After)."""
        response = self._error(503, "Hệ thống đang quá tải")
        response.headers = [("Retry-After", "3600")]
        return response

    def _maintenance_rss(self, path: str) -> Response:
        """A feed whose site answers its first request with a maintenance page (200, HTML)."""
        with self._lock:
            first = path not in self._seen
            self._seen.add(path)
        if first:
            message = "Trang đang được bảo trì, mời quay lại sau ít phút."
            return Response(body=simple_html("Bảo trì hệ thống", message).encode("utf-8"))
        base = self.site.base_url
        stories = self.feed_articles
        xml = self._rss("Tin mới", path, stories, {s.id: base + s.path for s in stories})
        return Response(body=xml.encode("utf-8"), content_type=RSS_TYPE)

    def _feed_private(self, path: str) -> Response:
        private, good = self.feed_articles[:2]
        links = {
            private.id: self.site.private_base_url + private.path,
            good.id: self.site.base_url + good.path,
        }
        xml = self._rss("Tin nội bộ", path, [private, good], links)
        return Response(body=xml.encode("utf-8"), content_type=RSS_TYPE)

    def _feed_bad(self, path: str) -> Response:
        items, links = [], {}
        for k, name in enumerate(BAD_FEED_TARGETS):
            if name == "hostile":
                story = self.hostile
            else:
                record = {
                    "id": f"bad-{name}",
                    "title": f"Tin số {k + 1}: cập nhật mới nhất",
                    "text": "Bản tin đang được cập nhật.",
                    "published_estimate": "2017-06-01",
                }
                story = make_story(record, "thoi-su", path=f"/bad/{name}")
            items.append(story)
            links[story.id] = self.site.base_url + f"/bad/{name}"
        xml = self._rss("Tin tổng hợp", path, items, links)
        return Response(body=xml.encode("utf-8"), content_type=RSS_TYPE)
