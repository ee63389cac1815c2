"""Targets pages in both languages: the lagging tasks' workbook, a period still to come, a
workbook's problems, a refused progress report."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from html import unescape

import pytest
from openpyxl import load_workbook

from baochi import hanoi_time, targets
from baochi.db import Store, migrate, open_engine
from baochi.db.targets_store import TargetsStore
from baochi.settings import Settings
from tests.targets.conftest import unsheeted, wrong_workbook
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

# The web area's fixtures (a signed-in client per role), over every area's tables.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A store with every area's tables and the example directive: the app signs people in."""
    engine = open_engine(settings)
    migrate(engine)
    targets.load_example(engine)
    yield Store(engine)
    engine.dispose()


def test_the_lagging_tasks_workbook_holds_dates_as_dates(client_as) -> None:
    """As the directive's own workbook does: a date cell, shown dd/mm/yyyy, that sorts."""
    book = load_workbook(io.BytesIO(client_as("analyst").get("/targets/lagging.xlsx").content))
    sheet = book.active
    header = [c.value for c in sheet[2]]
    due = [row[header.index("Thời hạn")] for row in sheet.iter_rows(min_row=3)]
    assert due and all(isinstance(c.value, dt.datetime) for c in due)
    assert dt.datetime(2020, 12, 31) in [c.value for c in due]  # the IT task's deadline
    assert {c.number_format for c in due} == {"dd/mm/yyyy"}


def test_a_period_after_today_is_refused_as_such_in_both_languages(store, client_as) -> None:
    """The period's date field stops at today (the browser says a later day is after it, see
    tests/reports/test_browser.py); the server refuses one sent anyway, saying why."""
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "TTHC-3-4")
    lan = client_as("analyst")
    url = f"/targets/indicators/{indicator.id}/reports"
    later = (hanoi_time.today() + dt.timedelta(days=400)).isoformat()
    form = {"csrf": csrf(lan, "/targets"), "period_end": later, "value": "1"}
    lan.get("/lang/en")
    page = unescape(lan.get("/targets/1559-TB/TU").text)
    assert f'name="period_end" max="{hanoi_time.today().isoformat()}"' in page
    assert 'data-after-max="The date cannot be after %s."' in page
    refused = lan.post(url, data=form)
    assert refused.status_code == 422
    assert "The period end cannot be after today" in unescape(refused.text)
    lan.get("/lang/vi")
    assert "Ngày cuối kỳ không được sau hôm nay" in unescape(lan.post(url, data=form).text)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
WORKBOOK_PROBLEMS = {
    "vi": [
        "Nhiệm vụ, dòng 2: «Tình trạng» phải là một trong Chưa thực hiện, Đang thực hiện, Hoàn"
        " thành: 'Xong rồi'",
        "Nhiệm vụ, dòng 3: thiếu «Nhiệm vụ»",
        "Nhiệm vụ, dòng 4: «Thời hạn» không phải ngày (dd/mm/yyyy): '31/13/2020'",
        "Nhiệm vụ, dòng 6: «STT» phải là số nguyên không trùng",
        "Chỉ tiêu, dòng 2: không có nhiệm vụ số 99",
        "Chỉ tiêu, dòng 2: «Mục tiêu»: «một trăm» không phải là số",
        "Chỉ tiêu, dòng 3: mã chỉ tiêu 'CQBC-2020' bị trùng",
        "Chỉ tiêu, dòng 3: thiếu số «Mục tiêu»",
        "Chỉ tiêu, dòng 3: thiếu ngày «Hạn đạt»",
        "Báo cáo, dòng 3: không có chỉ tiêu mã 'KHONG-CO'",
    ],
    "en": [  # the sheets, columns and choices named as the workbook has them
        "Nhiệm vụ, row 2: «Tình trạng» must be one of Chưa thực hiện, Đang thực hiện, Hoàn"
        " thành: 'Xong rồi'",
        "Nhiệm vụ, row 3: «Nhiệm vụ» is missing",
        "Nhiệm vụ, row 4: «Thời hạn» is not a date (dd/mm/yyyy): '31/13/2020'",
        "Nhiệm vụ, row 6: «STT» must be a whole number that no other row has",
        "Chỉ tiêu, row 2: there is no task number 99",
        "Chỉ tiêu, row 2: «Mục tiêu»: «một trăm» is not a number",
        "Chỉ tiêu, row 3: the indicator code 'CQBC-2020' is used more than once",
        "Chỉ tiêu, row 3: the number «Mục tiêu» is missing",
        "Chỉ tiêu, row 3: the date «Hạn đạt» is missing",
        "Báo cáo, row 3: there is no indicator with the code 'KHONG-CO'",
    ],
}
SHEET_PROBLEMS = {
    "vi": [
        "Nhiệm vụ, dòng 1: cột «Ghi chu cua Hoa» không có trong trang này (các cột: «STT»,",
        "Báo cáo: thiếu trang tính",
    ],
    "en": [
        "Nhiệm vụ, row 1: the column «Ghi chu cua Hoa» is not one of this sheet's (its columns:"
        " «STT»,",
        "Báo cáo: the sheet is missing",
    ],
}


