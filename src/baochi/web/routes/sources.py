"""Nguồn tin: each outlet's sources with their health, and adding or disabling a source."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.collect.explain import explain
from baochi.collect.sources import SourceSpec, add_sources, check_url
from baochi.collect.ssrf import inside
from baochi.db import SourceRow
from baochi.db.store import now
from baochi.db.web_store import User, audit
from baochi.phrase import Phrase
from baochi.web.auth import EDITORS, require, web_store
from baochi.web.exports import xlsx_response
from baochi.web.templating import NavItem, done, render

router = APIRouter(include_in_schema=False)
_USERINFO = re.compile(r"//[^/?#]*@")
NAV = (NavItem(40, "/sources", "Nguồn tin", EDITORS),)
# The kinds a source is added as, by the value the form sends, with the names the form shows.
KINDS = {
    "auto": "Tự nhận biết",
    "feed": "RSS/Atom",
    "sitemap": "Sitemap",
    "page": "Trang chuyên mục",
}
NORMAL_DAYS = 14
SOURCE_COLUMNS = (
    "Báo",
    "Nguồn tin",
    "Loại",
    "Tình trạng",
    "24 giờ",
    "Bình thường/ngày",
    "Lần thành công cuối",
    "Bài mới gần nhất",
    "Lỗi liên tiếp",
    "Lỗi gần nhất",
    "Lỗi nghĩa là",
    "Tổng số bài",
)


# A source this long past its next poll is not being polled: no collector is running.
OVERDUE = dt.timedelta(hours=1)
# A source fetched without error but bringing nothing new for four of its usual gaps between
# articles has gone silent (the site stopped publishing, or the feed moved): never less than
# three days, so a weekend is not an alarm, and never more than the fortnight it is judged on.
SILENT_GAPS = 4
SILENT_MIN = dt.timedelta(days=3)
SILENT_MAX = dt.timedelta(days=NORMAL_DAYS)
STATES = {
    "ok": "Đang chạy",
    "new": "Chưa tải lần nào",
    "overdue": "Quá hạn thu thập",
    "silent": "Không có bài mới",
    "failing": "Lỗi",
    "quiet": "Ít bài bất thường",
    "off": "Đã tắt",
}
# How a fetch of a source ended (fetch_attempts.outcome), in the office's words.
OUTCOMES = {
    "ok": "Thành công",
    "not_modified": "Không có gì mới",
    "retry": "Lỗi tạm thời, sẽ thử lại",
    "skip": "Thất bại",
    "reject": "Trang trả về không dùng được",
}
# What became of a new link (urls.status); a refused one is told by its reason when known.
LINK_STATUSES = {
    "stored": "Đã lưu",
    "duplicate": "Trùng bài đã có",
    "skipped": "Bỏ qua",
    "rejected": "Bị loại",
    "failed": "Lỗi, sẽ thử lại",
}
HTTP_ERROR = re.compile(r"http_(\d{3})\b")


@dataclass(frozen=True, slots=True)
class SourceHealth:
    """A source with its last day's volume, its usual daily volume and a verdict."""

    s: SourceRow
    last_day: int
    normal: float
    state: str  # a key of STATES


@dataclass(frozen=True, slots=True)
class AttemptRow:
    """One fetch of a source as its page shows it: the HTTP status (read from the error when the
    fetch raised one), and what became of the new links it found, as (words, code, count)."""

    a: dict[str, Any]
    status: int | None
    links: list[tuple[str, str, int]]


def attempt_row(attempt: dict[str, Any], links: Counter[tuple[str, str]]) -> AttemptRow:
    """An attempt with its status and its links' fates: how many were stored (said even when
    none was), then the duplicates and each reason a link was refused."""
    status = attempt["status_code"]
    if status is None and (said := HTTP_ERROR.match(attempt["reason"])):
        status = int(said.group(1))
    fates = []
    if attempt["new_urls"] or links:
        fates.append((LINK_STATUSES["stored"], "stored", links.pop(("stored", ""), 0)))
    for (kind, code), n in links.most_common():
        fates.append((explain(code) or LINK_STATUSES.get(kind, kind), code or kind, n))
    return AttemptRow(attempt, status, fates)


