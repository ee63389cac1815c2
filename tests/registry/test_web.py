"""Registry pages and API through the real app: who sees and edits what, audited edits, imports
that report bad rows, the merger's lineage on the agency page, the dashboard panel."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from html import unescape

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from baochi import hanoi_time
from baochi.db import Store
from baochi.db.web_store import User, WebStore
from baochi.hanoi_time import HANOI
from baochi.records import Analysis
from baochi.settings import Settings
from tests.registry.conftest import save_article
from tests.web.conftest import PASSWORD, PEOPLE, csrf, quick_hashes, sign_in

__all__ = ["quick_hashes"]  # cheap password hashing here too (an autouse fixture)


@pytest.fixture
def people(example_store: Store) -> dict[str, User]:
    """Hoa the administrator, Lan the analyst, Minh the officer, Hùng the leader."""
    from baochi.web.users import create_user

    web = WebStore(example_store.engine)
    return {
        role: create_user(web, name, role, dept, PASSWORD, name.title())[0]
        for role, (name, dept) in PEOPLE.items()
    }


@pytest.fixture
def client_as(
    settings: Settings, example_store: Store, people: dict[str, User]
) -> Iterator[Callable[[str], TestClient]]:
    """Clients signed in by role, on an app holding the example registry."""
    from baochi.web import create_app

    app: FastAPI = create_app(settings, example_store)
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return sign_in(client, people[role].username)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


READ_PAGES = [
    "/registry",
    "/registry/agencies",
    "/registry/agencies/hn-bao-ptth",
    "/registry/actions/hn-2026-sap-nhap",
    "/registry/domains/hanoimoi.vn",
    "/registry/activity",
    "/registry/activity.xlsx",
    "/registry/export.xlsx",
    "/registry/cards/export.csv",
    "/api/v1/registry/agencies",
    "/api/v1/registry/agencies/hanoimoi/lineage",
]


@pytest.mark.parametrize("role", ["admin", "analyst", "leader", "officer"])
def test_who_reads_and_who_edits(client_as, role: str) -> None:
    client = client_as(role)
    reader = role != "officer"
    for path in READ_PAGES:
        assert client.get(path).status_code == (200 if reader else 403), path
    assert client.get("/registry/agencies/new").status_code == (200 if role == "admin" else 403)
    nav = client.get("/account").text
    assert ('href="/registry"' in nav) == reader


def test_agency_page_shows_the_merger_and_moved_coverage(
    client_as, example_store: Store, corpus: list[dict]
) -> None:
    now = dt.datetime.now(dt.UTC)
    save_article(example_store, corpus[0], "https://hanoimoi.vn/bai-moi.html", now)
    page = client_as("leader").get("/registry/agencies/hn-bao-ptth").text
    assert "Cơ quan Báo và Phát thanh, Truyền hình Hà Nội" in page
    assert "Báo Hànộimới</a> từ 05/02/2026" in page
    assert "hanoimoi.vn</a>:\n        Báo Hànộimới đến 04/02/2026; Cơ quan Báo" in page
    assert "Chưa chắc chắn" in page  # the inferred governing body and effective date
    assert "1 bài" in page  # the hanoimoi.vn article of today counts here
    old = client_as("analyst").get("/registry/agencies/hanoimoi").text
    assert "Đã sáp nhập từ 05/02/2026" in old
    site = client_as("analyst").get("/registry/publications/hanoimoi-dientu").text
    assert '<a href="/sources">hanoimoi.vn</a>' in site  # the monitoring outlet of its domain


def test_activity_exports_as_the_page_shows_it(
    client_as, example_store: Store, corpus: list[dict]
) -> None:
    now = dt.datetime.now(dt.UTC)
    labelled = Analysis("giao_duc", "negative", "Hà Nội", True, (), "trained")
    save_article(example_store, corpus[0], "https://hanoimoi.vn/bai-moi.html", now, labelled)
    leader = client_as("leader")
    page = leader.get("/registry/activity").text
    assert 'href="/registry/activity.xlsx"' in page and "Giáo dục 1 · Tiêu cực 1" in page
    leader.get("/lang/en")
    assert "Education 1 · Negative 1" in leader.get("/registry/activity").text
    leader.get("/lang/vi")
    sheet = load_workbook(io.BytesIO(leader.get("/registry/activity.xlsx").content)).active
    lines = list(sheet.iter_rows(values_only=True))
    header, rows = lines[1], lines[2:]
    assert header[:4] == ("Loại", "Mã", "Tên", "Bài")
    today = now.astimezone(HANOI).strftime("%d/%m")
    assert header[-1] == today and len(header) == 8 + 30
    counted = {(r[0], r[1]): r for r in rows if r[3]}
    merged = counted[("Cơ quan báo chí", "hn-bao-ptth")]  # hanoimoi.vn counts for the new agency
    assert merged[3] == 1 and merged[-1] == 1 and sum(merged[8:]) == 1
    assert ("Cơ quan báo chí", "hanoimoi") not in counted
    assert {r[0] for r in rows} == {"Cơ quan báo chí", "Ấn phẩm"}


def test_admin_edits_are_validated_and_audited(client_as, example_store: Store) -> None:
    hoa = client_as("admin")
    token = csrf(hoa, "/registry/agencies/new")
    form = {"csrf": token, "code": "hoahoctro", "name": "Báo Hoa Học Trò", "email": "sai"}
    page = hoa.post("/registry/agencies/new", data=form)
    assert page.status_code == 422 and "không phải địa chỉ thư điện tử" in page.text
    form["email"] = "toasoan@hht.vn"
    for _ in range(2):  # a second click on "save" finds it saved, not a taken code
        page = hoa.post("/registry/agencies/new", data=form, follow_redirects=False)
        assert page.status_code == 303
        assert page.headers["location"] == "/registry/agencies/hoahoctro"
    other = hoa.post("/registry/agencies/new", data={**form, "name": "Báo khác"})
    assert other.status_code == 422 and "Mã này đã có trong sổ đăng ký." in other.text
    opened = hoa.get("/registry/agencies/hoahoctro/edit").text
    version = re.search(r'name="version" value="([^"]+)"', opened).group(1)
    edit = {**form, "name": "Báo Hoa Học Trò (Tiền Phong)", "city": "có", "version": version}
    hoa.post("/registry/agencies/hoahoctro/edit", data=edit, follow_redirects=False)
    hoa.post("/registry/agencies/hoahoctro/retire", data={"csrf": token}, follow_redirects=False)
    listed = hoa.get("/registry/agencies?q=hoa+hoc+tro").text
    assert "hoahoctro" not in listed
    assert "hoahoctro" in hoa.get("/registry/agencies?q=hoa+hoc+tro&retired=true").text
    typed = {"csrf": token, "code": "btg-2026", "body": "thanh-doan-hn", "role": "city_manager",
             "valid_from": "31/02/2026"}  # fmt: skip
    refused = hoa.post("/registry/authorities/new", data=typed)
    assert refused.status_code == 422
    assert "ngày &#39;31/02/2026&#39; không hợp lệ" in refused.text
    assert 'value="31/02/2026"' in refused.text  # kept as typed, to be corrected
    pasted = {**form, "code": "dan-tron-bai", "name": "Báo " + "rất dài " * 300,
              "short_name": "B" * 150}  # fmt: skip
    too_long = hoa.post("/registry/agencies/new", data=pasted)  # as wide as its column, at most
    assert too_long.status_code == 422 and "Tên: dài 2403 ký tự, quá 300" in too_long.text
    assert "Tên viết tắt: dài 150 ký tự, quá 100" in too_long.text
    audit = [(e["action"], e["entity"]) for e in WebStore(example_store.engine).audit_entries(10)]
    assert audit[:3] == [
        ("registry.retire", "agencies:hoahoctro"),
        ("registry.update", "agencies:hoahoctro"),
        ("registry.create", "agencies:hoahoctro"),
    ]
    # Hoa reads what changed, in Vietnamese: the new name beside the old one struck through.
    log = hoa.get("/admin/audit").text
    assert "Sửa sổ đăng ký" in log and "Đưa ra khỏi sổ đăng ký" in log
    renamed = "<del>Báo Hoa Học Trò</del> → Báo Hoa Học Trò (Tiền Phong)"
    assert f'<span class="text-secondary" title="name">Tên</span>: {renamed}' in log
    city = '<span class="text-secondary" title="city">Báo chí Thành phố</span>'
    assert f"{city}: <del>không</del> → có" in log
    lan = client_as("analyst")
    refused = lan.post(
        "/registry/agencies/hanoimoi/retire", data={"csrf": csrf(lan)}, follow_redirects=False
    )
    assert refused.status_code == 403


def test_import_reports_bad_rows_and_writes_nothing(client_as) -> None:
    hoa = client_as("admin")
    token = csrf(hoa, "/registry")
    bad = "code,name,body\nmoi,Báo Mới,ubnd-hn\nsai,,khong-co\n".encode()
    page = hoa.post(
        "/registry/import",
        data={"csrf": token},
        files={"file": ("agencies.csv", bad, "text/csv")},
    )
    assert page.status_code == 422
    assert "Cơ quan báo chí, dòng 3: thiếu Tên" in page.text
    assert hoa.get("/registry/agencies/moi").status_code == 404
    good = "code,name,body\nmoi,Báo Mới,ubnd-hn\n".encode()
    page = hoa.post(
        "/registry/import", data={"csrf": token}, files={"file": ("agencies.csv", good, "text/csv")}
    )
    assert page.status_code == 200
    assert "Cơ quan báo chí: thêm 1, cập nhật 0, không đổi 0" in page.text
    book = load_workbook(io.BytesIO(hoa.get("/registry/export.xlsx").content))
    assert "Báo Mới" in [c.value for c in book["Cơ quan báo chí"]["B"]]


def test_completing_an_action_from_its_page(client_as) -> None:
    hoa = client_as("admin")
    token = csrf(hoa, "/registry")

    def scheme_panel() -> tuple[int, int]:
        """The dashboard's count of actions done and not yet due."""
        page = hoa.get("/").text
        panel = page[page.index("Đề án sắp xếp báo chí") :]
        done, due = re.findall(r'<div class="kpi-value[^"]*">(\d+)</div>', panel)[:2]
        return int(done), int(due)

    done_before, due_before = scheme_panel()  # shared by readers for 30 s, unless it changes
    plan = {
        "csrf": token,
        "code": "thu-nghiem",
        "kind": "dissolve",
        "title": "Giải thể thử",
        "members": ["quocphongthudo"],
        "due_on": "2026-12-31",
    }
    assert hoa.post("/registry/actions/new", data=plan, follow_redirects=False).status_code == 303
    page = hoa.get("/registry/actions/thu-nghiem").text
    assert "Hoàn thành</button>" in page
    form = hoa.get("/registry/actions/thu-nghiem/edit").text  # its form stops there too
    assert f'name="completed_on" value="" max="{hanoi_time.today()}"' in form
    assert f'name="on" value="{hanoi_time.today()}" max="{hanoi_time.today()}"' in page
    assert scheme_panel() == (done_before, due_before + 1)
    done = hoa.post(
        "/registry/actions/thu-nghiem/complete",
        data={"csrf": token, "on": "2026-03-01"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert hoa.get("/api/v1/registry/actions/thu-nghiem").json()["status"] == "done"
    history = hoa.get("/registry/actions/thu-nghiem").text  # in words, not codes
    assert "hoa · Sửa sổ đăng ký: Ngày có hiệu lực, Tình trạng, Ngày hoàn thành<" in history
    assert "hoa · Thêm vào sổ đăng ký<" in history
    assert " · update" not in history and " · create" not in history
    assert scheme_panel() == (done_before + 1, due_before)
    plan = {"kind": "dissolve", "title": "Giải thể thử lần hai", "members": ["cand"],
            "due_on": "2026-12-31"}  # fmt: skip
    headers = {"X-CSRF-Token": token}
    put = hoa.put("/api/v1/registry/actions/thu-nghiem-2", json=plan, headers=headers)
    assert put.status_code == 200, put.text
    assert scheme_panel() == (done_before + 1, due_before + 1)  # through the API too
    again = hoa.post("/registry/actions/thu-nghiem/complete", data={"csrf": token})
    assert again.status_code == 409


def test_api_attribution_and_writes(client_as) -> None:
    lan = client_as("analyst")
    found = lan.get(
        "/api/v1/registry/attribution",
        params={"url": "https://hanoimoi.vn/a.html", "at": "2026-02-05T00:00:00+07:00"},
    ).json()
    assert (found["publisher"], found["agency"]) == ("hanoimoi", "hn-bao-ptth")
    before = lan.get(
        "/api/v1/registry/attribution",
        params={"url": "https://hanoimoi.vn/a.html", "at": "2026-02-04T23:59:00+07:00"},
    ).json()
    assert before["agency"] == "hanoimoi"
    lineage = lan.get("/api/v1/registry/agencies/hanoimoi/lineage").json()
    assert lineage["status"] == "merged" and lineage["successors"][0]["to"] == "hn-bao-ptth"
    assert lan.put("/api/v1/registry/domains/x.vn", json={"agency": "cand"}).status_code == 403
    hoa = client_as("admin")
    headers = {"X-CSRF-Token": csrf(hoa)}
    put = hoa.put("/api/v1/registry/domains/x.vn", json={"agency": "cand"}, headers=headers)
    assert put.status_code == 200 and put.json()["agency"] == "cand"
    bad = hoa.put("/api/v1/registry/domains/y.vn", json={"agency": "khong"}, headers=headers)
    assert (
        bad.status_code == 422
        and "không có trong danh mục Cơ quan báo chí" in bad.json()["detail"][0]
    )
    assert hoa.delete("/api/v1/registry/domains/x.vn", headers=headers).status_code == 204
    assert hoa.delete("/api/v1/registry/domains/x.vn", headers=headers).status_code == 404


def test_dashboard_shows_the_scheme(client_as) -> None:
    page = client_as("leader").get("/").text
    assert "Đề án sắp xếp báo chí" in page
    assert "Sắp xếp báo chí Thủ đô 2026 (QĐ 1115-QĐ/TU): 1 hoàn thành" in page


def test_strangers_are_sent_to_sign_in(settings: Settings, example_store: Store) -> None:
    from baochi.web import create_app

    with TestClient(create_app(settings, example_store)) as client:
        page = client.get("/registry/agencies", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert client.get("/api/v1/registry/agencies").status_code == 401


def test_each_list_names_a_field_once(client_as) -> None:
    """A list's first columns are the key and the title; the others do not repeat them (the
    licences' number was shown twice)."""
    from baochi.registry.model import ENTITIES

    client = client_as("analyst")
    for name in ENTITIES:
        page = client.get(f"/registry/{name}").text
        head = re.search(r"<thead><tr>(.*?)</tr></thead>", page, re.S)
        assert head is not None, name
        labels = re.findall(r"<th>(.*?)</th>", head.group(1))
        assert len(labels) == len(set(labels)), (name, labels)


def _english(client: TestClient) -> TestClient:
    """The client with English chosen, as the language switch does."""
    client.get("/lang/en")
    return client


def _text(html: str) -> str:
    """A page's words, tags dropped and spaces joined, as a reader sees them."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_an_agency_reads_in_english_field_by_field(client_as) -> None:
    """Its address is an address, not the sources form's URL; one agency is "Press agency";
    the city-press flag and the head's title are words of the page's language."""
    lan = _english(client_as("analyst"))
    page = _text(lan.get("/registry/agencies/hanoimoi").text)
    assert "Address 44 Lê Thái Tổ, Hà Nội" in page and "URL" not in page
    assert "Press agency Code hanoimoi" in page  # the entry's card: one agency
    assert "City press yes" in page and "Head's title Editor-in-chief" in page
    assert "Merged from 05/02/2026" in page  # its status, as the list says it too
    assert "Merged from 05/02/2026" in _text(lan.get("/registry/agencies").text)
    assert "URL" in _text(lan.get("/sources").text)  # where an address is a web address
    lan.get("/lang/vi")
    page = _text(lan.get("/registry/agencies/hanoimoi").text)
    assert "Địa chỉ 44 Lê Thái Tổ, Hà Nội" in page and "Báo chí Thành phố có" in page
    assert "Đã sáp nhập từ 05/02/2026" in page
    assert "Địa chỉ web" in _text(lan.get("/sources").text)


def test_every_form_is_titled_in_the_page_language(client_as) -> None:
    from baochi.registry.model import ENTITIES

    hoa = client_as("admin")
    new = hoa.get("/registry/agencies/new").text
    assert '<h1 class="h4 mb-3">Thêm cơ quan báo chí</h1>' in new
    assert "<title>Thêm cơ quan báo chí · baochi</title>" in new
    assert "Cơ quan báo chí: cand" in hoa.get("/registry/agencies/cand/edit").text
    _english(hoa)
    for name in ENTITIES:
        page = hoa.get(f"/registry/{name}/new").text
        heading = re.search(r'<h1 class="h4 mb-3">(.*?)</h1>', page)
        assert heading is not None and heading.group(1).startswith("New "), name
        assert f"<title>{heading.group(1)} · baochi</title>" in page, name
    assert '<h1 class="h4 mb-3">New press agency</h1>' in hoa.get("/registry/agencies/new").text
    assert '<h1 class="h4 mb-3">New press card</h1>' in hoa.get("/registry/cards/new").text
    edit = hoa.get("/registry/agencies/cand/edit").text
    assert '<h1 class="h4 mb-3">Press agency: cand</h1>' in edit
    assert "<title>Press agency: cand · baochi</title>" in edit
    card = hoa.get("/registry/cards/new").text  # a card belongs to one agency
    assert '<label class="form-label small" for="f-agency">Press agency *</label>' in card
    assert "Press agencies" not in card.split("</h1>", 1)[1]


def test_one_entry_is_named_in_the_singular_and_the_list_in_the_plural(client_as) -> None:
    lan = _english(client_as("analyst"))
    overview = lan.get("/registry").text
    quiet = re.findall(r'<span class="badge text-bg-light">([^<]+)</span>', overview)
    assert quiet and "Press agency" in quiet and "Press agencies" not in quiet
    assert '<div class="kpi-label">Press agencies</div>' in overview  # the list, many
    listed = lan.get("/registry/domains").text
    assert "<th>Press agency</th>" in listed  # a domain's agency: one


def test_the_restructuring_reads_the_same_everywhere_in_english(client_as) -> None:
    """The actions' list, statuses and forms; the milestones' heading and dates."""
    lan = _english(client_as("analyst"))
    actions = lan.get("/registry/actions").text
    assert "Restructuring scheme: tasks" in actions and "Arrangement" not in actions
    merger = actions.split('href="/registry/actions/hn-2026-sap-nhap"')[1].split("</tr>")[0]
    assert '<td class="small">Merger</td>' in merger  # its kind, and its status: done
    assert re.search(r'<td class="small">Done</td>\s*$', merger)
    choices = set(re.findall(r'<td class="small">([^<]+)</td>', actions))
    assert {"Merger", "Conversion", "Done"} <= choices
    assert not {"Sáp nhập", "Chuyển đổi", "Hoàn thành", "Kế hoạch"} & choices
    assert "Restructuring scheme" in _text(lan.get("/registry").text)
    page = lan.get("/registry/actions/hn-2026-sap-nhap").text
    assert re.search(r'<div class="card-header">Milestones</div>', page)
    assert "Completed on 25/11/2025" in _text(page) and "done 25/11/2025" not in page
    assert "Milestones Done" not in _text(page)
    assert "Restructuring task" in page and "Form Merger" in _text(page)
    lan.get("/lang/vi")
    page = lan.get("/registry/actions/hn-2026-sap-nhap").text
    assert "Hoàn thành ngày 25/11/2025" in _text(page)


def test_an_agency_history_reads_in_the_page_language(client_as) -> None:
    """Its merger, the decision behind it and each edit of its entry, from the same records."""
    lan = _english(client_as("analyst"))
    page = _text(lan.get("/registry/agencies/hanoimoi").text)
    decision = "1115-QĐ/TU of 30/01/2026 by Ban Thường vụ Thành ủy Hà Nội"
    merged = f"Merged into Cơ quan Báo và Phát thanh, Truyền hình Hà Nội (Decision {decision})"
    assert merged in page and "Created press agency hanoimoi — example" in page
    assert "Sáp nhập vào" not in page and "Tạo mục" not in page
    took = _text(lan.get("/registry/agencies/hn-bao-ptth").text)
    assert "Took in Báo Hànộimới, Báo Kinh tế và Đô thị," in took and "(merger) (Decision" in took
    lan.get("/lang/vi")
    page = _text(lan.get("/registry/agencies/hanoimoi").text)
    decision = "QĐ 1115-QĐ/TU ngày 30/01/2026 của Ban Thường vụ Thành ủy Hà Nội"
    assert f"Sáp nhập vào Cơ quan Báo và Phát thanh, Truyền hình Hà Nội ({decision})" in page
    assert "Tạo mục cơ quan báo chí hanoimoi — example" in page
    took = _text(lan.get("/registry/agencies/hn-bao-ptth").text)
    assert "Tiếp nhận Báo Hànộimới, Báo Kinh tế và Đô thị," in took and "(sáp nhập) (QĐ" in took


# What the register says of a bad form, a bad file and a finished task: in Vietnamese, English.
REFUSED = {
    "form": (
        "thiếu Tên",
        "missing Name",
    ),
    "email": (
        "Thư điện tử: 'sai' không phải địa chỉ thư điện tử",
        "E-mail: 'sai' is not an e-mail address",
    ),
    "head": (
        "Người đứng đầu, theo tin (tháng/năm): '13/2099' không phải tháng/năm đã qua",
        "Head, as reported (month/year): '13/2099' is not a past month/year",
    ),
    "taken": ("Mã này đã có trong sổ đăng ký.", "This code is already in the register."),
    "row": ("Cơ quan báo chí, dòng 3: thiếu Tên", "Press agency, row 3: missing Name"),
    "reference": (
        "Cơ quan báo chí, dòng 3: Cơ quan chủ quản 'khong-co' không có trong danh mục "
        "Cơ quan chủ quản, quản lý",
        "Press agency, row 3: Governing body 'khong-co' is not in the list "
        "Governing and managing bodies",
    ),
    "file": ("không rõ ghi-chu.csv thuộc danh mục nào", "which list ghi-chu.csv holds is unknown"),
    "done": (
        "Nhiệm vụ 'hn-2026-sap-nhap' đã hoàn thành",
        "Task 'hn-2026-sap-nhap' is already done",
    ),
}


def test_what_is_wrong_with_a_form_or_a_file_reads_in_the_page_language(client_as) -> None:
    hoa = client_as("admin")
    for english in (False, True):
        if english:
            _english(hoa)
        token = csrf(hoa, "/registry/agencies/new")
        form = {"csrf": token, "code": "moi", "email": "sai", "head_as_of": "13/2099"}
        bad = _text(hoa.post("/registry/agencies/new", data=form).text)
        taken = {**form, "code": "hanoimoi", "name": "Báo Mới", "email": "", "head_as_of": ""}
        bad += _text(hoa.post("/registry/agencies/new", data=taken).text)
        rows = "code,name,body\nmoi,Báo Mới,ubnd-hn\nsai,,khong-co\n".encode()
        for name in ("agencies.csv", "ghi-chu.csv"):
            files = {"file": (name, rows, "text/csv")}
            page = hoa.post("/registry/import", data={"csrf": token}, files=files)
            assert page.status_code == 422
            bad += _text(page.text)
        done = hoa.post("/registry/actions/hn-2026-sap-nhap/complete", data={"csrf": token})
        assert done.status_code == 409
        bad += _text(done.text)
        missing = [said[english] for said in REFUSED.values() if said[english] not in bad]
        assert missing == [], english


def test_a_workbook_named_xlsm_imports_and_exports_keep_formulas_as_text(client_as) -> None:
    from openpyxl import Workbook

    hoa = client_as("admin")
    token = csrf(hoa, "/registry")
    book = Workbook()
    sheet = book.active
    sheet.title = "agencies"
    sheet.append(["code", "name", "body"])
    sheet.append(["hn-f1", '=HYPERLINK("http://127.0.0.1/x","click")', "ubnd-hn"])
    sheet.append(["hn-f2", "@SUM(1+1)", "ubnd-hn"])
    sheet["B2"].data_type = sheet["B3"].data_type = "s"  # text, as an import of a CSV keeps it
    data = io.BytesIO()
    book.save(data)
    page = hoa.post(
        "/registry/import",
        data={"csrf": token},
        files={"file": ("so-dang-ky.xlsm", data.getvalue(), "application/octet-stream")},
    )
    assert page.status_code == 200, page.text[:500]
    assert "Cơ quan báo chí: thêm 2, cập nhật 0, không đổi 0" in page.text
    exported = load_workbook(io.BytesIO(hoa.get("/registry/export.xlsx").content))[
        "Cơ quan báo chí"
    ]
    cells = [c for r in exported.iter_rows() for c in r]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    names = {c.value for c in cells if c.column == 2}
    assert {'\'=HYPERLINK("http://127.0.0.1/x","click")', "'@SUM(1+1)"} <= names
    csv_text = hoa.get("/registry/agencies/export.csv").text
    assert "\nhn-f2,'@SUM(1+1)," in csv_text and "\nhn-f2,@" not in csv_text


def _put(client: TestClient, path: str, fields: dict) -> tuple[int, object]:
    """PUT an entry through the API as an administrator: (status, JSON answer)."""
    answer = client.put(
        f"/api/v1/registry/{path}", json=fields, headers={"X-CSRF-Token": csrf(client)}
    )
    return answer.status_code, answer.json()


def test_a_merger_back_or_a_second_end_of_one_agency_is_refused(client_as) -> None:
    """aa merged into bb, then bb into aa, would leave a loop no agency page could draw; aa
    merged into bb, then into cc, two ends for one agency: both are refused, in words."""
    hoa = client_as("admin")
    for code in ("aa", "bb", "cc"):
        assert _put(hoa, f"agencies/{code}", {"name": f"Báo {code}"})[0] == 200
    done = {"kind": "merge", "title": "x", "status": "done"}
    day = {"effective_on": "2025-01-01", "completed_on": "2025-01-01"}
    assert _put(hoa, "actions/m1", {**done, **day, "members": ["aa"], "target": "bb"})[0] == 200
    back = {**done, **day, "members": ["bb"], "target": "aa"}
    status, said = _put(hoa, "actions/m2", back)
    assert status == 422 and said["detail"] == [
        "các nhiệm vụ sắp xếp khép thành vòng: bb → aa → bb"
    ]
    planned = {**back, "status": "planned", "effective_on": "", "completed_on": ""}
    assert _put(hoa, "actions/m2", planned)[0] == 422  # not even as a plan
    again = {**done, **day, "members": ["aa"], "target": "cc"}
    status, said = _put(hoa, "actions/m3", again)
    assert status == 422 and said["detail"] == ["cơ quan 'aa' đã sáp nhập theo nhiệm vụ 'm1'"]
    for code in ("aa", "bb", "cc"):
        assert hoa.get(f"/registry/agencies/{code}").status_code == 200
    assert hoa.get("/api/v1/registry/actions/m2").status_code == 404


def test_a_loop_of_governing_bodies_is_refused_against_the_stored_ones(client_as) -> None:
    hoa = client_as("admin")
    body = {"name": "Cơ quan P1", "level": "city", "type": "government"}
    assert _put(hoa, "bodies/p1", body)[0] == 200
    assert _put(hoa, "bodies/p2", {**body, "name": "Cơ quan P2", "parent": "p1"})[0] == 200
    status, said = _put(hoa, "bodies/p1", {**body, "parent": "p2"})
    assert status == 422 and said["detail"] == ["'p1' trực thuộc chính nó qua cấp trên"]
    assert hoa.get("/api/v1/registry/bodies/p1").json()["parent"] == ""


def test_an_api_key_is_read_as_a_forms_and_answered_as_stored(client_as) -> None:
    hoa = client_as("admin")
    status, saved = _put(hoa, "agencies/w22%20", {"name": "Báo W22"})
    assert status == 200 and saved["code"] == "w22"
    status, saved = _put(hoa, "agencies/w23%E2%80%8B", {"name": "Báo W23"})
    assert status == 200 and saved["code"] == "w23"
    status, saved = _put(hoa, "domains/WWW.Upper.VN", {"agency": "w22"})
    assert status == 200 and saved["domain"] == "upper.vn"


def test_an_api_value_is_one_value_and_typed_apostrophes_stay(client_as) -> None:
    hoa = client_as("admin")
    for value in (["a", "b"], {"x": 1}):
        status, said = _put(hoa, "agencies/q1", {"name": value})
        assert status == 422, value
        assert said["detail"] == ["Tên: cần một giá trị, không phải danh sách hay bảng"]
    for typed in ("'=quoted already", "''=two"):
        status, saved = _put(hoa, "agencies/q1", {"name": typed})
        assert status == 200 and saved["name"] == typed


def test_expiry_days_and_completion_dates_are_checked_in_words(client_as) -> None:
    hoa = client_as("admin")
    for days in ("99999999999", "3000000", "-1"):
        assert hoa.get(f"/api/v1/registry/expiring?days={days}").status_code == 422, days
    assert hoa.get("/api/v1/registry/expiring?days=3650").status_code == 200
    plan = {"kind": "dissolve", "title": "Giải thể thử", "members": ["quocphongthudo"]}
    assert _put(hoa, "actions/f3", plan)[0] == 200
    token = csrf(hoa)
    page = hoa.post("/registry/actions/f3/complete", data={"csrf": token, "on": "garbage"})
    assert page.status_code == 409
    assert "Ngày 'garbage' không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd)" in unescape(page.text)
    assert "isoformat" not in page.text


def test_an_edit_over_a_change_made_meanwhile_is_refused_with_what_was_typed(
    client_as,
) -> None:
    """Two administrators open cand's form; B saves a phone number, then A a head's name: A is
    told the entry changed, her typing is kept, and B's phone stays until she saves over it."""
    a, b = client_as("admin"), client_as("admin")

    def opened(client: TestClient) -> dict[str, str]:
        page = client.get("/registry/agencies/cand/edit").text
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', page))
        current = a.get("/api/v1/registry/agencies/cand").json()
        return {**{k: v for k, v in current.items() if isinstance(v, str)}, **fields}

    seen_a, seen_b = opened(a), opened(b)
    saved = b.post("/registry/agencies/cand/edit", data={**seen_b, "phone": "069 123 456"},
                   follow_redirects=False)  # fmt: skip
    assert saved.status_code == 303
    refused = a.post("/registry/agencies/cand/edit", data={**seen_a, "head_name": "Nguyễn Văn A"})
    assert refused.status_code == 409
    assert "sau khi bạn mở nó" in refused.text and 'value="Nguyễn Văn A"' in refused.text
    stored = a.get("/api/v1/registry/agencies/cand").json()
    assert (stored["phone"], stored["head_name"]) == ("069 123 456", seen_a["head_name"])
    newer = re.search(r'name="version" value="([^"]+)"', refused.text).group(1)
    again = a.post("/registry/agencies/cand/edit", follow_redirects=False,
                   data={**seen_a, "head_name": "Nguyễn Văn A", "version": newer})  # fmt: skip
    assert again.status_code == 303  # saved over it knowingly
    assert a.get("/api/v1/registry/agencies/cand").json()["head_name"] == "Nguyễn Văn A"
