"""Hồ sơ pages and API: officers see and answer their department's cases, the office routes them.

Every rule (who sees, who acts) is the library's; this module maps its errors to 404/403/409.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from baochi.cases import casework, inbox_web, workflow
from baochi.cases.attachments import AttachmentRejected
from baochi.cases.deadlines import DeadlineRules, configured_rules, days_left
from baochi.cases.figures import department_figures
from baochi.cases.workflow import Actor, CaseError, CaseNotFound, Forbidden, IllegalTransition
from baochi.db import DocumentRow
from baochi.db.cases_store import CaseRow, CasesStore
from baochi.db.row_ids import ChosenRowId, RowId, row_id
from baochi.db.stories_store import StoryStore
from baochi.db.web_store import User, audit
from baochi.phrase import Phrase, phrase_of
from baochi.stories.copies import Disputed, disputed, grouped
from baochi.vi import normalize
from baochi.web.auth import READERS, require, web_store
from baochi.web.exports import page_link, stored_file_response, xlsx_response
from baochi.web.paging import Page
from baochi.web.templating import NavItem, Panel, local, render

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/v1/cases", tags=["cases"])
ALL_ROLES = ("admin", "analyst", "officer", "leader")
NAV = (NavItem(60, "/cases", "Hồ sơ", ALL_ROLES), *inbox_web.NAV)
nav_badge = inbox_web.nav_badge
AUDIT_LABELS = {f"case.{action}": label for action, label in workflow.EVENT_LABELS.items()} | {
    "case.reply": "Xác nhận bài trả lời",
    "case.correction": "Xác nhận cải chính",
}
SignedIn = Annotated[User, Depends(require(*ALL_ROLES))]


def actor_of(user: User) -> Actor:
    """The library's view of a signed-in user."""
    return Actor(user.role, user.department_id, user.id)


@contextmanager
def refusals() -> Iterator[None]:
    """Turn the library's refusals into HTTP answers with its message: in Vietnamese in the
    API's JSON, in its language on a page."""
    try:
        yield
    except CaseNotFound as exc:
        raise HTTPException(404, phrase_of(exc)) from exc
    except Forbidden as exc:
        raise HTTPException(403, phrase_of(exc)) from exc
    except (IllegalTransition, CaseError, AttachmentRejected, ValueError) as exc:
        raise HTTPException(409, phrase_of(exc)) from exc


def _engine(request: Request) -> Any:
    return request.app.state.store.engine


def _rules(request: Request) -> DeadlineRules:
    return configured_rules(request.app.state.settings.case_rules_file)


def remind_days(request: Request) -> int:
    """How many days before a deadline the first reminder goes out: the pages mark a case close
    from then on, so what is red on screen is what the reminders speak of."""
    return max(_rules(request).remind_before_days, default=0)


def _max_bytes(request: Request) -> int:
    return int(request.app.state.settings.case_attachment_max_bytes)


def _departments(request: Request) -> dict[int, str]:
    """Department names by id, merged ones too: past cases name them."""
    return _named(request)[0]


def _named(request: Request) -> tuple[dict[int, str], dict[int, str]]:
    """Every department's name by id, and of those the ones a case may be routed to now (not
    merged into another), from one read."""
    found = web_store(request).departments()
    names = {int(d["id"]): str(d["name"]) for d in found}
    return names, {int(d["id"]): names[int(d["id"])] for d in found if d["merged_into"] is None}


def _ids(values: list[str]) -> list[int]:
    return [i for i in map(row_id, values) if i is not None]


@dataclass(frozen=True)
class Listed:
    """The cases list's filters, as its links carry them."""

    status: str = ""  # one of workflow.STATUSES, or any
    overdue: bool = False
    department: int = 0  # the responsible or coordinating department; 0 for any
    q: str = ""  # words of the title or issue

    @property
    def filtered(self) -> bool:
        """Whether any filter is set (the list then says when nothing passes)."""
        return self != Listed()

    def cases(self, request: Request, user: User, now: dt.datetime) -> list[CaseRow]:
        """The cases that pass, of those this user may see."""
        return casework.visible_cases(
            _engine(request),
            actor_of(user),
            statuses=[self.status] if self.status in workflow.STATUSES else None,
            overdue_at=now if self.overdue else None,
            department_id=self.department or None,
            text=self.q,
        )

    def query(self) -> dict[str, str]:
        """The filters as link parameters, the defaults left out."""
        return {
            "status": self.status,
            "overdue": "true" if self.overdue else "",
            "department": str(self.department) if self.department else "",
            "q": self.q,
        }


