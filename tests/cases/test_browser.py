"""The key flow of cases in a real browser (Debian's chromium driven by Playwright): an analyst
opens a case from a hostile article, the department's officer is reminded, answers with the
official letter and reads their notifications, and the analyst closes the case."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from baochi import cases
from baochi.db.cases_store import CasesStore
from baochi.db.web_store import WebStore
from baochi.hanoi_time import HANOI
from baochi.records import Analysis, Article, Collected, Document, Keys
from tests.web import conftest as web_fixtures
from tests.web import test_browser
from tests.web.conftest import HOSTILE_TITLE, PASSWORD

pytestmark = test_browser.pytestmark
sync_api = test_browser.sync_api
app, people, web, articles = (
    web_fixtures.app,
    web_fixtures.people,
    web_fixtures.web,
    web_fixtures.articles,
)
quick_hashes, server = web_fixtures.quick_hashes, test_browser.server
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def signed_in(server: str) -> Iterator[Callable[[str], object]]:
    """A factory of browser tabs, each signed in as one user in a context of its own; any
    JavaScript dialog (a script that ran) fails the test. The browser's own question before
    leaving typed text behind is not a script's: a test that causes it answers it."""
    dialogs: list[str] = []

    def seen(dialog: Any) -> None:
        if dialog.type != "beforeunload":
            dialogs.append(dialog.message)
            dialog.dismiss()

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=test_browser.CHROMIUM, headless=True, args=test_browser.ARGS
        )

        def tab(username: str) -> object:
            page = browser.new_context(base_url=server).new_page()
            page.on("dialog", seen)
            page.goto("/login")
            page.fill("#username", username)
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_load_state()
            return page

        yield tab
        browser.close()
    assert dialogs == [], f"a script ran: {dialogs}"


def test_a_case_from_article_to_department_and_back(signed_in, store, people, articles, tmp_path):
    # Lan opens a case from the hostile article, routed to Minh's department.
    lan = signed_in("lan")
    lan.goto(f"/documents/{articles[0]}")
    lan.click("#open-case summary")
    lan.select_option("#open-case select[name=department]", label="Sở Xây dựng")
    lan.click("#open-case button[type=submit]")
    lan.wait_for_url("**/cases/*")
    case_id = int(lan.url.rsplit("/", 1)[1])
    assert lan.locator("h1").inner_text() == f"#{case_id} {HOSTILE_TITLE}"

    # Seven days before the deadline the department is reminded.
    case = cases.get_case(store.engine, cases.Actor("admin"), case_id)
    cases.run_reminders(store.engine, cases.due_at(case.due_on) - dt.timedelta(days=7))

    # Minh lands on his cases, sees the count beside Thông báo, reads and clears it.
    minh = signed_in("minh")
    minh.wait_for_url("**/cases")
    assert minh.locator(f'a[href="/cases/{case_id}"]').inner_text() == HOSTILE_TITLE
    bell = minh.locator('nav a[href="/notifications"] .nav-count')
    assert bell.inner_text() == "1"
    minh.click('nav a[href="/notifications"]')
    minh.wait_for_url("**/notifications")
    assert "còn 6 ngày" in minh.locator(".list-group").inner_text()  # as the pages count
    minh.click("text=Đánh dấu tất cả đã đọc")
    minh.wait_for_url("**/notifications")
    assert bell.count() == 0

    # He answers, first with a page saved as ".pdf": refused, his text given back unsaved, and
    # leaving it asks first. Then with the official letter attached.
    answer = "Sở Xây dựng đã kiểm tra và gỡ bỏ đường dẫn lừa đảo."
    wrong = tmp_path / "cong-van-tra-loi-luu-nham.pdf"
    wrong.write_bytes(b"<html><body>trang web</body></html>")
    minh.goto(f"/cases/{case_id}")
    minh.fill("textarea[name=answer]", answer)
    minh.set_input_files("input[name=file]", str(wrong))
    minh.click("text=Gửi trả lời")
    assert "chỉ nhận tệp PDF" in minh.locator("#answer-refused").inner_text()
    assert minh.input_value("textarea[name=answer]") == answer
    asked: list[str] = []
    minh.once("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    minh.click("nav a[href='/cases']")  # dismissed: he stays with his text
    assert asked == ["beforeunload"] and minh.input_value("textarea[name=answer]") == answer
    letter = tmp_path / "Công văn trả lời số 12.pdf"
    letter.write_bytes(PDF)
    minh.set_input_files("input[name=file]", str(letter))
    minh.click("text=Gửi trả lời")
    minh.wait_for_url(f"**/cases/{case_id}")
    assert minh.locator('a[href^="/cases/files/"]').inner_text() == letter.name
    assert "Đã trả lời" in minh.locator("p.text-secondary").first.inner_text()

    # Lan reads the answer, saves the letter under its own name, and closes the case.
    lan.goto(f"/cases/{case_id}")
    assert "gỡ bỏ đường dẫn lừa đảo" in lan.inner_text("body")
    with lan.expect_download() as saved:
        lan.click('a[href^="/cases/files/"]')
    assert saved.value.suggested_filename == letter.name
    lan.click("button:has-text('Đóng')")
    lan.wait_for_url(f"**/cases/{case_id}")
    assert "Đã đóng" in lan.locator("p.text-secondary").first.inner_text()
    events = [e["action"] for e in CasesStore(store.engine).events(case_id)]
    assert events == ["open", "answer", "close"]


def test_a_second_click_while_the_server_works_opens_no_second_case(
    signed_in, store, articles, monkeypatch
):
    """On a slow day Lan clicks "Mở hồ sơ" again before the first click has an answer: the form
    is sent once, and one case is opened."""
    from baochi.cases import web as cases_web

    opened = cases_web.casework.open_case

    def slow_open_case(*args, **kwargs):  # the server takes its time, as under load
        time.sleep(0.5)
        return opened(*args, **kwargs)

    monkeypatch.setattr(cases_web.casework, "open_case", slow_open_case)
    lan = signed_in("lan")
    lan.goto(f"/documents/{articles[1]}")
    lan.click("#open-case summary")
    sent = []
    lan.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)
    lan.locator("#open-case button[type=submit]").evaluate(
        "button => { button.click(); setTimeout(() => button.click(), 150); }"
    )
    sync_api.expect(lan).to_have_url(re.compile(r"/cases/\d+$"))  # whichever answer lands
    lan.wait_for_load_state("networkidle")
    assert [url.rsplit("/", 1)[1] for url in sent] == ["cases"]
    assert len(cases.visible_cases(store.engine, cases.Actor("admin"))) == 1


