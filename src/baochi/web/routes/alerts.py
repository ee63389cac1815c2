"""Cảnh báo: the watchlists with their last day against their usual, and the latest alerts.

Watchlists and alerts belong to the watch area (baochi.db.watch_store); this page only shows and
saves them, and says so plainly when that area is not installed.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.db.store import now
from baochi.db.web_store import User, audit
from baochi.search import match_expression
from baochi.web.auth import EDITORS, require, web_store
from baochi.web.templating import NavItem, render

router = APIRouter(include_in_schema=False)
NAV = (NavItem(50, "/alerts", "Cảnh báo", EDITORS),)
DAY = dt.timedelta(days=1)
HISTORY_DAYS = 7


def watch_store(request: Request) -> Any:
    """The watch area's store over the app's engine, or None when it is not installed."""
    if importlib.util.find_spec("baochi.db.watch_store") is None:
        return None
    from baochi.db.watch_store import WatchStore

    return WatchStore(request.app.state.store.engine)


def watchlist_rows(watch: Any) -> list[dict[str, Any]]:
    """Each watchlist with its matches in the last 24 h and its daily mean over the week before."""
    origin = now() - DAY * (HISTORY_DAYS + 1)
    rows = []
    for item in watch.watchlists():
        expression = match_expression(item.query)
        counts = watch.match_counts(expression, origin, DAY, HISTORY_DAYS + 1) if expression else []
        last = counts[-1] if counts else 0
        normal = sum(counts[:-1]) / HISTORY_DAYS if counts else 0.0
        rows.append({"w": item, "last": last, "normal": normal, "series": counts})
    return rows


@router.get("/alerts")
def alerts_page(request: Request, user: Annotated[User, Depends(require(*EDITORS))]) -> Response:
    """Watchlists and the latest alerts, with their reasons and numbers."""
    watch = watch_store(request)
    context = {
        "title": "Cảnh báo",
        "installed": watch is not None,
        "watchlists": watchlist_rows(watch) if watch else [],
        "alerts": watch.alerts(limit=50) if watch else [],
    }
    return render(request, "alerts.html", context)


@router.post("/alerts/watchlists")
def save_watchlist(
    request: Request,
    user: Annotated[User, Depends(require(*EDITORS))],
    query: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
) -> Response:
    """Save a search as a watchlist in one click (named after the query unless named)."""
    watch = watch_store(request)
    query = " ".join(query.split())
    if watch is None or not match_expression(query):
        raise HTTPException(422)
    name = " ".join(name.split())[:300] or query[:300]
    watch_id, created = watch.add_watchlist(
        name, query, now(), owner_user_id=user.id, department_id=user.department_id
    )
    if created:
        audit(
            web_store(request),
            user,
            "watchlist.add",
            f"watchlist:{watch_id}",
            None,
            {"name": name, "query": query},
        )
    return RedirectResponse(f"/alerts#watchlist-{watch_id}", status_code=303)


@router.post("/alerts/{alert_id}/read")
def mark_read(
    request: Request, alert_id: int, user: Annotated[User, Depends(require(*EDITORS))]
) -> Response:
    """Mark an alert as seen."""
    watch = watch_store(request)
    if watch is None:
        raise HTTPException(404)
    watch.mark_read(alert_id, now())
    return RedirectResponse("/alerts", status_code=303)
