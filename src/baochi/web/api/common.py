"""What every API module shares: response models, opaque keyset cursors, the docs page."""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from baochi.db import DocumentRow
from baochi.db.web_store import User
from baochi.web.auth import require

router = APIRouter()
MAX_LIMIT = 200


class DocumentOut(BaseModel):
    """A document in list form."""

    id: int
    url: str
    outlet: str
    title: str
    lead: str
    published_at: dt.datetime | None
    fetched_at: dt.datetime


class UserOut(BaseModel):
    """The caller."""

    id: int
    username: str
    display_name: str
    role: str
    department: str


def document_out(doc: DocumentRow) -> DocumentOut:
    """The list form of a stored document."""
    return DocumentOut(
        id=doc.id,
        url=doc.url,
        outlet=doc.outlet,
        title=doc.title,
        lead=doc.lead,
        published_at=doc.published_at,
        fetched_at=doc.fetched_at,
    )


def encode_cursor(position: dict[str, Any]) -> str:
    """An opaque cursor for the next page."""
    raw = json.dumps(position, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> dict[str, Any]:
    """The position a cursor stands for; a forged or broken one is a 400."""
    if not cursor:
        return {}
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError as exc:
        raise HTTPException(400, "bad cursor") from exc
    if not isinstance(value, dict):
        raise HTTPException(400, "bad cursor")
    return value


@router.get("/api/v1/me", response_model=UserOut, tags=["account"])
def me(user: Annotated[User, Depends(require())]) -> UserOut:
    """Who the token or session belongs to."""
    return UserOut(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        role=user.role,
        department=user.department,
    )


@router.get("/api/openapi.json", include_in_schema=False)
def openapi(request: Request, user: Annotated[User, Depends(require())]) -> JSONResponse:
    """The OpenAPI description, for signed-in users."""
    return JSONResponse(request.app.openapi())


@router.get("/api/docs", include_in_schema=False)
def docs(user: Annotated[User, Depends(require())]) -> HTMLResponse:
    """Swagger UI from the locally built assets (no CDN), started by a same-origin script."""
    return HTMLResponse(DOCS_PAGE)


DOCS_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>baochi API</title>
<link rel="stylesheet" href="/static/vendor/swagger-ui.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml"></head>
<body><div id="swagger-ui"></div>
<script src="/static/vendor/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>
"""
