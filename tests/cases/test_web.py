"""Cases and targets pages: officers confined to their department, leaders read-only, files safe."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import time
import unicodedata
from collections.abc import Iterator

import pytest
from markupsafe import escape
from openpyxl import load_workbook

from baochi import cases, targets
from baochi.cases.deadlines import load_rules, local_day
from baochi.db.cases_store import CasesStore
from baochi.db.targets_store import TargetsStore
from baochi.db.watch_store import Alert, WatchStore
from baochi.db.web_store import WebStore
from baochi.hanoi_time import HANOI
from baochi.watch import raise_alert
from tests.cases.conftest import ANALYST, OPENED, add_story
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

# The web area's fixtures (a signed-in client per role), used here over the cases tables.
app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def test_an_escalated_case_says_how_often_and_the_button_what_it_does(store, client_as):
    """The badge and the button were one phrase: in English the button read "Escalated"."""
    case_id = cases.open_case(store.engine, ANALYST, "Ngập hầm chui", responsible=[7], now=OPENED)
    for day in (1, 2):  # the same request twice is taken once: escalated on two days
        cases.act(store.engine, ANALYST, case_id, "escalate", now=OPENED + dt.timedelta(days=day))
    analyst = client_as("analyst")
    assert "Đã báo cáo vượt cấp 2 lần" in analyst.get(f"/cases/{case_id}").text
    analyst.get("/lang/en")
    page = analyst.get(f"/cases/{case_id}").text
    assert "Escalated 2 times" in page and ">Escalate<" in page


@pytest.fixture
def two_cases(store, people) -> tuple[int, int]:
    """A case of Minh's department, and one of another department."""
    own = cases.open_case(
        store.engine,
        ANALYST,
        "Ngập phố Nguyễn Khuyến",
        responsible=[people["officer"].department_id],
        now=OPENED,
    )
    other = cases.open_case(store.engine, ANALYST, "Cây đổ phố Huế", responsible=[999], now=OPENED)
    return own, other