def test_back_to_a_filtered_list_its_form_shows_the_filters_of_its_address(
    signed_in, store, people, articles
):
    """Lan filters the cases, with every department, by a status no case has, then goes back:
    the list is the whole list again and so is its form, so her next "Lọc" applies what she
    sees, not what she had picked before leaving."""
    title = "Phản ánh về rác thải trên phố Nguyễn Khuyến"
    cases.open_case(store.engine, cases.Actor("analyst", user_id=1), title)
    lan = signed_in("lan")
    lan.goto("/cases")
    lan.select_option("select[name=status]", "closed")
    lan.check("input[name=overdue]")
    lan.click("main form[method=get] button[type=submit]")
    lan.wait_for_url("**/cases?*status=closed*")
    assert "Không có hồ sơ nào khớp bộ lọc." in lan.inner_text("main")  # "Mọi đơn vị" is any
    lan.go_back()
    lan.wait_for_url(re.compile(r"/cases$"))
    assert title in lan.inner_text("main")
    assert lan.input_value("select[name=status]") == ""
    assert not lan.is_checked("input[name=overdue]")


def test_one_endless_word_wraps_where_it_stands(signed_in, store, people, site_articles):
    """A title of 3,000 letters without a space (a pasted link, a hash) and a progress comment
    holding one: each wraps in its own cell on a desktop screen, so the page is no wider than
    the screen and a table's counts stay in view instead of 30,000 px to the right."""
    from baochi import targets
    from baochi.db.targets_store import TargetsStore
    from baochi.stories import assign

    word = "A" * 3000
    now = dt.datetime.now(dt.UTC)
    article = Article(
        url="https://bao.example.vn/dai.html",
        title=f"Hà Nội: {word}",
        lead="",
        body=site_articles[0]["text"],
        published_at=now,
    )
    about = Analysis("xa_hoi", "negative", "Hà Nội", True, (), "")  # so that a brief takes it
    document = Document(article, Keys.of(article), about)
    ((_, doc_id),) = store.save_documents([Collected(document, (), now)])
    (link,) = assign(store.engine, [doc_id])
    cases.open_case(store.engine, cases.Actor("analyst", user_id=1), f"Phản ánh {word[:280]}")
    targets.load_example(store.engine)
    indicator = TargetsStore(store.engine).indicators()[0]
    comment = f"Nguồn: https://bao.example.vn/{word}"
    targets.record_progress(store.engine, indicator.id, dt.date(2020, 6, 30), 50, comment)
    fits = (
        "() => [...document.querySelectorAll('.table-responsive')]"
        ".map(e => e.scrollWidth - e.clientWidth)"
    )
    lan = signed_in("lan")
    lan.set_viewport_size({"width": 1366, "height": 900})
    lan.goto("/reports")  # today's brief, the article among its stories
    lan.locator("#brief-day").fill(f"{now.astimezone(HANOI):%d/%m/%Y}")
    lan.click("#make-brief button[type=submit]")
    lan.wait_for_url("**/reports/drafts/*")
    draft = urlsplit(lan.url).path
    assert word[:100] in lan.content()
    for path in ("/stories", f"/stories/{link.story}", "/cases", "/targets/1559-TB/TU", draft):
        lan.goto(path)
        assert lan.evaluate("document.documentElement.scrollWidth") <= 1366, path
        assert all(overflow <= 0 for overflow in lan.evaluate(fits)), (path, lan.evaluate(fits))