def _filters(
    status: str = "",
    overdue: bool = False,
    department: Annotated[ChosenRowId, Query()] = None,
    q: Annotated[str, Query(max_length=200)] = "",
) -> Listed:
    """The filters from the query string; a malformed one is a 422 that names it."""
    return Listed(status, overdue, department or 0, q.strip())


Filters = Annotated[Listed, Depends(_filters)]
PAGE_SIZE = 50


@router.get("/cases")
def cases_page(
    request: Request,
    user: SignedIn,
    filters: Filters,
    page: Page = 1,
) -> Response:
    """The cases this user may see, open ones first by deadline, overdue in red, a page at a time;
    the figures per department count every case that passes the filters."""
    now = dt.datetime.now(dt.UTC)
    found = filters.cases(request, user, now)
    figures = department_figures(found, now) if user.role != workflow.OFFICER else []
    shown = found[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    names, assignable = _named(request)
    context = {
        "title": "Hồ sơ",
        "cases": [(c, days_left(c.due_on, now)) for c in shown],
        "remind_days": remind_days(request),
        "total": len(found),
        "page": page,
        "pages": max(1, -(-len(found) // PAGE_SIZE)),
        "labels": workflow.STATUS_LABELS,
        "departments": names,
        "assignable": assignable,
        "figures": figures,
        "filters": filters,
        "priorities": _rules(request).priorities,
        "can_open": user.role in workflow.OFFICE_ROLES,
        "read_all": user.role in workflow.READ_ALL_ROLES,
    }
    return render(request, "cases/list.html", context)


@router.get("/cases/export.xlsx")
def export_cases(request: Request, user: SignedIn, filters: Filters) -> Response:
    """The list as filtered, as an Excel workbook with a link to each case."""
    now = dt.datetime.now(dt.UTC)
    names, priorities = _departments(request), _rules(request).priorities

    def units(ids: tuple[int, ...]) -> str:
        return ", ".join(names.get(d, str(d)) for d in ids)

    rows = [
        (
            c.id,
            c.title,
            units(c.responsible),
            units(c.coordinating),
            workflow.STATUS_LABELS[c.status],
            priorities[c.priority].label if c.priority in priorities else c.priority,
            c.received_on,
            c.due_on,
            days_left(c.due_on, now) if c.status in workflow.OPEN_STATUSES else None,
            c.answered_at,
            page_link(request, f"/cases/{c.id}"),
        )
        for c in filters.cases(request, user, now)
    ]
    header = (
        "Số",
        "Vấn đề",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Trạng thái",
        "Mức độ",
        "Ngày nhận",
        "Hạn trả lời",
        "Còn (ngày)",
        "Trả lời lúc",
        "Liên kết",
    )
    return xlsx_response("baochi-ho-so.xlsx", "Hồ sơ", header, rows)


@router.get("/cases/figures.xlsx")
def export_figures(request: Request, user: SignedIn, filters: Filters) -> Response:
    """The answers per department of the list as filtered, for the office and leaders."""
    if user.role not in workflow.READ_ALL_ROLES:
        raise HTTPException(403)
    now = dt.datetime.now(dt.UTC)
    names = _departments(request)
    rows = [
        (
            names.get(f.department_id, str(f.department_id)),
            f.total,
            f.answered,
            f.on_time,
            round(f.on_time_rate * 100) if f.on_time_rate is not None else None,
            f.open,
            f.overdue,
            round(f.average_days, 1) if f.average_days is not None else None,
        )
        for f in department_figures(filters.cases(request, user, now), now)
    ]
    header = (
        "Đơn vị",
        "Tổng",
        "Đã trả lời",
        "Đúng hạn",
        "Đúng hạn (%)",
        "Đang mở",
        "Quá hạn",
        "Số ngày trả lời TB",
    )
    preface = [(f"Trả lời theo đơn vị, đến {local(now)}",)]
    return xlsx_response("baochi-tra-loi-theo-don-vi.xlsx", "Theo đơn vị", header, rows, preface)


@router.post("/cases")
def open_case_form(
    request: Request,
    user: SignedIn,
    title: Annotated[str, Form()] = "",
    issue: Annotated[str, Form()] = "",
    priority: Annotated[str, Form()] = "normal",
    document_id: Annotated[str, Form()] = "",
    story_id: Annotated[str, Form()] = "",
    alert_id: Annotated[str, Form()] = "",
    department: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Open a case from an article, a story or an alert when its id is given (or by hand),
    routed at once if a department is."""
    with refusals():
        case_id = casework.open_case(
            _engine(request),
            actor_of(user),
            title,
            issue=issue,
            priority=priority,
            responsible=_ids(department or []),
            document_ids=_ids([document_id]),
            story_id=next(iter(_ids([story_id])), None),
            alert_id=next(iter(_ids([alert_id])), None),
            rules=_rules(request),
        )
    case = casework.get_case(_engine(request), actor_of(user), case_id)
    audit(_engine(request), user, "case.open", f"case:{case_id}", None, _audited(case))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def story_panel(request: Request, user: User, story_id: int) -> Panel | None:
    """The cases that follow a story, on its page, for those who may read every case; the office
    also opens one there, routed and with a note."""
    if user.role not in workflow.READ_ALL_ROLES:
        return None
    following = CasesStore(_engine(request)).cases(story_id=story_id)
    office = user.role in workflow.OFFICE_ROLES
    if not following and not office:
        return None
    today = dt.datetime.now(dt.UTC)
    context = {
        "cases": [(c, days_left(c.due_on, today)) for c in following],
        "remind_days": remind_days(request),
        "labels": workflow.STATUS_LABELS,
        "open_case": office
        and {
            "field": "story_id",
            "id": story_id,
            "title": CasesStore(_engine(request)).story_title(story_id),  # to edit, as an article's
            "departments": web_store(request).departments(current=True),
            "priorities": _rules(request).priorities,
        },
    }
    return Panel(20, "Hồ sơ theo dõi chuỗi tin này", "cases/_story.html", context)


RELATIONS = {
    "coverage": "Bài đưa tin",
    "candidate": "Có thể là bài trả lời",
    "reply": "Bài trả lời",
    "correction": "Cải chính",
}


def document_panel(request: Request, user: User, doc: DocumentRow) -> Panel | None:
    """The cases an article is already part of, on its page, for those who may read every case:
    before opening another on the same article, the office sees the one that exists."""
    if user.role not in workflow.READ_ALL_ROLES:
        return None
    linked = CasesStore(_engine(request)).document_cases(doc.id)
    if not linked:
        return None
    # open cases first, soonest deadline first, as the cases list orders them
    linked.sort(key=lambda pair: (pair[0].status not in workflow.OPEN_STATUSES, pair[0].due_on))
    today = dt.datetime.now(dt.UTC)
    context = {
        "cases": [
            (c, RELATIONS.get(relation, relation), days_left(c.due_on, today))
            for c, relation in linked
        ],
        "labels": workflow.STATUS_LABELS,
        "remind_days": remind_days(request),
    }
    # beside the form that opens a case, so a second one on the same article is not opened blind
    return Panel(5, "Hồ sơ có bài này", "cases/_document.html", context, beside=True)


@router.get("/cases/{case_id:id}")
def case_page(request: Request, case_id: int, user: SignedIn) -> Response:
    """One case: the issue, where it happens, its coverage and candidate replies, the answer,
    files, history."""
    return _case_page(request, case_id, user)


def _disputes(engine: Any, case: CaseRow) -> Disputed:
    """The articles of the case's story at odds with each other: never folded as copies."""
    return disputed(StoryStore(engine).conflicts(case.story_id)) if case.story_id else frozenset()


def _case_page(
    request: Request, case_id: int, user: User, refused: Phrase | str = "", typed: str = ""
) -> Response:
    """The case page; with an answer that was `refused` (why, said in the page's language), its
    `typed` text back in the form."""
    engine, actor = _engine(request), actor_of(user)
    with refusals():
        case = casework.get_case(engine, actor, case_id)
    store = CasesStore(engine)
    documents = store.case_documents(case.id)
    coverage = [d.document_id for d in documents if d.relation == "coverage"]
    named = request.app.state.store.labels_of(coverage).values()
    areas = Counter(area for labels in named for area in labels.areas)
    names, assignable = _named(request)
    context = {
        "title": f"#{case.id} {case.title}",  # what a browser tab and a bookmark show
        "case": case,
        "left": days_left(case.due_on, dt.datetime.now(dt.UTC)),
        "remind_days": remind_days(request),
        "labels": workflow.STATUS_LABELS,
        "departments": names,
        "assignable": assignable,
        "documents": grouped(  # wire copies under their original, unless a reply or at odds
            documents,
            lambda d: d.relation == "coverage" and not d.confirmed,
            _disputes(engine, case),
        ),
        "areas": [area for area, _ in areas.most_common()],  # where it happens, as reported
        "events": store.events(case.id),
        "files": store.attachments(case.id),
        "actions": workflow.actions_for(case.status, actor, case.responsible, case.coordinating),
        "office": user.role in workflow.OFFICE_ROLES,
        "articles_here": user.role not in READERS,  # officers read coverage inside the case
        "people": {u.id: u.display_name or u.username for u in web_store(request).users()},
        "events_labels": workflow.EVENT_LABELS,
        "max_mb": round(_max_bytes(request) / 2**20, 1),  # as a refusal says it
        "refused": refused,
        "typed": typed,
    }
    return render(request, "cases/case.html", context, 409 if refused else 200)


@router.get("/cases/{case_id:id}/documents/{document_id:id}")
def case_article(request: Request, case_id: int, document_id: int, user: SignedIn) -> Response:
    """An article of the case's coverage, read where the case is: the officer's way to the
    press he answers, who may not open the monitoring pages."""
    with refusals():
        case, linked = casework.case_article(_engine(request), actor_of(user), case_id, document_id)
    doc = web_store(request).document(document_id)
    if doc is None:
        raise HTTPException(404)
    context = {"title": doc.title, "case": case, "doc": doc, "linked": linked}
    return render(request, "cases/article.html", context)


def _audited(case: CaseRow) -> dict[str, Any]:
    """What the audit log keeps of a case before and after a change."""
    return {
        "status": case.status,
        "responsible": list(case.responsible),
        "coordinating": list(case.coordinating),
        "answer": case.answer,
        "escalation_level": case.escalation_level,
    }


def _act(
    request: Request, user: User, case_id: int, action: str, work: Callable[[], object]
) -> Response:
    """Do one change to a case, write it to the audit log, and go back to the case."""
    engine, actor = _engine(request), actor_of(user)
    with refusals():
        before = casework.get_case(engine, actor, case_id)
        work()
        after = casework.get_case(engine, actor, case_id)
    audit(engine, user, f"case.{action}", f"case:{case_id}", _audited(before), _audited(after))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id:id}/action")
def case_action(
    request: Request,
    case_id: int,
    user: SignedIn,
    action: Annotated[str, Form()],
    note: Annotated[str, Form()] = "",
) -> Response:
    """Start, return, close, withdraw or escalate."""
    engine, actor = _engine(request), actor_of(user)
    return _act(
        request, user, case_id, action, lambda: casework.act(engine, actor, case_id, action, note)
    )


@router.post("/cases/{case_id:id}/assign")
def case_assign(
    request: Request,
    case_id: int,
    user: SignedIn,
    department: Annotated[list[str], Form()],
    coordinating: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Route the case to its responsible and coordinating departments."""
    engine, actor = _engine(request), actor_of(user)
    responsible, helping = _ids(department), _ids(coordinating or [])
    return _act(
        request,
        user,
        case_id,
        "assign",
        lambda: casework.assign(engine, actor, case_id, responsible, helping),
    )


@router.post("/cases/{case_id:id}/answer")
async def case_answer(
    request: Request,
    case_id: int,
    user: SignedIn,
    answer: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """Attach the official letter (if any) and, with a text, mark the case answered."""
    engine, actor = _engine(request), actor_of(user)
    data, limit = request.app.state.settings.data, _max_bytes(request)
    content = await file.read(limit + 1) if file and file.filename else b""

    def work() -> None:
        if not (content or answer.strip()):
            raise CaseError("hãy viết câu trả lời hoặc đính kèm công văn")
        files = [(file.filename or "", content)] if content and file is not None else []
        # a form with a file is not cleaned on its way (web/form_text.py)
        text = normalize(answer) if answer.strip() else ""
        casework.answer_with_files(engine, data, actor, case_id, text, files, max_bytes=limit)

    try:  # a letter of many megabytes is checked and written off the event loop
        return await run_in_threadpool(_act, request, user, case_id, "answer", work)
    except HTTPException as exc:  # a refused letter or answer: the case again, the text kept
        if exc.status_code != 409:
            raise
        return _case_page(request, case_id, user, exc.detail, normalize(answer))


@router.post("/cases/{case_id:id}/replies/{document_id:id}")
def case_reply(
    request: Request,
    case_id: int,
    document_id: int,
    user: SignedIn,
    relation: Annotated[str, Form()] = "reply",
) -> Response:
    """Confirm a published reply or correction; an answered case closes."""
    engine, actor = _engine(request), actor_of(user)
    return _act(
        request,
        user,
        case_id,
        relation,
        lambda: casework.confirm_reply(engine, actor, case_id, document_id, relation),
    )


@router.get("/cases/files/{attachment_id:id}")
def case_file(request: Request, attachment_id: int, user: SignedIn) -> Response:
    """A case's file, always as a download of its checked type, never rendered as a page."""
    with refusals():
        record, path = casework.attachment_file(
            _engine(request), request.app.state.settings.data, actor_of(user), attachment_id
        )
    return stored_file_response(
        path.read_bytes(), str(record["content_type"]), str(record["original_name"])
    )


def _as_json(case: Any, now: dt.datetime) -> dict[str, Any]:
    return {
        "id": case.id,
        "title": case.title,
        "status": case.status,
        "priority": case.priority,
        "origin": case.origin,
        "due_on": case.due_on.isoformat(),
        "days_left": days_left(case.due_on, now),
        "responsible": list(case.responsible),
        "coordinating": list(case.coordinating),
        "escalation_level": case.escalation_level,
        "answer": case.answer,
        "answered_at": case.answered_at.isoformat() if case.answered_at else None,
    }


@api.get("")
def api_cases(
    request: Request,
    user: SignedIn,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> dict[str, Any]:
    """The cases this user may see, filtered as the list is, open ones first: `limit` of them
    from `offset` on, with how many pass in all, so a client reads them page by page."""
    now = dt.datetime.now(dt.UTC)
    found = filters.cases(request, user, now)
    items = [_as_json(c, now) for c in found[offset : offset + limit]]
    return {"items": items, "total": len(found), "offset": offset, "limit": limit}


@api.get("/figures")
def api_figures(request: Request, user: SignedIn) -> dict[str, Any]:
    """Per department: cases, answered, answered on time, open, overdue, mean days to answer;
    for the office and leaders only."""
    if user.role not in workflow.READ_ALL_ROLES:
        raise HTTPException(403)
    now = dt.datetime.now(dt.UTC)
    found = casework.visible_cases(_engine(request), actor_of(user))
    names = _departments(request)
    return {
        "items": [
            {
                "department_id": f.department_id,
                "department": names.get(f.department_id, ""),
                "total": f.total,
                "answered": f.answered,
                "on_time": f.on_time,
                "on_time_rate": f.on_time_rate,
                "open": f.open,
                "overdue": f.overdue,
                "average_days": f.average_days,
            }
            for f in department_figures(found, now)
        ]
    }


@api.get("/{case_id:id}")
def api_case(request: Request, case_id: int, user: SignedIn) -> dict[str, Any]:
    """One case, if this user may see it."""
    with refusals():
        case = casework.get_case(_engine(request), actor_of(user), case_id)
    return _as_json(case, dt.datetime.now(dt.UTC))


class CaseIn(BaseModel):
    """A case to open through the API: from articles, a story, an alert, or by hand."""

    title: str = ""
    issue: str = ""
    priority: str = "normal"
    document_ids: list[RowId] = []
    story_id: RowId | None = None
    alert_id: RowId | None = None
    responsible: list[RowId] = []
    coordinating: list[RowId] = []


class ActionIn(BaseModel):
    """One step of the workflow: assign (with departments), answer (with its text), or start,
    return, close, withdraw, escalate (with a note where the step asks for a reason)."""

    action: str
    note: str = ""
    answer: str = ""
    responsible: list[RowId] = []
    coordinating: list[RowId] = []


@api.post("", status_code=201)
def api_open(request: Request, body: CaseIn, user: SignedIn) -> dict[str, Any]:
    """Open a case (the office only); the deadline comes from the priority's rule."""
    engine, actor = _engine(request), actor_of(user)
    with refusals():
        case_id = casework.open_case(
            engine,
            actor,
            body.title,
            issue=body.issue,
            priority=body.priority,
            responsible=body.responsible,
            coordinating=body.coordinating,
            document_ids=body.document_ids,
            story_id=body.story_id,
            alert_id=body.alert_id,
            rules=_rules(request),
        )
        case = casework.get_case(engine, actor, case_id)
    audit(engine, user, "case.open", f"case:{case_id}", None, _audited(case))
    return _as_json(case, dt.datetime.now(dt.UTC))


@api.post("/{case_id:id}/actions")
def api_action(request: Request, case_id: int, body: ActionIn, user: SignedIn) -> dict[str, Any]:
    """Take one step of the workflow, with the same rules as the pages; the case after it."""
    engine, actor = _engine(request), actor_of(user)

    def work() -> object:
        if body.action == "assign":
            return casework.assign(
                engine, actor, case_id, body.responsible, body.coordinating, body.note
            )
        if body.action == "answer":
            return casework.answer(engine, actor, case_id, body.answer)
        return casework.act(engine, actor, case_id, body.action, body.note)

    _act(request, user, case_id, body.action, work)
    return _as_json(casework.get_case(engine, actor, case_id), dt.datetime.now(dt.UTC))


router.include_router(inbox_web.router)
APIS = (api, inbox_web.api)  # the JSON API, apart from the pages: OpenAPI lists it
