"""Row ids in paths: `{case_id:id}` matches at most 18 digits, so "/cases/99999999999999999999999"
is a page that does not exist (404) rather than a number the database cannot hold (a 500)."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor

from baochi.db.row_ids import MAX_DIGITS


class RowIdConvertor(Convertor[int]):
    """A database row id in a path."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def convert(self, value: str) -> int:
        """The id as a number."""
        return int(value)

    def to_string(self, value: int) -> str:
        """The id as written in a path."""
        return str(int(value))


register_url_convertor("id", RowIdConvertor())
