"""Uploads: a CSV is read whatever its line ends, and one the csv module cannot read is refused
naming its line; a workbook is read for its values; a file that is none, or one that would unpack
to far more than any export, is refused with a message instead of being read, in Vietnamese as
printed and, on the pages that import files, in the page's language."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import pytest
from openpyxl import Workbook

from baochi import tables
from baochi.phrase import phrase_of
from baochi.web import i18n
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

# The web area's fixtures (a signed-in client per role), for the pages that import files.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes


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


def _english(text: str, count: float) -> str:
    """`_n` of an English page over the shell's catalogue, which holds these messages."""
    found = i18n.EN.get(text, text)
    return found if isinstance(found, str) else found[0 if count == 1 else -1]


# A cell past the csv module's limit on line 3, and a file that is no workbook.
TOO_LONG = ('url,outlet\nhttps://a.vn,A\n"' + "x" * 200_000 + '",B\n').encode()
NOT_EXCEL = b"ID,Noi dung\nfb-1,x\n"


def test_an_unreadable_file_is_said_in_english_from_the_same_words(monkeypatch) -> None:
    monkeypatch.setattr(tables, "UNPACKED_MAX", 2**20)
    refused = []
    for read in (
        lambda: list(tables.csv_rows(TOO_LONG)),
        lambda: tables.workbook(NOT_EXCEL),
        lambda: tables.workbook(_workbook(2000)),
    ):
        with pytest.raises(ValueError) as caught:
            read()
        refused.append((str(caught.value), phrase_of(caught.value).said(_english)))
    assert [english for _, english in refused] == [
        "the CSV file cannot be read at line 3: field larger than field limit (131072)",
        "the Excel file cannot be read: it is not a valid Excel workbook (.xlsx)",
        "the Excel file cannot be read: it unpacks to 4 MB, over 1 MB",
    ]
    assert [vietnamese for vietnamese, _ in refused] == [
        "không đọc được CSV ở dòng 3: field larger than field limit (131072)",
        "không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ",
        "không đọc được tệp Excel: giải nén ra 4 MB, quá 1 MB",
    ]


# Where each import page says what was wrong with the file.
SAID = {
    "registry": re.compile(r'<ul class="mb-0 small"><li>(.*?)</li>', re.S),
    "targets": re.compile(r"<ul><li>(.*?)</li>", re.S),
    "social": re.compile(r'id="import-result">\s*(.*?)\s*</div>', re.S),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_every_import_page_says_why_a_file_cannot_be_read_in_its_language(
    client_as, lang: str
) -> None:
    admin = client_as("admin")
    admin.get(f"/lang/{lang}")
    token = csrf(admin)

    def imported(page: str, path: str, name: str, data: bytes) -> str:
        answer = admin.post(path, data={"csrf": token}, files={"file": (name, data, "text/csv")})
        found = SAID[page].search(answer.text)
        return unescape(found.group(1)) if found else answer.text[:300]

    said = [
        imported("registry", "/registry/import", "agencies.csv", TOO_LONG),
        imported("registry", "/registry/import", "so-dang-ky.xlsx", NOT_EXCEL),
        imported("targets", "/targets/import", "chi-tieu.xlsx", NOT_EXCEL),
        imported("social", "/social/import", "lang-nghe.csv", TOO_LONG),
        imported("social", "/social/import", "lang-nghe.xlsx", NOT_EXCEL),
    ]
    line = "field larger than field limit (131072)"
    assert said == (
        [
            f"the CSV file cannot be read at line 3: {line}",
            "the Excel file cannot be read: it is not a valid Excel workbook (.xlsx)",
            "file: the Excel file cannot be read: it is not a valid Excel workbook (.xlsx)",
            f"File 'lang-nghe.csv' cannot be read: the CSV file cannot be read at line 3: {line}",
            "File 'lang-nghe.xlsx' cannot be read: the Excel file cannot be read: it is not a"
            " valid Excel workbook (.xlsx)",
        ]
        if lang == "en"
        else [
            f"không đọc được CSV ở dòng 3: {line}",
            "không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ",
            "tệp: không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ",
            f"Không đọc được tệp 'lang-nghe.csv': không đọc được CSV ở dòng 3: {line}",
            "Không đọc được tệp 'lang-nghe.xlsx': không đọc được tệp Excel: tệp không phải bảng"
            " tính Excel (.xlsx) hợp lệ",
        ]
    )


def test_a_workbook_whose_styles_openpyxl_cannot_parse_is_refused_in_words(client_as) -> None:
    from tests.registry.test_hostile_files import STYLES, TABLE, raw_xlsx

    empty_fill = STYLES.replace('<fill><patternFill patternType="none"/></fill>', "<fill/>")
    assert empty_fill != STYLES
    data = raw_xlsx(TABLE, styles=empty_fill)  # openpyxl raises TypeError on the empty <fill/>
    not_excel = r"^không đọc được tệp Excel: tệp không phải bảng tính Excel \(\.xlsx\) hợp lệ$"
    with pytest.raises(ValueError, match=not_excel):
        tables.workbook(data)
    admin = client_as("admin")
    token = csrf(admin)
    for page, path in (("registry", "/registry/import"), ("targets", "/targets/import")):
        answer = admin.post(path, data={"csrf": token}, files={"file": ("so.xlsx", data, "x")})
        assert answer.status_code < 500, path
        said = SAID[page].search(answer.text)
        assert said and unescape(said.group(1)).endswith(
            "không đọc được tệp Excel: tệp không phải bảng tính Excel (.xlsx) hợp lệ"
        ), path


def test_an_unclosed_quote_is_refused_naming_the_line_it_opens_on() -> None:
    unclosed = 'code,name\nq4,Báo Q4\nq5,"Báo Q5 ""trích"" thiếu ngoặc\nq6,Báo Q6\n'.encode()
    with pytest.raises(ValueError) as caught:
        list(tables.csv_rows(unclosed))
    assert str(caught.value).startswith("không đọc được CSV ở dòng 3: dấu ngoặc kép mở")
    stray = b'a,b\n1,"x\ny"\n2,5" screen\n3,"a"b\n'  # a quote inside or after a cell: text
    assert list(tables.csv_rows(stray))[1:] == [["1", "x\ny"], ["2", '5" screen'], ["3", "ab"]]


def test_a_defused_cell_reads_back_as_it_was_with_its_own_apostrophes() -> None:
    for text in ("=1+1", "'=1+1", "''=1", "'", "'abc", "abc", "@SUM(1)"):
        assert tables.undefused(tables.safe_cell(text)) == text, text
