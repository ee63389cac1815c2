"""Templates and what every page shares: Hà Nội dates, the language, the navigation, CSRF.

Jinja2 autoescaping is on for every .html template, so crawled text is always shown as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import FileSystemLoader, pass_context
from jinja2.runtime import Context

from baochi.collect.explain import explain
from baochi.db.watch_store import Alert
from baochi.hanoi_time import HANOI, minute
from baochi.labels import label_name
from baochi.records import web_address
from baochi.watch.wording import alert_reason, alert_subject
from baochi.web.auth import ROLES, csrf_token
from baochi.web.i18n import DEFAULT, LANGUAGES, Sayable, counter, language, translator
from baochi.web.i18n import figure as written_figure
from baochi.web.i18n import number as written_number

TEMPLATES = Path(__file__).with_name("templates")
templates = Jinja2Templates(directory=TEMPLATES)


def local(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Hà Nội time, as the office reads dates."""
    return minute(value) if value else "—"


def day(value: dt.datetime | dt.date | str | None) -> str:
    """dd/mm/yyyy; a datetime is first put in Hà Nội time, a string is read as YYYY-MM-DD."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.astimezone(HANOI)
    return value.strftime("%d/%m/%Y")


def number(value: float | int | None, digits: int = 0, lang: str = DEFAULT) -> str:
    """As the language writes it: 12.345,6 in Vietnamese, 12,345.6 in English."""
    return "—" if value is None else written_number(value, digits, lang)


def figure(value: float | int | None, lang: str = DEFAULT) -> str:
    """A reported figure with the decimals it has: `{{ 62.5 | figure }}` → "62,5" ("62.5" in
    English)."""
    return "—" if value is None else written_figure(value, lang)


def filesize(value: float, lang: str = DEFAULT) -> str:
    """A file's size in units of 1000 as Jinja's filesizeformat counts: "193 byte", "1,2 kB",
    "3,4 MB" in Vietnamese, "193 bytes", "1.2 kB" in English."""
    if value < 1000:
        return f"{written_number(value, 0, lang)} {'bytes' if lang == 'en' else 'byte'}"
    for unit in ("kB", "MB"):
        value /= 1000
        if round(value, 1) < 1000:
            return f"{written_number(value, 1, lang)} {unit}"
    return f"{written_number(value / 1000, 1, lang)} GB"


def _in_page_language(write: Callable[..., str]) -> Callable[..., str]:
    """A filter that writes its value as the page's language does (its context's `lang`;
    Vietnamese outside a request's page): `{{ 1461 | number }}` → "1.461", or "1,461"."""

    @pass_context
    def shown(context: Context, value: Any, *args: Any) -> str:
        return write(value, *args, lang=str(context.get("lang", DEFAULT)))

    return shown


def reason(alert: Alert, lang: str = DEFAULT) -> str:
    """An alert's reason in the page's language: `{{ a | reason }}` → "24 giờ qua: 1.461 bài, …",
    or "Last 24 hours: 1,461 articles, …"."""
    return alert_reason(alert, counter(lang), partial(written_number, lang=lang))


def subject(alert: Alert, lang: str = DEFAULT) -> str:
    """What an alert is about, in the page's language: `{{ a | subject }}` → "chủ đề Xã hội",
    or "topic Society"."""
    return alert_subject(alert, counter(lang))


def said(message: str | Sayable, lang: str = DEFAULT) -> str:
    """A message in the page's language: one with dynamic parts written through the catalogue
    (`{{ problem | said }}` → "thiếu Tên (name)", or "missing Name (name)"), a fixed one as the
    catalogue has it."""
    if isinstance(message, Sayable):
        return message.said(counter(lang))
    return translator(lang)(message)


def sentence(text: str) -> str:
    """A message shown on its own, as a sentence: "không tìm thấy hồ sơ" → "Không tìm thấy hồ
    sơ"."""
    return text[:1].upper() + text[1:]


def label(code: str | None, task: str) -> str:
    """A topic or tone code as people read it: `{{ doc.topic | label("topic") }}` → "Giáo dục"."""
    return label_name(task, code)


def query(params: dict[str, Any]) -> str:
    """A link's "?query" without its empty filters ("" when none is set): "overdue=" is no
    boolean to the route it opens, so a link carrying it would be refused."""
    kept = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return f"?{kept}" if kept else ""


templates.env.filters.update(
    local=local,
    day=day,
    number=_in_page_language(number),
    figure=_in_page_language(figure),
    filesize=_in_page_language(filesize),
    reason=_in_page_language(reason),
    subject=_in_page_language(subject),
    said=_in_page_language(said),
    sentence=sentence,
    label=label,
    query=query,
    why=explain,
)
templates.env.tests["web_address"] = web_address