def _listed(page: str) -> list[str]:
    """The problems page's list, each as it reads."""
    found = re.search(r"</h1>\s*<ul>(.*?)</ul>", page, re.S)
    assert found is not None, page[:300]
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", found.group(1), re.S)]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_wrong_workbook_s_problems_are_said_in_the_pages_language(
    store, client_as, lang: str
) -> None:
    """Hoa's edited workbook is refused row by row, and one with a sheet gone and a column that
    is none sheet by sheet, in Vietnamese or in English; nothing is written."""
    hoa = client_as("admin")
    hoa.get(f"/lang/{lang}")

    def refused(content: bytes) -> list[str]:
        files = {"file": ("1559.xlsx", content, XLSX)}
        page = hoa.post("/targets/import", data={"csrf": csrf(hoa, "/targets")}, files=files)
        assert page.status_code == 422
        return _listed(page.text)

    wrong = wrong_workbook(store.engine)
    assert refused(wrong) == WORKBOOK_PROBLEMS[lang]
    column, sheet = refused(unsheeted(wrong))
    assert column.startswith(SHEET_PROBLEMS[lang][0]) and column.endswith("«Ghi chú»)")
    assert sheet == SHEET_PROBLEMS[lang][1]
    codes = [i.code for i in TargetsStore(store.engine).indicators()]
    assert codes == ["CQBC-2020", "TTHC-3-4"]  # as the example has them: nothing written


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_refused_progress_report_says_why_in_the_pages_language(
    app, store, client_as, lang: str
) -> None:
    """An evidence file that is not what it says, or too large, a value or a day that is none:
    the reason by the indicator's form, in the page's language; nothing is recorded."""
    app.state.settings = app.state.settings.replace(case_attachment_max_bytes=1_000_000)
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "TTHC-3-4")
    lan = client_as("analyst")
    lan.get(f"/lang/{lang}")
    token = csrf(lan, "/targets")

    def refused(evidence: tuple[str, bytes] | None = None, **form: str) -> str:
        sent = {"csrf": token, "period_end": "2020-06-30", "value": "62,5", **form}
        files = {"evidence": (*evidence, "application/pdf")} if evidence else None
        page = lan.post(f"/targets/indicators/{indicator.id}/reports", data=sent, files=files)
        assert page.status_code == 422
        found = re.search(r'role="alert">(.*?)</div>', page.text)
        return unescape(found.group(1)) if found else page.text[:300]

    said = [
        refused(("bao-cao.docx", PDF)),
        refused(("bao-cao.pdf", b"<html>x</html>")),
        refused(("bao-cao.pdf", PDF + b"0" * 1_000_000)),
        refused(value="sáu mươi"),
        refused(value="nan"),
        refused(value="1.234"),
        refused(period_end="30/06/2020"),
    ]
    assert said == (
        [
            "the file's extension .docx does not match its content (.pdf)",
            "only PDF, DOCX, XLSX, PNG and JPEG files are taken; this file's content is none of"
            " them",
            "the file is too large: at most 1 MB",
            "the value «sáu mươi» is not a number",
            "the value «nan» is not a number",
            "the value «1.234» may be 1234 or 1,234: write it one of those ways",
            "the period end «30/06/2020» is not a valid date (yyyy-mm-dd)",
        ]
        if lang == "en"
        else [
            "đuôi tệp .docx không khớp nội dung (.pdf)",
            "chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG; nội dung tệp không thuộc loại nào trong số"
            " đó",
            "tệp quá lớn: tối đa 1 MB",
            "giá trị «sáu mươi» không phải là số",
            "giá trị «nan» không phải là số",
            "giá trị «1.234» có thể là 1234 hay 1,234: viết một trong hai cách đó",
            "ngày cuối kỳ «30/06/2020» không hợp lệ (yyyy-mm-dd)",
        ]
    )
    assert TargetsStore(store.engine).reports([indicator.id]) == []


def test_a_value_is_read_as_vietnamese_writes_it_and_never_as_nan(store, client_as) -> None:
    """ "1.234,5" is a thousand and more, not refused; the API refuses NaN, which JSON as Python
    reads it carries and a chart cannot draw."""
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "TTHC-3-4")
    lan = client_as("analyst")
    token = csrf(lan, "/targets")
    sent = {"csrf": token, "period_end": "2020-06-30", "value": "1.234,5"}
    saved = lan.post(
        f"/targets/indicators/{indicator.id}/reports", data=sent, follow_redirects=False
    )
    assert saved.status_code == 303
    api = lan.post(
        f"/api/v1/targets/indicators/{indicator.id}/reports",
        content=b'{"period_end": "2020-12-31", "value": NaN}',
        headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
    )
    assert api.status_code == 422
    assert [r.value for r in TargetsStore(store.engine).reports([indicator.id])] == [1234.5]
