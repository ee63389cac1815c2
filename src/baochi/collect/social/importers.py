"""Exports the office already has, read row by row: the CSV/XLSX of commercial listening tools
(column mapping configurable, with presets), and Facebook's "download your information" JSON
of a page's posts and comments. Every bad row is reported with its number and reason (a
Phrase: Vietnamese as printed, English on an English page); nothing is written unless the caller
accepts the good rows.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from baochi.collect.social.items import SocialItem
from baochi.collect.social.mapping import REQUIRED, FieldMap, RowError, item_of, time_of
from baochi.hanoi_time import HANOI, minute
from baochi.phrase import Phrase, phrase_of
from baochi.records import digest
from baochi.settings import Settings
from baochi.tables import TITLE_ROWS, csv_rows, header_index, sheet_rows, workbook

MAX_BYTES = 50 * 1024 * 1024
PLATFORM = re.compile(r"[a-z0-9][a-z0-9_-]{0,19}")  # a platform's name as stored (20 chars)
# Column names of exports the office meets, so a mapping need not be written by hand.
PRESETS: dict[str, dict[str, str]] = {
    "baochi": {},
    "listening": {  # the usual Vietnamese listening-tool export
        "id": "ID",
        "kind": "Loại",
        "text": "Nội dung",
        "title": "Tiêu đề",
        "published_at": "Thời gian",
        "url": "Link",
        "author": "Tác giả",
        "reactions": "Lượt thích",
        "comments": "Bình luận",
        "shares": "Chia sẻ",
        "views": "Lượt xem",
        "parent": "Bài gốc",
    },
    "youtube-takeout": {  # Takeout's comments.csv
        "id": "Comment ID",
        "text": "Comment text",
        "published_at": "Comment create timestamp",
        "parent": "Video ID",
        "kind": "Kind",
    },
}


@dataclass
class ImportReport:
    """The good items and, for each bad row, its number and what is wrong with it."""

    items: list[SocialItem] = field(default_factory=list)
    errors: list[tuple[int, Phrase]] = field(default_factory=list)
    rows: int = 0


def _under_header(
    rows: Iterator[Sequence[Any]], names: Collection[str]
) -> tuple[int, list[Any], Iterator[tuple[int, Sequence[Any]]]]:
    """A table's header, its row number, and the rows below it, each numbered as a spreadsheet
    shows it (a blank line counts). The header is found among the first rows by the mapping's
    column names (see header_index): a listening tool's report often puts its title and period
    above its table."""
    head = list(islice(rows, TITLE_ROWS))
    at = header_index(head, lambda cell: str(cell or "").strip() in names)
    header = list(head[at]) if head else []
    return at + 1, header, enumerate(chain(head[at + 1 :], rows), start=at + 2)


def _listed(header: Sequence[Any], most: int = 20, chars: int = 40) -> str:
    """A header's columns as a refusal names them: the first few, each cut short."""
    named = [str(h) for h in header if h]
    shown = [repr(h if len(h) <= chars else h[:chars] + "…") for h in named[:most]]
    return ", ".join(shown) + (", …" if len(named) > most else "")


def _table(
    data: bytes, excel: bool, names: Collection[str]
) -> tuple[int, list[str], Iterator[tuple[int, dict[Any, Any]]]]:
    """A CSV file's or a workbook's first sheet's header, its row number, and its rows by
    header name with their numbers (see _under_header)."""
    if excel:
        sheet = workbook(data).worksheets[0]
        at, found, numbered = _under_header(iter(sheet_rows(sheet)), names)  # one far cell: a row
        header = [str(h or "").strip() for h in found]
        return at, header, _sheet_rows(header, numbered)
    at, header, numbered = _under_header(csv_rows(data), names)
    return at, header, _csv_rows(header, numbered)


def _csv_rows(
    header: list[str], numbered: Iterator[tuple[int, Sequence[Any]]]
) -> Iterator[tuple[int, dict[Any, Any]]]:
    """As csv.DictReader reads them: cells past the header are listed under None, and cells
    missing from a short row are None."""
    for number, cells in numbered:
        if not any(cells):
            continue
        row: dict[Any, Any] = dict(zip(header, cells, strict=False))
        row.update(dict.fromkeys(header[len(cells) :]))
        if len(cells) > len(header):
            row[None] = cells[len(header) :]
        yield number, row