def here(request: Request) -> str:
    """Where sign-in or a language switch comes back to: this page with its query, or for a
    page that answers a form, the page the form was on (its own address takes only forms)."""
    if request.method not in ("GET", "HEAD"):
        return came_from(request) or "/"
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def came_from(request: Request) -> str:
    """The page of ours the request came from (its Referer), or "" if none or another site's
    (a path "//evil.example/x" or "/\\evil.example" is another site's to a browser)."""
    referer = urlsplit(request.headers.get("referer", ""))
    path = referer.path
    if referer.netloc != request.url.netloc or not path.startswith("/") or path[1:2] in ("/", "\\"):
        return ""
    return referer.path + (f"?{referer.query}" if referer.query else "")


def today_start() -> dt.datetime:
    """Midnight of today in Hà Nội, as an aware datetime."""
    return dt.datetime.now(HANOI).replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True, slots=True)
class NavItem:
    """One entry of the main navigation, shown to the roles that may open it."""

    order: int
    href: str
    label: str  # Vietnamese; translated when shown
    roles: tuple[str, ...]


def add_template_folder(folder: Path) -> None:
    """Let an area's router render its own templates, which may extend base.html."""
    loader = templates.env.loader
    if isinstance(loader, FileSystemLoader) and str(folder) not in loader.searchpath:
        loader.searchpath.append(str(folder))


def badges(request: Request, user: Any) -> dict[str, int]:
    """The counts shown beside navigation entries (unread notifications…), for this user."""
    if user is None:
        return {}
    found = (f(request, user) for f in getattr(request.app.state, "nav_badges", ()))
    return {href: count for href, count in filter(None, found) if count}


# What a page says after a change, by the `done` its redirect carries (see `done`): a save that
# answers with the same page again must say it was made.
DONE = {
    "source-added": "Đã thêm nguồn tin: bộ thu thập tải nó ở lượt kế tiếp.",
    "source-known": "Nguồn tin này đã có trong danh sách: không thêm lần nữa.",
    "source-poll": "Đã hẹn thu thập nguồn tin này: bộ thu thập tải nó ở lượt tới.",
    "source-poll-idle": (
        "Đã hẹn thu thập nguồn tin này ở lượt tới, nhưng không có bộ thu thập nào đang chạy: "
        "chỉ baochi run hoặc baochi worker mới thu thập."
    ),
    "source-disabled": "Đã tắt nguồn tin: bộ thu thập không tải nó nữa.",
    "source-enabled": "Đã bật lại nguồn tin: bộ thu thập tải nó ở lượt tới.",
    "user-saved": "Đã lưu vai trò và phòng ban của người dùng.",
    "user-locked": "Đã khoá tài khoản: người này không đăng nhập được nữa.",
    "user-unlocked": "Đã mở khoá tài khoản.",
    "department-added": "Đã thêm phòng ban.",
    "department-renamed": "Đã lưu tên phòng ban.",
    "department-merged": "Đã gộp phòng ban: người dùng và hồ sơ chưa đóng đã chuyển sang.",
    "progress-saved": "Đã ghi số liệu của kỳ báo cáo.",
    "directive-imported": "Đã nhập văn bản chỉ đạo từ tệp.",
}


def done(path: str, key: str, anchor: str = "") -> str:
    """Where a change's redirect goes: the page, saying what was done (a key of DONE)."""
    assert key in DONE, key
    return f"{path}?done={key}{'#' + anchor if anchor else ''}"


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a page with the shared context: user, language, `_` and `_n`, navigation and
    CSRF token."""
    user = getattr(request.state, "user", None)
    lang = language(request, user.lang if user else None)
    nav: list[NavItem] = getattr(request.app.state, "nav", [])
    shared = {
        "user": user,
        "lang": lang,
        "languages": LANGUAGES,
        "roles": ROLES,
        "_": translator(lang),
        "_n": counter(lang),
        "nav": [item for item in nav if user and user.role in item.roles],
        "badges": badges(request, user),
        "csrf": csrf_token(request),
        "path": request.url.path,
        "here": here(request),
        "done": DONE.get(request.query_params.get("done", ""), ""),
    }
    return templates.TemplateResponse(
        request, name, {**shared, **(context or {})}, status_code=status_code
    )


@dataclass(frozen=True, slots=True)
class Panel:
    """A card that an area adds to the dashboard, an article or a story: a title and a template
    rendered with its context."""

    order: int
    title: str  # Vietnamese; translated when shown
    template: str
    context: dict[str, Any]
    wide: bool = False  # on the dashboard: the whole row
    beside: bool = False  # on an article page: the narrow column, beside the labels and forms
