"""Lists shown a page at a time: one page parameter, checked alike by every list that takes it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

# A page number out of range is a 422 that names it, not an empty page that looks like no data.
Page = Annotated[int, Query(ge=1, le=1000)]
