"""The administrator's day, as a browser walk found it wanting: sources that say what became of
their links and how their fetches ended in words, an audit log read in words (and exported so),
admin forms that give typed text back, addresses that can be reloaded, a password shown once."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

from openpyxl import load_workbook

from baochi import pipeline
from baochi.collect import collect_once
from baochi.failures import Skip
from tests.web.conftest import csrf


def test_a_source_page_says_what_became_of_the_links_and_why(
    site, client_as, store, settings, monkeypatch
) -> None:
    """A feed whose articles were all too short said "Bài mới 3" and "0 bài", never why."""
    real = pipeline.process
    short = {site.base_url + story.path for story in site.newest[:2]}

    def process(page, settings):
        if page.url in short:
            raise Skip("too_short", "146 characters of text")
        return real(page, settings)

    monkeypatch.setattr(pipeline, "process", process)
    feed, _ = store.add_source(site.base_url + "/rss/home.rss", "Báo Thử nghiệm", kind="feed")
    gone, _ = store.add_source(site.base_url + "/rss/khong-co.rss", "Báo Thử nghiệm", kind="feed")
    collect_once(store, settings.replace(max_articles_per_source=3))
    client = client_as("analyst")
    page = unescape(client.get(f"/sources/{feed}").text)
    cell = re.search(r'<td class="small attempt-links">(.*?)</td>', page, re.S).group(1)
    assert "liên kết mới" in cell and "Đã lưu: 1" in cell
    assert '<div class="text-secondary" title="too_short">Bài quá ngắn: 2</div>' in cell
    assert 'title="ok">Thành công</span>' in page
    missing = client.get(f"/sources/{gone}").text
    row = re.search(r"<tbody>\s*<tr>(.*?)</tr>", missing, re.S).group(1)
    assert "<td>404</td>" in row and 'title="skip">Thất bại<' in row  # not "—" and "skip"
    assert "Không còn địa chỉ này" in row
    client.get("/lang/en")
    english = unescape(client.get(f"/sources/{feed}").text)
    assert "The article is too short: 2" in english and "Stored: 1" in english
    assert "Result</th>" in english


def test_source_kinds_and_errors_read_in_words_in_the_export(client_as, store) -> None:
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    store.update_source(source_id, consecutive_failures=1, last_error="http_404: https://x")
    client = client_as("analyst")
    header, *rows = load_workbook(
        io.BytesIO(client.get("/sources/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    assert rows[0][header.index("Loại")] == "RSS/Atom"
    listed = client.get("/sources").text
    assert '<div class="text-secondary">http_404: https://x</div>' not in listed


def test_poll_now_and_disable_say_what_happened(client_as, store) -> None:
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    client = client_as("analyst")
    alone = client.post(f"/sources/{source_id}/poll", data={"csrf": csrf(client)}).text
    assert "chỉ baochi run hoặc baochi worker mới thu thập" in alone  # `baochi serve` alone
    store.beat("worker-1", dt.datetime.now(dt.UTC))
    polled = client.post(f"/sources/{source_id}/poll", data={"csrf": csrf(client)}).text
    assert "bộ thu thập tải nó ở lượt tới" in polled and "baochi worker" not in polled
    off = client.post(f"/sources/{source_id}/disable", data={"csrf": csrf(client)})
    assert "Đã tắt nguồn tin" in off.text and off.url.path == "/sources"


def test_a_source_refused_gives_back_what_was_typed(client_as) -> None:
    client = client_as("analyst")
    form = {"url": "http://192.168.1.10/rss", "outlet": "Báo Kinh tế Đô thị", "kind": "feed"}
    page = client.post("/sources", data={**form, "csrf": csrf(client)})
    assert page.status_code == 422 and "mạng nội bộ" in page.text
    assert (
        'value="Báo Kinh tế Đô thị"' in page.text and 'value="http://192.168.1.10/rss"' in page.text
    )
    assert '<option value="feed" selected>' in page.text


def test_the_audit_log_reads_in_words_and_exports_them(client_as, web, people, store) -> None:
    admin = client_as("admin")
    minh = people["officer"]
    admin.post(f"/admin/users/{minh.id}", data={"action": "lock", "csrf": csrf(admin)})
    source_id, _ = store.add_source("https://hanoimoi.vn/rss", "Báo Hànộimới", kind="feed")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    store.update_source(source_id, next_poll_at=later)  # backed off: polled now on request
    admin.post("/sources", data={"url": "https://x.vn/rss", "outlet": "X", "csrf": csrf(admin)})
    admin.post(f"/sources/{source_id}/poll", data={"csrf": csrf(admin)})
    admin.post(f"/sources/{source_id}/disable", data={"csrf": csrf(admin)})
    web.add_department("Sở Y tế", "SYT")
    target = web.department_named("Sở Y tế")
    building = web.department_named("Sở Xây dựng")
    merge = {"into": str(target), "confirm": "1", "csrf": csrf(admin)}
    admin.post(f"/admin/departments/{building}/merge", data=merge)
    page = unescape(admin.get("/admin/audit").text)
    for raw in (">active", ">users<", ">cases<", ">next_poll_at", ">reason<", ": auto<"):  # shown
        assert raw not in page, raw  # the codes stay in title tooltips only
    assert "Tình trạng</span>: <del>Hoạt động</del> → Đã khoá" in page
    assert "Người dùng chuyển sang" in page and "Lần thu thập tới" in page
    assert "Loại</span>: Tự nhận biết" in page and "Lý do" in page
    assert 'placeholder="Bài báo #123"' in page
    found = unescape(admin.get("/admin/audit", params={"entity": f"Người dùng #{minh.id}"}).text)
    assert re.findall(r'<span title="([a-z_.]+)">', found) == ["user.change", "user.add"]
    header, *rows = load_workbook(
        io.BytesIO(admin.get("/admin/audit/export.xlsx").content)
    ).active.iter_rows(values_only=True)
    locked = next(r for r in rows if r[header.index("Mã hành động")] == "user.change")
    assert (
        locked[header.index("Hành động")] == "Đổi tên hiển thị, vai trò, phòng ban hoặc trạng thái"
    )
    assert locked[header.index("Đối tượng")] == f"Người dùng #{minh.id} (minh)"
    assert "Tình trạng: Hoạt động → Đã khoá" in locked[header.index("Thay đổi")]
    client = client_as("admin")
    client.get("/lang/en")
    english = unescape(client.get("/admin/audit").text)
    assert f"User #{minh.id}" in english and "Users #" not in english
    assert f"Department #{building}" in english and "Departments #" not in english


def test_the_cli_is_named_in_the_log(client_as, web) -> None:
    from baochi.web.users import create_user

    create_user(web, "thu", "analyst", actor="cli")
    page = client_as("admin").get("/admin/audit").text
    assert ">Dòng lệnh</a>" in page


def test_messages_with_values_are_translated(client_as, web) -> None:
    admin = client_as("admin")
    admin.get("/lang/en")
    form = {"username": "minh", "role": "analyst", "csrf": csrf(admin)}
    taken = unescape(admin.post("/admin/users", data=form).text)
    assert "The user «minh» exists already." in taken
    again = {"name": "Sở Xây dựng", "csrf": csrf(admin)}
    said = unescape(admin.post("/admin/departments", data=again).text)
    assert "The name «Sở Xây dựng» is the department «Sở Xây dựng»'s already." in said


def test_registry_activity_link_is_not_the_users_status(client_as) -> None:
    admin = client_as("admin")
    admin.get("/lang/en")
    assert 'href="/registry/activity">Activity</a>' in admin.get("/registry").text
    assert ">Active</span>" in admin.get("/admin/users").text


def test_admin_forms_give_typed_values_back_and_say_what_is_taken(client_as, web) -> None:
    admin = client_as("admin")
    web.rename_department(web.department_named("Sở Xây dựng"), "Sở Xây dựng", "SXD")
    form = {"name": "Sở Giao thông vận tải", "code": "SXD", "csrf": csrf(admin)}
    page = admin.post("/admin/departments", data=form)
    assert page.status_code == 409
    assert "Mã «SXD» đã là của phòng ban «Sở Xây dựng»." in unescape(page.text)
    assert 'value="Sở Giao thông vận tải"' in page.text
    user = {"username": "minh", "display_name": "Trần Minh", "role": "analyst"}
    taken = admin.post("/admin/users", data={**user, "csrf": csrf(admin)})
    assert taken.status_code == 422 and 'value="minh"' in taken.text
    assert 'value="Trần Minh"' in taken.text
    alone = {"username": "khanh", "display_name": "Lê Khanh", "role": "officer"}
    nowhere = admin.post("/admin/users", data={**alone, "csrf": csrf(admin)})
    assert nowhere.status_code == 422 and 'value="Lê Khanh"' in nowhere.text
    assert '<option value="officer" selected>' in nowhere.text


def test_department_names_blank_or_too_long_are_refused(client_as, web) -> None:
    admin = client_as("admin")
    before = len(web.departments())
    blank = admin.post("/admin/departments", data={"name": "   ", "csrf": csrf(admin)})
    assert blank.status_code == 422 and "Cần tên phòng ban." in blank.text
    long = "Sở " + "Quy hoạch " * 40
    too_long = admin.post("/admin/departments", data={"name": long, "csrf": csrf(admin)})
    assert too_long.status_code == 422 and "dài quá 300 ký tự" in too_long.text
    assert len(web.departments()) == before
    assert 'name="name" required maxlength="300"' in admin.get("/admin/departments").text


def test_addresses_after_a_post_can_be_reloaded_and_a_password_is_shown_once(
    client_as, web, people
) -> None:
    admin = client_as("admin")
    dept = web.department_named("Sở Xây dựng")
    web.add_department("Sở Y tế")
    refused = admin.post(
        f"/admin/departments/{dept}", data={"name": "Sở Y tế", "csrf": csrf(admin)}
    )
    assert refused.status_code == 409
    opened = admin.get(f"/admin/departments/{dept}")
    assert opened.status_code == 200 and opened.url.path == "/admin/departments"
    minh = people["officer"]
    assert admin.get(f"/admin/users/{minh.id}").url.path == "/admin/users"
    reset = admin.post(f"/admin/users/{minh.id}", data={"action": "password", "csrf": csrf(admin)})
    assert reset.url.path == "/admin/users" and not reset.url.query
    shown = re.search(r'id="new-secret">minh: (\S+)<', reset.text)
    assert shown and shown.group(1) not in str(reset.url)
    hashed = web.password_hash(minh.id)
    reloaded = admin.get(str(reset.url))
    assert "new-secret" not in reloaded.text and web.password_hash(minh.id) == hashed
    made = admin.post(
        "/admin/users", data={"username": "thu", "role": "analyst", "csrf": csrf(admin)}
    )
    assert made.url.path == "/admin/users" and 'id="new-secret">thu: ' in made.text
    assert "new-secret" not in admin.get("/admin/users").text


def test_a_display_name_is_edited_on_the_web_and_audited(client_as, web, people) -> None:
    admin = client_as("admin")
    minh = people["officer"]
    form = {
        "action": "save",
        "role": "officer",
        "department_id": str(minh.department_id),
        "display_name": "  Nguyễn   Văn Minh ",
        "csrf": csrf(admin),
    }
    saved = admin.post(f"/admin/users/{minh.id}", data=form)
    assert saved.status_code == 200 and web.user(minh.id).display_name == "Nguyễn Văn Minh"
    assert 'name="display_name" value="Nguyễn Văn Minh"' in saved.text
    page = unescape(admin.get("/admin/audit").text)
    assert "Tên hiển thị</span>: <del>Minh</del> → Nguyễn Văn Minh" in page
