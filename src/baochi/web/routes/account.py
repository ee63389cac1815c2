"""Tài khoản: one's own password and personal API tokens (hashed at rest, revocable)."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.db.turns import REPEAT_WINDOW
from baochi.db.web_store import User, audit
from baochi.web.auth import (
    SESSION_COOKIE,
    hash_password,
    require,
    secret_digest,
    verify_password,
    web_store,
)
from baochi.web.templating import render
from baochi.web.users import MIN_PASSWORD

router = APIRouter(include_in_schema=False)
TOKEN_PREFIX = "bc_"  # noqa: S105 - a marker, not a secret
# How long a new token may work, in days, as the form offers it; a script outliving its token
# gets a 401 and its owner makes a new one, which is the point.
LIFETIMES = (30, 90, 180, 365)
DEFAULT_LIFETIME = 90


def new_api_token() -> tuple[str, str, str]:
    """A fresh token, the prefix shown to tell tokens apart, and the digest that is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, token[:10], secret_digest(token)


def account_page(
    request: Request, user: User, secret: str = "", message: str = "", status: int = 200
) -> Response:
    """The account page, with a new token's secret shown once."""
    context = {
        "title": "Tài khoản",
        "tokens": web_store(request).tokens(user.id),
        "secret": secret,
        "message": message,
        "lifetimes": LIFETIMES,
        "default_lifetime": DEFAULT_LIFETIME,
    }
    return render(request, "account.html", context, status)


@router.get("/account")
def account(request: Request, user: Annotated[User, Depends(require())]) -> Response:
    """Who I am, my tokens, my password."""
    return account_page(request, user)


@router.post("/account/tokens")
def create_token(
    request: Request,
    user: Annotated[User, Depends(require())],
    name: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = str(DEFAULT_LIFETIME),
) -> Response:
    """Create a personal API token working for the days chosen; its secret is shown once and
    stored only as a digest."""
    if days not in {str(d) for d in LIFETIMES}:
        message = "Thời hạn của mã phải là " + ", ".join(str(d) for d in LIFETIMES) + " ngày."
        return account_page(request, user, message=message, status=422)
    token, prefix, digest = new_api_token()
    name = " ".join(name.split())[:200] or "API"
    lifetime = dt.timedelta(days=int(days))
    token_id, replaced = web_store(request).add_token(
        user.id, name, prefix, digest, REPEAT_WINDOW, lifetime
    )
    after: dict[str, object] = {"name": name, "days": int(days)}
    if replaced:
        after["replaces"] = replaced
    audit(web_store(request), user, "token.add", f"token:{token_id}", None, after)
    return account_page(request, user, secret=token)


@router.post("/account/tokens/{token_id:id}/revoke")
def revoke_token(
    request: Request, token_id: int, user: Annotated[User, Depends(require())]
) -> Response:
    """Revoke one of my tokens; someone else's is not found."""
    if not web_store(request).revoke_token(token_id, user.id):
        raise HTTPException(404)
    audit(web_store(request), user, "token.revoke", f"token:{token_id}")
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
def change_password(
    request: Request,
    user: Annotated[User, Depends(require())],
    current: Annotated[str, Form(alias="current_password")],
    new: Annotated[str, Form(alias="new_password")],
) -> Response:
    """Change my password after proving the current one (fields named as passwords: a refused
    form never shows them back)."""
    web = web_store(request)
    if not verify_password(web.password_hash(user.id), current):
        return account_page(request, user, message="Mật khẩu hiện tại không đúng.", status=422)
    if len(new) < MIN_PASSWORD:
        message = f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
        return account_page(request, user, message=message, status=422)
    web.update_user(user.id, password_hash=hash_password(new))
    # Whoever signed in elsewhere with the old password is signed out; this browser stays.
    this = request.cookies.get(SESSION_COOKIE, "")
    web.end_sessions(user_id=user.id, but=secret_digest(this) if this else "")
    audit(web, user, "user.password", f"user:{user.id}")
    return account_page(request, user, message="Đã đổi mật khẩu.")
