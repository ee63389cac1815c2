"""The local test news site answers like a real outlet: pages, feeds, sitemaps, traps."""

from __future__ import annotations

import gzip
import html
import re
import subprocess
import sys
import unicodedata
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator, Mapping
from email.message import Message
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from tests.site.bad import BAD_FEED_TARGETS, REDIRECT_CHAIN_HOPS, gzip_bomb_parts
from tests.site.pages import slugify
from tests.site.server import NewsSite, load_articles

REPO = Path(__file__).resolve().parents[2]
RSS_NS = {"atom": "http://www.w3.org/2005/Atom"}
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
DECLARED = re.compile(rb"charset\s*=", re.IGNORECASE)


def _articles(n: int) -> list[dict[str, str]]:
    try:
        return load_articles(n)
    except FileNotFoundError as exc:
        pytest.skip(f"baomoi corpus not available: {exc}")


@pytest.fixture(scope="module")
def site() -> Iterator[NewsSite]:
    with NewsSite(_articles(200)) as running:
        yield running


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_PLAIN = urllib.request.build_opener(_NoRedirect)


def fetch(
    url: str, headers: Mapping[str, str] | None = None, *, follow: bool = True, limit: int = -1
) -> tuple[int, Message, bytes]:
    """(status, headers, body) of a GET; reads at most `limit` bytes; always closes the response."""
    request = urllib.request.Request(url, headers=dict(headers or {}))
    opener = urllib.request.urlopen if follow else _PLAIN.open
    try:
        response = opener(request, timeout=5)
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()
    with response:
        return response.status, response.headers, response.read(limit)


def canonical(page: str) -> str:
    match = re.search(r'<link rel="canonical" href="([^"]+)">', page)
    assert match, "no canonical link"
    return html.unescape(match.group(1))


def article_body(page: str) -> str:
    return page[page.index("<article") : page.index("</article>")]


def test_slugify_drops_diacritics() -> None:
    assert slugify("Đường Hồ Chí Minh: “Ổn định” 100%") == "duong-ho-chi-minh-on-dinh-100"


def test_robots(site: NewsSite) -> None:
    status, headers, body = fetch(site.base_url + "/robots.txt")
    assert status == 200 and headers.get_content_type() == "text/plain"
    lines = body.decode().splitlines()
    assert lines[:2] == ["User-agent: *", "Disallow: /private/"]
    assert f"Sitemap: {site.base_url}/sitemap.xml" in lines


def test_article_page(site: NewsSite) -> None:
    article = site.articles[7]
    url = site.article_url(article)
    path = url.removeprefix(site.base_url)
    assert re.fullmatch(r"/[a-z-]+/[a-z0-9-]+-" + article["id"] + r"\.html", path)
    status, headers, body = fetch(url)
    page = body.decode(headers.get_content_charset())
    sapo, *rest = [line.strip() for line in article["text"].split("\n") if line.strip()]
    assert status == 200 and '<meta charset="utf-8">' in page
    assert f"<h1>{html.escape(article['title'])}</h1>" in page
    assert f'<meta property="og:title" content="{html.escape(article["title"])}">' in page
    assert f'<meta property="og:description" content="{html.escape(sapo)}">' in page
    assert '<meta property="og:type" content="article">' in page
    published = f"{article['published_estimate']}T08:00:00+07:00"
    assert f'<meta property="article:published_time" content="{published}">' in page
    assert canonical(page) == url
    assert f'<p class="sapo"><strong>{html.escape(sapo)}</strong></p>' in article_body(page)
    assert all(f"<p>{html.escape(line)}</p>" in page for line in rest)
    related = page[page.index("Tin liên quan") :].split("</section>")[0]
    assert related.count("<a href=") == 5
    assert "Giấy phép số" in page and "Bình luận (2)" in page and 'class="author"' in page
    # the tracking-parameter variant is the same page and counts under the same path
    before = site.hits[path]
    assert fetch(url + "?utm_source=rss")[2] == body
    assert site.hits[path] == before + 1


def test_gzip_when_accepted(site: NewsSite) -> None:
    url = site.article_url(site.articles[0])
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == fetch(url)[2]


def test_home_and_sections_link_newest(site: NewsSite) -> None:
    home = fetch(site.base_url + "/")[2].decode()
    assert '<a href="/thoi-su/">Thời sự</a>' in home and '<a href="/the-gioi/">Thế giới</a>' in home
    assert len(re.findall(r'class="story-title"><a href="[^"]+\.html">', home)) == 20
    section = fetch(site.base_url + "/kinh-te/")[2].decode()
    links = re.findall(r'class="story-title"><a href="(/kinh-te/[^"]+\.html)">', section)
    assert len(links) == 30


