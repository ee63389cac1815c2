"""Cảnh báo: the watchlists with their last day against their usual, and the latest alerts.

Watchlists and alerts belong to the watch area (baochi.watch, baochi.db.watch_store); this page
shows and saves them, counting matches the way the watch area does.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.db.store import now
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import User, audit
from baochi.watch.links import alert_href
from baochi.web import searching
from baochi.web.auth import EDITORS, require, web_store
from baochi.web.exports import newest_only, xlsx_response
from baochi.web.paging import Page, page_of
from baochi.web.templating import NavItem, local, render

router = APIRouter(include_in_schema=False)
NAV = (NavItem(50, "/alerts", "Cảnh báo", EDITORS),)
HISTORY_DAYS = 7
ALERT_KINDS = {
    "match": "Bài mới",
    "spike": "Tăng đột biến",
    "health": "Nguồn tin",
    "conflict": "Mâu thuẫn",
    "case": "Hồ sơ",
}
EXPORT_LIMIT = 10_000
PAGE_SIZE = 50


def watch_store(request: Request) -> WatchStore:
    """The watch area's store over the app's engine."""
    return WatchStore(request.app.state.store.engine)


def watchlist_rows(request: Request, watch: WatchStore) -> list[dict[str, Any]]:
    """Each watchlist with today's matches and its daily mean over the week before."""
    rows = []
    for item in watch.watchlists():
        counts = searching.daily_counts(request.app.state.store, item.query, HISTORY_DAYS + 1)
        rows.append(
            {
                "w": item,
                "last": counts[-1],
                "normal": sum(counts[:-1]) / HISTORY_DAYS,
                "series": counts,
            }
        )
    return rows


@router.get("/alerts")
def alerts_page(
    request: Request,
    user: Annotated[User, Depends(require(*EDITORS))],
    page: Page = 1,
    saved: int = 0,
) -> Response:
    """Watchlists and the latest alerts, a page at a time, with their reasons and numbers; after
    a search is saved as a watchlist (`saved`, its id), the page says so by its name."""
    watch = watch_store(request)
    found, following = page_of(
        lambda limit, offset: watch.alerts(limit, offset=offset), page, PAGE_SIZE
    )
    watchlists = watchlist_rows(request, watch)
    context = {
        "title": "Cảnh báo",
        "saved": next((r["w"].name for r in watchlists if saved and r["w"].id == saved), ""),
        "watchlists": watchlists,
        "alerts": [(a, alert_href(a)) for a in found],
        "alert_kinds": ALERT_KINDS,
        "page": page,
        "following": following,
    }
    return render(request, "alerts.html", context)


def save(request: Request, user: User, query: str, name: str = "") -> int:
    """Save a query as a watchlist of the user (and their department), audited; its id."""
    query = " ".join(query.split())
    name = " ".join(name.split())[:300] or query[:300]
    watch_id, created = watch_store(request).add_watchlist(
        name, query, now(), owner_user_id=user.id, department_id=user.department_id
    )
    if created:
        after = {"name": name, "query": query}
        audit(web_store(request), user, "watchlist.add", f"watchlist:{watch_id}", None, after)
    return int(watch_id)


@router.post("/alerts/watchlists")
def save_watchlist(
    request: Request,
    user: Annotated[User, Depends(require(*EDITORS))],
    query: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
) -> Response:
    """Save a search as a watchlist under the name given (the query's own unless named); the
    alerts page then says it was saved. Another watchlist's name is refused, not taken over."""
    problem = searching.problem(query)
    if problem:
        raise HTTPException(422, problem)
    wanted, typed = " ".join(name.split())[:300], " ".join(query.split())
    if wanted and any(
        w.name == wanted and w.query != typed for w in watch_store(request).watchlists()
    ):
        raise HTTPException(409, f"Đã có danh sách theo dõi tên «{wanted}».")
    watch_id = save(request, user, query, name)
    return RedirectResponse(f"/alerts?saved={watch_id}#watchlist-{watch_id}", status_code=303)


@router.post("/alerts/watchlists/{watchlist_id:id}")
def change_watchlist(
    request: Request,
    watchlist_id: int,
    user: Annotated[User, Depends(require(*EDITORS))],
    action: Annotated[str, Form()] = "save",
    name: Annotated[str, Form()] = "",
    query: Annotated[str, Form()] = "",
) -> Response:
    """Rename a watchlist or change its query (save), or stop and restart its alerts (pause,
    resume), audited; a query the search refuses, or another watchlist's name, is refused."""
    watch = watch_store(request)
    if action in ("pause", "resume"):
        values: dict[str, Any] = {"enabled": action == "resume"}
    elif action == "save":
        name, query = " ".join(name.split())[:300], " ".join(query.split())
        problem = searching.problem(query) if query else "Cần câu tìm kiếm."
        if problem:
            raise HTTPException(422, problem)
        if not name:
            raise HTTPException(422, "Cần tên danh sách theo dõi.")
        if any(w.name == name and w.id != watchlist_id for w in watch.watchlists()):
            raise HTTPException(409, f"Đã có danh sách theo dõi tên «{name}».")
        values = {"name": name, "query": query}
    else:
        raise HTTPException(422, "Thao tác không hợp lệ.")
    before = watch.change_watchlist(watchlist_id, **values)
    if before is None:
        raise HTTPException(404)
    changed = {k: v for k, v in values.items() if before.get(k) != v}
    if changed:
        was = {k: before[k] for k in changed}
        audit(web_store(request), user, "watchlist.edit", f"watchlist:{watchlist_id}", was, changed)
    return RedirectResponse(f"/alerts#watchlist-{watchlist_id}", status_code=303)


@router.get("/alerts/export.xlsx")
def export_alerts(request: Request, user: Annotated[User, Depends(require(*EDITORS))]) -> Response:
    """The latest alerts, with their reasons and numbers, as an Excel workbook."""
    latest = watch_store(request).alerts(limit=EXPORT_LIMIT + 1)
    listed, preface = newest_only(latest, EXPORT_LIMIT, "cảnh báo")
    rows = [
        (
            local(a.created_at),
            ALERT_KINDS.get(a.kind, a.kind),
            a.subject_label,
            a.reason,
            a.observed,
            a.baseline_mean,
            a.threshold,
            local(a.read_at) if a.read_at else "",
        )
        for a in listed
    ]
    header = ("Thời điểm", "Loại", "Đối tượng", "Lý do", "Số bài", "Trung bình", "Ngưỡng", "Đã xem")
    return xlsx_response("canh-bao.xlsx", "Cảnh báo", header, rows, preface)


@router.post("/alerts/{alert_id:id}/read")
def mark_read(
    request: Request,
    alert_id: int,
    user: Annotated[User, Depends(require(*EDITORS))],
    page: Annotated[int, Form(ge=1, le=1000)] = 1,
) -> Response:
    """Mark an alert as seen, and return to the page it was on."""
    watch_store(request).mark_read(alert_id, now())
    return RedirectResponse(f"/alerts{'?page=' + str(page) if page > 1 else ''}", status_code=303)
