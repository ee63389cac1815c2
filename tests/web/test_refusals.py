"""A refusal's own reason on the error page: in the page's language, written as a sentence (its
first letter a capital, "Không tìm thấy hồ sơ"), and in the API's JSON as the area gave it."""

from __future__ import annotations

import re
from html import unescape

import pytest

from baochi.cases import Actor, open_case
from baochi.db import Store
from tests.web.conftest import csrf

# What the error page says, under its status.
REASON = re.compile(r'<p class="lead mt-3">\s*(.*?)\s*</p>', re.S)
# A page that is not there, and why it says so: in Vietnamese, in English.
MISSING = {
    "/cases/999999": ("Không tìm thấy hồ sơ", "Case not found"),
    "/cases/files/999999": ("Không tìm thấy tệp", "File not found"),
    "/stories/999999": ("Không tìm thấy chuỗi tin", "Story not found"),
    "/social/imports/999999": ("Không có lần nhập này.", "No such import."),
    "/reports/drafts/999999": ("Không có bản nháp số 999999", "No draft number 999999"),
}


def _reason(page: str) -> str:
    found = REASON.search(page)
    assert found is not None, page[:300]
    return unescape(found.group(1))


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_page_not_found_says_why_in_the_pages_language(client_as, lang: str) -> None:
    client = client_as("analyst")
    client.get(f"/lang/{lang}")
    said = {path: _reason(client.get(path).text) for path in MISSING}
    assert said == {path: reasons[lang == "en"] for path, reasons in MISSING.items()}
    token = csrf(client, "/targets")
    form = {"csrf": token, "period_end": "2026-06-30", "value": "1"}
    page = client.post("/targets/indicators/999999/reports", data=form)
    assert page.status_code == 404
    assert _reason(page.text) == ("No such indicator" if lang == "en" else "Không có chỉ số này")


def test_an_article_outside_the_case_is_not_found_in_it(
    client_as, store: Store, articles: list[int]
) -> None:
    case = open_case(
        store.engine, Actor("analyst", None, None), "Ngập úng", document_ids=articles[:1]
    )
    client = client_as("analyst")
    outside = f"/cases/{case}/documents/{articles[1]}"
    assert _reason(client.get(outside).text) == "Không tìm thấy bài báo này trong hồ sơ"
    client.get("/lang/en")
    page = client.get(outside)
    assert page.status_code == 404 and _reason(page.text) == "This article is not part of the case"


def test_the_api_gives_the_reason_as_the_area_wrote_it(client_as) -> None:
    client = client_as("analyst")
    client.get("/lang/en")
    answer = client.get("/api/v1/reports/drafts/999999")
    assert answer.status_code == 404 and answer.json() == {"detail": "không có bản nháp số 999999"}


# A request the app cannot read, and what its page says: in Vietnamese, in English.
UNREADABLE = {
    ("post", "/documents/1/labels"): (
        "Yêu cầu không hợp lệ: thiếu label, task.",
        "Invalid request: missing the fields label, task.",
    ),
    ("get", "/cases?page=0&department=x"): (
        "Yêu cầu không hợp lệ: giá trị không hợp lệ ở department, page.",
        "Invalid request: invalid values in department, page.",
    ),
    ("get", "/admin/audit?before=x"): (
        "Yêu cầu không hợp lệ: giá trị không hợp lệ ở before.",
        "Invalid request: an invalid value in before.",
    ),
}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_request_missing_a_field_or_with_a_bad_one_says_which_in_the_pages_language(
    client_as, lang: str
) -> None:
    client = client_as("admin")
    client.get(f"/lang/{lang}")
    token = csrf(client)
    said = {}
    for method, path in UNREADABLE:
        page = client.request(method, path, data={"csrf": token} if method == "post" else None)
        assert page.status_code == 422, path
        said[method, path] = _reason(page.text)
    assert said == {key: reasons[lang == "en"] for key, reasons in UNREADABLE.items()}


def test_an_address_no_page_has_keeps_the_menu_and_who_is_signed_in(client_as, people) -> None:
    """/trang-khong-co matched no route, so no sign-in ran: its 404 showed no menu and no user,
    as if signed out; a page's own 404 (an unknown case) kept them."""
    client = client_as("analyst")
    for path in ("/trang-khong-co", "/cases/999999"):
        page = client.get(path)
        assert page.status_code == 404
        assert people["analyst"].username in page.text and 'href="/search"' in page.text, path
