"""Who is asking and what they may do: passwords, sessions, API tokens, roles and CSRF.

Every page and API route depends on `require(...)`; nothing is public but the sign-in page,
the static files and the health check.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import HTTPException, Request, Response

from baochi.db.store import now
from baochi.db.web_store import User, WebStore

ADMIN, ANALYST, OFFICER, LEADER = "admin", "analyst", "officer", "leader"
ROLES = {
    ADMIN: "Quản trị viên",
    ANALYST: "Chuyên viên phân tích",
    OFFICER: "Cán bộ sở, ngành",
    LEADER: "Lãnh đạo",
}
READERS = (ADMIN, ANALYST, LEADER)  # may read monitoring pages
EDITORS = (ADMIN, ANALYST)  # may change monitoring data

SESSION_COOKIE = "baochi_session"
STALE_FORM = "Biểu mẫu đã cũ hoặc phiên đăng nhập đã đổi: tải lại trang rồi gửi lại."
SESSION_TTL = dt.timedelta(hours=12)
THROTTLE_WINDOW = dt.timedelta(minutes=15)
MAX_USER_FAILURES = 5
MAX_ADDRESS_FAILURES = 20
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotSignedIn(Exception):
    """No valid session or token: pages redirect to sign-in, the API answers 401."""


@functools.cache
def _hasher() -> Any:
    """argon2id with the library's current defaults, built once."""
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of a password, salted."""
    return str(_hasher().hash(password))


def verify_password(stored: str, password: str) -> bool:
    """Whether a password matches its stored hash."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        return bool(_hasher().verify(stored, password))
    except (VerificationError, InvalidHashError):
        return False


def secret_digest(secret: str) -> str:
    """SHA-256 of a random session or API secret: secrets are stored only as digests."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_password() -> str:
    """A random password for the first administrator, easy to copy."""
    return secrets.token_urlsafe(12)


def web_store(request: Request) -> WebStore:
    """The web tables of the app serving this request."""
    return request.app.state.web


def client_address(request: Request) -> str:
    """The peer address (the proxy's, unless uvicorn trusts its forwarded headers)."""
    return request.client.host if request.client else ""


# -- signing in -------------------------------------------------------------------------


def throttled(web: WebStore, username: str, address: str) -> bool:
    """Whether too many recent failures lock this user name or this address out."""
    since = now() - THROTTLE_WINDOW
    return (
        web.login_failures(f"user:{username}", since) >= MAX_USER_FAILURES
        or web.login_failures(f"ip:{address}", since) >= MAX_ADDRESS_FAILURES
    )


def authenticate(web: WebStore, username: str, password: str, address: str) -> User | None:
    """The active user for these credentials, counting a failure otherwise."""
    user = web.user_by_name(username)
    if user is not None and user.active and verify_password(web.password_hash(user.id), password):
        web.clear_login_failures(f"user:{username}")
        return user
    if user is None:
        hash_password(password)  # same work either way, so timing does not reveal who exists
    web.add_login_failure([f"user:{username}", f"ip:{address}"])
    return None


def start_session(request: Request, response: Response, user: User) -> None:
    """Open a session for a user and hand the browser its cookie."""
    token = secrets.token_urlsafe(32)
    web_store(request).add_session(
        secret_digest(token),
        user.id,
        secrets.token_urlsafe(32),
        now() + SESSION_TTL,
        client_address(request),
    )
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )


def end_session(request: Request, response: Response) -> None:
    """Close this browser's session and drop its cookie."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        web_store(request).end_sessions(token_hash=secret_digest(token))
    response.delete_cookie(SESSION_COOKIE, path="/")


# -- who is asking ----------------------------------------------------------------------


async def current_user(request: Request) -> User:
    """The user of this request, by API token or session cookie; unsafe cookie requests must
    carry the session's CSRF token (form field `csrf` or header `X-CSRF-Token`)."""
    cached = getattr(request.state, "user", None)
    if cached is not None:
        return cached
    web = web_store(request)
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        user = web.token_user(secret_digest(authorization[7:].strip()))
        if user is None:
            raise NotSignedIn
        request.state.csrf = ""
    else:
        token = request.cookies.get(SESSION_COOKIE)
        found = web.session(secret_digest(token)) if token else None
        if found is None:
            raise NotSignedIn
        user, csrf = found
        request.state.csrf = csrf
        if request.method in UNSAFE_METHODS:
            await check_csrf(request, csrf)
    request.state.user = user
    return user


async def check_csrf(request: Request, expected: str) -> None:
    """Refuse an unsafe request whose CSRF token does not match the session's."""
    given = request.headers.get("x-csrf-token", "")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        given = str((await request.form()).get("csrf", ""))
    if not (given and hmac.compare_digest(given, expected)):
        raise HTTPException(403, STALE_FORM)


def require(*roles: str) -> Callable[[Request], Awaitable[User]]:
    """A dependency admitting signed-in users of these roles (any role if none given)."""

    async def dependency(request: Request) -> User:
        user = await current_user(request)
        if roles and user.role not in roles:
            raise HTTPException(403)
        return user

    return dependency


def csrf_token(request: Request) -> str:
    """The CSRF token that forms on this page must send back."""
    return str(getattr(request.state, "csrf", ""))
