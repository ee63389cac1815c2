"""What people type is stored as crawled text is: NFC, without control characters, whatever
keyboard typed it; passwords are left as sent."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from baochi.db.schema_cases import cases
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf, sign_in

app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine = web_fixtures.closed_engine
DECOMPOSED = unicodedata.normalize("NFD", "Sở Giao thông vận tải")  # Unikey's "tổ hợp"


def test_a_name_typed_decomposed_is_the_same_name(client_as, web) -> None:
    admin = client_as("admin")
    added = admin.post("/admin/departments", data={"name": DECOMPOSED, "csrf": csrf(admin)})
    assert added.status_code == 200
    assert "Sở Giao thông vận tải" in [d["name"] for d in web.departments()]  # stored NFC
    again = admin.post("/admin/departments", data={"name": "Sở Giao thông vận tải",
                                                    "csrf": csrf(admin)})  # fmt: skip
    assert again.status_code == 409  # typed precomposed, it is the one already there
    for _ in range(2):  # a NUL alone is no name: refused as an empty one is, twice, no 500
        empty = admin.post("/admin/departments", data={"name": "\x00", "csrf": csrf(admin)})
        assert empty.status_code == 422
    assert "" not in [d["name"] for d in web.departments()]


def test_api_text_is_cleaned_and_passwords_are_not(client_as, app, web, people) -> None:
    analyst = client_as("analyst")
    title = f"Phản ánh về {DECOMPOSED}\x00\u200b"
    answer = analyst.post("/api/v1/cases", json={"title": title},
                          headers={"X-CSRF-Token": csrf(analyst, "/cases")})  # fmt: skip
    assert answer.status_code in (200, 201), answer.text
    with web.engine.connect() as conn:
        stored = conn.execute(select(cases.c.title)).scalar_one()
    assert stored == "Phản ánh về Sở Giao thông vận tải"
    # A password with a decomposed letter still signs in: the form keeps it as typed.
    password = unicodedata.normalize("NFD", "mật-khẩu-đủ-dài-2026")
    account = analyst.post("/account/password", data={
        "current_password": web_fixtures.PASSWORD, "new_password": password,
        "csrf": csrf(analyst)})  # fmt: skip
    assert account.status_code == 200 and "Đã đổi mật khẩu." in account.text
    from fastapi.testclient import TestClient

    with TestClient(app) as fresh:
        assert sign_in(fresh, people["analyst"].username, password).get("/").status_code == 200
