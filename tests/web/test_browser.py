"""A real browser (Debian's chromium, driven by Playwright) through an analyst's morning.

Few and fast on purpose: one walk through sign-in, dashboard, search, article, label and story,
and the hostile article whose <script> must appear as text and never run.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from baochi.stories import assign
from tests.serving import serving
from tests.web.conftest import HOSTILE_TITLE, PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Where on the screen a chart's bar is drawn: the newest day's, or the first outlet's.
BAR_CENTRE = """chart => {
    const drawn = Chart.getChart(document.querySelector(`canvas[data-chart=${chart}]`));
    const bars = drawn.getDatasetMeta(0).data;
    const bar = chart === "volume" ? bars[bars.length - 1] : bars[0];
    const box = drawn.canvas.getBoundingClientRect(), centre = bar.getCenterPoint();
    return [box.left + centre.x, box.top + centre.y];
}"""

DRAWN = """chart => {
    const drawn = Chart.getChart(document.querySelector(`canvas[data-chart=${chart}]`));
    return drawn !== undefined && !Chart.animator.running(drawn);
}"""

pytestmark = [
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason=f"{CHROMIUM} absent (apt-get install chromium)"
    ),
]
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
)


@pytest.fixture
def server(app, people, articles) -> Iterator[str]:
    """The app on a free loopback port."""
    with serving(app) as address:
        yield address


@pytest.fixture
def page(server: str) -> Iterator:
    """A fresh headless chromium page; any JavaScript dialog fails the test."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        tab = browser.new_page(base_url=server)
        dialogs: list[str] = []
        tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        yield tab
        browser.close()
        assert dialogs == [], f"a script ran: {dialogs}"


def test_analyst_morning_in_a_real_browser(page, store, articles) -> None:
    links = assign(store.engine, articles)
    page.goto("/")
    assert page.url.endswith("/login?next=/")
    page.fill("#username", "lan")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert page.locator("h1").inner_text() == "Tổng quan"
    heights = page.eval_on_selector_all(
        "#mainnav .nav-link", "links => links.map(a => a.getBoundingClientRect().height)"
    )
    assert len(heights) > 8 and max(heights) < 1.5 * min(heights)  # no label broken in two

    # the newest day's bar opens that day's articles; the first outlet's, its week
    if page.evaluate("typeof Chart") != "undefined":  # built front-end
        for chart, wanted in (("volume", "date%3A"), ("outlets", "outlet%3A%22")):
            page.wait_for_function(DRAWN, arg=chart)  # a click while bars grow is not taken
            x, y = page.evaluate(BAR_CENTRE, chart)
            page.mouse.click(x, y)
            page.wait_for_url(f"**/search?q={wanted}*")
            assert page.locator(".results a").count() > 0
            page.go_back()
            page.wait_for_url("**/")

    # the hostile article: its title is text on the page, and its <script> never ran
    hostile = page.locator(f'a[href="/documents/{articles[0]}"]').first
    assert hostile.inner_text() == HOSTILE_TITLE

    # search without diacritics, open a result, correct its tone
    page.click("nav >> text=Tìm kiếm")
    page.fill("input[name=q]", "ha noi")
    page.press("input[name=q]", "Enter")
    page.wait_for_url("**/search?q=ha+noi")
    assert page.locator("mark").count() > 0
    if page.evaluate("typeof Chart") != "undefined":  # a day's bar narrows the search to it
        page.wait_for_function(DRAWN, arg="days")
        page.mouse.click(*page.evaluate(BAR_CENTRE, "days"))
        page.wait_for_url("**/search?q=ha+noi+date%3A*")
        page.go_back()
        page.wait_for_url("**/search?q=ha+noi")
    page.locator(".results a").nth(1).click()
    page.wait_for_url("**/documents/*")
    address = page.url
    page.click("button[name=label][value=negative]")  # htmx swaps the side panel in place
    sync_api.expect(page.locator('[data-task="tone"]')).to_have_text("Tiêu cực")
    if page.evaluate("typeof htmx") != "undefined":  # built front-end: swapped in place
        assert page.url == address
    assert "lan" in page.locator("#labels").inner_text()

    # a refused click says why where it was made, and changes nothing (a stale form's token)
    if page.evaluate("typeof htmx") != "undefined":
        page.evaluate("""document.body.setAttribute("hx-headers", '{"X-CSRF-Token": "cũ"}')""")
        page.click("button[name=label][value=positive]")
        sync_api.expect(page.locator("[role=alert]")).to_contain_text("Biểu mẫu đã cũ")
        assert page.locator('[data-task="tone"]').inner_text() == "Tiêu cực"
        page.reload()
        assert page.locator('[data-task="tone"]').inner_text() == "Tiêu cực"  # nothing saved
        page.route("**/labels", lambda route: route.abort())  # the server cannot be reached
        page.click("button[name=label][value=positive]")
        sync_api.expect(page.locator("[role=alert]")).to_contain_text("chưa được lưu")
        page.unroute("**/labels")

    page.goto(f"/documents/{articles[0]}")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE

    # open the story of the first real article from the stories list: its articles are listed
    story_id = next(int(link.story) for link in links if int(link.article) == articles[1])
    page.click("nav >> text=Chuỗi tin")
    page.wait_for_url("**/stories")
    page.click(f'a[href="/stories/{story_id}"]')
    page.wait_for_url(f"**/stories/{story_id}")
    members = {int(link.article) for link in links if int(link.story) == story_id}
    listed = page.locator('.list-group a[href^="/documents/"]')
    assert listed.count() == len(members)
    assert page.locator(f'a[href="/documents/{articles[1]}"]').count() >= 1
    assert "số bài mỗi" in page.locator(".card-header", has_text="Diễn biến").inner_text()
    if page.evaluate("typeof Chart") != "undefined":  # its last bar: the story's articles that day
        page.wait_for_function(DRAWN, arg="volume")
        page.mouse.click(*page.evaluate(BAR_CENTRE, "volume"))
        page.wait_for_url(f"**/search?q=story%3A{story_id}+date%3A*")
        found = page.eval_on_selector_all(
            '.results a[href^="/documents/"]', "links => links.map(a => a.getAttribute('href'))"
        )
        assert found and {int(href.rsplit("/", 1)[1]) for href in found} <= members
        page.go_back()
        page.wait_for_url(f"**/stories/{story_id}")
