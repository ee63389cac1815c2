"""Spreadsheets as the office saves them, read one way by every import (registry, sources,
targets, social exports). CSV in whatever encoding Vietnamese software wrote, with the
delimiter its header uses; the csv module then reads quotes as spreadsheets write them ("" inside
a quoted cell). Excel workbooks read for their values, and a file that is none refused with a
Phrase (Vietnamese as printed, English on an English page), whatever openpyxl raised."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from baochi.phrase import Phrase
from baochi.vi import decode_html_bytes

DELIMITERS = ",;\t"  # Excel writes ";" where the decimal mark is a comma, as in Vietnamese
# What a file with no charset of its own is taken to be when it is not UTF-8, unless another
# Vietnamese encoding reads clearly better: Vietnamese Excel's plain "CSV". (A web page's
# default, Windows-1252, won on a short file and made "Báo Hànộimới" into "Baìo HaÌnôòimõìi".)
UNDECLARED = "windows-1258"
TITLE_ROWS = 10  # the most rows a sheet's title, period and notes take above its header
# What a workbook may unpack to: a real export of 100,000 comments is some 60 MB of XML, while a
# few MB of repeated cells can unpack to gigabytes and hold the server for minutes.
UNPACKED_MAX = 500 * 2**20
# How a workbook starts, whatever its name says: a zip (.xlsx, .xlsm, an .xlsx saved as .xls) or
# the OLE container of Excel 97-2003 (.xls), which is refused as no workbook, never read as CSV.
ZIP_START = b"PK\x03\x04"
OLE_START = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What a spreadsheet takes for the start of a formula: an exported text beginning so is defused.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def header_index(head: Sequence[Sequence[Any]], named: Callable[[Any], bool]) -> int:
    """Which of a sheet's first rows is its header: the one with the most cells `named`, so
    that a title such as "DANH SÁCH CƠ QUAN BÁO CHÍ", a report's period or a blank line above
    the table is passed over; the fullest row when none names a column, to report on."""
    hits = [sum(map(named, row)) for row in head]
    if not any(hits):
        hits = [sum(str(cell or "").strip() != "" for cell in row) for row in head]
    return hits.index(max(hits)) if hits else 0


def csv_text(data: bytes) -> tuple[str, str]:
    """A CSV file's text (UTF-8 or -16, Windows-1258, TCVN3, VNI or VISCII) and its delimiter:
    comma, semicolon or tab, whichever the header line has most of. Guessing from the rows, as
    csv.Sniffer does, is misled by what the first rows happen to hold."""
    text, _ = decode_html_bytes(data, UNDECLARED)
    header = text.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=header.count) if any(d in header for d in DELIMITERS) else ","
    return text, delimiter


def csv_rows(data: bytes) -> Iterator[list[str]]:
    """A CSV file's rows of cells (see csv_text), a blank line as an empty row, whatever its
    line ends (a lone CR, as old Mac software wrote, ends a line too); ValueError naming the line
    where the csv module cannot go on (a cell longer than its limit of 128 KB), its words after,
    or where a quote opens that never closes (the csv module reads the rest of the file into
    that one cell: the error comes after that last row, so take the rows whole before use)."""
    text, delimiter = csv_text(data)
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines, delimiter=delimiter)
    start = begins = 0  # the lines where the last row read began, and where the next begins
    try:
        for row in reader:
            start, begins = begins, reader.line_num
            yield row
    except csv.Error as exc:
        unreadable = Phrase(
            "không đọc được CSV ở dòng {line}: {reason}", line=reader.line_num, reason=str(exc)
        )
        raise ValueError(unreadable) from exc
    if _open_quote("".join(lines[start:]), delimiter):
        unclosed = Phrase(
            "không đọc được CSV ở dòng {line}: dấu ngoặc kép mở ở dòng này không được đóng, "
            "nên mọi dòng sau đó bị đọc thành một ô",
            line=start + 1,
        )
        raise ValueError(unclosed)


def _open_quote(record: str, delimiter: str) -> bool:
    """Whether a CSV record ends inside a quoted cell, read as the csv module reads it (not
    strict: a quote inside an unquoted cell, or after a closing one, is kept as text)."""
    state = "start"  # of a cell; then "plain", "quoted", or "quote" (one seen inside quotes)
    for char in record:
        if state == "quoted":
            state = "quote" if char == '"' else "quoted"
        elif state == "quote":
            state = "quoted" if char == '"' else "start" if char == delimiter else "plain"
        elif char == delimiter:
            state = "start"
        else:
            state = "quoted" if state == "start" and char == '"' else "plain"
    return state == "quoted"


def is_workbook(data: bytes) -> bool:
    """Whether a file's bytes are an Excel workbook, new (a zip) or old (OLE), by its content:
    an .xlsm, or an .xlsx someone renamed .xls, is a workbook all the same."""
    return data.startswith((ZIP_START, OLE_START))


def workbook(data: bytes, limit: int | None = None) -> Any:
    """An Excel file opened read-only for its values (not its formulas); ValueError saying why
    when the bytes are no workbook (a renamed CSV, a truncated upload, a styles part openpyxl
    cannot parse) or unpack past `limit` bytes (UNPACKED_MAX unless given)."""
    limit = UNPACKED_MAX if limit is None else limit
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked <= limit:
            return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        TypeError,
        ValueError,
    ) as exc:
        # openpyxl's own words are English and name its internals ("no valid workbook part"),
        # or are a TypeError from a part it cannot parse ("expected <class '...Fill'>")
        raise ValueError(
            Phrase("không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ")
        ) from exc
    too_big = Phrase(
        "không đọc được tệp Excel: giải nén ra {size} MB, quá {limit} MB",
        size=unpacked // 2**20,
        limit=limit // 2**20,
    )
    raise ValueError(too_big)


def safe_cell(value: object) -> object:
    """Keep a spreadsheet from reading crawled or imported text as a formula (CSV injection) in
    every export, the register's and the web pages' alike, and drop the control characters a
    workbook cannot hold (typed or pasted into a form, they would otherwise make the whole
    export fail)."""
    if not isinstance(value, str):
        return value
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # openpyxl loads on the first export

    text: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return "'" + text if _defusable(text) else text


def _defusable(text: str) -> bool:
    """Whether a text starts as a formula, after any apostrophes: those defused get one more, so
    that undefused takes exactly the one safe_cell added ("'=1" is written "''=1")."""
    return text.lstrip("'")[:1] in FORMULA_START


def undefused(value: Any) -> Any:
    """A cell as it was before safe_cell defused it, so a file exported and imported back is
    unchanged: "'=1+1" reads "=1+1", "''=1" reads "'=1"."""
    if isinstance(value, str) and value[:1] == "'" and _defusable(value):
        return value[1:]
    return value


def sheet_rows(sheet: Any) -> list[tuple[Any, ...]]:
    """A read-only sheet's rows of values, each as long as its last cell that holds something,
    without the empty rows at the end: read as the cells are stored, so that one cell at XFD1048576
    costs one row of cells, not a million rows padded to 16,384 columns each."""
    if hasattr(sheet, "reset_dimensions"):  # the size the sheet claims, not what it holds
        sheet.reset_dimensions()
    rows: list[tuple[Any, ...]] = []
    for values in sheet.iter_rows(values_only=True):
        end = len(values)
        while end and values[end - 1] in (None, ""):
            end -= 1
        rows.append(tuple(values[:end]))
    while rows and not rows[-1]:
        rows.pop()
    return rows
