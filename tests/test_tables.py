"""Excel uploads: a workbook is read for its values; a file that is none, or one that would
unpack to far more than any export, is refused with a message instead of being read."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from baochi import tables


def _workbook(rows: int) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["ID", "Nội dung", "Thời gian"])
    for i in range(rows):
        sheet.append([f"fb-{i}", "Người dân phản ánh ngập úng ở phố Nguyễn Khuyến " * 20, "x"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def test_a_workbook_is_read_and_a_renamed_csv_is_refused() -> None:
    sheet = tables.workbook(_workbook(3)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == ["ID", "fb-0", "fb-1", "fb-2"]
    with pytest.raises(ValueError, match="không đọc được tệp Excel"):
        tables.workbook(b"ID,Noi dung\nfb-1,x\n")


def test_a_workbook_that_unpacks_too_far_is_refused_before_reading(monkeypatch) -> None:
    data = _workbook(2000)  # a few hundred KB that unpack to some 2 MB
    monkeypatch.setattr(tables, "UNPACKED_MAX", 2**20)
    with pytest.raises(ValueError, match=r"giải nén ra \d+ MB, quá 1 MB"):
        tables.workbook(data)
    monkeypatch.setattr(tables, "UNPACKED_MAX", 8 * 2**20)
    assert tables.workbook(data).worksheets[0].max_row == 2001