def _sheet_rows(
    header: list[str], numbered: Iterator[tuple[int, Sequence[Any]]]
) -> Iterator[tuple[int, dict[Any, Any]]]:
    """A sheet's rows by header name, dates as ISO text."""
    for number, values in numbered:
        if any(v not in (None, "") for v in values):
            yield number, {h: _cell_text(v) for h, v in zip(header, values, strict=False)}


def _cell_text(value: Any) -> Any:
    """A cell as parse_time and the mapping read it: a date or time as ISO text in Hà Nội time,
    since a workbook's times have no zone and are the wall clock of whoever typed them (read as
    UTC, a post of 08:00 would show at 15:00)."""
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=HANOI)).isoformat()
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), HANOI).isoformat()
    return value


def _takeout_text(value: Any) -> Any:
    """Takeout writes comment text as JSON runs {"text": …}; joined back into plain text."""
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            runs = json.loads(f"[{value}]")
            return "".join(str(r.get("text", "")) for r in runs if isinstance(r, dict))
        except ValueError:
            return value
    return value


def _misshapen(row: dict[Any, Any]) -> Phrase | None:
    """Why a CSV row does not line up with the header, or None: its cells are then shifted, and
    each would be read under another column's name."""
    extra = row.get(None)
    if extra:
        return Phrase(
            "nhiều hơn dòng tiêu đề {count} ô: có thể nội dung có dấu phẩy, dấu chấm phẩy "
            'hay dấu ngoặc kép (") mà không được đặt trong ngoặc kép',
            n=len(extra),
            count=len(extra),
        )
    missing = [str(name) for name, value in row.items() if value is None]
    if missing:
        return Phrase(
            "thiếu {count} ô so với dòng tiêu đề (từ cột {column!r})",
            n=len(missing),
            count=len(missing),
            column=missing[0],
        )
    return None


def read_table(
    path: Path,
    platform: str,
    fields: FieldMap,
    preset: str = "baochi",
    latest: dt.datetime | None = None,
) -> ImportReport:
    """A CSV or XLSX file of posts and comments, each row checked against the mapping (and
    refused when dated after `latest`); ValueError when the header lacks a required column."""
    data = _read(path)
    excel = path.suffix.lower() in (".xlsx", ".xlsm")
    header_row, header, rows = _table(data, excel, set(fields.fields.values()))
    if not any(header):
        raise ValueError(Phrase("tệp trống"))
    missing = [fields.fields[name] for name in REQUIRED if fields.fields[name] not in header]
    if missing:  # every row would be refused for it: said once, of the header
        wanted = ", ".join(repr(m) for m in missing)
        lacking = "dòng tiêu đề {row} không có cột {wanted}; các cột: {named}"
        named = _listed(header)
        raise ValueError(
            Phrase(lacking, n=len(missing), row=header_row, wanted=wanted, named=named)
        )
    report = ImportReport()
    first: dict[str, int] = {}  # the row each platform id was first seen on
    for number, row in rows:
        report.rows += 1
        if not excel and (misshapen := _misshapen(row)):
            report.errors.append((number, misshapen))
            continue
        if preset == "youtube-takeout":
            row = {**row, "Comment text": _takeout_text(row.get("Comment text"))}
            row.setdefault("Kind", "comment")
        try:
            item = item_of(row, fields, platform)
            if (seen := first.setdefault(item.external_id, number)) != number:
                raise RowError(fields.fields["id"], Phrase("trùng mã với dòng {row}", row=seen))
            report.items.append(_not_ahead(item, latest, fields.fields["published_at"]))
        except RowError as exc:
            report.errors.append((number, phrase_of(exc)))
    if not report.rows:
        raise ValueError(Phrase("tệp không có dòng nào dưới dòng tiêu đề {row}", row=header_row))
    return report


def latest_time(settings: Settings) -> dt.datetime:
    """The latest time an imported row may carry: now, with the allowance the collector gives
    a page's clock (`max_future_seconds`)."""
    return dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.max_future_seconds)


def _not_ahead(item: SocialItem, latest: dt.datetime | None, column: str) -> SocialItem:
    """The item, unless it is dated after the latest possible time: a day and month swapped
    ("12/01" for 1 December) or a wrong zone, which would keep it first among the newest."""
    if latest is not None and item.published_at is not None and item.published_at > latest:
        raise RowError(column, Phrase("ở tương lai: {time}", time=minute(item.published_at)))
    return item