def test_officer_answers_own_case_and_cannot_see_others(store, two_cases, client_as, settings):
    own, other = two_cases
    officer = client_as("officer")
    page = officer.get("/cases")
    assert page.status_code == 200 and "Ngập phố Nguyễn Khuyến" in page.text
    assert "Cây đổ phố Huế" not in page.text
    assert officer.get(f"/cases/{other}").status_code == 404
    assert officer.get(f"/api/v1/cases/{other}").status_code == 404
    assert [c["id"] for c in officer.get("/api/v1/cases").json()["items"]] == [own]

    token = csrf(officer, f"/cases/{own}")
    written = "Sở đã chỉ đạo nạo vét cống <b>phố Nguyễn Khuyến</b> trong tuần."
    fake = officer.post(
        f"/cases/{own}/answer",
        data={"csrf": token, "answer": written},
        files={"file": ("cong-van.pdf", b"<html>x</html>", "application/pdf")},
    )
    assert fake.status_code == 409
    shown = " ".join(re.sub(r"<[^>]+>", " ", fake.text).split())
    assert "chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG" in shown  # the reason, not "Yêu cầu…"
    assert "Yêu cầu không hợp lệ" not in shown
    assert 'id="answer-refused"' in fake.text  # the case again, with what he wrote in the form
    assert f">{escape(written)}</textarea>" in fake.text
    assert cases.get_case(store.engine, ANALYST, own).status == "assigned"  # nothing half-done
    audited = len(WebStore(store.engine).audit_entries(limit=100))
    empty = officer.post(f"/cases/{own}/answer", data={"csrf": token, "answer": " "})
    assert empty.status_code == 409 and "hãy viết câu trả lời hoặc đính kèm công văn" in empty.text
    assert len(WebStore(store.engine).audit_entries(limit=100)) == audited  # nothing to log
    typed = unicodedata.normalize("NFD", "Đã nạo vét.\u200b")  # Unikey's "tổ hợp", sent with a file
    done = officer.post(
        f"/cases/{own}/answer",
        data={"csrf": token, "answer": typed},
        files={"file": ("cong-van.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    answered = cases.get_case(store.engine, ANALYST, own)
    assert answered.status == "answered" and answered.answer == "Đã nạo vét."  # NFC, clean
    logged = WebStore(store.engine).audit_entries(limit=1)[0]
    assert (logged["action"], logged["entity"], logged["username"]) == (
        "case.answer",
        f"case:{own}",
        "minh",
    )
    assert '"status": "assigned"' in logged["before"] and '"status": "answered"' in logged["after"]
    file_id = CasesStore(store.engine).attachments(own)[0]["id"]
    listed = f'<a href="/cases/files/{file_id}">cong-van.pdf</a> ({len(PDF)} byte)'
    assert listed in officer.get(f"/cases/{own}").text  # not Jinja's English "Bytes"
    download = officer.get(f"/cases/files/{file_id}")
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == (
        "attachment; filename=\"cong-van.pdf\"; filename*=UTF-8''cong-van.pdf"
    )
    assert (
        officer.post(f"/cases/{own}/action", data={"csrf": token, "action": "close"}).status_code
        == 403
    )


def test_figures_per_department_for_the_office_and_leaders(store, two_cases, people, client_as):
    own, _ = two_cases
    cases.answer(store.engine, ANALYST, own, "Đã xử lý", now=OPENED + dt.timedelta(days=4))
    figures = client_as("leader").get("/api/v1/cases/figures").json()["items"]
    by_department = {f["department_id"]: f for f in figures}
    mine = by_department[people["officer"].department_id]
    assert (mine["department"], mine["answered"], mine["on_time"]) == ("Sở Xây dựng", 1, 1)
    assert mine["average_days"] == 4.0
    assert (by_department[999]["open"], by_department[999]["overdue"]) == (1, 1)
    assert client_as("officer").get("/api/v1/cases/figures").status_code == 403
    page = client_as("analyst").get("/cases").text
    assert "Trả lời theo đơn vị" in page and "Sở Xây dựng" in page
    assert '<td class="text-end">4,0</td>' in page  # days, with a decimal comma
    assert 'href="/cases/figures.xlsx"' in page
    book = load_workbook(io.BytesIO(client_as("leader").get("/cases/figures.xlsx").content))
    _, header, *rows = book.active.iter_rows(values_only=True)
    assert header[:4] == ("Đơn vị", "Tổng", "Đã trả lời", "Đúng hạn")
    assert ("Sở Xây dựng", 1, 1, 1, 100, 0, 0, 4.0) in rows
    assert client_as("officer").get("/cases/figures.xlsx").status_code == 403
    late = client_as("analyst").get("/cases?overdue=true").text
    assert 'href="/cases/figures.xlsx?overdue=true"' in late
    book = load_workbook(
        io.BytesIO(client_as("analyst").get("/cases/figures.xlsx?overdue=true").content)
    )
    assert [r[0] for r in list(book.active.iter_rows(values_only=True))[2:]] == [
        "Sở Văn hóa và Thể thao"
    ]  # dept 999


def test_leader_reads_and_changes_nothing(store, client_as):
    case_id = cases.open_case(
        store.engine, ANALYST, "Rác chợ Long Biên", responsible=[7], now=OPENED
    )
    leader = client_as("leader")
    assert leader.get(f"/cases/{case_id}").status_code == 200
    token = csrf(leader, f"/cases/{case_id}")
    refused = leader.post(f"/cases/{case_id}/action", data={"csrf": token, "action": "escalate"})
    assert refused.status_code == 403
    assert leader.post("/cases", data={"csrf": token, "title": "x"}).status_code == 403


@pytest.fixture
def clock_off_hanoi() -> Iterator[dt.date]:
    """The process's local zone set to one whose date is not Hà Nội's now; Hà Nội's date."""
    hanoi = dt.datetime.now(HANOI)
    zone = "Etc/GMT+12" if hanoi.hour < 19 else "Etc/GMT-14"  # UTC-12 or UTC+14
    before = os.environ.get("TZ")
    os.environ["TZ"] = zone
    time.tzset()
    assert dt.date.today() != hanoi.date()
    yield hanoi.date()
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


def test_the_case_list_counts_in_english_one_case_or_more(two_cases, client_as):
    """Minh sees his department's one case: "1 case", not "1 cases"; the office sees both."""
    minh = client_as("officer")
    minh.get("/lang/en")
    assert '<span class="small text-secondary">1 case</span>' in minh.get("/cases").text
    lan = client_as("analyst")
    lan.get("/lang/en")
    assert '<span class="small text-secondary">2 cases</span>' in lan.get("/cases").text
    minh.get("/lang/vi")
    assert '<span class="small text-secondary">1 hồ sơ</span>' in minh.get("/cases").text


def test_targets_live_in_hanoi_days_whatever_the_server_clock(store, client_as, clock_off_hanoi):
    targets.load_example(store.engine)
    page = client_as("analyst").get("/targets/1559-TB/TU").text
    assert f'name="period_end" max="{clock_off_hanoi.isoformat()}"' in page


def test_directive_pages(store, client_as):
    targets.load_example(store.engine)
    analyst = client_as("analyst")
    index = analyst.get("/targets")
    assert index.status_code == 200 and "1559-TB/TU" in index.text and "Quá hạn" in index.text
    page = analyst.get("/targets/1559-TB/TU")
    assert page.status_code == 200 and "<svg" in page.text and "Sở Văn hóa và Thể thao" in page.text
    book = analyst.get("/targets/1559-TB/TU/export.xlsx")
    assert book.status_code == 200 and book.content[:2] == b"PK"
    assert 'href="/targets/lagging.xlsx"' in index.text
    late = load_workbook(io.BytesIO(analyst.get("/targets/lagging.xlsx").content)).active
    rows = list(late.iter_rows(values_only=True))
    header = rows[1]
    assert header[:2] == ("Văn bản", "Nhiệm vụ") and header[4:6] == ("Thời hạn", "Trạng thái")
    overdue = [r for r in rows[2:] if r[5] == "Quá hạn"]
    assert overdue and all(r[0] == "1559-TB/TU" for r in overdue)
    assert [f"{r[4]:%d/%m/%Y}" for r in overdue] == [  # date cells, read as the page shows them
        d for d in re.findall(r"(\d\d/\d\d/\d{4})</td>\s*<td class=\"text-danger", index.text)
    ]
    assert overdue[0][6].endswith("/targets/1559-TB/TU")
    api = analyst.get("/api/v1/targets/1559-TB/TU").json()
    assert [t["status"] for t in api["tasks"]][3] == "overdue"
    assert client_as("officer").get("/targets").status_code == 403
    token = csrf(analyst, "/targets")
    bad = analyst.post(
        "/targets/import",
        data={"csrf": token},
        files={"file": ("x.xlsx", b"not excel", "application/octet-stream")},
    )
    assert bad.status_code == 422 and "không đọc được" in bad.text


def test_notifications_go_page_by_page_and_old_unread_ones_stay_in_reach(
    store, two_cases, client_as, people
):
    case_id, _ = two_cases
    department = people["officer"].department_id
    at = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    rows = [  # a year of reminders: the oldest two never read
        {
            "case_id": case_id,
            "key": f"nhac-{n}",
            "kind": "reminder",
            "audience": "department",
            "department_id": department,
            "message": f"Nhắc hạn lần {n}",
            "due_at": at,
            "created_at": at + dt.timedelta(hours=n),
        }
        for n in range(120)
    ]
    CasesStore(store.engine).add_notifications(rows, {})
    officer = client_as("officer")
    mine = CasesStore(store.engine).inbox(people["officer"].id, department, False, limit=500)
    old = [n["id"] for n in mine if n["key"].startswith("nhac-")][:-2]  # newest first
    officer.post("/notifications/read", data={"csrf": csrf(officer, "/notifications"), "id": old})

    first = officer.get("/notifications").text
    assert "Nhắc hạn lần 119" in first and "Nhắc hạn lần 0<" not in first
    assert "Đánh dấu tất cả đã đọc" in first  # the two unread are far down, the button is not
    assert 'rel="next" href="/notifications?page=2"' in first
    unread = officer.get("/notifications?unread=true").text
    assert "Nhắc hạn lần 0<" in unread and "Nhắc hạn lần 1<" in unread
    assert "Nhắc hạn lần 2<" not in unread and 'id="unread-only">Chưa đọc (2)' in unread

    last = officer.get("/notifications?page=3").text
    assert "Nhắc hạn lần 0<" in last and 'rel="next"' not in last
    one = re.search(r'name="id" value="(\d+)"', unread).group(1)  # type: ignore[union-attr]
    token = csrf(officer, "/notifications")
    done = officer.post(
        "/notifications/read",
        data={"csrf": token, "id": one, "unread": "true", "page": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/notifications?unread=true"
    assert officer.get("/api/v1/notifications").json()["unread"] == 1
    assert officer.get("/notifications?page=0").status_code == 422


def test_notifications_in_the_app_per_user(store, two_cases, client_as):
    case_id, other = two_cases
    deadline = cases.due_at(dt.date(2026, 4, 1))
    cases.run_reminders(store.engine, deadline - dt.timedelta(days=3))  # to each department
    cases.run_reminders(store.engine, deadline)  # escalations: departments and the office

    officer = client_as("officer")
    page = officer.get("/cases")
    assert re.search(r'href="/notifications">Thông báo <span[^>]*>2</span>', page.text)
    listing = officer.get("/notifications")
    assert f"#{case_id} Ngập phố Nguyễn Khuyến" in listing.text and "Cây đổ" not in listing.text
    assert "còn 2 ngày" in listing.text and "báo cáo vượt cấp lần 1" in listing.text
    mine = officer.get("/api/v1/notifications").json()
    assert mine["unread"] == 2 and {n["case_id"] for n in mine["items"]} == {case_id}

    token = csrf(officer, "/notifications")
    first = mine["items"][0]["id"]
    done = officer.post(
        "/notifications/read", data={"csrf": token, "id": str(first)}, follow_redirects=False
    )
    assert done.status_code == 303
    assert officer.get("/api/v1/notifications").json()["unread"] == 1
    # Another user's notification ids are ignored, not marked.
    office_ids = [
        n["id"] for n in client_as("analyst").get("/api/v1/notifications").json()["items"]
    ]
    assert (
        officer.post("/notifications/read", data={"csrf": token, "id": office_ids}).status_code
        == 200
    )
    assert client_as("analyst").get("/api/v1/notifications").json()["unread"] == 2
    officer.post("/notifications/read", data={"csrf": token})
    after = officer.get("/notifications")
    assert officer.get("/api/v1/notifications").json()["unread"] == 0
    assert 'href="/notifications">Thông báo</a>' in after.text
    assert officer.post("/notifications/read", data={}).status_code == 403  # no CSRF token

    analyst = client_as("analyst")
    office = analyst.get("/api/v1/notifications").json()
    assert office["unread"] == 2  # the two escalations to the office, one per case
    assert {n["case_id"] for n in office["items"]} == {case_id, other}
    assert all(n["kind"] == "escalation" for n in office["items"])


def _indicator_block(html: str, indicator_id: int) -> str:
    """The part of a directive page about one indicator."""
    return html.split(f'id="indicator-{indicator_id}"')[1].split('id="indicator-')[0]


def test_progress_report_form_with_evidence(store, client_as, settings):
    targets.load_example(store.engine)
    indicator = next(i for i in TargetsStore(store.engine).indicators() if i.code == "TTHC-3-4")
    analyst = client_as("analyst")
    page = analyst.get("/targets/1559-TB/TU")
    assert f'action="/targets/indicators/{indicator.id}/reports"' in page.text
    token = csrf(analyst, "/targets/1559-TB/TU")
    url = f"/targets/indicators/{indicator.id}/reports"

    hostile = analyst.post(
        url,
        data={"csrf": token, "period_end": "2020-06-30", "value": "62,5", "comment": "x"},
        files={
            "evidence": (
                "bao-cao.pdf",
                b"<html><script>alert(1)</script></html>",
                "application/pdf",
            )
        },
    )
    assert hostile.status_code == 422 and "chỉ nhận tệp PDF" in hostile.text
    assert TargetsStore(store.engine).reports([indicator.id]) == []
    future = analyst.post(url, data={"csrf": token, "period_end": "2999-01-31", "value": "1"})
    assert future.status_code == 422 and "kỳ chưa kết thúc" in future.text
    words = analyst.post(url, data={"csrf": token, "period_end": "2020-06-30", "value": "nhiều"})
    assert words.status_code == 422 and "không phải là số" in words.text

    comment = unicodedata.normalize("NFD", "Báo cáo 6 tháng <img src=x onerror=alert(1)>")
    done = analyst.post(
        url,
        data={"csrf": token, "period_end": "2020-06-30", "value": "62,5", "comment": comment},
        files={"evidence": ("bao-cao-6-thang.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    where = f"/targets/1559-TB/TU?done=progress-saved#indicator-{indicator.id}"
    assert done.headers["location"] == where
    assert "Đã ghi số liệu của kỳ báo cáo." in analyst.get(where).text  # said, not silent
    (report,) = TargetsStore(store.engine).reports([indicator.id])
    logged = WebStore(store.engine).audit_entries(limit=1)[0]
    assert (logged["action"], logged["username"]) == ("targets.report", "lan")
    assert '"value": 62.5' in logged["after"]
    assert report.value == 62.5 and report.reported_by is not None
    assert report.comment == unicodedata.normalize("NFC", comment)  # sent with a file, cleaned
    shown = analyst.get("/targets/1559-TB/TU").text
    assert "&lt;img src=x onerror=alert(1)&gt;" in shown and "<img src=x" not in shown
    assert f'href="/targets/evidence/{report.id}"' in shown
    assert ">Quá hạn<" in _indicator_block(shown, indicator.id)  # 62,5 % of 100 % by 31/12/2020
    # the value reads as it was typed, in Vietnamese: "62,5 %", never "62.5"; a whole one bare
    assert ">62,5 %<" in _indicator_block(shown, indicator.id) and "62.5" not in shown
    assert "mục tiêu 100 %" in _indicator_block(shown, indicator.id) and "100.0" not in shown
    evidence = client_as("leader").get(f"/targets/evidence/{report.id}")
    assert evidence.status_code == 200 and evidence.content == PDF
    assert evidence.headers["content-type"] == "application/pdf"
    assert evidence.headers["content-disposition"].startswith("attachment")
    assert client_as("officer").get(f"/targets/evidence/{report.id}").status_code == 403

    leader = client_as("leader")
    refused = leader.post(
        url, data={"csrf": csrf(leader, "/targets"), "period_end": "2020-06-30", "value": "1"}
    )
    assert refused.status_code == 403

    api = analyst.post(
        f"/api/v1/targets/indicators/{indicator.id}/reports",
        json={"period_end": "2020-12-31", "value": 100, "comment": "Đạt"},
        headers={"X-CSRF-Token": token},
    )
    assert api.status_code == 201 and api.json()["status"] == "achieved"
    shown = analyst.get("/targets/1559-TB/TU").text
    assert ">Đã đạt<" in _indicator_block(shown, indicator.id)
    assert (
        analyst.post(
            "/api/v1/targets/indicators/999999/reports",
            json={"period_end": "2020-12-31", "value": 1},
            headers={"X-CSRF-Token": token},
        ).status_code
        == 404
    )


def test_a_case_is_opened_from_an_alert_or_a_story(store, client_as):
    add_story(store, 12, "Ngập úng nội đô")
    watch = WatchStore(store.engine)
    alert = raise_alert(
        watch,
        Alert(
            kind="spike",
            subject_kind="story",
            subject_key="12",
            subject_label="chuỗi tin 12: ngập úng nội đô",
            reason="37 bài trong 24 giờ, bình thường 9",
            dedupe_key="spike:story:12:24h:1",
        ),
        OPENED,
    )
    assert alert is not None
    analyst = client_as("analyst")
    page = analyst.get("/alerts").text
    assert f'name="alert_id" value="{alert.id}"' in page
    # the case is titled with what happened, not only its subject ("mạng xã hội Facebook")
    assert 'name="title" value="Tăng đột biến: chuỗi tin 12: ngập úng nội đô"' in page
    token = csrf(analyst, "/alerts")
    made = analyst.post(
        "/cases",
        data={
            "csrf": token,
            "alert_id": str(alert.id),
            "story_id": "12",
            "title": alert.subject_label,
            "issue": alert.reason,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303
    case = cases.get_case(store.engine, ANALYST, int(made.headers["location"].rsplit("/", 1)[1]))
    assert (case.origin, case.alert_id, case.story_id) == ("alert", alert.id, 12)
    from_story = analyst.post(
        "/cases", data={"csrf": token, "story_id": "12", "title": "Ngập úng nội đô"}
    )
    assert from_story.status_code == 200
    # a second click, or the browser sending the form again, opens nothing more
    again = analyst.post(
        "/cases", data={"csrf": token, "story_id": "12", "title": "Ngập úng nội đô"}
    )
    assert again.url == from_story.url
    assert [c.origin for c in cases.visible_cases(store.engine, ANALYST, story_id=12)] == [
        "alert",
        "story",
    ]


def test_the_workflow_through_the_api(store, people, client_as):
    analyst, officer = client_as("analyst"), client_as("officer")
    office, dept = csrf(analyst, "/cases"), csrf(officer, "/cases")
    department = people["officer"].department_id
    opened = analyst.post(
        "/api/v1/cases",
        json={"title": "Rác thải chợ Long Biên", "priority": "urgent", "responsible": [department]},
        headers={"X-CSRF-Token": office},
    )
    assert opened.status_code == 201, opened.text
    case = opened.json()
    assert (case["status"], case["priority"], case["responsible"]) == (
        "assigned",
        "urgent",
        [department],
    )

    def step(client, token: str, **body: object):
        return client.post(
            f"/api/v1/cases/{case['id']}/actions", json=body, headers={"X-CSRF-Token": token}
        )

    assert step(officer, dept, action="start").json()["status"] == "in_progress"
    assert step(officer, dept, action="close").status_code == 403
    assert step(officer, dept, action="answer", answer="").status_code == 409
    answered = step(officer, dept, action="answer", answer="Đã thu gom trong ngày.")
    assert answered.json()["status"] == "answered" and answered.json()["answer"]
    assert step(analyst, office, action="return").status_code == 409  # a reason is needed
    assert step(analyst, office, action="fly").status_code == 409
    assert step(analyst, office, action="close").json()["status"] == "closed"
    leader = client_as("leader")
    refused = leader.post(
        "/api/v1/cases", json={"title": "x"}, headers={"X-CSRF-Token": csrf(leader, "/cases")}
    )
    assert refused.status_code == 403
    assert analyst.post("/api/v1/cases", json={"title": "x"}).status_code == 403  # no CSRF
    actions = [e["action"] for e in WebStore(store.engine).audit_entries(limit=10)]
    assert actions[:4] == ["case.close", "case.answer", "case.start", "case.open"]


def test_the_case_list_exports_to_excel_as_each_user_sees_it(store, two_cases, client_as) -> None:
    own, other = two_cases

    def exported(role: str, query: str = "") -> list[tuple]:
        answer = client_as(role).get(f"/cases/export.xlsx{query}")
        assert answer.status_code == 200
        return list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))

    header, *rows = exported("analyst")
    assert header[:3] == ("Số", "Vấn đề", "Đơn vị chủ trì") and header[-1] == "Liên kết"
    mine = next(r for r in rows if r[0] == own)
    assert mine[1:8] == (
        "Ngập phố Nguyễn Khuyến",
        "Sở Xây dựng",
        None,  # no coordinating department: an empty cell
        "Đã giao",
        "Thông thường",
        dt.datetime(2026, 3, 2),  # days as Excel dates, not text
        dt.datetime(2026, 4, 1),
    )
    assert mine[8] < 0 and str(mine[-1]).endswith(f"/cases/{own}")  # long overdue by now
    assert [r[0] for r in rows] == [own, other]
    assert [r[0] for r in exported("officer")[1:]] == [own]  # his department's only
    assert exported("analyst", "?status=closed")[1:] == []
    pasted = cases.open_case(store.engine, ANALYST, "Cây đổ\x0bphố Huế\x00", now=OPENED)
    titles = {r[0]: r[1] for r in exported("analyst")[1:]}  # a workbook holds no \x0b or \x00
    assert titles[pasted] == "Cây đổphố Huế"
    for listed, link in (("?status=assigned", "?status=assigned"), ("", ""),
                         ("?overdue=true", "?overdue=true")):  # fmt: skip
        page = client_as("analyst").get(f"/cases{listed}").text
        assert f'href="/cases/export.xlsx{link}"' in page
        assert len(exported("analyst", link)) > 1  # the link the page gives opens


def test_deadlines_are_red_within_the_reminder_window_amber_soon_and_said_in_words(
    store, people, client_as
):
    """Red from the rules' first reminder (and past the deadline), amber within twice that, with a
    sign and words besides the colour, on the list and the case page alike."""
    window = max(load_rules().remind_before_days)  # 7 days in the shipped rules
    today = local_day(dt.datetime.now(dt.UTC))
    department = people["officer"].department_id
    opened = {}
    for title, days in (
        ("Cống thoát nước phố Huế", 2),
        ("Ngập úng đường Láng", window - 1),
        ("Rác thải bãi Nam Sơn", window + 3),
        ("Cây xanh phố Lý Thường Kiệt", 3 * window),
        ("Lấn chiếm vỉa hè phố cổ", -3),
    ):
        last_day = today + dt.timedelta(days=days)
        opened[title] = cases.open_case(
            store.engine, ANALYST, title, responsible=[department], last_day=last_day
        )

    def deadline(page: str, title: str) -> str:
        cell = page[page.index('<td class="text-end">', page.index(title)) :]
        return cell[: cell.index("</td>")]

    officer = client_as("officer")
    page = officer.get("/cases").text
    close = deadline(page, "Ngập úng đường Láng")
    assert 'class="text-nowrap due-close"' in close and "⚠" in close
    assert f"(còn {window - 1} ngày)" in close and "Sắp đến hạn trả lời" in close
    assert "due-close" in deadline(page, "Cống thoát nước phố Huế")
    soon = deadline(page, "Rác thải bãi Nam Sơn")
    assert 'class="text-nowrap due-soon"' in soon and "Gần đến hạn trả lời" in soon
    calm = deadline(page, "Cây xanh phố Lý Thường Kiệt")
    assert 'class="text-nowrap"' in calm and "due-" not in calm.replace("due-left", "")
    past = deadline(page, "Lấn chiếm vỉa hè phố cổ")
    assert "due-overdue" in past and "(quá hạn 3 ngày)" in past and "-3 ngày" not in page
    case = officer.get(f"/cases/{opened['Ngập úng đường Láng']}").text
    assert "due-close" in case and "Sắp đến hạn trả lời" in case
    officer.cookies.set("baochi_lang", "en")
    english = officer.get("/cases").text
    assert "The answer is due soon" in english and "The answer is overdue" in english


def test_the_case_list_puts_open_work_first_a_page_at_a_time(store, people, client_as):
    """A year of closed cases must not bury today's; the filters find one and links keep them."""
    own = people["officer"].department_id
    today = local_day(dt.datetime.now(dt.UTC))
    closed = []
    for n in range(52):
        found = cases.open_case(
            store.engine,
            ANALYST,
            f"Phản ánh số {n} năm trước",
            responsible=[own if n % 2 else 8],
            last_day=today - dt.timedelta(days=300 - n),
        )
        cases.act(store.engine, ANALYST, found, "withdraw", note="đã xử lý")
        closed.append(found)
    current = cases.open_case(
        store.engine,
        ANALYST,
        "Ngập phố Nguyễn Khuyến",
        issue="Mưa lớn gây úng ngập",
        responsible=[own],
        last_day=today + dt.timedelta(days=10),
    )
    analyst, officer = client_as("analyst"), client_as("officer")

    def listed(client, query: str = "") -> tuple[list[int], str]:
        page = client.get(f"/cases{query}")
        assert page.status_code == 200
        ids = re.findall(r'<td class="d-none d-md-table-cell">(\d+)</td>', page.text)
        return [int(i) for i in ids], page.text

    first, page = listed(analyst)
    assert first == [current, *closed[::-1][:49]]  # the open case, then the latest deadlines
    assert "53 hồ sơ" in page and "Trang 1 / 2" in page and 'href="/cases?page=2"' in page
    second, page = listed(analyst, "?page=2")
    assert second == closed[2::-1] and 'href="/cases?page=1"' in page
    past, page = listed(analyst, "?status=closed&page=5")
    assert past == [] and "Trang này đã quá trang cuối của danh sách." in page
    assert "Chưa có dữ liệu." not in page and "Trang 5 / 2" in page
    assert 'href="/cases?status=closed&amp;page=1">← Trang đầu</a>' in page
    assert listed(analyst, "?q=nguyen+khuyen")[0] == [current]  # without diacritics
    assert listed(analyst, "?q=%C3%BAng+ng%E1%BA%ADp")[0] == [current]  # words of the issue
    nothing, page = listed(analyst, "?q=nguyen+khu")
    assert nothing == [] and "Không có hồ sơ nào khớp bộ lọc." in page  # whole syllables only
    in_eight, page = listed(analyst, "?department=8")
    assert in_eight == closed[::2][::-1] and "26 hồ sơ" in page and "Trang" not in page
    assert '<option value="8" selected>' in page
    closed_ones, page = listed(analyst, "?status=closed")
    assert listed(analyst, "?q=&status=closed&department=")[0] == closed_ones  # the form's "any"
    assert 'href="/cases?status=closed&amp;page=2"' in page  # the next page keeps the filter
    mine, page = listed(officer, "?department=8")  # an officer's list is his department's
    assert mine == [current, *closed[1::2][::-1]] and 'name="department"' not in page
    assert analyst.get("/cases?department=x").status_code == 422
    api = analyst.get("/api/v1/cases", params={"q": "ngap", "status": "assigned"}).json()
    assert [c["id"] for c in api["items"]] == [current]
    # the API reads page by page in the list's order, and says how many pass in all
    pages = [
        analyst.get("/api/v1/cases", params={"limit": 20, "offset": n}).json() for n in (0, 20, 40)
    ]
    assert [p["total"] for p in pages] == [53, 53, 53]
    assert [c["id"] for p in pages for c in p["items"]] == [current, *closed[::-1]]
    assert len(analyst.get("/api/v1/cases").json()["items"]) == 53  # under the default 100
    assert analyst.get("/api/v1/cases?limit=0").status_code == 422
    exported = analyst.get("/cases/export.xlsx?q=ph%E1%BA%A3n+%C3%A1nh&department=8")
    rows = list(load_workbook(io.BytesIO(exported.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == in_eight


def test_a_department_merged_into_another_hands_over_its_people_and_open_work(
    store, people, client_as, web
) -> None:
    """The 2025 reform merged the Department of Transport (8) into Construction: its officer,
    its open cases, its watchlist and its alert rule move; its closed case keeps its name."""
    building = people["officer"].department_id
    from baochi.web.users import create_user

    tuan, _ = create_user(web, "tuan", "officer", "Sở Giao thông vận tải", "", "Tuấn")
    assert tuan.department_id == 8
    road = cases.open_case(store.engine, ANALYST, "Hố ga mất nắp", responsible=[8], now=OPENED)
    shared = cases.open_case(
        store.engine, ANALYST, "Ngập hầm chui", responsible=[8], coordinating=[building],
        now=OPENED,
    )  # fmt: skip
    done = cases.open_case(store.engine, ANALYST, "Biển báo sai", responsible=[8], now=OPENED)
    cases.act(store.engine, ANALYST, done, "withdraw", "Báo đã tự đính chính", now=OPENED)
    watch = WatchStore(store.engine)
    watch_id, _ = watch.add_watchlist("Giao thông", "ùn tắc", OPENED, department_id=8)
    watch.add_rule(["match"], "email", "gtvt@hanoi.gov.vn", 0, OPENED, department_id=8)

    admin = client_as("admin")
    page = admin.post(
        "/admin/departments/8/merge",
        data={"into": str(building), "confirm": "1", "csrf": csrf(admin)},
    )
    assert page.status_code == 200 and page.url.path == "/admin/departments"
    assert "Đã gộp vào</span> «Sở Xây dựng»" in page.text
    assert web.user(tuan.id).department_id == building
    minh = client_as("officer").get("/cases").text  # Minh sees the transport cases now
    assert "Hố ga mất nắp" in minh and "Ngập hầm chui" in minh and "Biển báo sai" not in minh
    store_cases = CasesStore(store.engine)
    assert store_cases.case(shared).responsible == (building,)  # one link, responsible
    assert store_cases.case(shared).coordinating == ()
    assert store_cases.case(done).responsible == (8,)  # what it closed stays its own
    assert "Sở Giao thông vận tải" in client_as("analyst").get(f"/cases/{done}").text
    assert [w.department_id for w in watch.watchlists() if w.id == watch_id] == [building]
    assert [r.department_id for r in watch.rules()] == [building]
    (entry,) = [e for e in web.audit_entries(50, None) if e["action"] == "department.merge"]
    assert entry["entity"] == "department:8"
    assert '"users": 1' in entry["after"] and '"cases": 2' in entry["after"]

    book = load_workbook(io.BytesIO(admin.get("/admin/departments/export.xlsx").content))
    listed = {row[0]: row for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert listed["Sở Giao thông vận tải"][4] == "Sở Xây dựng"  # merged into, and when
    assert listed["Sở Giao thông vận tải"][5] and listed["Sở Xây dựng"][4] is None
    assert client_as("analyst").get("/admin/departments/export.xlsx").status_code == 403

    users_page = admin.get("/admin/users").text  # no one is put in a merged department
    assert ">Sở Giao thông vận tải</option>" not in users_page
    assert ">Sở Giao thông vận tải</option>" not in client_as("analyst").get(f"/cases/{road}").text
    listed_filter = client_as("analyst").get("/cases").text  # its past cases, marked as merged
    assert '<option value="8">Sở Giao thông vận tải (đã gộp)</option>' in listed_filter
    with pytest.raises(cases.CaseError, match="đã gộp"):
        cases.open_case(store.engine, ANALYST, "Đèn tín hiệu hỏng", responsible=[8], now=OPENED)
    again = admin.post("/admin/departments", data={"name": "Sở Giao thông vận tải",
                                                    "csrf": csrf(admin)})  # fmt: skip
    assert again.status_code == 409 and "đã gộp vào «Sở Xây dựng»" in again.text
    assert create_user(web, "lan2", "officer", "sở giao thông vận tải", "", "")[0].department_id \
        == building  # fmt: skip
    twice = admin.post("/admin/departments/8/merge",
                       data={"into": "7", "confirm": "1", "csrf": csrf(admin)})  # fmt: skip
    assert twice.status_code == 409 and "đã được gộp" in twice.text
    unconfirmed = admin.post("/admin/departments/9/merge",
                             data={"into": "7", "csrf": csrf(admin)})  # fmt: skip
    assert unconfirmed.status_code == 422
    itself = admin.post("/admin/departments/9/merge",
                        data={"into": "9", "confirm": "1", "csrf": csrf(admin)})  # fmt: skip
    assert itself.status_code == 409 and web.successor(9) == 9
    analyst = client_as("analyst")
    tried = {"into": "7", "confirm": "1", "csrf": csrf(analyst)}
    assert analyst.post("/admin/departments/9/merge", data=tried).status_code == 403
    merged_again = admin.post("/admin/departments/" + str(building) + "/merge",
                              data={"into": "7", "confirm": "1", "csrf": csrf(admin)})  # fmt: skip
    assert merged_again.status_code == 200  # the merged one's people follow, once more
    assert web.successor(8) == 7 and web.user(tuan.id).department_id == 7
    into_merged = admin.post("/admin/departments/9/merge",
                             data={"into": "8", "confirm": "1", "csrf": csrf(admin)})  # fmt: skip
    assert (
        into_merged.status_code == 409 and "«Sở Giao thông vận tải» đã được gộp" in into_merged.text
    )


def test_a_department_sent_twice_by_a_form_or_the_api_is_linked_once(store, client_as):
    """department=7&department=7, or "coordinating": [8, 8], broke the unique key: a 500."""
    analyst = client_as("analyst")
    token = csrf(analyst, "/cases")
    form = {"csrf": token, "title": "Hai lần", "department": ["7", "7"]}
    made = analyst.post("/cases", data=form, follow_redirects=False)
    assert made.status_code == 303
    case_id = int(made.headers["location"].rsplit("/", 1)[1])
    assert cases.get_case(store.engine, ANALYST, case_id).responsible == (7,)
    routed = analyst.post(f"/cases/{case_id}/assign", data={"csrf": token, "department": ["8", "8"],
                          "coordinating": ["9", "9"]}, follow_redirects=False)  # fmt: skip
    assert routed.status_code == 303
    case = cases.get_case(store.engine, ANALYST, case_id)
    assert (case.responsible, case.coordinating) == ((8,), (9,))
    body = {"title": "Qua API", "responsible": [7], "coordinating": [8, 8, 7]}
    opened = analyst.post("/api/v1/cases", json=body, headers={"X-CSRF-Token": token})
    assert opened.status_code == 201
    assert (opened.json()["responsible"], opened.json()["coordinating"]) == ([7], [8])


def test_confirming_an_article_that_is_not_there_is_a_404(store, client_as, people):
    """Article 424242 confirmed as a case's reply broke its foreign key: a 500."""
    case_id = cases.open_case(store.engine, ANALYST, "Ngập", responsible=[7], now=OPENED)
    analyst = client_as("analyst")
    token = csrf(analyst, f"/cases/{case_id}")
    confirmed = analyst.post(f"/cases/{case_id}/replies/424242",
                             data={"csrf": token, "relation": "reply"})  # fmt: skip
    assert confirmed.status_code == 404 and "Không có bài báo số 424242" in confirmed.text
    assert CasesStore(store.engine).case_documents(case_id) == []


def test_marking_read_an_id_no_row_can_have_is_refused(store, two_cases, client_as):
    """An id of 23 digits reached the driver (an OverflowError, a 500); a list of them is
    bounded too."""
    cases.run_reminders(store.engine, cases.due_at(dt.date(2026, 4, 1)))
    officer = client_as("officer")
    token = csrf(officer, "/notifications")
    huge = "9" * 23
    refused = officer.post("/notifications/read", data={"csrf": token, "id": [huge]})
    assert refused.status_code == 422
    many = officer.post("/notifications/read", data={"csrf": token, "id": ["1"] * 501})
    assert many.status_code == 422
    api = officer.post(f"/api/v1/notifications/read?id={huge}", headers={"X-CSRF-Token": token})
    assert api.status_code == 422
    assert officer.get("/api/v1/notifications").json()["unread"] == 1  # nothing marked
    marked = officer.post("/notifications/read", data={"csrf": token, "id": ["1"] * 500})
    assert marked.status_code == 200 and officer.get("/api/v1/notifications").json()["unread"] == 0


def test_reminders_sent_before_a_merge_are_not_sent_again(store, people, client_as):
    """The reminder keys named the merged department: once its cases moved to the target, the
    next run found no key for the target and sent every reminder again."""
    building = people["officer"].department_id
    moved = cases.open_case(store.engine, ANALYST, "Hố ga mất nắp", responsible=[8], now=OPENED)
    shared = cases.open_case(store.engine, ANALYST, "Ngập hầm chui", responsible=[8, building],
                             now=OPENED)  # fmt: skip
    at = cases.due_at(dt.date(2026, 4, 1)) - dt.timedelta(days=3)
    assert len(cases.run_reminders(store.engine, at)) == 3
    admin = client_as("admin")
    form = {"into": str(building), "confirm": "1", "csrf": csrf(admin)}
    merged = admin.post("/admin/departments/8/merge", data=form)
    assert merged.status_code == 200
    assert cases.run_reminders(store.engine, at + dt.timedelta(hours=1)) == []
    told = client_as("officer").get("/api/v1/notifications").json()["items"]
    assert sorted(n["case_id"] for n in told) == sorted([moved, shared, shared])  # as sent
    escalated = cases.run_reminders(store.engine, cases.due_at(dt.date(2026, 4, 1)))
    assert sorted((n.case_id, n.department_id) for n in escalated if n.department_id) == [
        (moved, building),
        (shared, building),
    ]  # what comes after the merge goes to the target, once per case


def test_a_refused_answer_keeps_no_letter(store, two_cases, client_as, settings):
    """An answer refused (the case was answered already: a colleague's came first) kept the
    letter sent with it."""
    own, _ = two_cases
    officer = client_as("officer")
    token = csrf(officer, f"/cases/{own}")
    first = officer.post(f"/cases/{own}/answer", data={"csrf": token, "answer": "Đã nạo vét"})
    assert first.status_code == 200
    late = officer.post(
        f"/cases/{own}/answer",
        data={"csrf": token, "answer": "Một câu trả lời khác"},
        files={"file": ("cong-van.pdf", PDF, "application/pdf")},
    )
    assert late.status_code == 409 and "trạng thái «Đã trả lời»" in late.text
    assert CasesStore(store.engine).attachments(own) == []
    assert not list((settings.data / "attachments").glob("*"))
    letter = officer.post(f"/cases/{own}/answer", data={"csrf": token, "answer": "Đã nạo vét"},
                          files={"file": ("cong-van.pdf", PDF, "application/pdf")})  # fmt: skip
    assert letter.status_code == 200  # the answer given, sent again with its letter
    assert [f["original_name"] for f in CasesStore(store.engine).attachments(own)] == [
        "cong-van.pdf"
    ]