def health(request: Request) -> list[SourceHealth]:
    """Every source with its last day's volume against its usual day, and a verdict."""
    stamp = now()
    volume = web_store(request).source_volume(
        stamp - dt.timedelta(days=NORMAL_DAYS), stamp - dt.timedelta(days=1)
    )
    rows = []
    for source in request.app.state.store.sources():
        total, last_day = volume.get(source.id, (0, 0))
        normal = (total - last_day) / (NORMAL_DAYS - 1)
        verdict = state(source, last_day, normal, stamp)
        rows.append(SourceHealth(source, last_day, normal, verdict))
    return rows


def overdue(source: SourceRow, at: dt.datetime) -> bool:
    """An enabled source past its next poll by OVERDUE: no collector is polling it."""
    return source.enabled and source.next_poll_at < at - OVERDUE


def silent(source: SourceRow, normal: float, at: dt.datetime) -> bool:
    """A source with no new article for SILENT_GAPS of its usual gaps, or none at all SILENT_MIN
    after it was added (its first items may all have come through another feed already)."""
    if source.last_article_at is None:
        return source.created_at < at - SILENT_MIN
    usual_gap = dt.timedelta(days=1 / normal) if normal else SILENT_MAX
    return source.last_article_at < at - min(max(SILENT_GAPS * usual_gap, SILENT_MIN), SILENT_MAX)


def state(source: SourceRow, last_day: int, normal: float, at: dt.datetime) -> str:
    """off, failing, overdue (no collector polls it), new (never fetched yet), silent (nothing
    new for far too long), quiet (well below its normal) or ok."""
    if not source.enabled:
        return "off"
    if source.consecutive_failures:
        return "failing"
    if overdue(source, at):
        return "overdue"
    if source.last_polled_at is None:
        return "new"
    if silent(source, normal, at):
        return "silent"
    if normal >= 3 and last_day < normal / 4:
        return "quiet"
    return "ok"


