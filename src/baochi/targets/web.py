"""Chỉ tiêu pages and API: a directive with its tasks and indicators, charts, the lagging list.

Charts are drawn on the server as SVG (the page's policy runs no inline script); everyone signed
in reads, the office imports workbooks, leaders only read.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from baochi import hanoi_time
from baochi.cases.attachments import AttachmentRejected, path_of, type_of
from baochi.db.targets_store import Changes, IndicatorRow, ReportChanged, ReportRow, TargetsStore
from baochi.db.web_store import User, audit
from baochi.numbers import read_number
from baochi.phrase import Phrase, phrase_of
from baochi.targets.board import (
    DirectiveNotFound,
    IndicatorView,
    board,
    lagging,
    record_progress,
)
from baochi.targets.rows import RowsInvalid, period_problem, value_problem
from baochi.targets.status import LABELS
from baochi.targets.xlsx import COUNTED, XLSX_TYPE, export_directive, field_named, import_directive
from baochi.vi import normalize
from baochi.web.auth import EDITORS, require
from baochi.web.exports import attachment, page_link, stored_file_response, xlsx_response
from baochi.web.templating import NavItem, day, done, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/targets", tags=["targets"])
READERS = ("admin", "analyst", "leader")
NAV = (NavItem(70, "/targets", "Chỉ tiêu", READERS),)
AUDIT_LABELS = {"targets.report": "Báo cáo tiến độ chỉ tiêu"}
Reader = Annotated[User, Depends(require(*READERS))]
Editor = Annotated[User, Depends(require(*EDITORS))]
WIDTH, HEIGHT, PAD = 360, 140, 24
BADGES = {
    "achieved": "text-bg-success",
    "on_track": "text-bg-primary",
    "at_risk": "text-bg-warning",
    "lagging": "text-bg-danger",
    "overdue": "text-bg-danger",
}


def _scale(points: list[tuple[str, float]], low: dt.date, high: dt.date, top: float) -> str:
    """SVG coordinates of (ISO date, value) points in the chart's box."""
    span = max((high - low).days, 1)
    coords = []
    for iso, value in points:
        x = PAD + (WIDTH - 2 * PAD) * (dt.date.fromisoformat(iso) - low).days / span
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
    return _index(request, user)


def _index(request: Request, user: User, imported: Changes | None = None) -> Response:
    """The directives and the lagging list; after an import, what it added, changed, removed."""
    engine = request.app.state.store.engine
    context = {
        "title": "Chỉ tiêu",
        "directives": TargetsStore(engine).directives(),
        "behind": lagging(engine, hanoi_time.today()),
        "labels": LABELS,
        "can_import": user.role in EDITORS,
        "imported": imported,
        "parts": COUNTED,
    }
    return render(request, "targets/index.html", context)


@router.get("/targets/lagging.xlsx")
def export_lagging(request: Request, user: Reader) -> Response:
    """The lagging and overdue tasks of every directive, as on the page, with a link to each."""
    today = hanoi_time.today()
    header = (
        "Văn bản",
        "Nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
        "Trạng thái",
        "Liên kết",
    )
    rows = [
        (
            d.code,
            view.task.title,
            view.task.lead_unit,
            view.task.coordinating_units,
            view.task.due_on,  # a date cell, as in the directive's own workbook
            LABELS[view.status],
            page_link(request, f"/targets/{d.code}"),
        )
        for d, view in lagging(request.app.state.store.engine, today)
    ]
    preface = [(f"Nhiệm vụ chậm, quá hạn đến ngày {day(today)}",)]
    name = f"nhiem-vu-cham-{today.isoformat()}.xlsx"
    return xlsx_response(name, "Nhiệm vụ", header, rows, preface)


@router.post("/targets/import")
async def import_page(
    request: Request, user: Editor, file: Annotated[UploadFile, File()]
) -> Response:
    """Bring a directive to a workbook's content, saying what was added, changed and removed;
    nothing written unless all rows are right."""
    data = await file.read(20_000_000)
    engine = request.app.state.store.engine
    try:  # a big workbook takes seconds to read: not on the event loop every page shares
        _, changes = await run_in_threadpool(import_directive, engine, data, user)
    except RowsInvalid as exc:
        more = exc.others() if exc.more else None
        context = {"title": "Chỉ tiêu", "problems": exc.shown, "more": more}
        return render(request, "targets/problems.html", context, 422)
    return _index(request, user, imported=changes)


