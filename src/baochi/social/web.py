"""Mạng xã hội pages and API: the channels followed and the latest posts and comments with
their sentiment, toxicity and highlighted offensive words; the city's own channels' reach,
engagement, best posts, active hours and answers to negative stories."""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    BackgroundTasks,
    Depends,
    File,
    Form,
    HTTPException,
    Request,
    UploadFile,
)
from fastapi.responses import RedirectResponse, Response

from baochi.collect.social.importers import MAX_BYTES, latest_time, platform_refusal, read_export
from baochi.db.row_ids import RowId, row_id
from baochi.db.social_imports import ImportsStore
from baochi.db.social_store import SocialRow, SocialStore
from baochi.db.web_store import User, audit
from baochi.labels import label_name
from baochi.phrase import Phrase, phrase_of
from baochi.records import web_address
from baochi.social.channels import ChannelFigures, channel_figures, median_hours, responses
from baochi.social.imports import run_import
from baochi.social.marks import HOSTILE, SENTIMENTS, TOXICITY, marked
from baochi.web.auth import EDITORS, READERS, require
from baochi.web.exports import newest_only, xlsx_response
from baochi.web.paging import Page, page_of
from baochi.web.templating import NavItem, local, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/social", tags=["social"])
NAV = (
    NavItem(32, "/social", "Mạng xã hội", READERS),
    NavItem(33, "/social/channels", "Kênh của thành phố", READERS),
)
Reader = Annotated[User, Depends(require(*READERS))]
Editor = Annotated[User, Depends(require(*EDITORS))]
IMPORT_PRESETS = {
    "listening": "Công cụ theo dõi mạng xã hội (CSV, XLSX)",
    "baochi": "Cột theo tên trường của baochi (CSV, XLSX)",
    "youtube-takeout": "YouTube Takeout: bình luận (CSV)",
    "facebook-export": "Facebook: tải thông tin của trang (JSON)",
}
IMPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm", ".json")
AUDIT_LABELS = {"social.import": "Nhập bài mạng xã hội"}
PERIODS = (7, 30, 90, 365)
SHOWN_RESPONSES = 100  # newest negative stories listed on the channels page; the median counts all
EXPORT_LIMIT = 10_000
PAGE_SIZE = 100


def _store(request: Request) -> SocialStore:
    return SocialStore(request.app.state.store.engine)


@dataclass(frozen=True)
class Shown:
    """Which posts and comments the list shows: a kind, the hostile ones, a sentiment, one
    channel; each filter a link that can be shared."""

    kind: str = ""
    toxic: bool = False
    sentiment: str = ""
    channel: RowId | None = None

    @property
    def filtered(self) -> bool:
        """Whether any filter is set ("Tất cả" is the list without one)."""
        return self != Shown()

    def query(self) -> dict[str, Any]:
        """The filters as a link's parameters (empty ones dropped by the template)."""
        return {"kind": self.kind, "toxic": "true" if self.toxic else "",
                "sentiment": self.sentiment, "channel": self.channel}  # fmt: skip


Filters = Annotated[Shown, Depends()]


@router.get("/social")
def social_page(request: Request, user: Reader, shown: Filters, page: Page = 1) -> Response:
    """Channels followed and the latest posts and comments, a page at a time, the offensive
    words marked."""
    return _social(request, user, shown, page=page)


def _social(
    request: Request,
    user: User,
    shown: Shown = Shown(),
    imported: dict[str, Any] | None = None,
    status: int = 200,
    page: int = 1,
) -> Response:
    """The social page, with the outcome of an import when there was one."""
    store = _store(request)
    rows, following = page_of(partial(_listed, store, shown), page, PAGE_SIZE)
    context = {
        "title": "Mạng xã hội",
        "accounts": store.accounts(),
        "rows": [(r, marked(r)) for r in rows],
        "shown": shown,
        "page": page,
        "following": following,
        "sentiments": SENTIMENTS,
        "toxicity": TOXICITY,
        "can_import": user.role in EDITORS,
        "presets": IMPORT_PRESETS,
        "imported": imported,
    }
    return render(request, "social/index.html", context, status)


