"""The FastAPI app: assembles every router, the shared state, security headers and error pages.

Routers are modules exposing `router: APIRouter` for their pages (and optionally `APIS`, their
JSON API routers, which OpenAPI lists, `NAV`, `nav_badge` and `dashboard_panel`):
the web area's own are listed in ROUTERS; another area's `baochi.<area>.web` module, when it
exists, is included too (see README.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import importlib.util
import logging
from collections.abc import AsyncIterator
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baochi.db import Store, backup, open_store
from baochi.db.web_store import WebStore
from baochi.phrase import Joined, Phrase
from baochi.settings import Settings
from baochi.vi.gazetteer import gazetteer
from baochi.web import i18n
from baochi.web.auth import NotSignedIn, current_user
from baochi.web.form_text import FormText
from baochi.web.i18n import Sayable
from baochi.web.routes.login import Unsent, sign_in_again
from baochi.web.templating import NavItem, add_template_folder, came_from, here, render

ROUTERS = (
    "baochi.web.routes.login",
    "baochi.web.routes.dashboard",
    "baochi.web.routes.search",
    "baochi.web.routes.documents",
    "baochi.web.routes.sources",
    "baochi.web.routes.alerts",
    "baochi.web.routes.admin",
    "baochi.web.routes.account",
    "baochi.web.api.common",
    "baochi.web.api.documents",
    "baochi.web.api.monitoring",
)
AREA_ROUTERS = (
    "baochi.stories.web",
    "baochi.watch.web",
    "baochi.registry.web",
    "baochi.cases.web",
    "baochi.targets.web",
    "baochi.reports.web",
    "baochi.social.web",
)
STATIC = Path(__file__).with_name("static")
log = logging.getLogger(__name__)

# Strict: no inline script, nothing from another origin; a stored <script> could not run even if
# escaping ever failed.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    """Add the security headers to every HTTP response (a plain ASGI wrapper: no overhead)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def router_modules() -> list[ModuleType]:
    """The web area's routers, then every other area's that is installed."""
    modules = [importlib.import_module(name) for name in ROUTERS]
    for name in AREA_ROUTERS:
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) and importlib.util.find_spec(name):
            modules.append(importlib.import_module(name))
    return modules


def routers(module: ModuleType) -> list[APIRouter]:
    """A module's pages (hidden from OpenAPI) and its JSON API routers (`APIS`, listed there)."""
    return [module.router, *getattr(module, "APIS", ())]


def _is_api(request: Request) -> bool:
    """JSON answers for the API; the docs page is a page like the others."""
    return request.url.path.startswith("/api/") and request.url.path != "/api/docs"


async def _not_signed_in(request: Request, exc: Exception) -> Response:
    """To the sign-in page, then back: to this page, or for a form sent once the session had
    ended (and not carried out), to the page the form was on, the sign-in page giving back the
    long texts it held to copy. htmx, whose requests would follow a redirect into the part of
    the page they replace, is sent there by header."""
    if _is_api(request):
        return JSONResponse({"detail": "not signed in"}, status_code=401)
    reading, htmx = request.method in ("GET", "HEAD"), bool(request.headers.get("hx-request"))
    back = here(request) if reading and not htmx else came_from(request) or "/"
    target = f"/login?next={quote(back, safe='/')}" + ("" if reading else "&unsent=1")
    if htmx:
        return Response(status_code=401, headers={"HX-Redirect": target})
    unsent = await _given_back(request)
    if unsent is not None:  # our own form: what it held is given back to copy
        return sign_in_again(request, back, unsent)
    return RedirectResponse(target, status_code=303)


async def _http_error(request: Request, exc: Exception) -> Response:
    """The API's JSON error (in Vietnamese); a page saying why in its language (the refusal's own
    reason, such as "Hồ sơ đã đóng", when it gave one) with a way back to the form."""
    assert isinstance(exc, HTTPException)
    detail = exc.detail
    if _is_api(request):
        shown = str(detail) if isinstance(detail, Sayable) else detail
        return JSONResponse({"detail": shown}, status_code=exc.status_code)
    given = isinstance(detail, Sayable) or (
        isinstance(detail, str) and detail != HTTPStatus(exc.status_code).phrase
    )
    if request.method in ("GET", "HEAD") and getattr(request.state, "user", None) is None:
        # An address no route knows ran no sign-in: the page still shows who is signed in and
        # the menu, as every other refusal does.
        with contextlib.suppress(NotSignedIn):
            await current_user(request)
    context = {
        "status": exc.status_code,
        "reason": detail if given else "",
        "back": came_from(request),
        "unsent": await _given_back(request),
    }
    return render(request, "error.html", context, exc.status_code)


