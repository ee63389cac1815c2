"""Uploads: a CSV is read whatever its line ends, and one the csv module cannot read is refused
naming its line; a workbook is read for its values; a file that is none, or one that would unpack
to far more than any export, is refused with a message instead of being read."""

from __future__ import annotations

import io
import zipfile

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
    not_excel = r"^không đọc được tệp Excel: tệp không phải bảng tính Excel \(\.xlsx\) hợp lệ$"
    with pytest.raises(ValueError, match=not_excel):
        tables.workbook(b"ID,Noi dung\nfb-1,x\n")
    other = io.BytesIO()  # a zip, as a Word file is, but with no workbook inside
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(ValueError, match=not_excel):  # not openpyxl's "no valid workbook part"
        tables.workbook(other.getvalue())


def test_a_workbook_that_unpacks_too_far_is_refused_before_reading(monkeypatch) -> None:
    data = _workbook(2000)  # a few hundred KB that unpack to some 2 MB
    monkeypatch.setattr(tables, "UNPACKED_MAX", 2**20)
    with pytest.raises(ValueError, match=r"giải nén ra \d+ MB, quá 1 MB"):
        tables.workbook(data)
    monkeypatch.setattr(tables, "UNPACKED_MAX", 8 * 2**20)
    assert tables.workbook(data).worksheets[0].max_row == 2001


def test_a_csv_is_read_whatever_its_line_ends_and_an_unreadable_one_is_refused_by_line() -> None:
    rows = [["url", "outlet"], ["https://hanoimoi.vn/rss/thoi-su", "Báo Hànộimới"]]
    for end in ("\n", "\r\n", "\r"):  # Unix, Windows, and Excel for Mac's "CSV (Macintosh)"
        data = "".join(",".join(row) + end for row in rows).encode()
        assert list(tables.csv_rows(data)) == rows
    quoted = 'url,note\r\nhttps://a.vn,"dòng một\r\ndòng hai"\r\n'.encode()
    assert list(tables.csv_rows(quoted))[1] == ["https://a.vn", "dòng một\r\ndòng hai"]
    semicolons = tables.csv_rows(b"url;outlet\rhttps://a.vn;A\r")  # Excel set to Vietnamese
    assert list(semicolons) == [["url", "outlet"], ["https://a.vn", "A"]]
    too_long = 'url,outlet\nhttps://a.vn,A\n"' + "x" * 200_000 + '",B\n'
    with pytest.raises(ValueError, match="không đọc được CSV ở dòng 3: field larger"):
        list(tables.csv_rows(too_long.encode()))
