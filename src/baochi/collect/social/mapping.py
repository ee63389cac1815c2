"""Where each field of a post or comment is in someone else's record: a configurable mapping
(field → column name or dotted JSON path), applied with per-field checks, so a generic API,
a platform export and a listening tool's CSV all become the same SocialItem."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from baochi.collect.social.items import SocialItem, count, parse_time

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


class RowError(ValueError):
    """One field of one record is missing or unreadable, named by the column (or path) it was
    read from: the person who made the file knows "Thời gian", not `published_at`."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"cột {column!r}: {message}")


@dataclass(frozen=True)
class FieldMap:
    """field → where it is; fields left out are taken from a column of the same name."""

    fields: Mapping[str, str]

    @classmethod
    def parse(cls, pairs: Mapping[str, str]) -> FieldMap:
        """A checked mapping: only known fields, every one a non-empty location."""
        unknown = sorted(set(pairs) - set(FIELDS))
        if unknown:
            raise ValueError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(FIELDS)}")
        empty = [k for k, v in pairs.items() if not str(v).strip()]
        if empty:
            raise ValueError(f"no column given for {', '.join(empty)}")
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
            raise RowError(column[name], "trống")
    text = str(raw["text"])
    if len(text) > MAX_TEXT:
        raise RowError(column["text"], f"dài quá {MAX_TEXT} ký tự")
    if raw["kind"] not in (None, ""):
        kind = KINDS.get(str(raw["kind"]).strip().lower(), "")
        if not kind:
            raise RowError(column["kind"], f"{raw['kind']!r} không phải bài đăng hay bình luận")
    try:
        published = parse_time(raw["published_at"])
    except (ValueError, OverflowError, OSError) as exc:
        message = f"không phải ngày giờ: {raw['published_at']!r}"
        raise RowError(column["published_at"], message) from exc
    counts: dict[str, int | None] = {}
    for name in COUNTS:
        try:
            counts[name] = count(raw[name])
        except ValueError as exc:
            raise RowError(column[name], f"không phải số đếm: {raw[name]!r}") from exc
    url = str(raw["url"] or "")
    if url and not url.startswith(("http://", "https://")):
        raise RowError(column["url"], f"không phải địa chỉ web: {url[:80]!r}")
    links = raw["links"]
    shared = links if isinstance(links, list) else _URL.findall(str(links or "") or text)
    return SocialItem(
        platform,
        str(raw["id"]).strip(),
        kind,
        text,
        published,
        url=url,
        title=str(raw["title"] or ""),
        author=str(raw["author"] or ""),
        parent=str(raw["parent"] or ""),
        links=tuple(str(u) for u in shared),
        **counts,
    )
