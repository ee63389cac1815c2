"""Tìm kiếm: the query box with its help, facets, highlighted snippets, and CSV/XLSX export."""

from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response, StreamingResponse

from baochi.db.web_store import User
from baochi.web import searching
from baochi.web.auth import EDITORS, READERS, require
from baochi.web.templating import NavItem, local, render

router = APIRouter(include_in_schema=False)
NAV = (NavItem(20, "/search", "Tìm kiếm", READERS),)
PAGE_SIZE = 50
EXPORT_LIMIT = 5000
EXPORT_COLUMNS = ("id", "Ngày đăng", "Báo", "Tiêu đề", "Tóm tắt", "Địa chỉ")


@router.get("/search")
def search_page(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: str = "",
    outlet: str = "",
    day: str = "",
) -> Response:
    """Results with facets; filters narrow by outlet and day, links keep the whole state."""
    results = searching.run(request.app.state.store, q, outlet=outlet, day=day)
    chart = {
        "labels": [d[8:10] + "/" + d[5:7] for d, _ in results.days],
        "series": [n for _, n in results.days],
    }
    context = {
        "title": "Tìm kiếm",
        "q": q,
        "outlet": outlet,
        "day": day,
        "results": results,
        "hits": results.hits[:PAGE_SIZE],
        "chart": chart,
        "can_save": user.role in EDITORS,
    }
    return render(request, "search.html", context)


def _rows(request: Request, q: str, outlet: str, day: str) -> list[list[str]]:
    results = searching.run(request.app.state.store, q, EXPORT_LIMIT, outlet, day)
    return [
        [
            str(hit.doc.id),
            local(hit.doc.published_at),
            hit.doc.outlet,
            hit.doc.title,
            hit.doc.lead,
            hit.doc.url,
        ]
        for hit in results.hits
    ]


def _safe_cell(value: str) -> str:
    """Keep a spreadsheet from reading crawled text as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@router.get("/search/export.csv")
def export_csv(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: str = "",
    outlet: str = "",
    day: str = "",
) -> Response:
    """The result as CSV (UTF-8 with BOM, so Excel shows the diacritics)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    writer.writerows([[_safe_cell(c) for c in row] for row in _rows(request, q, outlet, day)])
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="baochi-tim-kiem.csv"'},
    )


@router.get("/search/export.xlsx")
def export_xlsx(
    request: Request,
    user: Annotated[User, Depends(require(*READERS))],
    q: str = "",
    outlet: str = "",
    day: str = "",
) -> Response:
    """The result as an Excel workbook, one row per article."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Kết quả")
    sheet.append(["Truy vấn", q])
    sheet.append(list(EXPORT_COLUMNS))
    for row in _rows(request, q, outlet, day):
        sheet.append([_safe_cell(c) for c in row])
    data = io.BytesIO()
    book.save(data)
    data.seek(0)
    return StreamingResponse(
        data,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="baochi-tim-kiem.xlsx"'},
    )
