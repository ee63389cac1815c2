"""Chỉ tiêu pages and API: a directive with its tasks and indicators, charts, the lagging list.

Charts are drawn on the server as SVG (the page's policy runs no inline script); everyone signed
in reads, the office imports workbooks, leaders only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from baochi.db.targets_store import TargetsStore
from baochi.db.web_store import User
from baochi.targets.board import DirectiveNotFound, IndicatorView, board, lagging
from baochi.targets.rows import RowsInvalid
from baochi.targets.status import LABELS
from baochi.targets.xlsx import XLSX_TYPE, export_directive, import_directive
from baochi.web.auth import EDITORS, require
from baochi.web.templating import NavItem, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/targets", tags=["targets"])
READERS = ("admin", "analyst", "leader")
NAV = (NavItem(70, "/targets", "Chỉ tiêu", READERS),)
Reader = Annotated[User, Depends(require(*READERS))]
Editor = Annotated[User, Depends(require(*EDITORS))]
WIDTH, HEIGHT, PAD = 360, 140, 24


def _scale(points: list[tuple[str, float]], low: dt.date, high: dt.date, top: float) -> str:
    """SVG coordinates of (ISO date, value) points in the chart's box."""
    span = max((high - low).days, 1)
    coords = []
    for day, value in points:
        x = PAD + (WIDTH - 2 * PAD) * (dt.date.fromisoformat(day) - low).days / span
        y = HEIGHT - PAD - (HEIGHT - 2 * PAD) * (value / top if top else 0)
        coords.append(f"{x:.1f},{y:.1f}")
    return " ".join(coords)


def chart(view: IndicatorView) -> dict[str, Any]:
    """What the template needs to draw the path to the target and the reported values."""
    series = view.chart()
    every = series["path"] + series["actual"]
    days = [dt.date.fromisoformat(d) for d, _ in every]
    low, high = min(days), max(days)
    top = max(v for _, v in every) * 1.1 or 1.0
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "path": _scale(series["path"], low, high, top),
        "actual": [
            {"xy": _scale([p], low, high, top).split(","), "day": p[0], "value": p[1]}
            for p in series["actual"]
        ],
        "low": low,
        "high": high,
    }


@router.get("/targets")
def targets_page(request: Request, user: Reader) -> Response:
    """Every directive, and what is lagging across them."""
    engine = request.app.state.store.engine
    context = {
        "title": "Chỉ tiêu",
        "directives": TargetsStore(engine).directives(),
        "behind": lagging(engine, dt.date.today()),
        "labels": LABELS,
        "can_import": user.role in EDITORS,
    }
    return render(request, "targets/index.html", context)


@router.post("/targets/import")
async def import_page(
    request: Request, user: Editor, file: Annotated[UploadFile, File()]
) -> Response:
    """Create or update a directive from a workbook; nothing written unless all rows are right."""
    try:
        import_directive(request.app.state.store.engine, await file.read(20_000_000))
    except RowsInvalid as exc:
        context = {"title": "Chỉ tiêu", "problems": exc.problems}
        return render(request, "targets/problems.html", context, 422)
    return RedirectResponse("/targets", status_code=303)


@router.get("/targets/{code:path}/export.xlsx")
def export_page(request: Request, code: str, user: Reader) -> Response:
    """The directive as a workbook, statuses included."""
    try:
        content = export_directive(request.app.state.store.engine, code, dt.date.today())
    except DirectiveNotFound as exc:
        raise HTTPException(404) from exc
    name = code.replace("/", "-")
    return Response(
        content,
        media_type=XLSX_TYPE,
        headers={"content-disposition": f'attachment; filename="{name}.xlsx"'},
    )


@router.get("/targets/{code:path}")
def directive_page(request: Request, code: str, user: Reader) -> Response:
    """A directive with its tasks, lead and coordinating units, indicators and their charts."""
    try:
        shown = board(request.app.state.store.engine, code, dt.date.today())
    except DirectiveNotFound as exc:
        raise HTTPException(404) from exc
    views = [i for t in shown.tasks for i in t.indicators] + shown.loose
    context = {
        "title": shown.directive.code,
        "board": shown,
        "labels": LABELS,
        "charts": {v.indicator.id: chart(v) for v in views},
    }
    return render(request, "targets/directive.html", context)


@api.get("/{code:path}")
def api_directive(request: Request, code: str, user: Reader) -> dict[str, Any]:
    """A directive with its tasks, indicators, reports and computed statuses."""
    try:
        shown = board(request.app.state.store.engine, code, dt.date.today())
    except DirectiveNotFound as exc:
        raise HTTPException(404, str(exc)) from exc

    def indicator(v: IndicatorView) -> dict[str, Any]:
        i = v.indicator
        return {
            "code": i.code,
            "name": i.name,
            "unit": i.unit,
            "target": i.target,
            "target_on": i.target_on.isoformat(),
            "direction": i.direction,
            "status": v.judgement.status,
            "latest": v.judgement.latest,
            "series": v.chart(),
        }

    return {
        "code": shown.directive.code,
        "title": shown.directive.title,
        "issuer": shown.directive.issuer,
        "tasks": [
            {
                "position": t.task.position,
                "title": t.task.title,
                "lead_unit": t.task.lead_unit,
                "coordinating_units": t.task.coordinating_units,
                "due_on": t.task.due_on.isoformat() if t.task.due_on else None,
                "status": t.status,
                "indicators": [indicator(v) for v in t.indicators],
            }
            for t in shown.tasks
        ],
    }


router.include_router(api)
