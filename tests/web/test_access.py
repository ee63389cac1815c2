"""Every route for every role: who may read, who may change, and strangers who may do neither."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import csrf, sign_in

ROLES = ("admin", "analyst", "officer", "leader")
READ = {"admin", "analyst", "leader"}
EDIT = {"admin", "analyst"}
ADMIN = {"admin"}
ANYONE = set(ROLES)

# (path, roles allowed); "{doc}" is a stored article's id.
PAGES = [
    ("/search?q=ha+noi", READ),
    ("/documents/{doc}", READ),
    ("/flags", READ),
    ("/flags/export.xlsx", READ),
    ("/search/export.csv?q=ha+noi", READ),
    ("/search/export.xlsx?q=ha+noi", READ),
    ("/sources", EDIT),
    ("/sources/export.xlsx", EDIT),
    ("/alerts", EDIT),
    ("/alerts/export.xlsx", EDIT),
    ("/social/export.xlsx", READ),
    ("/admin/users", ADMIN),
    ("/admin/users/export.xlsx", ADMIN),
    ("/admin/departments", ADMIN),
    ("/admin/audit", ADMIN),
    ("/admin/audit/export.xlsx", ADMIN),
    ("/admin/settings", ADMIN),
    ("/account", ANYONE),
    ("/api/docs", ANYONE),
    ("/api/openapi.json", ANYONE),
    ("/api/v1/me", ANYONE),
    ("/api/v1/documents", READ),
    ("/api/v1/documents/{doc}", READ),
    ("/api/v1/search?q=ha+noi", READ),
    ("/api/v1/sources", EDIT),
]
# (path, form, roles allowed): writes, each sent with the session's CSRF token.
WRITES = [
    ("/documents/{doc}/labels", {"task": "tone", "label": "negative"}, EDIT),
    ("/documents/{doc}/flags", {"note": "cần kiểm tra"}, EDIT),
    ("/sources", {"url": "https://bao.example.vn/rss.xml", "outlet": "Báo Mới"}, EDIT),
    ("/admin/departments", {"name": "Sở Giao thông Vận tải"}, ADMIN),
    ("/admin/users", {"username": "thu", "role": "analyst"}, ADMIN),
    ("/account/tokens", {"name": "script"}, ANYONE),
]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_exactly_its_pages(client_as, articles, store, role: str) -> None:
    client = client_as(role)
    for path, allowed in PAGES:
        if path.startswith("/api/v1/search") and store.dialect != "sqlite":
            continue  # full-text search is SQLite-only so far
        page = client.get(path.format(doc=articles[0]), follow_redirects=False)
        expected = 200 if role in allowed else 403
        assert page.status_code == expected, (role, path, page.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_changes_exactly_what_it_may(client_as, articles, role: str) -> None:
    client = client_as(role)
    token = csrf(client)
    for path, form, allowed in WRITES:
        page = client.post(
            path.format(doc=articles[0]), data={**form, "csrf": token}, follow_redirects=False
        )
        assert (page.status_code in (200, 303)) == (role in allowed), (role, path, page.status_code)
        if role not in allowed:
            assert page.status_code == 403


def test_officer_lands_on_their_own_page_not_the_monitoring(client_as, articles) -> None:
    officer = client_as("officer")
    home = officer.get("/", follow_redirects=False)
    assert home.status_code == 303 and home.headers["location"] in ("/cases", "/account")
    assert "Quản trị" not in officer.get("/account").text  # no admin link in the navigation
    assert officer.get(f"/documents/{articles[0]}").status_code == 403


def test_leader_reads_but_sees_no_editing_controls(client_as, articles) -> None:
    leader = client_as("leader")
    page = leader.get(f"/documents/{articles[0]}")
    assert page.status_code == 200
    assert "/labels" not in page.text and "/flags" not in page.text
    assert "Lưu thành danh sách theo dõi" not in leader.get("/search?q=ha+noi").text


def test_strangers_are_sent_to_sign_in_and_the_api_says_401(app, articles) -> None:
    with TestClient(app) as client:
        for path, _ in PAGES:
            page = client.get(path.format(doc=articles[0]), follow_redirects=False)
            if path.startswith("/api/") and path != "/api/docs":
                assert page.status_code == 401, path
            else:
                assert page.status_code == 303, path
                assert page.headers["location"].startswith("/login?next=/")
        assert client.get("/", follow_redirects=False).status_code == 303
        assert client.get("/login").status_code == 200
        assert client.get("/healthz").status_code == 200


def test_missing_things_are_404_for_readers(client_as) -> None:
    client = client_as("analyst")
    assert client.get("/documents/999999").status_code == 404
    assert client.get("/api/v1/documents/999999").json() == {"detail": "no such document"}
    assert client.get("/no/such/page").status_code == 404


def test_a_crash_is_a_plain_vietnamese_page(app, people, monkeypatch) -> None:
    from baochi.web.api import monitoring
    from baochi.web.routes import sources

    def broken(request):
        raise RuntimeError("bug")

    monkeypatch.setattr(sources, "health", broken)
    monkeypatch.setattr(monitoring, "health", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        sign_in(client, "lan")
        page = client.get("/sources")
        assert page.status_code == 500
        assert "Đã có lỗi ở máy chủ" in page.text and "RuntimeError" not in page.text
        assert client.get("/api/v1/sources").json() == {"detail": "internal error"}


def test_officer_guessing_another_departments_case_gets_no_case(client_as, people, web) -> None:
    """The cases area's pages behind this shell: Minh (Sở Xây dựng) sees his case, not another's."""
    pytest.importorskip("baochi.cases.web", reason="the cases area is not installed")
    own = people["officer"].department_id
    other, _ = web.add_department("Sở Y tế")
    analyst = client_as("analyst")
    token = csrf(analyst)
    opened = []
    for dept in (own, other):
        page = analyst.post(
            "/cases",
            data={"title": f"Vụ việc {dept}", "department": str(dept), "csrf": token},
            follow_redirects=False,
        )
        assert page.status_code == 303
        opened.append(page.headers["location"])
    officer = client_as("officer")
    assert officer.get(opened[0]).status_code == 200
    assert officer.get(opened[1]).status_code in (403, 404)
    case_id = opened[1].rsplit("/", 1)[1]
    assert officer.get(f"/api/v1/cases/{case_id}").status_code in (403, 404)
    assert f"Vụ việc {other}" not in officer.get("/cases").text
