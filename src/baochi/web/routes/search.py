"""Tìm kiếm: the query box with its help, facets, highlighted snippets, and CSV/XLSX export."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from baochi.db.store import DocumentLabels
from baochi.db.web_store import User
from baochi.labels import label_name
from baochi.search import QueryError
from baochi.web import searching
from baochi.web.auth import EDITORS, READERS, require
from baochi.web.exports import csv_response, xlsx_response
from baochi.web.i18n import language
from baochi.web.paging import Page
from baochi.web.templating import NavItem, local, render

router = APIRouter(include_in_schema=False)
NAV = (NavItem(20, "/search", "Tìm kiếm", READERS),)
PAGE_SIZE = 50
EXPORT_LIMIT = 5000
NONE = DocumentLabels(None, None, None, None, None, ())
EXPORT_COLUMNS = (
    "Mã bài",
    "Ngày đăng",
    "Báo",
    "Tiêu đề",
    "Tóm tắt",
    "Chủ đề",
    "Sắc thái",
    "Địa điểm",
    "Quận, phường, xã",
    "Địa chỉ",
)
EXPORT_WIDTHS = (10, 17, 20, 60, 80, 16, 12, 14, 24, 50)  # characters, column by column


@router.get("/search")
def search_page(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: str = "",
    page: Page = 1,
) -> Response:
    """A page of results with facets; every link keeps the whole state, so it can be shared."""
    lang = language(request, user.lang)
    offset = (page - 1) * PAGE_SIZE
    results = searching.run(request.app.state.store, q, PAGE_SIZE, offset, lang)
    days = results.facets.get("day", [])
    chart = {  # a bar, like the line listed under the chart, narrows the search to its day
        "labels": [f.value[8:10] + "/" + f.value[5:7] for f in days],
        "series": [f.count for f in days],
        "series_links": ["/search?" + urlencode(f.params) for f in days],
    }
    state = {"q": q}
    context = {
        "title": "Tìm kiếm",
        "q": q,
        "state": state,
        "results": results,
        # each hit's labels as the analysis (or an analyst) gives them, to scan a page by
        "labels": request.app.state.store.labels_of([hit.doc.id for hit in results.hits]),
        "facet_names": searching.FACET_NAMES,
        "chart": chart,
        "page": page,
        "following": offset + PAGE_SIZE < results.total,
        "can_save": user.role in EDITORS,
        "export_limit": EXPORT_LIMIT,
    }
    return render(request, "search.html", context)


def _rows(request: Request, user: User, q: str) -> tuple[list[list[Any]], int, str]:
    """The hits in rank order, each with its labels as the pages name them (its id a number, its
    time a datetime), the count of every match, and what to say of it (see every_hit); a
    malformed query is refused with what is wrong, as the search page says it."""
    store = request.app.state.store
    try:
        hits, total, note = searching.every_hit(store, q, EXPORT_LIMIT)
    except QueryError as exc:
        raise HTTPException(422, exc.message(language(request, user.lang))) from exc
    labels = store.labels_of([hit.doc.id for hit in hits])
    rows = []
    for hit in hits:
        doc, known = hit.doc, labels.get(hit.doc.id, NONE)
        rows.append(
            [
                doc.id,
                doc.published_at,
                doc.outlet,
                doc.title,
                doc.lead,
                label_name("topic", known.topic),
                label_name("tone", known.tone),
                known.place or "",
                ", ".join(known.areas),
                doc.url,
            ]
        )
    return rows, total, note


@router.get("/search/export.csv")
def export_csv(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: str = "",
) -> Response:
    """The result as CSV, its times written as the pages write them."""
    rows = [[doc_id, local(at), *rest] for doc_id, at, *rest in _rows(request, user, q)[0]]
    return csv_response("baochi-tim-kiem.csv", EXPORT_COLUMNS, rows)


@router.get("/search/export.xlsx")
def export_xlsx(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: str = "",
) -> Response:
    """The result as an Excel workbook, one row per article, the query on top."""
    rows, total, note = _rows(request, user, q)
    preface = [("Truy vấn", q), ("Kết quả", total, note) if note else ("Kết quả", total)]
    return xlsx_response(
        "baochi-tim-kiem.xlsx", "Kết quả", EXPORT_COLUMNS, rows, preface, EXPORT_WIDTHS
    )
