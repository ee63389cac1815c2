"""The brief in a real browser (Debian's chromium driven by Playwright), on real collected data:
Lan makes the brief of the day, drops a story, rewrites a summary, downloads the DOCX and issues
it; Hùng reads it on a phone-sized screen, where it fits the width and offers nothing to edit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from docx import Document

from baochi import hanoi_time
from baochi.reports import charts as charts_mod
from baochi.reports import drafts
from baochi.reports.period import yesterday
from tests.cases import test_browser as cases_browser
from tests.reports import test_web
from tests.reports.conftest import Collected
from tests.serving import serving
from tests.web import test_browser

pytestmark = test_browser.pytestmark
users, signed_in = test_web.users, cases_browser.signed_in
EDITED = "Tóm tắt do chị Lan viết lại: <b>không</b> phải mã HTML, chỉ là chữ."
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def server(collected: Collected, users: dict[str, str]) -> Iterator[str]:
    """The app over the collected data, on a free loopback port."""
    from baochi.web import create_app

    with serving(create_app(collected.settings, collected.store)) as address:
        yield address


def test_analyst_edits_and_downloads_the_brief_a_leader_reads_it_on_a_phone(
    signed_in, collected: Collected
) -> None:
    lan = signed_in("lan")
    lan.goto("/reports")
    day = lan.locator("#brief-day")  # day first, whatever the browser's language (en-US here)
    assert lan.evaluate("navigator.language") == "en-US"
    assert day.input_value() == f"{yesterday(dt.datetime.now(dt.UTC)):%d/%m/%Y}"
    assert day.get_attribute("placeholder") == "dd/mm/yyyy"
    day.click()  # the calendar is the page's language, Monday first
    assert lan.locator(".flatpickr-calendar.open .flatpickr-weekday").first.inner_text() == "T2"
    day.fill("31/02/2017")  # no such day: kept as typed, and the form says so instead of sending
    lan.click("#make-brief button[type=submit]")
    assert day.input_value() == "31/02/2017"
    assert day.evaluate("e => e.validationMessage") == (
        "Ngày không hợp lệ: ghi ngày/tháng/năm, ví dụ 28/11/2026."
    )
    assert lan.url.endswith("/reports")
    day.fill(f"{hanoi_time.today() + dt.timedelta(days=1):%d/%m/%Y}")  # no brief of tomorrow
    lan.click("#make-brief button[type=submit]")
    assert day.evaluate("e => e.validationMessage") == (
        f"Ngày không được sau {hanoi_time.today():%d/%m/%Y}."
    )
    lan.locator("#report-first").fill("01/11/2026")  # typed, then Tab to the next day:
    lan.keyboard.press("Tab")  # no calendar opens over the button clicked after it
    assert lan.evaluate("document.activeElement.id") == "report-last"
    assert lan.locator(".flatpickr-calendar.open").count() == 0
    day.fill("6.2.2017")  # the day the test site's articles appeared, typed as people do
    lan.click("#make-brief button[type=submit]")
    lan.wait_for_url("**/reports/drafts/*")
    draft_id = int(lan.url.rsplit("/", 1)[1])
    assert lan.locator("#preview h1").inner_text() == "ĐIỂM BÁO"

    _, made = drafts.load(collected.store.engine, draft_id)
    dropped, edited = [e for e in made.entries() if e.key.startswith("story:") and e.included][:2]
    lan.locator(f'#edit-draft .entry[data-key="{dropped.key}"] input[type=checkbox]').uncheck()
    lan.locator(f'#edit-draft .entry[data-key="{edited.key}"] textarea').fill(EDITED)
    asked: list[str] = []  # what leaving the page asked
    lan.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.accept()))
    lan.click("#save-draft")
    lan.wait_for_url(f"**/reports/drafts/{draft_id}?notice=saved")
    assert asked == []  # saving is not leaving
    preview = lan.locator("#preview")
    assert EDITED in preview.inner_text()
    assert preview.locator("b").count() == 0  # the summary is text, not markup
    assert dropped.title not in preview.inner_text()
    assert edited.title in preview.inner_text()

    lan.click("#note")
    lan.keyboard.type("Kính trình")  # typed, then a click elsewhere before saving
    lan.click('nav a[href="/reports"]')
    lan.wait_for_url("**/reports")
    assert asked == ["beforeunload"]  # the browser asked before the text was left behind
    lan.goto(f"/reports/drafts/{draft_id}")

    with lan.expect_download() as download:
        lan.click(f'a[href="/reports/drafts/{draft_id}/file.docx"]')
    assert download.value.suggested_filename == "diem-bao-2017-02-06.docx"
    word = Document(str(download.value.path()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert EDITED in text and edited.title in text and dropped.title not in text
    lan.click("#issue-button")  # the leader reads what was issued, not the work in progress
    lan.wait_for_url(f"**/reports/drafts/{draft_id}?notice=issued")

    hung = signed_in("hung")
    hung.set_viewport_size(PHONE)
    hung.goto(f"/reports/drafts/{draft_id}")
    assert EDITED in hung.locator("#preview").inner_text()
    assert hung.locator("#edit-draft, #send-draft, textarea, input[type=checkbox]").count() == 0
    assert hung.locator(f'a[href="/reports/drafts/{draft_id}/file.pdf"]').is_visible()
    widths = hung.evaluate(
        "() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth,"
        " widest: Math.max(...[...document.querySelectorAll('#preview *:not(.paper-chart *)')]"
        ".map(e => e.getBoundingClientRect().right))})"
    )
    assert widths["page"] <= widths["screen"] and widths["widest"] <= widths["screen"], widths
    size = hung.locator("#preview .paper-entry-text").first.evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 14  # readable without zooming


def test_back_and_forward_the_drafts_filter_shows_the_day_of_its_address(signed_in) -> None:
    """A day typed into the filter, then Back: the field is empty like the list's address; then
    Forward: the day is back, day first."""
    lan = signed_in("lan")
    lan.goto("/reports")
    day = lan.locator("#drafts-day")
    day.fill("06/02/2017")
    lan.click("#drafts-filter button[type=submit]")
    lan.wait_for_url("**/reports?*day=2017-02-06*")
    assert day.input_value() == "06/02/2017"
    lan.go_back()
    lan.wait_for_url("**/reports")
    assert day.input_value() == ""
    lan.go_forward()
    lan.wait_for_url("**/reports?*day=2017-02-06*")
    assert day.input_value() == "06/02/2017"


def test_a_leader_reads_the_monthly_report_charts_on_a_phone(signed_in) -> None:
    """On a phone each chart is drawn for the screen and fits it: neither the page's chart
    shrunk to letters of 5 px nor one that scrolls sideways in its frame; on a desktop the
    page's chart fits its column."""
    lan = signed_in("lan")
    lan.goto("/reports")
    lan.select_option("#report-kind", "month")
    lan.fill("#report-first", "06/02/2017")
    lan.click("#make-report button[type=submit]")
    lan.wait_for_url("**/reports/drafts/*")
    report = lan.url
    lan.click("#issue-button")
    lan.wait_for_url("**/reports/drafts/*?notice=issued")
    hung = signed_in("hung")
    for phone in (PHONE, {"width": 390, "height": 844}):
        hung.set_viewport_size(phone)
        hung.goto(report)
        charts = hung.locator("#preview .paper-chart")
        assert charts.count() >= 2
        for chart in charts.all():
            seen = chart.evaluate(
                "f => ({shown: f.querySelector('img').getBoundingClientRect().width,"
                " drawn: f.querySelector('img').naturalWidth, frame: f.clientWidth,"
                " scrolls: f.scrollWidth, page: document.documentElement.scrollWidth})"
            )
            assert seen["shown"] <= seen["frame"] == seen["scrolls"], seen
            assert seen["page"] <= phone["width"], seen
            letters = charts_mod.LETTERS / 72 * charts_mod.DPI * seen["shown"] / seen["drawn"]
            assert letters >= 10, seen  # pixels high: readable without zooming
    lan.set_viewport_size({"width": 1280, "height": 900})
    wide = lan.locator("#preview .paper-chart img").first.evaluate(
        "i => [i.naturalWidth, i.getBoundingClientRect().width <= i.closest('figure').clientWidth]"
    )
    assert wide == [charts_mod.SIZE[0] * charts_mod.DPI, True]  # the page's chart, in its column
