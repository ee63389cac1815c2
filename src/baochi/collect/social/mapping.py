"""Where each field of a post or comment is in someone else's record: a configurable mapping
(field → column name or dotted JSON path), applied with per-field checks, so a generic API,
a platform export and a listening tool's CSV all become the same SocialItem."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from baochi.collect.social.items import SocialItem, count, parse_time
from baochi.phrase import Phrase

FIELDS = (
    "id",
    "kind",
    "text",
    "title",
    "published_at",
    "url",
    "author",
    "reactions",
    "comments",
    "shares",
    "views",
    "parent",
    "links",
)
REQUIRED = ("id", "text")
COUNTS = ("reactions", "comments", "shares", "views")
KINDS = {
    "post": "post",
    "bài viết": "post",
    "bai viet": "post",
    "video": "post",
    "comment": "comment",
    "bình luận": "comment",
    "binh luan": "comment",
    "reply": "comment",
    "trả lời": "comment",
}
MAX_TEXT = 100_000
_URL = re.compile(r"https?://[^\s<>\"']+")


SPREADSHEET_DIGITS = 15  # of a number that a spreadsheet keeps exactly


class RowError(ValueError):
    """One field of one record is missing or unreadable, named by the column (or path) it was
    read from: the person who made the file knows "Thời gian", not `published_at`. Its argument
    is a Phrase (see baochi.phrase), so a page says what is wrong in its language."""

    def __init__(self, column: str, problem: Phrase) -> None:
        super().__init__(Phrase("cột {column!r}: {problem}", column=column, problem=problem))


@dataclass(frozen=True)
class FieldMap:
    """field → where it is; fields left out are taken from a column of the same name."""

    fields: Mapping[str, str]

    @classmethod
    def parse(cls, pairs: Mapping[str, str]) -> FieldMap:
        """A checked mapping: only known fields, every one a non-empty location."""
        unknown = sorted(set(pairs) - set(FIELDS))
        if unknown:
            named, known = ", ".join(unknown), ", ".join(FIELDS)
            refusal = "không có trường {named}; các trường: {known}"
            raise ValueError(Phrase(refusal, n=len(unknown), named=named, known=known))
        empty = [k for k, v in pairs.items() if not str(v).strip()]
        if empty:
            raise ValueError(Phrase("chưa ghi cột cho {named}", named=", ".join(empty)))
        return cls({field: pairs.get(field, field) for field in FIELDS})


def lookup(record: Any, path: str) -> Any:
    """A value by column name, else by dotted path (`from.name`, `stats.0.likes`)."""
    if isinstance(record, Mapping) and path in record:
        return record[path]
    value = record
    for part in path.split("."):
        if isinstance(value, Mapping):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def item_of(record: Any, fields: FieldMap, platform: str, kind: str = "post") -> SocialItem:
    """The record as a SocialItem; raises RowError naming the column of the first bad field."""
    raw = {name: lookup(record, path) for name, path in fields.fields.items()}
    column = fields.fields
    for name in REQUIRED:
        if raw[name] is None or str(raw[name]).strip() == "":
            raise RowError(column[name], Phrase("trống"))
    text = str(raw["text"])
    if len(text) > MAX_TEXT:
        raise RowError(column["text"], Phrase("dài quá {limit} ký tự", limit=MAX_TEXT))
    if raw["kind"] not in (None, ""):
        kind = KINDS.get(str(raw["kind"]).strip().lower(), "")
        if not kind:
            neither = Phrase("{value!r} không phải bài đăng hay bình luận", value=raw["kind"])
            raise RowError(column["kind"], neither)
    published = time_of(raw["published_at"], column["published_at"])
    counts: dict[str, int | None] = {}
    for name in COUNTS:
        try:
            counts[name] = count(raw[name])
        except ValueError as exc:
            not_a_count = Phrase("không phải số đếm: {value!r}", value=raw[name])
            raise RowError(column[name], not_a_count) from exc
    url = str(raw["url"] or "")
    if url and not url.startswith(("http://", "https://")):
        raise RowError(column["url"], Phrase("không phải địa chỉ web: {value!r}", value=url[:80]))
    links = raw["links"]
    shared = links if isinstance(links, list) else _URL.findall(str(links or "") or text)
    return SocialItem(
        platform,
        _platform_id(raw["id"], column["id"]),
        kind,
        text,
        published,
        url=url,
        title=str(raw["title"] or ""),
        author=str(raw["author"] or ""),
        parent=_platform_id(raw["parent"], column["parent"]),
        links=tuple(str(u) for u in shared),
        **counts,
    )


def time_of(value: Any, column: str) -> dt.datetime | None:
    """A record's time (see parse_time); RowError naming the column and saying why not, in its
    own words when parse_time has them (a Unix time before social networks)."""
    try:
        return parse_time(value)
    except (ValueError, OverflowError, OSError) as exc:
        why = Phrase("không phải ngày giờ: {value!r}", value=value)
        if exc.args and isinstance(exc.args[0], Phrase):
            why = exc.args[0]
        raise RowError(column, why) from exc


def _platform_id(value: Any, column: str) -> str:
    """A platform's id as text; one a spreadsheet holds as a number (42.0) as its digits, but
    one past 15 digits it has rounded (1.234567890123457e+18) is refused: it would merge with
    another post's."""
    if isinstance(value, float):
        if not value.is_integer() or abs(value) >= 10**SPREADSHEET_DIGITS:
            rounded = "mã {value!r} đã bị bảng tính làm tròn: định dạng cột là Văn bản rồi xuất lại"
            raise RowError(column, Phrase(rounded, value=value))
        value = int(value)
    return str(value or "").strip()