def test_rss_feeds(site: NewsSite) -> None:
    status, headers, body = fetch(site.base_url + "/rss/home.rss")
    assert status == 200 and headers["ETag"] and headers["Last-Modified"]
    items = ET.fromstring(body).findall("./channel/item")
    assert len(items) == 50
    for item in items:
        link = item.findtext("link") or ""
        assert link.startswith(site.base_url) and item.findtext("guid") == link
        assert parsedate_to_datetime(item.findtext("pubDate") or "").utcoffset() is not None
        assert item.findtext("title") and item.findtext("description") is not None
    dates = [parsedate_to_datetime(item.findtext("pubDate") or "") for item in items]
    assert dates == sorted(dates, reverse=True)
    per_section = [
        len(ET.fromstring(fetch(f"{site.base_url}/rss/{slug}.rss")[2]).findall("./channel/item"))
        for slug in ("thoi-su", "kinh-te", "xa-hoi", "phap-luat", "the-gioi", "van-hoa")
    ]
    assert sum(per_section) == len(site.articles)
    atom = ET.fromstring(fetch(site.base_url + "/atom/home.xml")[2])
    assert len(atom.findall("atom:entry", RSS_NS)) == 50


def test_sitemaps_cover_every_article(site: NewsSite) -> None:
    index = ET.fromstring(fetch(site.base_url + "/sitemap.xml")[2])
    children = [loc.text or "" for loc in index.iter(SM + "loc")]
    assert children == [f"{site.base_url}/sitemaps/{name}.xml" for name in ("news", "articles-1")]
    news = ET.fromstring(fetch(children[0])[2])
    assert len(news.findall(SM + "url")) == 100
    assert all(u.find(f"{NEWS}news/{NEWS}publication_date") is not None for u in news)
    urls = ET.fromstring(fetch(children[1])[2])
    listed = {u.findtext(SM + "loc") for u in urls}
    assert listed == {site.article_url(a) for a in site.articles}
    assert all(u.findtext(SM + "lastmod") for u in urls)


