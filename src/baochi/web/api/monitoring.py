"""/api/v1/sources, /watchlists and /alerts: the monitoring set-up and its signals."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from baochi.db.web_store import User
from baochi.web import searching
from baochi.web.api.common import MAX_LIMIT
from baochi.web.auth import EDITORS, require
from baochi.web.routes.alerts import save, watch_store, watchlist_rows
from baochi.web.routes.sources import health

router = APIRouter(prefix="/api/v1", tags=["monitoring"])


class SourceOut(BaseModel):
    """A source and its health."""

    id: int
    outlet: str
    url: str
    kind: str
    enabled: bool
    state: str  # ok, new (never fetched), overdue (not polled), silent, failing, quiet, off
    last_success_at: dt.datetime | None
    last_article_at: dt.datetime | None  # when it last led to an article not seen before
    consecutive_failures: int
    last_error: str
    articles_total: int
    last_day: int
    normal_per_day: float


class WatchlistOut(BaseModel):
    """A saved query with its last 24 h against its daily mean over the week before."""

    id: int
    name: str
    query: str
    enabled: bool
    last_day: int
    normal_per_day: float


class AlertOut(BaseModel):
    """An alert and why it was raised, with the numbers."""

    id: int
    kind: str
    subject_label: str
    reason: str
    observed: int
    baseline_mean: float | None
    created_at: dt.datetime | None
    read_at: dt.datetime | None


@router.get("/sources", response_model=list[SourceOut])
def sources(request: Request, user: Annotated[User, Depends(require(*EDITORS))]) -> list[SourceOut]:
    """Every source with its health."""
    return [
        SourceOut(
            id=r.s.id,
            outlet=r.s.outlet,
            url=r.s.url,
            kind=r.s.kind,
            enabled=r.s.enabled,
            state=r.state,
            last_success_at=r.s.last_success_at,
            consecutive_failures=r.s.consecutive_failures,
            last_error=r.s.last_error,
            articles_total=r.s.articles_total,
            last_article_at=r.s.last_article_at,
            last_day=r.last_day,
            normal_per_day=round(r.normal, 2),
        )
        for r in health(request)
    ]


@router.get("/watchlists", response_model=list[WatchlistOut])
def watchlists(
    request: Request, user: Annotated[User, Depends(require(*EDITORS))]
) -> list[WatchlistOut]:
    """Every watchlist with its recent matches."""
    return [
        WatchlistOut(
            id=r["w"].id,
            name=r["w"].name,
            query=r["w"].query,
            enabled=r["w"].enabled,
            last_day=r["last"],
            normal_per_day=round(r["normal"], 2),
        )
        for r in watchlist_rows(request, watch_store(request))
    ]


class WatchlistIn(BaseModel):
    """A query to watch, in the search language; named after the query unless named."""

    query: str = Field(min_length=1, max_length=1000)
    name: str = Field(default="", max_length=300)


@router.post("/watchlists", response_model=WatchlistOut, status_code=201)
def add_watchlist(
    request: Request, body: WatchlistIn, user: Annotated[User, Depends(require(*EDITORS))]
) -> WatchlistOut:
    """Save a query as a watchlist (audited); the same name twice returns the existing one."""
    problem = searching.problem(body.query)
    if problem:
        raise HTTPException(422, problem)
    watch_id = save(request, user, body.query, body.name)
    row = next(r for r in watchlist_rows(request, watch_store(request)) if r["w"].id == watch_id)
    return WatchlistOut(
        id=watch_id,
        name=row["w"].name,
        query=row["w"].query,
        enabled=row["w"].enabled,
        last_day=row["last"],
        normal_per_day=round(row["normal"], 2),
    )


@router.get("/alerts", response_model=list[AlertOut])
def alerts(
    request: Request,
    user: Annotated[User, Depends(require(*EDITORS))],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> list[AlertOut]:
    """The latest alerts, newest first."""
    return [
        AlertOut(
            id=a.id,
            kind=a.kind,
            subject_label=a.subject_label,
            reason=a.reason,
            observed=a.observed,
            baseline_mean=a.baseline_mean,
            created_at=a.created_at,
            read_at=a.read_at,
        )
        for a in watch_store(request).alerts(limit=limit)
    ]
