"""What people type reaches the application as the crawled text does: NFC, without control or
invisible characters. A Vietnamese keyboard set to decomposed Unicode (Unikey's "tổ hợp") would
otherwise store a case title or a department that no search or comparison finds, and a NUL typed
into a form would be refused by PostgreSQL. Forms and JSON bodies are cleaned before any route
reads them; the forms that carry passwords, and files, are left exactly as sent."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from baochi.vi import normalize

MAX_BYTES = 4 * 2**20  # a form or JSON body larger than this is no one's typing
FORM = b"application/x-www-form-urlencoded"
JSON = b"application/json"
TOO_LARGE = "Dữ liệu gửi lên quá lớn.".encode()
SECRETS = frozenset({"/login", "/account/password"})  # a password is checked as it was typed


def _clean_form(body: bytes) -> bytes:
    pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
    return urlencode([(k, normalize(v)) for k, v in pairs]).encode()


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return normalize(value)
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    return value


def _cleaned(kind: bytes, body: bytes) -> bytes:
    if kind == FORM:
        return _clean_form(body)
    try:
        return json.dumps(_clean_json(json.loads(body)), ensure_ascii=False).encode()
    except ValueError:
        return body  # not JSON: the route answers that it cannot read it


class FormText:
    """Clean the text of form and JSON bodies (a plain ASGI wrapper)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = _kind(scope)
        if kind is None:
            await self.app(scope, receive, send)
            return
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay([message]), send)
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_BYTES:
                await _refuse(send)
                return
        body = _cleaned(kind, b"".join(chunks))
        headers = [(k, v) for k, v in scope["headers"] if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        message = {"type": "http.request", "body": body, "more_body": False}
        await self.app({**scope, "headers": headers}, _replay([message], receive), send)


def _kind(scope: Scope) -> bytes | None:
    """FORM or JSON for a body this cleans, None for anything else (files, GET, websockets)."""
    if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
        return None
    if scope["path"] in SECRETS:
        return None
    for key, value in scope["headers"]:
        if key == b"content-type":
            kind = value.split(b";")[0].strip().lower()
            return kind if kind in (FORM, JSON) else None
    return None


def _replay(messages: list[Message], then: Receive | None = None) -> Receive:
    """A receive that gives these messages first, then what the client sends (a disconnect)."""
    pending = list(messages)

    async def receive() -> Message:
        if pending:
            return pending.pop(0)
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive


async def _refuse(send: Send) -> None:
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": TOO_LARGE})
