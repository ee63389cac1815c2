"""Targets pages in both languages: the lagging tasks' workbook, a period still to come, a
workbook's problems, a refused progress report."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Iterator
from html import unescape

import pytest
from openpyxl import load_workbook

from baochi import hanoi_time, targets
from baochi.db import Store, migrate, open_engine
from baochi.db.targets_store import TargetsStore
from baochi.settings import Settings
from tests.targets.conftest import TODAY, directive_book, unsheeted, wrong_workbook
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
    reads it carries and a chart cannot draw (a count: a share past 100 % is refused)."""
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "CQBC-2020")
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
    assert [r.value for r in TargetsStore(store.engine).reports([indicator.id])] == [1234.5, 8]


def _indicator_id(store, code: str) -> int:
    return next(i.id for i in TargetsStore(store.engine).indicators() if i.code == code)


def _seen(page: str, indicator_id: int) -> dict[str, str]:
    """The form's record of the reports it showed, "period@stamp" entries, of one indicator."""
    form = page.split(f'id="indicator-{indicator_id}"')[1].split("</form>")[0]
    return {"seen": re.findall(r'name="seen" value="([^"]*)"', form)}


def _audits(web, action: str) -> list[dict]:
    """The audit log's entries of one action, oldest first, before and after read back."""
    entries = [e for e in web.audit_entries(action=action)][::-1]
    for entry in entries:
        for side in ("before", "after"):
            entry[side] = json.loads(entry[side]) if entry[side] else None
    return entries


def test_a_corrected_report_keeps_its_evidence_unless_a_file_replaces_it(
    store, client_as, settings
):
    indicator = _indicator_id(store, "CQBC-2020")
    lan = client_as("analyst")
    url = f"/targets/indicators/{indicator}/reports"

    def post(value: str, evidence: bytes | None = None) -> None:
        page = lan.get("/targets/1559-TB/TU").text
        sent = {"csrf": csrf(lan, "/targets"), "period_end": "2026-05-31", "value": value}
        files = {"evidence": ("bao-cao.pdf", evidence, "application/pdf")} if evidence else None
        sent |= _seen(page, indicator)
        assert lan.post(url, data=sent, files=files, follow_redirects=False).status_code == 303

    def evidence() -> str | None:
        reports = TargetsStore(store.engine).reports([indicator])
        return next(r.evidence for r in reports if r.period_end == dt.date(2026, 5, 31))

    post("12", PDF)
    first = evidence()
    assert first and (settings.data / "attachments" / first).read_bytes() == PDF
    post("11")
    assert evidence() == first
    post("10", PDF + b"% lan 2\n")
    assert evidence() not in (None, first)


def test_a_report_saved_meanwhile_is_not_overwritten_unawares(store, client_as, web) -> None:
    """Lan and Hoa open the directive; Lan saves 40 for May, Hoa then 60: Hoa is told with a
    409, her figures kept in the form; saving again on the page she is shown overwrites, and
    the audit log keeps the value replaced."""
    indicator = _indicator_id(store, "TTHC-3-4")
    url = f"/targets/indicators/{indicator}/reports"
    lan, hoa = client_as("analyst"), client_as("admin")
    lan_page, hoa_page = lan.get("/targets/1559-TB/TU").text, hoa.get("/targets/1559-TB/TU").text

    def form(who, page: str, value: str) -> dict:
        sent = {"csrf": csrf(who, "/targets"), "period_end": "2026-05-31", "value": value}
        return sent | {"comment": f"số {value}"} | _seen(page, indicator)

    saved = lan.post(url, data=form(lan, lan_page, "40"), follow_redirects=False)
    assert saved.status_code == 303
    refused = hoa.post(url, data=form(hoa, hoa_page, "60"), follow_redirects=False)
    assert refused.status_code == 409
    said = unescape(refused.text)
    assert "Báo cáo kỳ 31/05/2026 đã được lưu lúc" in said and "với giá trị 40" in said
    assert 'value="2026-05-31"' in said and 'value="60"' in said and 'value="số 60"' in said
    assert [r.value for r in TargetsStore(store.engine).reports([indicator])] == [40]
    again = hoa.post(url, data=form(hoa, refused.text, "60"), follow_redirects=False)
    assert again.status_code == 303
    assert [r.value for r in TargetsStore(store.engine).reports([indicator])] == [60]
    befores = [e["before"] for e in _audits(web, "targets.report")]
    assert befores[0] is None and befores[1]["value"] == 40 and befores[1]["comment"] == "số 40"


def test_the_api_saves_over_a_report_and_audits_the_value_replaced(store, client_as, web):
    indicator = _indicator_id(store, "TTHC-3-4")
    lan = client_as("analyst")
    headers = {"X-CSRF-Token": csrf(lan, "/targets")}
    url = f"/api/v1/targets/indicators/{indicator}/reports"
    for value in (40, 60):
        sent = {"period_end": "2026-05-31", "value": value}
        assert lan.post(url, json=sent, headers=headers).status_code == 201
    assert [e["before"] and e["before"]["value"] for e in _audits(web, "targets.report")] == [
        None,
        40,
    ]


