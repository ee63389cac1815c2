"""/api/v1/documents and /api/v1/search: stored articles, their labels, and ranked search."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field

from baochi.db.row_ids import MAX_DIGITS
from baochi.db.web_store import User
from baochi.labels import TONES, TOPICS, label_code
from baochi.web import searching
from baochi.web.api.common import (
    MAX_LIMIT,
    DocumentOut,
    decode_cursor,
    document_out,
    encode_cursor,
)
from baochi.web.auth import EDITORS, READERS, require, web_store

router = APIRouter(prefix="/api/v1")
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
SEARCH_DEPTH = 1000


class DocumentPage(BaseModel):
    """A page of documents, newest first; pass `next_cursor` back for the next page."""

    items: list[DocumentOut]
    next_cursor: str | None


class LabelOut(BaseModel):
    """A corrected label and who set it when."""

    label: str
    user: str
    at: dt.datetime


class AnalysisOut(BaseModel):
    """What the analysis says of a document, corrections included: topic and tone codes, the
    main place, whether it is about Hà Nội, its story, and the districts, wards and communes of
    the main place that its title and lead name; null where nothing is known yet."""

    topic: str | None
    tone: str | None
    place: str | None
    hanoi: bool | None
    story_id: int | None
    areas: list[str]


class DocumentDetail(DocumentOut):
    """A document with its text, its labels, and the corrections among them."""

    body: str
    authors: str
    analysis: AnalysisOut
    labels: dict[str, LabelOut]


class LabelIn(BaseModel):
    """A label correction."""

    task: Literal["topic", "tone", "place"]
    label: str = Field(min_length=1, max_length=300)


class SearchHit(DocumentOut):
    """A result with its score and an HTML-escaped snippet whose matches are in <mark>."""

    score: float
    snippet_html: str


class SearchPage(BaseModel):
    """A page of ranked results."""

    query: str
    items: list[SearchHit]
    next_cursor: str | None


@router.get("/documents", response_model=DocumentPage, tags=["documents"])
def list_documents(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    limit: Limit = 50,
    cursor: str | None = None,
) -> DocumentPage:
    """Stored documents, newest first; the cursor stays valid while new ones arrive."""
    before = _cursor_number(decode_cursor(cursor), "before", None, 10**MAX_DIGITS - 1)
    rows = web_store(request).documents_page(limit + 1, before)
    more = len(rows) > limit
    rows = rows[:limit]
    following = encode_cursor({"before": rows[-1].id}) if more and rows else None
    return DocumentPage(items=[document_out(r) for r in rows], next_cursor=following)


def _cursor_number(position: dict[str, Any], key: str, default: int | None, end: int) -> int | None:
    """A number a cursor holds, from 0 up to `end`; the cursor is forged if it holds anything
    else (a string, a list, a fraction, a negative offset that would page backwards)."""
    value = position.get(key, default)
    if value is default:
        return default
    if type(value) is not int or not 0 <= value <= end:
        raise HTTPException(400, f"bad cursor: {key} must be a whole number from 0 to {end}")
    return value


def _detail(request: Request, doc_id: int) -> DocumentDetail:
    web = web_store(request)
    doc = web.document(doc_id)
    if doc is None:
        raise HTTPException(404, "no such document")
    labels = {task: LabelOut(**value) for task, value in web.labels(doc_id).items()}
    known = request.app.state.store.labels_of([doc_id])[doc_id]
    return DocumentDetail(
        **document_out(doc).model_dump(),
        body=doc.body,
        authors=doc.authors,
        analysis=AnalysisOut(**asdict(known) | {"areas": list(known.areas)}),
        labels=labels,
    )


@router.get("/documents/{doc_id:id}", response_model=DocumentDetail, tags=["documents"])
def get_document(
    request: Request, doc_id: int, user: Annotated[User, Depends(require(*READERS))]
) -> DocumentDetail:
    """One document with its text, its labels, and who corrected which."""
    return _detail(request, doc_id)


@router.post("/documents/{doc_id:id}/labels", response_model=DocumentDetail, tags=["documents"])
def correct_label(
    request: Request,
    doc_id: int,
    body: LabelIn,
    user: Annotated[User, Depends(require(*EDITORS))],
) -> DocumentDetail:
    """Correct a document's topic, tone or place; audited, and used from then on by search,
    the dashboard and reports. A topic or tone is given by its code or its Vietnamese name
    (`giao_duc` or `Giáo dục`), a place by any place name (`Hà Đông` is stored as Hà Nội)."""
    if web_store(request).document(doc_id) is None:
        raise HTTPException(404, "no such document")
    code = label_code(body.task, " ".join(body.label.split()))
    if not code:
        known = {"topic": ", ".join(TOPICS), "tone": ", ".join(TONES)}.get(body.task)
        wanted = f"one of {known}" if known else "a Vietnamese place, toàn quốc or nước ngoài"
        raise HTTPException(422, f"{body.task} must be {wanted}")
    web_store(request).add_correction(doc_id, body.task, code, user)
    request.app.state.cache.pop("dashboard", None)
    return _detail(request, doc_id)


@router.get("/search", response_model=SearchPage, tags=["search"])
def search(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Limit = 20,
    cursor: str | None = None,
) -> SearchPage:
    """Ranked results for a query (diacritics optional), with highlighted snippets."""
    position = decode_cursor(cursor)
    if position and position.get("q") != q:
        raise HTTPException(400, "cursor belongs to another query")
    offset = _cursor_number(position, "offset", 0, SEARCH_DEPTH) or 0
    results = searching.run(request.app.state.store, q, min(SEARCH_DEPTH, offset + limit + 1))
    if results.error:
        raise HTTPException(400, results.error)
    window = results.hits[offset : offset + limit]
    more = len(results.hits) > offset + limit
    items = [
        SearchHit(
            **document_out(hit.doc).model_dump(), score=hit.score, snippet_html=str(hit.snippet)
        )
        for hit in window
    ]
    following = encode_cursor({"q": q, "offset": offset + limit}) if more else None
    return SearchPage(query=q, items=items, next_cursor=following)
