"""Báo cáo pages and API: make a day's brief or a period's report, edit its selection and
summaries as a stored draft, download it as HTML, DOCX or PDF, mail it to a list, or issue it to
the leaders in the app (which needs no mail server).

Readers (administrators, analysts, leaders) see and download; the office (administrators and
analysts) makes, edits, issues and sends; leaders read what was issued or sent. Every text of
the paper is escaped by the templates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from baochi import hanoi_time
from baochi.db.reports_store import DraftListed, ReportsStore
from baochi.db.watch_store import WatchStore
from baochi.db.web_store import User, audit
from baochi.phrase import Phrase, phrase_of
from baochi.reports import drafts
from baochi.reports.brief import GROUPINGS, chosen_day, make_brief
from baochi.reports.charts import PHONE
from baochi.reports.formats import FORMATS, file_name, media_type, render
from baochi.reports.htmldoc import chart_uri
from baochi.reports.period import Period, PeriodError, period_of, yesterday
from baochi.reports.periodic import make_report
from baochi.reports.scope import ScopeError, resolve
from baochi.reports.send import Taken, recipients_of, send_draft
from baochi.web.auth import EDITORS, READERS, require
from baochi.web.exports import attachment
from baochi.web.paging import Page, page_of
from baochi.web.templating import NavItem
from baochi.web.templating import render as render_page

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/reports", tags=["reports"])
NAV = (NavItem(80, "/reports", "Báo cáo", READERS),)
Reader = Annotated[User, Depends(require(*READERS))]
Editor = Annotated[User, Depends(require(*EDITORS))]
PERIOD_KINDS = {"week": "Tuần", "month": "Tháng", "quarter": "Quý", "custom": "Tùy chọn"}
PAGE_SIZE = 50
AUDIT_LABELS = {"report.issue": "Phát hành cho lãnh đạo"}


def _engine(request: Request) -> Any:
    return request.app.state.store.engine


def _draft(request: Request, draft_id: int, reader: User | None = None) -> tuple[Any, Any]:
    """A draft and its paper; 404 when there is none, or none the reader may read (a leader
    reads only what was issued or sent: the rest is the office's work in progress)."""
    published_only = reader is not None and reader.role not in EDITORS
    try:
        return drafts.load(_engine(request), draft_id, published_only)
    except drafts.DraftNotFound as exc:
        raise HTTPException(404, phrase_of(exc)) from exc


def _day(text: str) -> dt.date:
    """A date typed in a form; PeriodError naming it when it is none, so that a form refused
    for it says why on the reports page as for any other reason."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise PeriodError(Phrase("ngày không hợp lệ: {text!r}", text=text)) from exc


@dataclass(frozen=True, slots=True)
class Listed:
    """The drafts list's filters, as its links carry them."""

    kind: str = ""  # brief, report (the periodic ones), "" for both
    status: str = ""  # draft; issued (issued or sent: what leaders read); sent; "" for all
    day: dt.date | None = None  # a day the paper covers

    def drafts(self, request: Request, limit: int, offset: int = 0) -> list[DraftListed]:
        """The drafts that pass, newest first, from `offset` on."""
        store = ReportsStore(_engine(request))
        return store.drafts(limit, offset, self.kind, self.status, self.day)

    def query(self) -> dict[str, str]:
        """The filters as link parameters, the defaults left out."""
        return {"kind": self.kind, "status": self.status, "day": str(self.day or "")}


def _unfiltered(user: User) -> Listed:
    """The list a user starts from: every paper for the office, what was issued or sent for a
    leader (drafts are the office's work in progress)."""
    return Listed() if user.role in EDITORS else Listed(status="issued")


def _listed(
    kind: Literal["", "brief", "report"] = "",
    status: Literal["", "draft", "issued", "sent"] = "",
    day: str = "",
) -> Listed:
    """The filters from the query string; a wrong one is a 422 that names it."""
    try:
        return Listed(kind, status, _day(day) if day else None)
    except PeriodError as exc:
        raise HTTPException(422, phrase_of(exc)) from exc


@router.get("/reports")
def reports_page(
    request: Request, user: Reader, listed: Annotated[Listed, Depends(_listed)], page: Page = 1
) -> Response:
    """The drafts made so far, a page at a time, and the forms that make a brief or a report;
    a leader's list holds what was issued or sent."""
    held = _unfiltered(user).status
    context = _index_context(request, user, replace(listed, status=held) if held else listed, page)
    return render_page(request, "reports/index.html", context)


def _made(request: Request, make: Any, user: User) -> Response:
    """Run a maker and keep its paper as a draft; a bad request goes back with its reason, in
    the page's language."""
    try:
        paper = make()
    except (ScopeError, PeriodError, ValueError) as exc:
        context = {**_index_context(request, user, Listed(), 1), "error": phrase_of(exc)}
        return render_page(request, "reports/index.html", context, 422)
    draft_id = drafts.save_new(_engine(request), paper, user.id, dt.datetime.now(dt.UTC))
    return RedirectResponse(f"/reports/drafts/{draft_id}", status_code=303)


def _index_context(request: Request, user: User, listed: Listed, page: int) -> dict[str, Any]:
    engine = _engine(request)
    found, following = page_of(partial(listed.drafts, request), page, PAGE_SIZE)
    return {
        "title": "Báo cáo",
        "drafts": found,
        "listed": listed,
        "filtered": listed != _unfiltered(user),  # the list then says when nothing passes
        "page": page,
        "following": following,
        "yesterday": yesterday(dt.datetime.now(dt.UTC)).isoformat(),
        "today": hanoi_time.today().isoformat(),  # no paper on days still to come
        "watchlists": WatchStore(engine).watchlists(),
        "kinds": PERIOD_KINDS,
        "can_edit": user.role in EDITORS,
        "error": "",
    }


@router.get("/reports/brief")
@router.get("/reports/report")
def making_form(user: Reader) -> Response:
    """The forms that make a paper are on the reports page: a bookmark of where one was posted,
    or the back button after it, goes there."""
    return RedirectResponse("/reports", status_code=303)


@router.post("/reports/brief")
def make_brief_form(
    request: Request,
    user: Editor,
    day: Annotated[str, Form()],
    scope: Annotated[str, Form()] = "hanoi",
    group: Annotated[str, Form()] = "topic",
) -> Response:
    """Make the brief of a day as a new draft."""
    store, settings = request.app.state.store, request.app.state.settings
    grouping = group if group in GROUPINGS else "topic"

    def make() -> Any:
        checked = chosen_day(store, _day(day), dt.datetime.now(dt.UTC))
        return make_brief(store, settings, checked, resolve(store, scope), grouping)

    return _made(request, make, user)


@router.post("/reports/report")
def make_report_form(
    request: Request,
    user: Editor,
    kind: Annotated[str, Form()],
    first: Annotated[str, Form()],
    last: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "hanoi",
) -> Response:
    """Make a week's, month's, quarter's or any range's report as a new draft."""
    store, settings = request.app.state.store, request.app.state.settings

    def make() -> Any:
        start = _day(first)
        if kind == "custom":
            period = Period(start, _day(last) if last else start, "custom")
        else:
            period = period_of(kind, start)
        return make_report(store, settings, period, resolve(store, scope))

    return _made(request, make, user)


@router.get("/reports/drafts/{draft_id:id}")
def draft_page(request: Request, draft_id: int, user: Reader) -> Response:
    """A draft: the document as it will be sent, and for the office the form that edits it."""
    row, paper = _draft(request, draft_id, user)
    return _page(request, row, paper, user)


def _page(
    request: Request,
    row: Any,
    paper: Any,
    user: User,
    status: int = 200,
    conflict: bool = False,
    error: Phrase | None = None,
    recipients: str = "",
) -> Response:
    """The draft page; `conflict` when the paper shown is an edit that was not saved because
    someone saved the draft meanwhile; `error`, why it was not sent; `recipients` as typed in
    the form the page answers (else the configured list)."""
    context = {
        "title": paper.title,
        "draft": row,
        "paper": paper,
        "chart_uri": chart_uri,
        "phone_chart_uri": partial(chart_uri, size=PHONE),  # a page's chart on a small screen
        "formats": tuple(FORMATS),
        "can_edit": user.role in EDITORS,
        "can_mail": bool(request.app.state.settings.smtp_host),
        "recipients": recipients or ", ".join(request.app.state.settings.brief_recipients),
        "notice": request.query_params.get("notice", ""),
        "error": error,
        "conflict": conflict,
    }
    return render_page(request, "reports/draft.html", context, status)


def _edited(paper: Any, form: FormData) -> None:
    """The edit form's ticks, summaries and opening note, applied to a paper."""
    included = {str(v) for v in form.getlist("include")}
    texts = {str(k)[5:]: str(v) for k, v in form.multi_items() if str(k).startswith("text:")}
    paper.edit(included, texts)
    paper.note = str(form.get("note", "")).strip()


def _keep(request: Request, draft_id: int, form: FormData, user: User) -> Response | None:
    """Store the form's edits, or the page that says why not, so that nothing typed is lost: a
    draft sent or issued meanwhile gets them as a new draft; one saved meanwhile (a colleague,
    another tab) is shown again with them unsaved, to save over it or to drop them."""
    row, paper = _draft(request, draft_id)
    _edited(paper, form)
    never = dt.datetime.min.replace(tzinfo=dt.UTC)  # a version no page of ours wrote
    try:
        seen = dt.datetime.fromisoformat(str(form.get("version", "")))
    except ValueError:
        seen = never
    if seen.tzinfo is None:
        seen = never
    now = dt.datetime.now(dt.UTC)
    if drafts.save_edit(_engine(request), row.id, paper, seen, now):
        return None
    current, _ = _draft(request, row.id)
    if current.published:
        copy = drafts.save_new(_engine(request), paper, user.id, now)
        return RedirectResponse(f"/reports/drafts/{copy}?notice=copied", status_code=303)
    typed = str(form.get("recipients", ""))
    return _page(request, current, paper, user, 409, conflict=True, recipients=typed)


@router.post("/reports/drafts/{draft_id:id}")
async def save_draft(request: Request, draft_id: int, user: Editor) -> Response:
    """Keep the entries ticked, with their summaries as edited, and the opening note."""
    refused = _keep(request, draft_id, await request.form(), user)
    return refused or RedirectResponse(f"/reports/drafts/{draft_id}?notice=saved", 303)


@router.post("/reports/drafts/{draft_id:id}/copy")
def copy_draft(request: Request, draft_id: int, user: Editor) -> Response:
    """A new draft with a sent or issued one's content, to edit and send again."""
    _, paper = _draft(request, draft_id)
    copy = drafts.save_new(_engine(request), paper, user.id, dt.datetime.now(dt.UTC))
    return RedirectResponse(f"/reports/drafts/{copy}", status_code=303)


@router.post("/reports/drafts/{draft_id:id}/send")
async def send_form(request: Request, draft_id: int, user: Editor) -> Response:
    """Mail the draft with the edits sent along (the send button belongs to the edit form, so
    summaries typed but not saved go out, and are kept); the outcome is shown on the draft."""
    form = await request.form()
    if "version" not in form:  # a send without the edit form (a sent brief's)
        _draft(request, draft_id)
    elif (refused := _keep(request, draft_id, form, user)) is not None:
        return refused
    if not request.app.state.settings.smtp_host:  # said on the draft, which a reload keeps
        return RedirectResponse(f"/reports/drafts/{draft_id}?notice=no-mail", status_code=303)
    fmt, typed = str(form.get("format", "pdf")), str(form.get("recipients", ""))
    try:
        addresses = recipients_of(typed)
    except ValueError as exc:
        error: Phrase | None = phrase_of(exc)
    else:
        again = "version" not in form  # a sent paper's own form: mailed once more on purpose
        error = await run_in_threadpool(  # a slow mail server must not hold every other page
            _send, request, draft_id, addresses, fmt if fmt in FORMATS else "pdf", again
        )
    if error is None:
        return RedirectResponse(f"/reports/drafts/{draft_id}?notice=sent", status_code=303)
    # not sent: the draft again, why in its language, the addresses as typed to correct them
    row, paper = _draft(request, draft_id)
    return _page(request, row, paper, user, 422, error=error, recipients=typed)


def _send(
    request: Request, draft_id: int, addresses: list[str], fmt: str, again: bool
) -> Phrase | None:
    """Mail the draft; None when sent, else why not, another request's send included."""
    settings, now = request.app.state.settings, dt.datetime.now(dt.UTC)
    try:
        return send_draft(_engine(request), settings, draft_id, addresses, fmt, now, again=again)
    except Taken as exc:
        return phrase_of(exc)


@router.post("/reports/drafts/{draft_id:id}/issue")
async def issue_form(request: Request, draft_id: int, user: Editor) -> Response:
    """Publish the draft to the leaders in the app, with the edits sent along (the button
    belongs to the edit form); from then on it is read as it stands, not edited."""
    form = await request.form()
    if "version" not in form:
        _draft(request, draft_id)
    elif (refused := _keep(request, draft_id, form, user)) is not None:
        return refused
    engine, now = _engine(request), dt.datetime.now(dt.UTC)
    if ReportsStore(engine).issue(draft_id, now):
        row, _ = _draft(request, draft_id)
        after = {"title": row.title, "issued_at": now.isoformat()}
        audit(engine, user, "report.issue", f"report:{draft_id}", None, after)
    return RedirectResponse(f"/reports/drafts/{draft_id}?notice=issued", status_code=303)


@router.get("/reports/drafts/{draft_id:id}/file.{fmt}")
def download(request: Request, draft_id: int, fmt: str, user: Reader) -> Response:
    """The draft as a file to keep, print or forward."""
    if fmt not in FORMATS:
        raise HTTPException(404)
    _, paper = _draft(request, draft_id, user)
    name = file_name(paper, fmt)
    return Response(
        render(paper, fmt),
        media_type=media_type(fmt),
        headers=attachment(name),
    )


@api.get("/drafts")
def api_drafts(request: Request, user: Reader, limit: int = 50) -> dict[str, Any]:
    """The latest drafts (for a leader, the latest papers issued or sent)."""
    store = ReportsStore(_engine(request))
    found = store.drafts(max(1, min(limit, 500)), status=_unfiltered(user).status)
    return {
        "items": [
            {
                "id": d.id,
                "kind": d.kind,
                "first_day": d.first_day.isoformat(),
                "last_day": d.last_day.isoformat(),
                "scope": d.scope,
                "title": d.title,
                "status": d.status,
                "sent_at": d.sent_at.isoformat() if d.sent_at else None,
                "issued_at": d.issued_at.isoformat() if d.issued_at else None,
            }
            for d in found
        ]
    }


@api.get("/drafts/{draft_id:id}")
def api_draft(request: Request, draft_id: int, user: Reader) -> dict[str, Any]:
    """One draft's whole paper: sections, entries with their summaries and links."""
    row, paper = _draft(request, draft_id, user)
    return {"id": row.id, "status": row.status, "paper": paper.to_dict()}


APIS = (api,)  # the JSON API, apart from the pages: OpenAPI lists it
