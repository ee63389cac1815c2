"""Every list as a download: CSV (UTF-8 with BOM, so Excel shows the diacritics) and XLSX, with
crawled text that looks like a formula defused; in a workbook, numbers and moments stay numbers
and dates, so that they sort and filter."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from baochi.hanoi_time import HANOI
from baochi.numbers import vi_number
from baochi.tables import safe_cell as safe_cell  # for the exports that import it from here

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MINUTE_FORMAT = "dd/mm/yyyy hh:mm"  # a moment in a workbook, as the pages write it
DAY_FORMAT = "dd/mm/yyyy"  # a day in a workbook, as the pages write it
Row = Sequence[object]
# What a file name in a header must not hold: control characters, quotes, backslashes.
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f"\\]')
T = TypeVar("T")


def newest_only(listed: Sequence[T], limit: int, items: str) -> tuple[Sequence[T], list[Row]]:
    """The first `limit` of a list fetched one longer, and the line a workbook then starts with:
    a file of the newest N must not pass for all of them."""
    if len(listed) <= limit:
        return listed, []
    newest = f"Tệp này có {vi_number(limit, 0)} {items} mới nhất"
    return listed[:limit], [(f"{newest}; các {items} cũ hơn không có trong tệp.",)]


def page_link(request: Request, path: str) -> str:
    """A page's full address as this request reached the server: a workbook is read outside the
    app, where a bare path leads nowhere."""
    return str(request.base_url).rstrip("/") + path


def attachment(name: str) -> dict[str, str]:
    """The header of a download named `name`: the name in UTF-8 (RFC 6266) that browsers save
    it under, so "Công văn số 12.pdf" keeps its diacritics, and an ASCII one for the rest."""
    name = unicodedata.normalize("NFC", name)
    plain = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    plain = UNSAFE_IN_NAME.sub("", plain.encode("ascii", "ignore").decode()).strip() or "tep"
    utf8 = quote(UNSAFE_IN_NAME.sub("", name), safe="")
    return {"Content-Disposition": f"attachment; filename=\"{plain}\"; filename*=UTF-8''{utf8}"}


def csv_response(name: str, header: Row, rows: Iterable[Row]) -> Response:
    """A CSV file download."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([safe_cell(c) for c in row] for row in rows)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers=attachment(name))


def _xlsx_cell(sheet: Any, value: object) -> object:
    """A cell of a workbook: an aware moment as a date and time in Hà Nội (Excel knows no time
    zones) and a day as a date, shown as the pages write them; text defused (safe_cell); numbers
    as they are."""
    if not isinstance(value, dt.date):
        return safe_cell(value)
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value.astimezone(HANOI).replace(tzinfo=None))
        cell.number_format = MINUTE_FORMAT
    else:
        cell = WriteOnlyCell(sheet, value)
        cell.number_format = DAY_FORMAT
    return cell


def xlsx_response(
    name: str,
    sheet_name: str,
    header: Row,
    rows: Iterable[Row],
    preface: Iterable[Row] = (),
    widths: Sequence[float] = (),
) -> Response:
    """An Excel workbook download: optional preface lines, the header, then the rows; the first
    columns as wide as `widths` (in characters), the others as Excel makes them."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    for column, width in enumerate(widths, start=1):  # before any row: the file starts with them
        sheet.column_dimensions[get_column_letter(column)].width = width
    for line in preface:  # the query as typed: as hostile as any crawled text
        sheet.append([_xlsx_cell(sheet, c) for c in line])
    sheet.append(list(header))
    for row in rows:
        sheet.append([_xlsx_cell(sheet, c) for c in row])
    data = io.BytesIO()
    book.save(data)
    return Response(data.getvalue(), media_type=XLSX, headers=attachment(name))


def stored_file_response(content: bytes, media_type: str, name: str) -> Response:
    """An uploaded file given back: always a download of its checked type, never shown as a page."""
    headers = {**attachment(name), "Cache-Control": "private, no-store"}
    return Response(content, media_type=media_type, headers=headers)
