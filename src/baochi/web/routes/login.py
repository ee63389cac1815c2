"""Signing in and out, and choosing the interface language."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

from baochi.db.web_store import User
from baochi.web.auth import (
    authenticate,
    client_address,
    end_session,
    require,
    start_session,
    throttled,
    web_store,
)
from baochi.web.i18n import COOKIE, LANGUAGES
from baochi.web.templating import render

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "baochi_login"  # double-submit token: a foreign page cannot sign a browser in
BAD_CREDENTIALS = "Sai tên đăng nhập hoặc mật khẩu."
TOO_MANY = "Quá nhiều lần đăng nhập sai. Vui lòng thử lại sau 15 phút."
UNSENT = "Phiên làm việc đã hết hạn; thao tác vừa gửi chưa được thực hiện. Đăng nhập rồi gửi lại."
LONG_TEXT = 20  # characters from which a sent text is given back to copy
MAX_TEXTS, MAX_KEPT = 20, 20_000  # texts given back, and characters of each
SECRET_FIELDS = ("csrf", "password", "token", "secret")  # never shown back


def safe_next(target: str) -> str:
    """Only a local path may follow sign-in, never another site."""
    if target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


def _form(
    request: Request,
    next_: str,
    username: str = "",
    error: str = "",
    status: int = 200,
    notice: str = "",
    unsent: Unsent | None = None,
) -> Response:
    token = secrets.token_urlsafe(24)
    context = {
        "login_csrf": token,
        "next": safe_next(next_),
        "username": username,
        "error": error,
        "notice": notice,
        "unsent": unsent,
    }
    response = render(request, "login.html", {**context, "title": "Đăng nhập"}, status)
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@dataclass(frozen=True, slots=True)
class Unsent:
    """What a refused form held that is long to type again: its texts (never a password or a
    token), and the names of its files (which a page cannot give back)."""

    texts: list[str]
    files: list[str]

    @classmethod
    async def of(cls, request: Request) -> Unsent:
        """The form's texts of some length (a line break, or LONG_TEXT characters); none from
        a body that is no form."""
        try:
            form = await request.form()
        except HTTPException:  # a malformed body, already refused for what it is
            return cls([], [])
        texts, files = [], []
        for name, value in form.multi_items():
            if isinstance(value, str):
                secret = any(word in name.lower() for word in SECRET_FIELDS)
                if not secret and (len(value) >= LONG_TEXT or "\n" in value):
                    texts.append(value[:MAX_KEPT])
            elif value.filename:
                files.append(value.filename)
        return cls(texts[:MAX_TEXTS], files)


def sign_in_again(request: Request, next_: str, unsent: Unsent) -> Response:
    """The sign-in page for a form sent after the session had ended, with what it held to copy:
    it was not carried out, and signing in leads back to the form's page."""
    return _form(request, next_, status=401, notice=UNSENT, unsent=unsent)


@router.get("/login")
def login_form(request: Request, next: str = "/", unsent: bool = False) -> Response:
    """The sign-in page; `unsent` when a form came after the session had ended."""
    return _form(request, next, notice=UNSENT if unsent else "")


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the credentials, throttling repeated failures, and open a session."""
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not (csrf and expected and hmac.compare_digest(csrf, expected)):
        return _form(
            request, next, username, "Phiên làm việc đã hết hạn, vui lòng tải lại trang.", 400
        )
    web, address = web_store(request), client_address(request)
    username = username.strip()
    if throttled(web, username, address):
        return _form(request, next, username, TOO_MANY, 429)
    user = authenticate(web, username, password, address)
    if user is None:
        return _form(request, next, username, BAD_CREDENTIALS, 401)
    target = safe_next(next)
    response = RedirectResponse(target, status_code=303)
    start_session(request, response, user)
    response.delete_cookie(LOGIN_COOKIE)
    return response


@router.post("/logout")
def logout(request: Request, user: Annotated[User, Depends(require())]) -> Response:
    """Close the session."""
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response)
    return response


@router.get("/lang/{code}")
def choose_language(request: Request, code: str, next: str = "/") -> Response:
    """Remember the chosen language in a cookie and go back."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        response.set_cookie(COOKIE, code, max_age=365 * 86400, samesite="lax")
    return response