async def _given_back(request: Request) -> Unsent | None:
    """What a refused form of our pages held that is long to type again, to copy."""
    if request.method in ("GET", "HEAD") or not came_from(request):
        return None
    unsent = await Unsent.of(request)
    return unsent if unsent.texts or unsent.files else None


async def _crashed(request: Request, exc: Exception) -> Response:
    """A bug is logged with its trace; the person sees a plain message, never the trace."""
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if _is_api(request):
        return JSONResponse({"detail": "internal error"}, status_code=500)
    return render(request, "error.html", {"status": 500}, 500)


async def _invalid(request: Request, exc: Exception) -> Response:
    """The API's list of errors; a page naming the fields that were missing or wrong, in its
    language (the field names as the form sends them)."""
    assert isinstance(exc, RequestValidationError)
    if _is_api(request):
        # where and why, not the input: it may be large, or a NaN that JSON cannot carry
        said = [{k: e[k] for k in ("type", "loc", "msg")} for e in exc.errors()]
        return JSONResponse({"detail": said}, status_code=422)
    missing = sorted({str(e["loc"][-1]) for e in exc.errors() if e["type"] == "missing"})
    wrong = sorted({str(e["loc"][-1]) for e in exc.errors() if e["type"] != "missing"})
    parts = [
        Phrase(template, n=len(fields), fields=", ".join(fields))
        for template, fields in (
            ("thiếu {fields}", missing),
            ("giá trị không hợp lệ ở {fields}", wrong),
        )
        if fields
    ]
    reason = Phrase("Yêu cầu không hợp lệ: {problems}.", problems=Joined(parts)) if parts else ""
    context = {
        "status": 422,
        "reason": reason,
        "back": came_from(request),
        "unsent": await _given_back(request),
    }
    return render(request, "error.html", context, 422)


def create_app(settings: Settings, store: Store | None = None, background: bool = False) -> FastAPI:
    """The app over the configured store; with `background`, collection and checks run inside."""
    store = store or open_store(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The article page names every place its article names: the gazetteer (a second to
        # build) is built now, beside the first requests, not inside the first article page.
        warming = asyncio.get_running_loop().run_in_executor(None, gazetteer)
        task = None
        if background:
            from baochi.jobs import background as work

            task = asyncio.create_task(work(store, settings))
        yield
        await warming
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(
        title="baochi API",
        version="1",
        description="Giám sát báo chí — JSON API. Authenticate with `Authorization: Bearer <token>`"
        " (create one under Tài khoản) or a signed-in session.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.web = WebStore(store.engine)
    app.state.cache = {}
    app.state.secrets = {}  # a password to show once, by session (baochi.web.routes.admin)
    app.state.backup = backup.Job()  # backups asked for on the administration page
    nav: list[NavItem] = []
    panels: list[Any] = []
    document_panels: list[Any] = []
    story_panels: list[Any] = []
    badges: list[Any] = []
    audit_labels: dict[str, str] = {}
    for module in router_modules():
        for router in routers(module):
            app.include_router(router)
        nav.extend(getattr(module, "NAV", ()))
        audit_labels |= getattr(module, "AUDIT_LABELS", {})
        if hasattr(module, "dashboard_panel"):
            panels.append(module.dashboard_panel)
        if hasattr(module, "document_panel"):
            document_panels.append(module.document_panel)
        if hasattr(module, "story_panel"):
            story_panels.append(module.story_panel)
        if hasattr(module, "nav_badge"):
            badges.append(module.nav_badge)
        folder = Path(module.__file__ or "").parent / "templates"
        if not module.__name__.startswith("baochi.web.") and folder.is_dir():
            add_template_folder(folder)
            i18n.extend(folder)
    app.state.nav = sorted(nav, key=lambda item: item.order)
    app.state.panels = panels
    app.state.document_panels = document_panels
    app.state.story_panels = story_panels
    app.state.nav_badges = badges
    app.state.audit_labels = audit_labels
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(NotSignedIn, _not_signed_in)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_exception_handler(Exception, _crashed)
    app.add_middleware(FormText)
    app.add_middleware(SecurityHeaders)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, object]:
        return {"ok": True, **store.counts()}

    return app
