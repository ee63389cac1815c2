"""What a row id may be: at most 18 digits, which every signed 64-bit column holds; a longer
number typed in a form, a query or a path names no row, and must not reach the driver (which
refuses it with an OverflowError or an out-of-range error instead of finding nothing)."""

from __future__ import annotations

from typing import Annotated

from annotated_types import Interval
from pydantic import BeforeValidator

MAX_DIGITS = 18
# A row id in a query string or a JSON body: out of range is refused with a 422 that says so.
RowId = Annotated[int, Interval(ge=0, lt=10**MAX_DIGITS)]


def _blank_is_none(value: object) -> object:
    return None if value == "" else value


# A row id picked in a filter form, whose "any" option ("Mọi đơn vị") sends an empty value.
ChosenRowId = Annotated[RowId | None, BeforeValidator(_blank_is_none)]


def row_id(value: str) -> int | None:
    """A row id as typed, or None when it is none ("", "abc", 30 digits)."""
    value = value.strip()
    return int(value) if value.isdigit() and len(value) <= MAX_DIGITS else None


def row_id_arg(value: str) -> int:
    """`type=` of a command-line id: a row id, or argparse's own error naming the argument."""
    found = row_id(value)
    if found is None:
        raise ValueError(value)
    return found


row_id_arg.__name__ = "id"  # argparse: "invalid id value: '999…'"