def _listed(store: SocialStore, shown: Shown, limit: int, offset: int = 0) -> list[SocialRow]:
    """The newest posts and comments the filters keep, from `offset` on."""
    return store.items(
        kind=shown.kind if shown.kind in ("post", "comment") else None,
        toxicity=HOSTILE if shown.toxic else None,
        sentiment=shown.sentiment if shown.sentiment in SENTIMENTS else None,
        account_id=shown.channel,
        limit=limit,
        offset=offset,
    )


@router.get("/social/export.xlsx")
def export_items(request: Request, user: Reader, shown: Filters) -> Response:
    """The list as shown, to EXPORT_LIMIT rows, with every figure and label, as Excel; a file
    cut at the limit says so on top."""
    listed, preface = newest_only(
        _listed(_store(request), shown, limit=EXPORT_LIMIT + 1), EXPORT_LIMIT, "mục"
    )
    rows = [
        (
            local(r.appeared_at),
            label_name("platform", r.platform),
            r.account,
            label_name("kind", r.kind),
            r.author,
            r.text,
            SENTIMENTS.get(r.sentiment, r.sentiment),
            TOXICITY.get(r.toxicity, r.toxicity),
            r.reactions,
            r.comments,
            r.shares,
            r.views,
            r.url if web_address(r.url) else "",  # none for a post stored by its platform id
        )
        for r in listed
    ]
    header = ("Thời điểm", "Mạng xã hội", "Kênh", "Loại", "Tác giả", "Nội dung", "Cảm xúc",
              "Độc hại", "Lượt thích", "Bình luận", "Chia sẻ", "Lượt xem", "Liên kết")  # fmt: skip
    return xlsx_response("mang-xa-hoi.xlsx", "Mạng xã hội", header, rows, preface)