def test_on_a_phone_the_lists_fit_the_screen(signed_in, store, people, articles):
    """Minh's cases, Hùng's stories, lagging tasks, press activity and city channels, Hoa's
    sources, settings, audit log and users, and Lan's search for one very long word, on a 390 px
    phone: no table wider than the screen, and the first column wide enough to read; the rest
    moves under it."""
    from baochi import registry, targets
    from baochi.db.social_store import SocialStore
    from baochi.db.stories_store import StoryStore
    from baochi.db.web_store import audit
    from baochi.stories import assign

    targets.load_example(store.engine)  # Notice 1559-TB/TU: its 2020 tasks are overdue
    registry.load_example(store.engine)  # the press agencies after the 2025 arrangement
    SocialStore(store.engine).add_account(
        "facebook", "facebook", "1020304", "Cổng TTĐT Hà Nội", True, "Sở Xây dựng"
    )
    links = assign(store.engine, articles)
    department = people["officer"].department_id
    merged = {"name": "Sở Giao thông vận tải", "merged_into": "Sở Xây dựng", "users": 3}
    audit(store.engine, people["admin"], "department.merge", "department:8", None, merged)
    WebStore(store.engine).add_department("Ban Quản lý các khu công nghiệp và chế xuất Hà Nội")
    title = "Phản ánh của báo về tình trạng ùn tắc kéo dài trên đường Nguyễn Trãi giờ cao điểm"
    analyst = cases.Actor("analyst", user_id=1)
    cases.open_case(store.engine, analyst, title, responsible=[department])
    fits = (
        "() => [...document.querySelectorAll('.table-responsive')]"
        ".map(e => e.scrollWidth - e.clientWidth)"
    )
    task = "Ứng dụng công nghệ thông tin trong cải cách hành chính"
    feed = "https://hanoimoi.vn/rss/khoa-hoc-cong-nghe/chuyen-doi-so-va-cong-nghe-thong-tin.rss"
    store.add_source(feed, "Báo Hànộimới", section="Khoa học công nghệ - Chuyển đổi số")
    story = StoryStore(store.engine).story(int(links[1].story)).title
    pages = (
        ("minh", "/cases", title),
        ("lan", "/cases", title),  # her filters name every department
        ("hung", "/targets", task),
        ("hung", "/targets/1559-TB/TU", None),  # each task's status beside its title
        ("hung", "/stories", story),
        ("hung", "/registry/activity", "Hà Nội"),
        ("hung", "/social/channels", "Cổng TTĐT Hà Nội"),
        ("hoa", "/sources", "Báo"),
        ("hoa", "/admin/settings", "BAOCHI_DATA"),
        ("hoa", "/admin/audit", "Gộp vào"),  # what changed, under the action
        ("hoa", "/admin/users", None),  # a form in each row: only that it fits
        ("hoa", "/admin/departments", None),  # a form in each row too
        ("lan", "/search?q=" + "ngap" * 150, None),  # 600 characters with no space, echoed
        ("lan", "/search?q=date:" + "x" * 600, None),  # and in the error that quotes it
    )
    for name, path, shown in pages:
        tab = signed_in(name)
        tab.set_viewport_size({"width": 390, "height": 844})
        tab.goto(path)
        assert all(overflow <= 0 for overflow in tab.evaluate(fits)), (path, tab.evaluate(fits))
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390, path
        if shown is not None:  # read across, not word by word
            cell = tab.locator(".table-responsive td", has_text=shown).first
            assert cell.bounding_box()["width"] >= 0.4 * 390, path
        if path.startswith("/targets/"):  # a badge as tall as its line, not as its title
            heights = tab.evaluate(
                "[...document.querySelectorAll('.badge')].map(b => b.offsetHeight)"
            )
            assert heights and max(heights) < 30, heights
        if path == "/cases":  # the days left go under the date, leaving the title room
            row = tab.locator("tr", has_text=title)
            date, left = row.locator(".due-left").locator("xpath=.."), row.locator(".due-left")
            assert left.bounding_box()["y"] > date.bounding_box()["y"] + 5, name