def test_conditional_get(site: NewsSite) -> None:
    url = site.base_url + "/rss/xa-hoi.rss"
    _, headers, _ = fetch(url)
    assert fetch(url, {"If-None-Match": headers["ETag"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": headers["Last-Modified"]})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Sun, 01 Jan 2012 00:00:00 GMT"})[0] == 200
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200


def test_duplicates_amp_copy_and_stale_slug(site: NewsSite) -> None:
    url = site.article_url(site.articles[2])
    path = url.removeprefix(site.base_url)
    main = fetch(url)[2].decode()
    amp = fetch(site.base_url + "/amp" + path)[2].decode()
    assert canonical(amp) == url and article_body(amp) == article_body(main)
    copy_url = f"{site.base_url}/copy/{site.articles[2]['id']}.html"
    copy = fetch(copy_url)[2].decode()
    assert canonical(copy) == copy_url and article_body(copy) == article_body(main)
    stale = path.rsplit("/", 1)[0] + f"/tieu-de-cu-{site.articles[2]['id']}.html"
    status, headers, _ = fetch(site.base_url + stale, follow=False)
    assert status == 301 and headers["Location"] == url


def test_cp1258_pages_decode_to_the_original(site: NewsSite) -> None:
    article = site.bad_articles["cp1258"]
    status, headers, body = fetch(site.base_url + "/bad/cp1258")
    assert status == 200 and headers.get_content_charset() == "windows-1258"
    assert b'<meta charset="windows-1258">' in body
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = unicodedata.normalize("NFC", body.decode("cp1258"))
    sapo = article["text"].split("\n")[0]
    assert html.escape(article["title"]) in text and html.escape(sapo) in text
    _, bare_headers, bare = fetch(site.base_url + "/bad/cp1258-undeclared")
    assert bare_headers.get_content_charset() is None and not DECLARED.search(bare)
    assert unicodedata.normalize("NFC", bare.decode("cp1258")).count(html.escape(sapo)) >= 1


def test_undeclared_and_wrong_charsets(site: NewsSite) -> None:
    _, headers, body = fetch(site.base_url + "/bad/no-charset")
    assert headers.get_content_charset() is None and not DECLARED.search(body)
    assert html.escape(site.bad_articles["no-charset"]["title"]) in body.decode("utf-8")
    _, headers, body = fetch(site.base_url + "/bad/wrong-charset")
    assert headers.get_content_charset() == "iso-8859-1" and b'<meta charset="utf-8">' in body
    assert html.escape(site.bad_articles["wrong-charset"]["title"]) in body.decode("utf-8")


def test_hostile_text_is_escaped(site: NewsSite) -> None:
    page = fetch(site.base_url + "/bad/hostile")[2].decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<iframe" not in page and "<img" not in page


def test_errors_and_retries(site: NewsSite) -> None:
    assert fetch(site.base_url + "/bad/500")[0] == 500
    assert fetch(site.base_url + "/bad/404")[0] == 404
    assert [fetch(site.base_url + "/bad/flaky/a")[0] for _ in range(3)] == [500, 200, 200]
    status, headers, _ = fetch(site.base_url + "/bad/retry-after/a")
    assert status == 503 and headers["Retry-After"] == "1"
    assert fetch(site.base_url + "/bad/retry-after/a")[0] == 200


def test_redirect_traps(site: NewsSite) -> None:
    first = fetch(site.base_url + "/bad/redirect-loop", follow=False)
    assert first[0] == 302 and first[1]["Location"] == "/bad/redirect-loop-2"
    second = fetch(site.base_url + "/bad/redirect-loop-2", follow=False)
    assert second[1]["Location"] == "/bad/redirect-loop"
    url, hops = site.base_url + "/bad/redirect-chain", 0
    while (answer := fetch(url, follow=False))[0] in (301, 302):
        url, hops = urllib.request.urljoin(url, answer[1]["Location"]), hops + 1
    assert hops == REDIRECT_CHAIN_HOPS and answer[0] == 200
    assert url == site.article_url(site.bad_articles["redirect-chain"])
    status, headers, _ = fetch(site.base_url + "/bad/redirect-private", follow=False)
    assert status == 302 and headers["Location"].startswith(site.private_base_url + "/")


def test_not_articles(site: NewsSite) -> None:
    _, headers, body = fetch(site.base_url + "/bad/not-html")
    assert headers.get_content_type() == "application/pdf" and body.startswith(b"%PDF-")
    listing = fetch(site.base_url + "/bad/listing")[2].decode()
    assert "<article" not in listing and listing.count('class="story-title"') == 40
    short = article_body(fetch(site.base_url + "/bad/short")[2].decode())
    assert short.count("<p") == 2
    future = fetch(site.base_url + "/bad/future-date")[2].decode()
    assert 'content="2099-01-01T08:00:00+07:00"' in future


def test_broken_feeds(site: NewsSite) -> None:
    malformed = fetch(site.base_url + "/bad/malformed.rss")[2]
    with pytest.raises(ET.ParseError):
        ET.fromstring(malformed)
    links = re.findall(r"<link>([^<]+\.html)</link>", malformed.decode())
    assert len(links) == 3 and all(fetch(link)[0] == 200 for link in links)
    private = ET.fromstring(fetch(site.base_url + "/bad/feed-private.rss")[2])
    targets = [item.findtext("link") or "" for item in private.iter("item")]
    assert targets[0].startswith(site.private_base_url) and targets[1].startswith(site.base_url)
    bad = ET.fromstring(fetch(site.base_url + "/bad/feed-bad.rss")[2])
    paths = [(item.findtext("link") or "").removeprefix(site.base_url) for item in bad.iter("item")]
    assert paths == [f"/bad/{name}" for name in BAD_FEED_TARGETS]


def test_streaming_traps_first_bytes(site: NewsSite) -> None:
    _, headers, _ = fetch(site.base_url + "/bad/slow", limit=0)
    assert headers["Content-Length"] == "60"
    _, headers, body = fetch(site.base_url + "/bad/endless", limit=100_000)
    assert headers["Transfer-Encoding"] == "chunked" and len(body) == 100_000
    _, headers, body = fetch(site.base_url + "/bad/huge", limit=1000)
    assert headers["Content-Length"] == str(50 * 1024 * 1024) and body.startswith(b"<!DOCTYPE")
    _, headers, body = fetch(site.base_url + "/bad/gzip-bomb", limit=64 * 1024)
    assert headers["Content-Encoding"] == "gzip" and int(headers["Content-Length"]) > 9_000_000
    expanded = zlib.decompressobj(wbits=31).decompress(body, 1_000_000)
    assert expanded.startswith(b"<!DOCTYPE html>") and expanded.endswith(b" " * 1000)


def test_gzip_bomb_is_one_valid_member() -> None:
    head, block, repeat, tail = gzip_bomb_parts(3)
    assert len(gzip.decompress(head + block * repeat + tail)) > 3 * 1024 * 1024


def test_private_paths_and_listener(site: NewsSite) -> None:
    status, _, body = fetch(site.base_url + "/private/tai-lieu-noi-bo.html")
    assert status == 200 and b"<article" in body
    try:
        status, _, _ = fetch(site.private_base_url + "/robots.txt")
    except urllib.error.URLError:
        pytest.skip("cannot listen on the private address here")
    assert status == 200 and site.private_hits["/robots.txt"] == 1


def test_runs_as_a_separate_process() -> None:
    _articles(1)
    command = [sys.executable, "-m", "tests.site.server", "--articles", "20"]
    with subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            base = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
            assert fetch(base + "/robots.txt")[0] == 200
        finally:
            process.terminate()
    assert process.returncode == 0