def sources_page(
    request: Request, refused: Phrase | None = None, typed: dict[str, str] | None = None
) -> Response:
    """The source-health table and the form to add one: after a refusal, the reason and what
    was typed, to correct rather than type again."""
    rows = health(request)
    counts = {key: sum(1 for r in rows if r.state == key) for key in STATES}
    context = {
        "title": "Nguồn tin",
        "rows": rows,
        "counts": counts,
        "kinds": KINDS,
        "states": STATES,
        "overdue_hours": int(OVERDUE.total_seconds() // 3600),
        "refused": refused,
        "typed": typed or {},
    }
    return render(request, "sources.html", context, 422 if refused else 200)


@router.get("/sources")
def list_sources(request: Request, user: Annotated[User, Depends(require(*EDITORS))]) -> Response:
    """Every source with its health."""
    return sources_page(request)


@router.get("/sources/export.xlsx")
def export_sources(request: Request, user: Annotated[User, Depends(require(*EDITORS))]) -> Response:
    """The source-health table as an Excel workbook."""
    rows = [
        (
            r.s.outlet,
            r.s.url,
            KINDS.get(r.s.kind, r.s.kind),
            STATES[r.state],
            r.last_day,
            round(r.normal, 1),
            r.s.last_success_at,
            r.s.last_article_at,
            r.s.consecutive_failures,
            r.s.last_error,
            explain(r.s.last_error),
            r.s.articles_total,
        )
        for r in health(request)
    ]
    return xlsx_response("baochi-nguon-tin.xlsx", "Nguồn tin", SOURCE_COLUMNS, rows)


@router.get("/sources/{source_id:id}")
def source_page(
    request: Request, source_id: int, user: Annotated[User, Depends(require(*EDITORS))]
) -> Response:
    """One source: its health, how its fetches ended this week, and its latest attempts."""
    found = [r for r in health(request) if r.s.id == source_id]
    if not found:
        raise HTTPException(404)
    web, since = web_store(request), now() - dt.timedelta(days=7)
    attempts = request.app.state.store.attempts(source_id, limit=50)
    links = web.attempt_links(source_id, attempts)
    context = {
        "title": found[0].s.outlet,
        "r": found[0],
        "states": STATES,
        "outcomes": web.attempt_outcomes(source_id, since),
        "words": OUTCOMES,
        "attempts": [attempt_row(a, links[a["id"]]) for a in attempts],
    }
    return render(request, "source.html", context)


@router.post("/sources")
def add_source(
    request: Request,
    user: Annotated[User, Depends(require(*EDITORS))],
    url: Annotated[str, Form()],
    outlet: Annotated[str, Form()],
    kind: Annotated[str, Form()] = "auto",
    section: Annotated[str, Form()] = "",
) -> Response:
    """Register a new source (feed, sitemap or page) of an outlet, audited."""
    url, outlet = url.strip(), " ".join(outlet.split())
    shown = _USERINFO.sub("//", url)[:200]  # a password typed in the address is not repeated
    refused = _refusal(request, url, shown, outlet, kind)
    if refused is not None:
        typed = {"url": shown, "outlet": outlet, "kind": kind, "section": section}
        return sources_page(request, refused, typed)
    spec = SourceSpec(url=url, outlet=outlet, kind=kind, section=section.strip())
    added, _ = add_sources(request.app.state.store, [spec], request.app.state.settings)
    if added:
        after = {"url": url, "outlet": outlet, "kind": kind, "section": spec.section}
        audit(web_store(request), user, "source.add", f"source:{url}", None, after)
    return RedirectResponse(done("/sources", "source-added" if added else "source-known"), 303)


def _refusal(request: Request, url: str, shown: str, outlet: str, kind: str) -> Phrase | None:
    """Why a source cannot be added as typed, or None: an unusable address, one inside the
    network, no outlet or an unknown kind."""
    if check_url(url):
        unusable = "Địa chỉ «{url}» không dùng được: cần http:// hoặc https://, một tên miền và "
        unusable += "cổng hợp lệ, không kèm tên đăng nhập hay mật khẩu."
        return Phrase(unusable, url=shown)
    inner = inside(url, request.app.state.settings.private_networks)
    if inner:
        said = "Địa chỉ «{url}» là {what}: baochi không tải trang trong mạng nội bộ."
        return Phrase(said, url=shown, what=inner.phrase())
    if not outlet or kind not in KINDS:
        return Phrase("Cần tên cơ quan báo chí và một loại nguồn trong danh sách.")
    return None


def poll_said(request: Request) -> str:
    """What "Thu thập ngay" did: the source is due, and a collector takes it at its next round;
    with none running (`baochi serve` alone), that only `baochi run` or a worker collects."""
    since = now() - dt.timedelta(seconds=request.app.state.settings.lease_seconds)
    return "source-poll" if web_store(request).live_workers(since) else "source-poll-idle"


@router.post("/sources/{source_id:id}/{action}")
def toggle_source(
    request: Request,
    source_id: int,
    action: str,
    user: Annotated[User, Depends(require(*EDITORS))],
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Disable a source by hand (with a reason), enable it again, or poll it now."""
    if action == "poll":
        if not web_store(request).poll_source_now(source_id, user):
            raise HTTPException(404)
        return RedirectResponse(done(f"/sources/{source_id}", poll_said(request)), 303)
    if action not in ("enable", "disable"):
        raise HTTPException(404)
    enabled = action == "enable"
    reason = "" if enabled else (reason.strip()[:300] or f"tắt bởi {user.username}")
    if not web_store(request).set_source_enabled(source_id, enabled, reason, user):
        raise HTTPException(404)
    request.app.state.cache.pop("dashboard", None)
    said = "source-enabled" if enabled else "source-disabled"
    return RedirectResponse(done("/sources", said, f"source-{source_id}"), status_code=303)
