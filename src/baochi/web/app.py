"""The FastAPI app: for now the front page of latest documents and source health."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from baochi.db import Store, open_store
from baochi.settings import Settings

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))


def _local(value: dt.datetime | None) -> str:
    """dd/mm/yyyy HH:MM in Hà Nội time, as the office reads dates."""
    return value.astimezone(HANOI).strftime("%d/%m/%Y %H:%M") if value else "—"


templates.env.filters["local"] = _local


def create_app(settings: Settings, store: Store | None = None, background: bool = False) -> FastAPI:
    """The app over the configured store; with `background`, the collector runs inside it."""
    store = store or open_store(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = None
        if background:
            from baochi.collect.loop import collect_forever

            task = asyncio.create_task(collect_forever(store, settings))
        yield
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    app = FastAPI(title="baochi", docs_url="/api/docs", lifespan=lifespan)

    @app.get("/", response_class=HTMLResponse)
    def home(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(
            request,
            "home.html",
            {
                "documents": list(store.documents(limit=50, newest_first=True)),
                "sources": store.sources(),
                "counts": store.counts(),
            },
        )

    @app.get("/healthz")
    def healthz() -> dict[str, object]:
        return {"ok": True, **store.counts()}

    return app
