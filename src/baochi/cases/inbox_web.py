"""Thông báo: each user's reminders and escalations, the unread count beside the navigation
entry, and marking them read — in pages and in the API."""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any
from urllib.parse import urlencode

from annotated_types import Len
from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from baochi.cases import inbox
from baochi.cases.workflow import Actor
from baochi.db.row_ids import RowId
from baochi.db.web_store import User
from baochi.web.auth import require
from baochi.web.paging import Page, page_of
from baochi.web.templating import NavItem, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])
ALL_ROLES = ("admin", "analyst", "officer", "leader")
NAV = (NavItem(90, "/notifications", "Thông báo", ALL_ROLES),)
SignedIn = Annotated[User, Depends(require(*ALL_ROLES))]
KINDS = {"reminder": "Nhắc hạn", "escalation": "Quá hạn"}
PAGE_SIZE = 50
# The ids marked read at once: a page's worth, and the API's list, many times over; a longer
# list, or an id no row can have, is refused with a 422 that says so.
Marked = Annotated[list[RowId], Len(max_length=500)]


def _actor(user: User) -> Actor:
    return Actor(user.role, user.department_id, user.id)


def _engine(request: Request) -> Any:
    return request.app.state.store.engine


def nav_badge(request: Request, user: User) -> tuple[str, int] | None:
    """The unread count shown beside Thông báo."""
    return "/notifications", inbox.unread(_engine(request), _actor(user))


@router.get("/notifications")
def notifications_page(
    request: Request, user: SignedIn, page: Page = 1, unread: bool = False
) -> Response:
    """The user's notifications (or those unread), newest first, a page at a time."""
    engine, actor = _engine(request), _actor(user)
    fetch = partial(inbox.notifications, engine, actor, unread_only=unread)
    items, following = page_of(fetch, page, PAGE_SIZE)
    context = {
        "title": "Thông báo",
        "items": items,
        "unread_total": inbox.unread(engine, actor),
        "shown": {"unread": "true" if unread else ""},
        "page": page,
        "following": following,
        "kinds": KINDS,
    }
    return render(request, "cases/notifications.html", context)


@router.post("/notifications/read")
def read_form(
    request: Request,
    user: SignedIn,
    id: Annotated[Marked | None, Form()] = None,
    page: Annotated[int, Form(ge=1, le=1000)] = 1,
    unread: Annotated[bool, Form()] = False,
) -> Response:
    """Mark one notification read (all of them without an id), back to the page it was on."""
    inbox.mark_read(_engine(request), _actor(user), id)
    shown = {"unread": "true" if unread else "", "page": str(page) if page > 1 else ""}
    query = urlencode({k: v for k, v in shown.items() if v})
    return RedirectResponse(f"/notifications{'?' + query if query else ''}", status_code=303)


@api.get("")
def api_notifications(request: Request, user: SignedIn) -> dict[str, Any]:
    """The user's notifications and how many are unread."""
    engine, actor = _engine(request), _actor(user)
    return {
        "unread": inbox.unread(engine, actor),
        "items": [
            {
                "id": n["id"],
                "case_id": n["case_id"],
                "kind": n["kind"],
                "message": n["message"],
                "created_at": n["created_at"].isoformat(),
                "read": n["read_at"] is not None,
            }
            for n in inbox.notifications(engine, actor)
        ],
    }


@api.post("/read")
def api_read(
    request: Request, user: SignedIn, id: Annotated[Marked | None, Query()] = None
) -> dict[str, int]:
    """Mark notifications read (all without `id`); how many were unread."""
    return {"marked": inbox.mark_read(_engine(request), _actor(user), id)}
