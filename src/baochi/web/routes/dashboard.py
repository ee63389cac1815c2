"""Tổng quan: the first screen — volume against normal, Hà Nội today, what needs action."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from baochi.cases import casework
from baochi.cases.deadlines import days_left
from baochi.cases.web import remind_days
from baochi.cases.workflow import OPEN_STATUSES, Actor
from baochi.db.backup import status as backup_status
from baochi.db.stories_store import StoryRow, StoryStore
from baochi.db.watch_store import Alert
from baochi.db.web_store import User
from baochi.hanoi_time import HANOI
from baochi.labels import TONES
from baochi.stories.disagreements import disagreements
from baochi.watch.links import alert_href
from baochi.web import searching
from baochi.web.auth import ADMIN, EDITORS, READERS, require, web_store
from baochi.web.cache import DASHBOARD_SECONDS, cached
from baochi.web.routes.alerts import ALERT_KINDS, watch_store
from baochi.web.routes.sources import health, overdue
from baochi.web.templating import NavItem, Panel, render, today_start

router = APIRouter(include_in_schema=False)
NAV = (NavItem(10, "/", "Tổng quan", READERS),)
DUE_SOON_DAYS = 7
DUE_SHOWN = 8  # on the card; the rest are one link away, at the top of the cases list
CONFLICTED_DAYS = 2  # stories whose reports disagree, seen since yesterday began
CONFLICTED_SHOWN = 4
TONE_COLORS = {"negative": "#b42318", "neutral": "#8a93a0", "positive": "#1a7f37"}


def figures(request: Request) -> dict[str, Any]:
    """Everything on the dashboard that is the same for every reader."""
    web, store = web_store(request), request.app.state.store
    today = today_start()
    month = today - dt.timedelta(days=29)
    volume = dict(web.daily_volume(month.astimezone(dt.UTC)))
    days = [(month + dt.timedelta(days=i)).date().isoformat() for i in range(30)]
    series = [volume.get(d, 0) for d in days]
    before = series[-9:-2]  # the seven whole days before yesterday
    hour = dt.datetime.now(HANOI)
    so_far = [(today - dt.timedelta(days=k), hour - dt.timedelta(days=k)) for k in range(1, 8)]
    health_rows = health(request)
    sources = [r.s for r in health_rows]
    hanoi = searching.hanoi_today(store, 8)
    labels = store.labels_of([d.id for d in hanoi])
    failing = [s for s in sources if not s.enabled or s.consecutive_failures > 0]
    disputed = conflicted(store.engine, today - dt.timedelta(days=CONFLICTED_DAYS - 1))
    flagged_total, flagged = web.flagged(6)
    return {
        "days": days,
        "series": series,
        "yesterday": series[-2],
        "normal": sum(before) / len(before),
        "today": series[-1],
        "hour": hour,
        "usual_by_now": web.published_within(
            [(a.astimezone(dt.UTC), b.astimezone(dt.UTC)) for a, b in so_far]
        )
        / len(so_far),
        "month_total": sum(series),
        "outlets": web.outlet_volume((today - dt.timedelta(days=6)).astimezone(dt.UTC)),
        "hanoi": [(d, labels.get(d.id)) for d in hanoi],  # each with its tone and areas
        "hanoi_query": searching.hanoi_today_query(),
        "mix": searching.label_mix(store, 30),
        "sources_total": len(sources),
        "failing": sorted(failing, key=lambda s: -s.consecutive_failures)[:6],
        "failing_total": len(failing),
        "overdue_total": sum(overdue(s, hour) for s in sources),
        "silent": [r.s for r in health_rows if r.state == "silent"],  # sites gone quiet
        "flagged_total": flagged_total,  # articles with open flags
        "flags": flagged,  # the six flagged last, each once with its count
        "alerts": [a for a in watch_store(request).alerts(limit=20) if a.read_at is None][:6],
        "conflicted": disputed[:CONFLICTED_SHOWN],  # stories whose reports disagree
        "conflicted_more": len(disputed) > CONFLICTED_SHOWN,
        "conflicted_query": {"conflicts": "true", "days": str(CONFLICTED_DAYS)},
        "updated": dt.datetime.now(HANOI),
    }


def conflicted(engine: Any, since: dt.datetime) -> list[tuple[StoryRow, int]]:
    """The latest stories seen since `since` whose reports disagree, each with its points of
    disagreement (one per pair of phrases, however many outlets state each side)."""
    stories = StoryStore(engine)
    if not stories.available():
        return []
    found = stories.stories(since.astimezone(dt.UTC), CONFLICTED_SHOWN + 1, conflicted=True)
    return [(s, len(disagreements(stories.conflicts(s.id)))) for s in found]


EDITOR_PAGES = ("/alerts", "/sources")  # where an alert may lead that only editors open


def alert_link(alert: Alert, user: User) -> str:
    """Where a dashboard alert leads this user: its story, case or search, or the alerts and
    sources pages for an editor; "" when it leads nowhere the user may go."""
    href = alert_href(alert)
    return "" if user.role not in EDITORS and href.startswith(EDITOR_PAGES) else href


def cases_due(request: Request, user: User) -> Panel | None:
    """Open cases whose deadline falls within the week (or has passed), soonest first."""
    now = dt.datetime.now(dt.UTC)
    actor = Actor(user.role, user.department_id, user.id)
    found = casework.visible_cases(request.app.state.store.engine, actor, statuses=OPEN_STATUSES)
    due = sorted(
        ((case, days_left(case.due_on, now)) for case in found),
        key=lambda pair: pair[1],
    )
    soon = [(case, left) for case, left in due if left <= DUE_SOON_DAYS]
    shown = soon[:DUE_SHOWN]
    context = {"cases": shown, "more": len(soon) - len(shown), "remind_days": remind_days(request)}
    return Panel(60, "Hồ sơ sắp đến hạn", "_cases_due.html", context)


def area_panels(request: Request, user: User) -> list[Panel]:
    """The cards other areas add (rising stories, cases due, alerts…) for this user."""
    panels = [cases_due(request, user)]
    panels += [panel(request, user) for panel in request.app.state.panels]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


@router.get("/")
def dashboard(request: Request, user: Annotated[User, Depends(require())]) -> Response:
    """The overview; an officer goes straight to the cases of their department."""
    if user.role not in READERS:
        hrefs = {item.href for item in request.app.state.nav}
        return RedirectResponse("/cases" if "/cases" in hrefs else "/account", status_code=303)
    data = cached(request.app.state.cache, "dashboard", DASHBOARD_SECONDS, lambda: figures(request))
    chart = {
        "labels": [d[8:10] + "/" + d[5:7] for d in data["days"]],
        "series": data["series"],
        "series_links": [searching.search_link(f"date:{day}") for day in data["days"]],
        "outlets": [name for name, _ in data["outlets"]],
        "outlet_counts": [n for _, n in data["outlets"]],
        "outlet_links": [
            searching.search_link('outlet:"' + name.replace('"', " ") + '" date:7d')
            for name, _ in data["outlets"]
        ],
        "tones": [TONES.get(t, t) for t, _ in data["mix"].get("tone", [])],
        "tone_counts": [n for _, n in data["mix"].get("tone", [])],
        "tone_colors": [TONE_COLORS.get(t, "#5a8fcf") for t, _ in data["mix"].get("tone", [])],
    }
    tones = data["mix"].get("tone", [])
    counted = sum(n for _, n in tones) or 1
    context = {
        **data,
        "chart": chart,
        "tone_legend": [(tone, n, round(100 * n / counted)) for tone, n in tones],
        "panels": area_panels(request, user),
        "alert_links": [(a, alert_link(a, user)) for a in data["alerts"]],
        "alert_kinds": ALERT_KINDS,
        "can_edit": user.role in EDITORS,  # sources and alerts open to editors only
        "title": "Tổng quan",
        # the administrator hears of backups that stopped where she looks every morning
        "backups": backup_status(request.app.state.settings, dt.datetime.now(dt.UTC))
        if user.role == ADMIN
        else None,
    }
    return render(request, "dashboard.html", context)
