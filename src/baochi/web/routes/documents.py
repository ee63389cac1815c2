"""The article page: text, source link, labels with their history, flags; analysts correct them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from baochi.cases.deadlines import configured_rules
from baochi.db import DocumentRow
from baochi.db.web_store import User
from baochi.labels import TONES, TOPICS, label_code
from baochi.vi.gazetteer import PROVINCE, bare_name
from baochi.vi.places import detect_places
from baochi.web.auth import EDITORS, READERS, require, web_store
from baochi.web.exports import newest_only, page_link, xlsx_response
from baochi.web.paging import Page
from baochi.web.templating import Panel, local, render

router = APIRouter(include_in_schema=False)
TASKS = {"topic": "Chủ đề", "tone": "Sắc thái", "place": "Địa điểm"}
MAX_LABEL = 300
FLAGS_PAGE = 50  # flagged articles a page
FLAGS_EXPORT = 10_000


def found(request: Request, doc_id: int) -> DocumentRow:
    """The document, or a 404."""
    doc = web_store(request).document(doc_id)
    if doc is None:
        raise HTTPException(404)
    return doc


def places_named(doc: DocumentRow) -> list[dict[str, Any]]:
    """Every place the article names, once each in order of first mention, with how often, its
    province, and what a former unit is since the 2025 reform."""
    listed: dict[tuple[str, str], dict[str, Any]] = {}
    for m in detect_places(doc.title, doc.text).mentions:
        key = (m.unit, m.province)
        if key in listed:
            listed[key]["count"] += 1
            continue
        now = m.ward or (bare_name(m.current) if m.current and m.kind == PROVINCE else "")
        listed[key] = {
            "unit": m.unit,
            "province": m.province,
            "former": m.former,
            "now": "" if now == m.unit else now,
            "count": 1,
        }
    return list(listed.values())


def document_panels(request: Request, user: User, doc: DocumentRow) -> list[Panel]:
    """What other areas show on an article page: its story, copies, conflicts, cases."""
    panels = [
        make(request, user, doc) for make in getattr(request.app.state, "document_panels", ())
    ]
    return sorted((p for p in panels if p is not None), key=lambda p: p.order)


@router.get("/documents/{doc_id:id}")
def document_page(
    request: Request, doc_id: int, user: Annotated[User, Depends(require(*READERS))]
) -> Response:
    """One article with everything the office knows about it."""
    return _document(request, user, doc_id)


def _document(
    request: Request, user: User, doc_id: int, refused: str = "", typed: str = ""
) -> Response:
    """The article page; with a refused correction, its reason beside the forms and the place
    as typed (a 422, but a 200 to htmx, which swaps only successful answers)."""
    doc = found(request, doc_id)
    web = web_store(request)
    hrefs = {item.href for item in request.app.state.nav}
    context = {
        "title": doc.title,
        "doc": doc,
        "labels": web.labels(doc_id),
        "machine": web.machine_labels(doc_id),
        "history": web.corrections(doc_id),
        "flags": web.flags(doc_id),
        "tasks": TASKS,
        "tones": TONES,
        "topics": TOPICS,
        "can_edit": user.role in EDITORS,
        "can_open_case": user.role in EDITORS and "/cases" in hrefs,
        "has_stories": "/stories" in hrefs,
        "departments": web.departments(current=True),
        # the deadlines a case opened here may take, as on a story's page
        "priorities": configured_rules(request.app.state.settings.case_rules_file).priorities,
        "panels": document_panels(request, user, doc),
        "places": places_named(doc),
        "refused": refused,
        "typed": typed,
    }
    status = 422 if refused and "hx-request" not in request.headers else 200
    return render(request, "document.html", context, status)


@router.post("/documents/{doc_id:id}/labels")
def correct_label(
    request: Request,
    doc_id: int,
    user: Annotated[User, Depends(require(*EDITORS))],
    task: Annotated[str, Form()],
    label: Annotated[str, Form()],
) -> Response:
    """Record a corrected topic, tone or place, which wins over the model's from now on; who and
    when are kept, and audited."""
    found(request, doc_id)
    code = label_code(task, " ".join(label.split())[:MAX_LABEL])
    if task not in TASKS or not code:
        what = TASKS.get(task, "nhãn").lower()
        refused = f"Không nhận ra «{label[:MAX_LABEL]}» là một {what}: chưa lưu."
        return _document(request, user, doc_id, refused, label[:MAX_LABEL])
    web_store(request).add_correction(doc_id, task, code, user)
    request.app.state.cache.pop("dashboard", None)
    return RedirectResponse(f"/documents/{doc_id}#labels", status_code=303)


@router.get("/flags")
def flags_page(
    request: Request, user: Annotated[User, Depends(require(*READERS))], page: Page = 1
) -> Response:
    """Every article with open flags, the latest flagged first, a page at a time: the overview
    names six of them."""
    total, found = web_store(request).flagged(FLAGS_PAGE + 1, (page - 1) * FLAGS_PAGE)
    rows, following = found[:FLAGS_PAGE], len(found) > FLAGS_PAGE
    context = {
        "title": "Bài được gắn cờ",
        "flags": rows,
        "total": total,
        "page": page,
        "following": following,
    }
    return render(request, "flags.html", context)


@router.get("/flags/export.xlsx")
def export_flags(request: Request, user: Annotated[User, Depends(require(*READERS))]) -> Response:
    """Every flagged article as on its page, as Excel (saying so if cut at FLAGS_EXPORT)."""
    _, found = web_store(request).flagged(FLAGS_EXPORT + 1)
    listed, preface = newest_only(found, FLAGS_EXPORT, "bài")
    header = ("Bài", "Số cờ", "Ghi chú mới nhất", "Người gắn", "Thời điểm", "Liên kết")
    rows = [
        (
            f["title"],
            f["count"],
            f["note"],
            f["username"],
            local(f["at"]),
            page_link(request, f"/documents/{f['document_id']}"),
        )
        for f in listed
    ]
    return xlsx_response("bai-gan-co.xlsx", "Gắn cờ", header, rows, preface)


@router.post("/documents/{doc_id:id}/flags")
def flag_document(
    request: Request,
    doc_id: int,
    user: Annotated[User, Depends(require(*EDITORS))],
    note: Annotated[str, Form()] = "",
) -> Response:
    """Flag an article for the team's attention (it shows on the dashboard)."""
    found(request, doc_id)
    web_store(request).add_flag(doc_id, note.strip()[:1000], user)
    request.app.state.cache.pop("dashboard", None)
    return RedirectResponse(f"/documents/{doc_id}#flags", status_code=303)


@router.post("/documents/{doc_id:id}/flags/resolve")
def resolve_flags(
    request: Request, doc_id: int, user: Annotated[User, Depends(require(*EDITORS))]
) -> Response:
    """The article's flags handled: they leave the dashboard and stay on the article, dated."""
    found(request, doc_id)
    web_store(request).resolve_flags(doc_id, user)
    request.app.state.cache.pop("dashboard", None)
    return RedirectResponse(f"/documents/{doc_id}#flags", status_code=303)