@router.get("/targets/{code:path}/export.xlsx")
def export_page(request: Request, code: str, user: Reader) -> Response:
    """The directive as a workbook, statuses included."""
    try:
        content = export_directive(request.app.state.store.engine, code, hanoi_time.today())
    except DirectiveNotFound as exc:
        raise HTTPException(404) from exc
    name = code.replace("/", "-")
    return Response(content, media_type=XLSX_TYPE, headers=attachment(f"{name}.xlsx"))


def _indicator(request: Request, indicator_id: int) -> IndicatorRow:
    found = TargetsStore(request.app.state.store.engine).indicator(indicator_id)
    if found is None:
        raise HTTPException(404, "không có chỉ số này")
    return found


def _directive_code(request: Request, indicator: IndicatorRow) -> str:
    store = TargetsStore(request.app.state.store.engine)
    return next(d.code for d in store.directives() if d.id == indicator.directive_id)


def _number(text: str) -> float:
    """A value as the office types it (see read_number), named as the form's value."""
    try:
        return read_number(text)
    except ValueError as exc:
        raise ValueError(Phrase("giá trị {why}", why=phrase_of(exc))) from None


def _checked(indicator: IndicatorRow, value: float) -> float:
    """The value, unless the indicator cannot take it (the rule a workbook's rows keep)."""
    wrong = value_problem(indicator.unit, value, "value")
    if wrong is not None:
        raise ValueError(field_named("reports", wrong))
    return value


def _period(text: str, today: dt.date) -> dt.date:
    """The period's last day, neither after today nor before the first period taken."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            Phrase("ngày cuối kỳ «{text}» không hợp lệ (yyyy-mm-dd)", text=text)
        ) from None
    wrong = period_problem(day, today)
    if wrong is not None:
        raise ValueError(field_named("reports", wrong))
    return day


def _seen(entries: list[str], period: dt.date) -> dt.datetime | None:
    """When the report of `period` the form showed was saved, from its "period@stamp" entries;
    None when it showed none (an entry that does not read is none either)."""
    for entry in entries:
        day, _, stamp = entry.partition("@")
        if day == period.isoformat():
            try:
                return dt.datetime.fromisoformat(stamp)
            except ValueError:
                return None
    return None


def _said(report: ReportRow | None, indicator: IndicatorRow) -> dict[str, Any] | None:
    """A report as the audit log keeps it."""
    if report is None:
        return None
    return {
        "indicator": indicator.code,
        "period_end": report.period_end,
        "value": report.value,
        "comment": report.comment,
        "evidence": report.evidence,
    }


def _audit_report(
    request: Request, user: User, indicator: IndicatorRow, saved: tuple[int, ReportRow | None]
) -> None:
    """Write a recorded progress report to the audit log, with the report it replaced."""
    report_id, before = saved
    engine = request.app.state.store.engine
    after = _said(TargetsStore(engine).report(report_id), indicator)
    entity = f"indicator:{indicator.id}"
    audit(engine, user, "targets.report", entity, _said(before, indicator), after)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A progress report not recorded: by which indicator's form, why, what was typed (shown in
    the form again), and the status: 422 for a wrong value, 409 for a report saved meanwhile."""

    indicator_id: int
    why: Phrase
    typed: dict[str, str]
    status: int = 422


def _saved_meanwhile(request: Request, indicator: IndicatorRow, period: dt.date) -> Phrase:
    """What a report refused as saved over one saved meanwhile says: that report as it is."""
    reports = TargetsStore(request.app.state.store.engine).reports([indicator.id])
    current = next((r for r in reports if r.period_end == period), None)
    return Phrase(
        "Báo cáo kỳ {day} đã được lưu lúc {at} (người khác hoặc một cửa sổ khác) sau khi bạn mở"
        " trang, với giá trị {value}. Số liệu bạn nhập ở dưới chưa được ghi (tệp minh chứng cần"
        " chọn lại): bấm «Ghi báo cáo» để ghi đè, hoặc tải lại trang để xem báo cáo đã lưu.",
        day=period.strftime("%d/%m/%Y"),
        at=hanoi_time.minute(current.reported_at) if current else "—",
        value=f"{current.value:g}" if current else "—",
    )