@router.post("/social/import")
def import_export(
    request: Request,
    user: Editor,
    background: BackgroundTasks,
    file: Annotated[UploadFile, File()],
    preset: Annotated[str, Form()] = "listening",
    platform: Annotated[str, Form()] = "facebook",
    account: Annotated[str, Form()] = "",
    skip_bad: Annotated[bool, Form()] = False,
) -> Response:
    """Posts and comments from an export the office has (a listening tool's CSV or XLSX,
    Facebook's JSON), every row checked first: with a bad row nothing is stored unless the good
    rows are asked for, as `baochi social import` does; optionally as one channel's. The rows
    are analysed and stored after the response, on the import's own page."""
    name, platform = file.filename or "", platform.strip().lower() or "facebook"
    suffix = Path(name).suffix.lower()
    if suffix not in IMPORT_SUFFIXES:
        kinds = ", ".join(IMPORT_SUFFIXES)
        error = Phrase("Tệp {name!r}: chỉ nhận {kinds}.", name=name, kinds=kinds)
        return _refused(request, user, error, 422)
    if refusal := platform_refusal(platform):
        return _refused(request, user, refusal, 422)
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        error = Phrase("Tệp {name!r} lớn hơn {size} MB.", name=name, size=MAX_BYTES // 2**20)
        return _refused(request, user, error, 413)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{suffix}"
        path.write_bytes(data)
        horizon = latest_time(request.app.state.settings)
        try:
            report = read_export(path, preset, platform, latest=horizon)
        except (ValueError, KeyError, OSError) as exc:
            error = Phrase("Không đọc được tệp {name!r}: {why}", name=name, why=phrase_of(exc))
            return _refused(request, user, error, 422)
    if report.errors and not skip_bad:
        bad = {"status": "bad", "name": name, "rows": report.rows, "bad": len(report.errors)}
        return _social(request, user, imported=bad | {"errors": report.errors[:50]}, status=422)
    channel_key = row_id(account)
    channel = _store(request).account(channel_key) if channel_key is not None else None
    channel_id = channel.id if channel else None
    store, now = request.app.state.store, dt.datetime.now(dt.UTC)
    errors = report.errors[:50]
    import_id = ImportsStore(store.engine).start(
        name, platform, channel_id, report.rows, errors, len(report.items), user.username, now
    )
    settings = request.app.state.settings
    background.add_task(run_import, store, settings, import_id, report.items, channel_id)
    counts = {"import": import_id, "rows": report.rows, "items": len(report.items)}
    audit(store.engine, user, "social.import", f"file:{name}", None, counts)
    return RedirectResponse(f"/social/imports/{import_id}", status_code=303)


@router.get("/social/imports/{import_id:id}")
def import_page(request: Request, user: Editor, import_id: int) -> Response:
    """How an import is going, or how it ended; the page asks again while it runs."""
    found = ImportsStore(request.app.state.store.engine).get(import_id)
    if found is None:
        raise HTTPException(404, "Không có lần nhập này.")
    state = found.state(dt.datetime.now(dt.UTC))
    return _social(
        request,
        user,
        imported=asdict(found) | {"status": state, "name": found.file_name, "done": found.done},
    )


def _refused(request: Request, user: User, error: Phrase, status: int) -> Response:
    """The social page saying why a file was not taken, in its language."""
    return _social(request, user, imported={"status": "refused", "error": error}, status=status)


def _period(days: int) -> tuple[dt.datetime, dt.datetime]:
    until = dt.datetime.now(dt.UTC)
    return until - dt.timedelta(days=days if days in PERIODS else 30), until


@router.get("/social/channels")
def channels_page(request: Request, user: Reader, days: int = 30) -> Response:
    """The city's own channels: figures, weeks, best posts, hours, answers to negative news."""
    store = _store(request)
    since, until = _period(days)
    figures = [channel_figures(store, a, since, until) for a in store.accounts(official=True)]
    answered = responses(store, since, until)
    context = {
        "title": "Kênh của thành phố",
        "figures": figures,
        "responses": answered,
        "median": median_hours(answered),
        "shown_responses": SHOWN_RESPONSES,
        "days": days if days in PERIODS else 30,
        "periods": PERIODS,
    }
    return render(request, "social/channels.html", context)


@router.get("/social/channels/export.xlsx")
def export_channels(request: Request, user: Reader, days: int = 30) -> Response:
    """Each city channel's figures over the period, as on the page, as Excel."""
    store = _store(request)
    since, until = _period(days)
    rows = [
        (
            f.account.name,
            label_name("platform", f.account.platform),
            f.account.department,
            f.posts,
            f.reactions,
            f.comment_count,
            f.shares,
            f.views,
            round(f.per_post, 1),
            f.busiest_hour,
        )
        for f in (channel_figures(store, a, since, until) for a in store.accounts(official=True))
    ]
    header = ("Kênh", "Mạng xã hội", "Đơn vị", "Bài đăng", "Lượt thích", "Bình luận", "Chia sẻ",
              "Lượt xem", "Tương tác / bài", "Giờ nhiều bình luận nhất")  # fmt: skip
    preface = [(f"Từ {local(since)} đến {local(until)}",)]
    return xlsx_response("kenh-thanh-pho.xlsx", "Kênh", header, rows, preface)


def _figures_json(f: ChannelFigures) -> dict[str, Any]:
    return {
        "id": f.account.id,
        "name": f.account.name,
        "platform": f.account.platform,
        "department": f.account.department,
        "posts": f.posts,
        "comments_pulled": f.comments,
        "reactions": f.reactions,
        "comments": f.comment_count,
        "shares": f.shares,
        "views": f.views,
        "engagement": f.engagement,
        "engagement_per_post": round(f.per_post, 2),
        "weeks": f.weeks,
        "hours": f.hours,
        "best": [{"id": r.id, "title": r.title, "url": r.url, "engagement": r.engagement}
                 for r in f.best],
    }  # fmt: skip


@api.get("/channels")
def api_channels(request: Request, user: Reader, days: int = 30) -> dict[str, Any]:
    """The official channels' figures and the answers to negative stories."""
    store = _store(request)
    since, until = _period(days)
    answered = responses(store, since, until)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "channels": [
            _figures_json(channel_figures(store, a, since, until))
            for a in store.accounts(official=True)
        ],
        "responses": [
            {
                "story_id": r.story_id,
                "title": r.title,
                "first_negative": r.first_negative.isoformat(),
                "first_official": r.first_official.isoformat() if r.first_official else None,
                "hours": r.hours,
            }
            for r in answered
        ],
        "median_hours": median_hours(answered),
    }


APIS = (api,)  # the JSON API, apart from the pages: OpenAPI lists it