def platform_refusal(platform: str) -> Phrase | None:
    """Why a platform's name cannot be stored, or None: the web page asks before it reads."""
    if PLATFORM.fullmatch(platform):
        return None
    return Phrase(
        "Tên mạng xã hội {name!r}: chữ thường không dấu, số, '-' (tối đa 20).", name=platform[:40]
    )


def read_export(
    path: Path,
    preset: str,
    platform: str,
    columns: Mapping[str, str] | None = None,
    latest: dt.datetime | None = None,
) -> ImportReport:
    """A file in one of the presets' shapes (`columns` naming fields the preset does not):
    Facebook's JSON export, or a CSV/XLSX table; rows dated after `latest` are refused."""
    if refusal := platform_refusal(platform):
        raise ValueError(refusal)
    if preset == "facebook-export":
        return read_facebook_export(path, latest=latest)
    if preset not in PRESETS:
        known = ", ".join([*PRESETS, "facebook-export"])
        unknown = "không có dạng tệp {preset!r}; các dạng: {known}"
        raise ValueError(Phrase(unknown, preset=preset[:40], known=known))
    fields = FieldMap.parse({**PRESETS[preset], **(columns or {})})
    return read_table(path, platform, fields, preset, latest)


def read_facebook_export(
    path: Path, page: str = "", latest: dt.datetime | None = None
) -> ImportReport:
    """Facebook's JSON export: posts (`your_posts…json`) or comments (`comments…json`)."""
    data = _read(path)
    try:
        payload = json.loads(data.decode("utf-8-sig"))  # a BOM, as some editors save it
    except RecursionError as exc:  # brackets nested deeper than any export writes
        raise ValueError(Phrase("không phải tệp JSON: lồng quá sâu")) from exc
    except json.JSONDecodeError as exc:
        where = "không phải tệp JSON (lỗi ở dòng {line}, cột {column})"
        raise ValueError(Phrase(where, line=exc.lineno, column=exc.colno)) from exc
    except ValueError as exc:  # not UTF-8 text
        raise ValueError(Phrase("không phải tệp JSON UTF-8")) from exc
    if isinstance(payload, dict):
        payload = payload.get("comments_v2") or payload.get("comments") or []
    if not isinstance(payload, list):
        raise ValueError(Phrase("tệp không có danh sách bài đăng hay bình luận"))
    report = ImportReport()
    for number, entry in enumerate(payload, start=1):
        report.rows += 1
        try:
            report.items.append(_not_ahead(_export_entry(entry, page), latest, "timestamp"))
        except (TypeError, AttributeError):  # a list or a number where Facebook writes an object
            misshapen = Phrase("không có dạng bài đăng hay bình luận của Facebook")
            report.errors.append((number, misshapen))
        except ValueError as exc:
            report.errors.append((number, phrase_of(exc)))
    return report


def _export_entry(entry: Mapping[str, Any], page: str) -> SocialItem:
    """One export entry: data holds {"post": …} or {"comment": {"comment", "author", …}}."""
    published = time_of(entry.get("timestamp"), "timestamp")
    if published is None:
        raise RowError("timestamp", Phrase("trống"))
    text, kind, author = "", "post", page
    for data in entry.get("data") or []:
        if isinstance(data.get("post"), str):
            text = data["post"]
        elif "comment" in data:
            comment = data["comment"]
            said = comment.get("comment")
            text, kind = (said if isinstance(said, str) else ""), "comment"
            author = str(comment.get("author") or author)
    if not text.strip():
        raise ValueError(Phrase("không có nội dung bài đăng hay bình luận"))
    links = []
    for attachment in entry.get("attachments") or []:
        for data in attachment.get("data") or []:
            url = (data.get("external_context") or {}).get("url")
            if url:
                links.append(str(url))
    return SocialItem(
        "facebook",
        f"export:{kind}:{int(published.timestamp())}:{digest(text)[:12]}",
        kind,
        _fix_mojibake(text),
        published,
        title=_fix_mojibake(str(entry.get("title") or "")),
        author=_fix_mojibake(author),
        links=tuple(links),
    )


def _fix_mojibake(text: str) -> str:
    """Facebook exports write UTF-8 bytes as Latin-1 escapes ("Ã¡" for "á"); undo that."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _read(path: Path) -> bytes:
    """The file's bytes, unless it is larger than the web page takes."""
    if path.stat().st_size > MAX_BYTES:
        raise ValueError(Phrase("tệp lớn hơn {size} MB", size=MAX_BYTES // 2**20))
    return path.read_bytes()
