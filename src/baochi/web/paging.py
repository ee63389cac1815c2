"""Lists shown a page at a time: one page parameter, checked alike by every list that takes it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Query

T = TypeVar("T")

# A page number out of range is a 422 that names it, not an empty page that looks like no data.
Page = Annotated[int, Query(ge=1, le=1000)]


def page_of(fetch: Callable[[int, int], list[T]], page: int, size: int) -> tuple[list[T], bool]:
    """The items of one page, fetched as `fetch(limit, offset)`, and whether another follows:
    one item more than the page is asked for, so no count of the whole list is needed."""
    found = fetch(size + 1, (page - 1) * size)
    return found[:size], len(found) > size