def test_values_and_periods_out_of_range_are_refused_by_form_and_api(store, client_as) -> None:
    indicator = _indicator_id(store, "TTHC-3-4")  # a share, in %
    lan = client_as("analyst")
    token = csrf(lan, "/targets")

    def form(value: str, period_end: str = "2026-05-31") -> str:
        sent = {"csrf": token, "period_end": period_end, "value": value}
        page = lan.post(f"/targets/indicators/{indicator}/reports", data=sent)
        assert page.status_code == 422
        return unescape(re.search(r'role="alert">(.*?)</div>', page.text).group(1))

    def api(value: float, period_end: str = "2026-05-31") -> str:
        sent = {"period_end": period_end, "value": value}
        answer = lan.post(
            f"/api/v1/targets/indicators/{indicator}/reports",
            json=sent,
            headers={"X-CSRF-Token": token},
        )
        assert answer.status_code == 422
        return answer.json()["detail"]

    assert form("250") == "«Giá trị» là tỷ lệ %, phải từ 0 đến 100: 250"
    assert form("-50") == "«Giá trị» là tỷ lệ %, phải từ 0 đến 100: -50"
    assert form("5", "1999-12-31") == "«Cuối kỳ» không được trước 01/01/2000: 31/12/1999"
    assert api(1e26) == "«Giá trị» là tỷ lệ %, phải từ 0 đến 100: 1e+26"
    assert api(5, "0001-01-01") == "«Cuối kỳ» không được trước 01/01/2000: 01/01/0001"
    assert TargetsStore(store.engine).reports([indicator]) == []


def test_a_directive_with_a_vietnamese_code_is_exported(store, client_as) -> None:
    hoa = client_as("admin")
    content = directive_book("15-NQ/TƯ", [[1, "Nhiệm vụ"]], [], [])
    files = {"file": ("15.xlsx", content, XLSX)}
    assert hoa.post("/targets/import", data={"csrf": csrf(hoa, "/targets")}, files=files).is_success
    answer = hoa.get("/targets/15-NQ/T%C6%AF/export.xlsx")
    assert answer.status_code == 200
    assert "filename*=UTF-8''15-NQ-T%C6%AF.xlsx" in answer.headers["content-disposition"]
    assert load_workbook(io.BytesIO(answer.content))["Văn bản"]["A2"].value == "15-NQ/TƯ"


def test_a_refused_import_lists_fifty_problems_and_counts_the_rest(store, client_as) -> None:
    hoa = client_as("admin")
    reports = [["KHONG-CO", dt.datetime(2025, 1, 1) + dt.timedelta(n), 1, ""] for n in range(60)]
    files = {"file": ("x.xlsx", directive_book("KH-X", [], [], reports), XLSX)}
    page = hoa.post("/targets/import", data={"csrf": csrf(hoa, "/targets")}, files=files)
    assert page.status_code == 422
    listed = _listed(page.text)
    assert len(listed) == 51 and listed[-1] == "… và 10 lỗi khác"


def _import(who, content: bytes):
    files = {"file": ("1559.xlsx", content, XLSX)}
    return who.post("/targets/import", data={"csrf": csrf(who, "/targets")}, files=files)


def _answer(page: str) -> list[str]:
    found = re.search(r'id="imported">.*?<ul[^>]*>(.*?)</ul>', page, re.S)
    assert found is not None, page[:300]
    return [" ".join(unescape(li).split()) for li in re.findall(r"<li>(.*?)</li>", found.group(1))]


def test_a_re_import_brings_the_directive_to_the_file_and_is_audited(store, client_as, web):
    """Task 4 and its indicator (no report yet) left out of the file are removed, and task 4,
    overdue, leaves the lagging list; a report the file says otherwise is changed, its value
    before in the audit log; the answer says what was added, changed and removed."""
    hoa = client_as("admin")
    book = load_workbook(io.BytesIO(targets.export_directive(store.engine, "1559-TB/TU", TODAY)))
    assert book["Nhiệm vụ"]["A5"].value == 4 and book["Chỉ tiêu"]["A3"].value == "TTHC-3-4"
    book["Nhiệm vụ"].delete_rows(5)
    book["Chỉ tiêu"].delete_rows(3)
    book["Báo cáo"]["C2"], book["Báo cáo"]["D2"] = 7, "ghi đè qua tệp"
    out = io.BytesIO()
    book.save(out)
    page = _import(hoa, out.getvalue())
    assert page.status_code == 200
    assert _answer(page.text) == [
        "Nhiệm vụ: thêm 0, sửa 0, xoá 1 (4)",
        "Chỉ tiêu: thêm 0, sửa 0, xoá 1 (TTHC-3-4)",
        "Báo cáo: thêm 0, sửa 1, xoá 0",
    ]
    shown = targets.board(store.engine, "1559-TB/TU", TODAY)
    assert 4 not in [t.task.position for t in shown.tasks]
    assert [i.indicator.code for i in shown.indicators()] == ["CQBC-2020"]
    assert targets.lagging(store.engine, TODAY) == []
    (entry,) = _audits(web, "targets.import")
    assert entry["username"] == "hoa" and entry["entity"] == "directive:1559-TB/TU"
    assert entry["after"]["removed"] == {"tasks": ["4"], "indicators": ["TTHC-3-4"]}
    (replaced,) = entry["before"]["reports"]
    assert replaced["report"] == "CQBC-2020 2020-12-31" and replaced["value"] == 8


def test_an_import_leaving_out_an_indicator_with_reports_is_refused(store, client_as) -> None:
    hoa = client_as("admin")
    content = targets.export_directive(store.engine, "1559-TB/TU", TODAY)
    indicator = _indicator_id(store, "TTHC-3-4")
    targets.record_progress(store.engine, indicator, dt.date(2020, 6, 30), 50, "nửa năm")
    book = load_workbook(io.BytesIO(content))
    book["Chỉ tiêu"].delete_rows(3)
    out = io.BytesIO()
    book.save(out)
    page = _import(hoa, out.getvalue())
    assert page.status_code == 422
    assert _listed(page.text) == [
        "Chỉ tiêu: chỉ tiêu 'TTHC-3-4' không có trong tệp nhưng đã có 1 báo cáo tiến độ: thêm lại"
        " vào tệp"
    ]
    assert [i.code for i in TargetsStore(store.engine).indicators()] == ["CQBC-2020", "TTHC-3-4"]