@router.post("/targets/indicators/{indicator_id:id}/reports")
async def report_form(
    request: Request,
    indicator_id: int,
    user: Editor,
    period_end: Annotated[str, Form()],
    value: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
    evidence: Annotated[UploadFile | None, File()] = None,
    seen: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Record a period's value with a comment and an evidence file (type and size checked);
    `seen` holds when each report the form showed was saved, so that one saved meanwhile by
    someone else is not overwritten unawares."""
    indicator = _indicator(request, indicator_id)
    code = _directive_code(request, indicator)
    settings = request.app.state.settings
    limit = int(settings.case_attachment_max_bytes)
    content = await evidence.read(limit + 1) if evidence and evidence.filename else b""
    file = (
        (settings.data, evidence.filename or "", content, limit) if evidence and content else None
    )
    typed = {"period_end": period_end, "value": value, "comment": comment}
    try:
        period = _period(period_end, hanoi_time.today())
        saved = record_progress(
            request.app.state.store.engine,
            indicator.id,
            period,
            _checked(indicator, _number(value)),
            normalize(comment).strip(),  # sent with a file, so not cleaned on its way
            file,
            reported_by=user.id,
            seen=_seen(seen or [], period),
        )
    except ReportChanged:
        why = _saved_meanwhile(request, indicator, period)
        return _directive(request, code, user, Refusal(indicator.id, why, typed, 409))
    except (AttachmentRejected, ValueError) as exc:
        return _directive(request, code, user, Refusal(indicator.id, phrase_of(exc), typed))
    _audit_report(request, user, indicator, saved)
    where = done(f"/targets/{code}", "progress-saved", f"indicator-{indicator.id}")
    return RedirectResponse(where, status_code=303)


@router.get("/targets/evidence/{report_id:id}")
def evidence_file(request: Request, report_id: int, user: Reader) -> Response:
    """A progress report's evidence, as a download of its checked type."""
    report = TargetsStore(request.app.state.store.engine).report(report_id)
    if report is None or not report.evidence:
        raise HTTPException(404)
    path = path_of(request.app.state.settings.data, report.evidence)
    if not path.is_file():
        raise HTTPException(404)
    kind = type_of(report.evidence)
    return stored_file_response(path.read_bytes(), kind, f"minh-chung-{report.id}{path.suffix}")


@router.get("/targets/{code:path}")
def directive_page(request: Request, code: str, user: Reader) -> Response:
    """A directive with its tasks, lead and coordinating units, indicators, their charts, reports
    and the form to report progress."""
    return _directive(request, code, user)


def _directive(request: Request, code: str, user: User, refused: Refusal | None = None) -> Response:
    """The directive page; with a refused report, shown again with the reason by its form, in
    the page's language, and what was typed in it."""
    try:
        shown = board(request.app.state.store.engine, code, hanoi_time.today())
    except DirectiveNotFound as exc:
        raise HTTPException(404) from exc
    context = {
        "title": shown.directive.code,
        "board": shown,
        "labels": LABELS,
        "badges": BADGES,
        "charts": {v.indicator.id: chart(v) for v in shown.indicators()},
        "can_report": user.role in EDITORS,
        "refused": refused,
        "today": hanoi_time.today().isoformat(),
    }
    return render(request, "targets/directive.html", context, refused.status if refused else 200)


class ProgressIn(BaseModel):
    """One period's value of an indicator, as the API takes it."""

    period_end: dt.date
    value: float = Field(allow_inf_nan=False)
    comment: str = ""


@api.post("/indicators/{indicator_id:id}/reports", status_code=201)
def api_report(
    request: Request, indicator_id: int, report: ProgressIn, user: Editor
) -> dict[str, Any]:
    """Record (or correct) one period's value, over whatever is there (the audit log keeps the
    value replaced); the indicator's status after it."""
    indicator = _indicator(request, indicator_id)
    try:
        period = _period(report.period_end.isoformat(), hanoi_time.today())
        value = _checked(indicator, report.value)
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    engine = request.app.state.store.engine
    try:
        saved = record_progress(
            engine, indicator.id, period, value, report.comment.strip(), reported_by=user.id
        )
    except ReportChanged as exc:  # saved at the same moment by another request
        raise HTTPException(409, "báo cáo kỳ này vừa được ghi: hãy gửi lại") from exc
    _audit_report(request, user, indicator, saved)
    report_id = saved[0]
    shown = board(engine, _directive_code(request, indicator), hanoi_time.today())
    view = next(v for v in shown.indicators() if v.indicator.id == indicator.id)
    return {"id": report_id, "status": view.judgement.status, "label": view.judgement.label}


@api.get("/{code:path}")
def api_directive(request: Request, code: str, user: Reader) -> dict[str, Any]:
    """A directive with its tasks, indicators, reports and computed statuses."""
    try:
        shown = board(request.app.state.store.engine, code, hanoi_time.today())
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


APIS = (api,)  # the JSON API, apart from the pages: OpenAPI lists it
