"""What a well-behaved Vietnamese outlet publishes: article, section, home pages, feeds, sitemaps.

Pure rendering of the baomoi corpus into text; the HTTP side lives in server.py.
"""

from __future__ import annotations

import gzip
import html
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Any

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[2]
    / ".."
    / "shared"
    / "data"
    / "baomoi-2017"
    / "articles.jsonl.gz"
)

VN_TZ = timezone(timedelta(hours=7))
_EPOCH = datetime(2017, 1, 1, 8, 0, tzinfo=VN_TZ)  # date of pages with no article
SITE_NAME = "Thủ Đô Ngày Nay"
SECTIONS: tuple[tuple[str, str], ...] = (
    ("thoi-su", "Thời sự"),
    ("kinh-te", "Kinh tế"),
    ("xa-hoi", "Xã hội"),
    ("phap-luat", "Pháp luật"),
    ("the-gioi", "Thế giới"),
    ("van-hoa", "Văn hóa"),
)
SECTION_NAMES = dict(SECTIONS)
PRIVATE_LINK = "/private/tai-lieu-noi-bo.html"
_WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
_AUTHORS = (
    "Minh Anh",
    "Hoàng Long",
    "Thu Trang",
    "Quốc Việt",
    "Ngọc Hà",
    "Đức Minh",
    "Phương Thảo",
)
_COMMENTS = (
    (
        "Nguyễn Văn Hùng",
        "Cầu Giấy, Hà Nội",
        "Bài viết phản ánh đúng thực tế, mong cơ quan chức năng sớm vào cuộc.",
    ),
    ("Trần Thị Mai", "Đà Nẵng", "Cảm ơn phóng viên đã thông tin kịp thời và đầy đủ."),
    (
        "Lê Minh Tuấn",
        "TP.HCM",
        "Tôi đồng ý với quan điểm trong bài, cần xử lý nghiêm các sai phạm.",
    ),
    ("Phạm Thu Hà", "Hải Phòng", "Đề nghị báo tiếp tục theo dõi và cập nhật diễn biến vụ việc."),
    ("Hoàng Đức Anh", "Nghệ An", "Thông tin rất hữu ích, tôi sẽ chia sẻ cho người thân cùng đọc."),
    ("Vũ Ngọc Lan", "Cần Thơ", "Hy vọng báo sẽ có thêm nhiều bài viết chất lượng như thế này."),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

e = html.escape


def load_articles(n: int | None = 200, path: str | Path | None = None) -> list[dict[str, str]]:
    """The first `n` articles (all if None) of the baomoi corpus; FileNotFoundError if absent."""
    corpus = Path(path) if path is not None else DEFAULT_CORPUS.resolve()
    if not corpus.is_file():
        raise FileNotFoundError(f"baomoi corpus not found: {corpus}")
    articles: list[dict[str, str]] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            if n is not None and len(articles) >= n:
                break
            if line.strip():
                record = json.loads(line)
                articles.append(
                    {k: record[k] for k in ("id", "title", "text", "published_estimate")}
                )
    return articles


def slugify(text: str, max_len: int = 80) -> str:
    """ASCII slug without diacritics (đ→d), words joined by hyphens, cut at a word boundary."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > max_len:
        slug = slug[:max_len].rsplit("-", 1)[0]
    return slug or "bai-viet"


@dataclass(frozen=True)
class Story:
    """One article as the site publishes it."""

    id: str
    title: str
    sapo: str
    paragraphs: tuple[str, ...]
    published: datetime
    section: str
    path: str
    author: str
    source: Mapping[str, Any] = field(compare=False, repr=False)


def make_story(
    record: Mapping[str, Any],
    section: str,
    *,
    path: str | None = None,
    published: datetime | None = None,
) -> Story:
    """A Story from a corpus record: first text line is the sapo, the others are paragraphs."""
    lines = [_CONTROL.sub("", line).strip() for line in str(record.get("text") or "").split("\n")]
    lines = [line for line in lines if line]
    title = _CONTROL.sub("", str(record["title"])).strip()
    if published is None:
        try:
            day = date.fromisoformat(str(record.get("published_estimate"))[:10])
        except ValueError:
            day = date(2017, 1, 1)
        published = datetime(day.year, day.month, day.day, 8, 0, tzinfo=VN_TZ)
    ident = str(record["id"])
    return Story(
        id=ident,
        title=title,
        sapo=lines[0] if lines else "",
        paragraphs=tuple(lines[1:]),
        published=published,
        section=section,
        path=path or f"/{section}/{slugify(title)}-{ident}.html",
        author=_AUTHORS[sum(map(ord, ident)) % len(_AUTHORS)],
        source=record,
    )


def newest_first(stories: Iterable[Story]) -> list[Story]:
    """Newest first; among equal dates the later corpus line first (stable, deterministic)."""
    indexed = list(enumerate(stories))
    indexed.sort(key=lambda pair: (pair[1].published, pair[0]), reverse=True)
    return [story for _, story in indexed]


def vn_day(moment: datetime) -> str:
    return f"{_WEEKDAYS[moment.weekday()]}, {moment:%d/%m/%Y}"


def vn_datetime(moment: datetime) -> str:
    return f"{vn_day(moment)} {moment:%H:%M} (GMT+7)"


def http_date(moment: datetime) -> str:
    """RFC 822 / RFC 7231 date in GMT, as in Last-Modified and RSS pubDate."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


@dataclass
class Response:
    """What the server answers for one path: a body, or a stream written chunk by chunk."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    # stream(write) sends the body; length is its Content-Length, None for chunked encoding
    stream: Callable[[Callable[[bytes], object]], None] | None = None
    length: int | None = None
    # when set, the body is gzipped for clients that accept it, and cached under this key
    gzip_key: str | None = None


# -- HTML ------------------------------------------------------------------------------------------


def _chrome_top(
    title: str, head: str, *, charset: str | None, day: datetime, amp: bool = False
) -> str:
    meta_charset = f'<meta charset="{charset}">\n' if charset else ""
    menu = "".join(f'<li><a href="/{slug}/">{e(name)}</a></li>' for slug, name in SECTIONS)
    return (
        f'<!DOCTYPE html>\n<html lang="vi"{" amp" if amp else ""}>\n<head>\n{meta_charset}'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n{head}"
        "<style>body{font-family:Arial,sans-serif;margin:0}.container{max-width:980px;margin:auto}"
        ".ads{background:#f3f3f3;text-align:center}.sapo{font-weight:bold}</style>\n"
        "<script>window.dataLayer=window.dataLayer||[];dataLayer.push({pageType:'news'});</script>\n"
        "</head>\n<body>\n"
        '<div class="ads ads-top" id="adsTop"><span class="ads-label">Quảng cáo</span>'
        '<div class="ad-slot" data-size="970x90"></div></div>\n'
        '<header class="site-header">\n'
        f'<div class="topbar"><span class="today">{e(vn_day(day))}</span> '
        '<span class="hotline">Đường dây nóng: 0912 345 678</span></div>\n'
        f'<a class="logo" href="/">{e(SITE_NAME)}</a>\n'
        f'<nav class="main-menu"><ul><li><a href="/">Trang chủ</a></li>{menu}</ul></nav>\n'
        "</header>\n"
    )


def _chrome_bottom() -> str:
    menu = " | ".join(f'<a href="/{slug}/">{e(name)}</a>' for slug, name in SECTIONS)
    return (
        '<footer class="site-footer">\n'
        f'<nav class="footer-menu">{menu} | <a href="/rss/home.rss">RSS</a> | '
        f'<a href="{PRIVATE_LINK}">Khu vực nội bộ</a></nav>\n'
        f'<p class="agency">Báo điện tử {e(SITE_NAME)} — '
        "Cơ quan chủ quản: Ủy ban nhân dân thành phố. "
        "Tổng biên tập: Nguyễn Văn An.</p>\n"
        '<p class="licence">Giấy phép số 215/GP-BTTTT do Bộ Thông tin và Truyền thông cấp ngày '
        "12/5/2016.</p>\n"
        '<p class="address">Tòa soạn: Số 44 Lê Thái Tổ, quận Hoàn Kiếm, Hà Nội. '
        "Điện thoại: (024) 3825 1234. Email: toasoan@thudongaynay.vn</p>\n"
        f'<p class="copyright">© 2017 {e(SITE_NAME)}. Ghi rõ nguồn khi phát hành lại thông tin '
        "từ website này.</p>\n</footer>\n"
        '<script>(function(){var s=document.createElement("script");s.async=true;'
        's.src="/static/js/ads.js";document.body.appendChild(s);})();</script>\n'
        "</body>\n</html>\n"
    )


def _breadcrumbs(section: str | None) -> str:
    crumbs = '<a href="/">Trang chủ</a>'
    if section:
        crumbs += f' › <a href="/{section}/">{e(SECTION_NAMES.get(section, section))}</a>'
    return f'<nav class="breadcrumbs">{crumbs}</nav>\n'


def _json_ld(data: Mapping[str, Any]) -> str:
    # "<" escaped so that no crawled title can close the script element
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return f'<script type="application/ld+json">{text}</script>\n'


def article_html(
    story: Story,
    *,
    canonical: str,
    related: Sequence[Story],
    charset: str | None = "utf-8",
    amp_url: str | None = None,
    amp: bool = False,
) -> str:
    """An article page: boilerplate, <article> (h1, sapo, paragraphs), related links, comments."""
    iso = story.published.isoformat()
    section_name = SECTION_NAMES.get(story.section, story.section)
    head = (
        f'<meta name="description" content="{e(story.sapo)}">\n'
        f'<meta name="author" content="{e(story.author)}">\n'
        f'<meta property="og:site_name" content="{e(SITE_NAME)}">\n'
        f'<meta property="og:type" content="article">\n'
        f'<meta property="og:title" content="{e(story.title)}">\n'
        f'<meta property="og:description" content="{e(story.sapo)}">\n'
        f'<meta property="og:url" content="{e(canonical)}">\n'
        '<meta property="og:locale" content="vi_VN">\n'
        f'<meta property="article:published_time" content="{iso}">\n'
        f'<meta property="article:section" content="{e(section_name)}">\n'
        f'<link rel="canonical" href="{e(canonical)}">\n'
        + (f'<link rel="amphtml" href="{e(amp_url)}">\n' if amp_url else "")
        + f'<link rel="alternate" type="application/rss+xml" title="{e(SITE_NAME)}" '
        'href="/rss/home.rss">\n'
        + _json_ld(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": story.title,
                "description": story.sapo,
                "datePublished": iso,
                "dateModified": iso,
                "author": {"@type": "Person", "name": story.author},
                "publisher": {"@type": "Organization", "name": SITE_NAME},
                "mainEntityOfPage": canonical,
            }
        )
    )
    paragraphs = "".join(f"<p>{e(p)}</p>\n" for p in story.paragraphs)
    links = "".join(f'<li><a href="{e(r.path)}">{e(r.title)}</a></li>\n' for r in related)
    first = sum(map(ord, story.id)) % len(_COMMENTS)
    comments = ""
    for k in range(2):
        name, place, text = _COMMENTS[(first + k) % len(_COMMENTS)]
        comments += (
            f'<div class="comment"><p class="comment-author"><strong>{e(name)}</strong> '
            f'<span>({e(place)})</span></p>\n<p class="comment-text">{e(text)}</p>\n'
            f'<p class="comment-meta">{2 + k * 3} giờ trước · Thích ({7 + k * 5})</p></div>\n'
        )
    return (
        _chrome_top(
            f"{story.title} | {SITE_NAME}", head, charset=charset, day=story.published, amp=amp
        )
        + _breadcrumbs(story.section)
        + '<main class="container">\n'
        + f'<article class="article-detail">\n<h1>{e(story.title)}</h1>\n'
        + f'<p class="sapo"><strong>{e(story.sapo)}</strong></p>\n'
        + paragraphs
        + "</article>\n"
        + f'<div class="article-byline"><span class="author">{e(story.author)}</span> · '
        + f'<time class="published" datetime="{iso}">'
        + f"{e(vn_datetime(story.published))}</time></div>\n"
        + '<div class="ads ads-inarticle"><span class="ads-label">Quảng cáo</span>'
        + '<div class="ad-slot" data-size="300x250"></div></div>\n'
        + f'<section class="related"><h2>Tin liên quan</h2>\n<ul>\n{links}</ul>\n</section>\n'
        + f'<section class="comments"><h2>Bình luận (2)</h2>\n{comments}'
        + '<form class="comment-form" action="/binh-luan/gui" method="post">'
        + '<textarea name="noi_dung" placeholder="Ý kiến của bạn..."></textarea>'
        + '<button type="submit">Gửi bình luận</button></form>\n</section>\n'
        + "</main>\n"
        + _chrome_bottom()
    )


def listing_html(
    title: str,
    heading: str,
    stories: Sequence[Story],
    *,
    canonical: str,
    section: str | None = None,
    feed: str | None = None,
) -> str:
    """A home, section or listing page: menu and one headline link per story, no article body."""
    head = f'<link rel="canonical" href="{e(canonical)}">\n'
    if feed:
        head += (
            f'<link rel="alternate" type="application/rss+xml" title="{e(heading)}" '
            f'href="{feed}">\n'
        )
    items = "".join(
        f'<li class="story"><h3 class="story-title"><a href="{e(s.path)}">{e(s.title)}</a></h3>'
        f'<time datetime="{s.published.isoformat()}">{s.published:%d/%m/%Y}</time></li>\n'
        for s in stories
    )
    day = stories[0].published if stories else _EPOCH
    return (
        _chrome_top(title, head, charset="utf-8", day=day)
        + _breadcrumbs(section)
        + f'<main class="container">\n<h1 class="page-title">{e(heading)}</h1>\n'
        + f'<ul class="story-list">\n{items}</ul>\n</main>\n'
        + _chrome_bottom()
    )


def simple_html(title: str, message: str) -> str:
    """A small page with the site's chrome, for errors."""
    body = f'<main class="container"><h1>{e(title)}</h1><p>{e(message)}</p></main>\n'
    return _chrome_top(title, "", charset="utf-8", day=_EPOCH) + body + _chrome_bottom()


# -- feeds and sitemaps ----------------------------------------------------------------------------

_XML = '<?xml version="1.0" encoding="UTF-8"?>\n'


def rss_xml(
    title: str, base: str, self_path: str, stories: Sequence[Story], link: Callable[[Story], str]
) -> str:
    """RSS 2.0 with title, link, guid, pubDate and description (the sapo) per item."""
    built = format_datetime(stories[0].published if stories else _EPOCH)
    items = "".join(
        f"<item>\n<title>{e(s.title)}</title>\n<link>{e(link(s))}</link>\n"
        f'<guid isPermaLink="true">{e(link(s))}</guid>\n'
        f"<pubDate>{format_datetime(s.published)}</pubDate>\n"
        f"<description>{e(s.sapo)}</description>\n</item>\n"
        for s in stories
    )
    return (
        f'{_XML}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n<channel>\n'
        f"<title>{e(title)}</title>\n<link>{base}/</link>\n"
        f"<description>{e(title)} - tin tức cập nhật liên tục</description>\n"
        f"<language>vi</language>\n<lastBuildDate>{built}</lastBuildDate>\n"
        f'<atom:link href="{base}{self_path}" rel="self" type="application/rss+xml"/>\n'
        f"{items}</channel>\n</rss>\n"
    )


def atom_xml(
    base: str, self_path: str, stories: Sequence[Story], link: Callable[[Story], str]
) -> str:
    updated = (stories[0].published if stories else _EPOCH).isoformat()
    entries = "".join(
        f'<entry>\n<title>{e(s.title)}</title>\n<link rel="alternate" href="{e(link(s))}"/>\n'
        f"<id>{e(link(s))}</id>\n<published>{s.published.isoformat()}</published>\n"
        f"<updated>{s.published.isoformat()}</updated>\n<author><name>{e(s.author)}</name></author>\n"
        f"<summary>{e(s.sapo)}</summary>\n</entry>\n"
        for s in stories
    )
    return (
        f'{_XML}<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="vi">\n'
        f"<title>{e(SITE_NAME)} - Tin mới nhất</title>\n"
        f"<id>{base}/</id>\n<updated>{updated}</updated>\n"
        f'<link rel="self" href="{base}{self_path}"/>\n<link rel="alternate" href="{base}/"/>\n'
        f"{entries}</feed>\n"
    )


def sitemap_index_xml(children: Sequence[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<sitemap><loc>{e(loc)}</loc><lastmod>{lastmod.isoformat()}</lastmod></sitemap>\n"
        for loc, lastmod in children
    )
    return f'{_XML}<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n'


def news_sitemap_xml(stories: Sequence[Story], link: Callable[[Story], str]) -> str:
    urls = "".join(
        f"<url>\n<loc>{e(link(s))}</loc>\n<news:news>\n<news:publication>"
        f"<news:name>{e(SITE_NAME)}</news:name><news:language>vi</news:language></news:publication>\n"
        f"<news:publication_date>{s.published.isoformat()}</news:publication_date>\n"
        f"<news:title>{e(s.title)}</news:title>\n</news:news>\n</url>\n"
        for s in stories
    )
    return (
        f'{_XML}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n{urls}</urlset>\n'
    )


def urlset_xml(stories: Sequence[Story], link: Callable[[Story], str]) -> str:
    urls = "".join(
        f"<url><loc>{e(link(s))}</loc><lastmod>{s.published.isoformat()}</lastmod></url>\n"
        for s in stories
    )
    return f'{_XML}<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}</urlset>\n'
