"""Signing in and out, throttling, cookies, CSRF, API tokens, and creating users from the CLI."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import update

from baochi import cli
from baochi.db.schema_web import api_tokens
from baochi.db.web_store import WebStore
from baochi.web.auth import MAX_USER_FAILURES, verify_password
from tests.conftest import migrations
from tests.races import at_once, held_after_looking
from tests.web.conftest import PASSWORD, csrf


def login_form(client: TestClient, username: str, password: str, next_: str = "/"):
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
    assert token is not None
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token.group(1), "next": next_},
        follow_redirects=False,
    )


def test_passwords_are_argon2_hashes(web: WebStore, people) -> None:
    stored = web.password_hash(people["analyst"].id)
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert verify_password(stored, PASSWORD) and not verify_password(stored, "sai")


def test_sign_in_sets_a_safe_cookie_and_sign_out_ends_it(app, people) -> None:
    with TestClient(app) as client:
        page = login_form(client, "lan", PASSWORD, "/search?q=ha+noi")
        assert page.status_code == 303 and page.headers["location"] == "/search?q=ha+noi"
        cookie = page.headers["set-cookie"]
        assert "baochi_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
        assert "Secure" not in cookie  # plain HTTP here; HTTPS gets Secure
        assert client.get("/account").status_code == 200
        out = client.post("/logout", data={"csrf": csrf(client)}, follow_redirects=False)
        assert out.status_code == 303
        assert client.get("/account", follow_redirects=False).status_code == 303


def test_cookie_is_secure_over_https(app, people) -> None:
    with TestClient(app, base_url="https://testserver") as client:
        page = login_form(client, "lan", PASSWORD)
        assert "Secure" in page.headers["set-cookie"]


def test_wrong_password_then_throttled_even_with_the_right_one(app, people) -> None:
    with TestClient(app) as client:
        for _ in range(MAX_USER_FAILURES):
            page = login_form(client, "lan", "không phải mật khẩu")
            assert page.status_code == 401
            assert "Sai tên đăng nhập hoặc mật khẩu." in page.text
        page = login_form(client, "lan", PASSWORD)
        assert page.status_code == 429 and "15 phút" in page.text
        # another user from the same address is not locked out by Lan's failures
        assert login_form(client, "hoa", PASSWORD).status_code == 303


def test_a_shared_link_opens_whole_after_sign_in(app, people) -> None:
    """A colleague's link with several filters lands, after the sign-in it asks for, on the
    same page with every filter, as the browser follows it."""
    link = "/search?q=ng%E1%BA%ADp+OR+%22%C3%BAng+ng%E1%BA%ADp%22&tone=negative&sort=date"
    with TestClient(app) as client:
        to_login = client.get(link, follow_redirects=False)
        assert to_login.status_code == 303
        form = client.get(to_login.headers["location"]).text
        next_ = re.search(r'name="next" value="([^"]*)"', form)
        assert next_ is not None
        page = login_form(client, "lan", PASSWORD, html.unescape(next_.group(1)))
        assert page.headers["location"] == link


def test_a_form_sent_after_the_session_ended_leads_back_to_its_page(
    client_as, people, web, articles
) -> None:
    """The action was not carried out, the sign-in page says so, and signing in leads back to
    the page the form was on (not to the address it posted to, which only takes forms); htmx,
    a form or a status polled, is sent there by a header, since the browser's request would
    follow a redirect into the part of the page it replaces."""
    client = client_as("analyst")
    page = f"/documents/{articles[1]}?from=search"
    token = csrf(client, page)
    web.end_sessions(user_id=people["analyst"].id)
    form = {"task": "tone", "label": "negative", "csrf": token}
    sent = client.post(
        f"/documents/{articles[1]}/flags",
        data={"reason": "cần xem", "csrf": token},
        headers={"referer": f"http://testserver{page}"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    login = client.get(sent.headers["location"]).text
    assert "Phiên làm việc đã hết hạn" in login and "chưa được thực hiện" in login
    next_ = re.search(r'name="next" value="([^"]*)"', login)
    assert next_ is not None and html.unescape(next_.group(1)) == page
    english = re.search(r'href="(/lang/en\?next=[^"]*)"', login)
    assert english is not None  # in English the page still says why, and leads to the same page
    switched = client.get(html.unescape(english.group(1))).text
    assert "was not done" in switched and html.escape(page) in switched
    htmx = client.post(
        f"/documents/{articles[1]}/labels",
        data=form,
        headers={"referer": f"http://testserver{page}", "HX-Request": "true"},
        follow_redirects=False,
    )
    assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == sent.headers["location"]
    polled = client.get(
        "/social/imports/1", headers={"referer": "http://testserver/social", "HX-Request": "true"}
    )
    assert polled.status_code == 401 and polled.headers["HX-Redirect"] == "/login?next=/social"
    foreign = client.post(
        f"/documents/{articles[1]}/flags",
        data={"reason": "x", "csrf": token},
        headers={"referer": "https://evil.example/documents/1"},
        follow_redirects=False,
    )
    assert foreign.headers["location"].startswith("/login?next=/&")
    assert web.labels(articles[1]) == {}


def test_an_answer_typed_after_the_session_ended_is_shown_to_copy_not_lost(
    client_as, people, web, articles
) -> None:
    """Someone who left a page open overnight writes a long text and sends it: the session has
    ended, nothing is done, and the sign-in page gives the text back to copy (escaped, never
    run) and names the file to choose again; a foreign page's form gets no echo."""
    client = client_as("analyst")
    page = f"/documents/{articles[1]}"
    token = csrf(client, page)
    web.end_sessions(user_id=people["analyst"].id)
    answer = "Sở đã cử đoàn kiểm tra <script>alert(1)</script>\nvà sẽ trả lời trước 15/12."
    form = {"note": answer, "label": "ngắn", "csrf": token}
    letter = {"letter": ("cong-van-123.pdf", b"%PDF-1.4 letter", "application/pdf")}
    sent = client.post(
        f"{page}/flags",
        data=form,
        files=letter,
        headers={"referer": f"http://testserver{page}"},
        follow_redirects=False,
    )
    assert sent.status_code == 401 and "chưa được thực hiện" in sent.text
    kept = re.findall(r"<textarea[^>]*readonly[^>]*>([^<]*)</textarea>", sent.text)
    assert [html.unescape(k) for k in kept] == [answer]  # the short field is easy to type again
    assert "<script>alert(1)" not in sent.text and "cong-van-123.pdf" in sent.text
    next_ = re.search(r'name="next" value="([^"]*)"', sent.text)
    assert next_ is not None and html.unescape(next_.group(1)) == page
    assert web.flags(articles[1]) == []
    foreign = client.post(
        f"{page}/flags",
        data=form,
        headers={"referer": "https://evil.example/"},
        follow_redirects=False,
    )
    assert foreign.status_code == 303 and "Sở đã cử" not in foreign.text
    broken = {"referer": f"http://testserver{page}", "content-type": "multipart/form-data"}
    for sender in (client, client_as("analyst")):  # a body that is no form: refused, no crash
        garbled = sender.post(f"{page}/flags", content=b"garbage", headers=broken)
        assert garbled.status_code == 400 and "Missing boundary" in garbled.text


def test_a_stale_form_is_refused_and_gives_its_text_back(client_as, articles, web) -> None:
    """A form whose token belongs to an earlier session (signed out and in, in another tab)
    is refused, and its long text comes back to copy, as on the sign-in page."""
    client = client_as("analyst")
    page = f"/documents/{articles[2]}"
    note = "Bài này đưa sai số liệu về lượng mưa, cần báo lại cho phòng."
    refused = client.post(
        f"{page}/flags",
        data={"note": note, "csrf": "token-of-an-earlier-session"},
        headers={"referer": f"http://testserver{page}"},
    )
    assert refused.status_code == 403 and "Biểu mẫu đã cũ" in refused.text
    kept = re.findall(r"<textarea[^>]*readonly[^>]*>([^<]*)</textarea>", refused.text)
    assert [html.unescape(k) for k in kept] == [note]
    assert f'href="{page}"' in refused.text and web.flags(articles[2]) == []
    passphrase = "một câu mật khẩu dài đủ hai mươi ký tự"
    changed = client.post(
        "/account/password",
        data={"current_password": passphrase, "new_password": passphrase, "csrf": "stale"},
        headers={"referer": "http://testserver/account"},
    )
    assert changed.status_code == 403 and passphrase not in changed.text  # never shown back
    assert "<textarea" not in changed.text


def test_switching_language_stays_on_the_same_filtered_page(client_as) -> None:
    client = client_as("analyst")
    page = client.get("/search", params={"q": "hà nội", "tone": "negative"}).text
    switch = re.search(r'href="(/lang/en\?next=[^"]*)"', page)
    assert switch is not None
    back = client.get(html.unescape(switch.group(1)), follow_redirects=False)
    assert back.headers["location"] == "/search?q=h%C3%A0+n%E1%BB%99i&tone=negative"
    made = client.post(
        "/account/tokens",
        data={"name": "x", "csrf": csrf(client)},
        headers={"referer": "http://testserver/account"},
    )
    switch = re.search(r'href="(/lang/en\?next=[^"]*)"', made.text)  # a page a form answered
    assert switch is not None
    back = client.get(html.unescape(switch.group(1)), follow_redirects=False)
    assert back.headers["location"] == "/account"  # not the form's address: it takes only forms
    login = TestClient(client.app).get("/login?next=/search%3Fq%3Dx%26tone%3Dnegative").text
    switch = re.search(r'href="(/lang/en\?next=[^"]*)"', login)
    assert switch is not None
    to_form = client.get(html.unescape(switch.group(1)), follow_redirects=False)
    assert to_form.headers["location"] == "/login?next=/search%3Fq%3Dx%26tone%3Dnegative"


def test_login_refuses_a_foreign_form_and_an_outside_next(app, people) -> None:
    with TestClient(app) as client:
        page = client.post("/login", data={"username": "lan", "password": PASSWORD, "csrf": "x"})
        assert page.status_code == 400
        page = login_form(client, "lan", PASSWORD, "//evil.example/steal")
        assert page.headers["location"] == "/"


def test_writes_without_the_csrf_token_are_refused(client_as, articles, web) -> None:
    client = client_as("analyst")
    url = f"/documents/{articles[0]}/labels"
    assert client.post(url, data={"task": "tone", "label": "negative"}).status_code == 403
    bad = {"task": "tone", "label": "negative", "csrf": "forged"}
    assert client.post(url, data=bad).status_code == 403
    assert web.labels(articles[0]) == {}
    headers = {"X-CSRF-Token": csrf(client)}  # htmx sends it as a header
    ok = client.post(url, data={"task": "tone", "label": "negative"}, headers=headers)
    assert ok.status_code == 200 and web.labels(articles[0])["tone"]["label"] == "negative"


def test_locked_user_loses_their_session_at_once(client_as, people, web) -> None:
    analyst = client_as("analyst")
    admin = client_as("admin")
    page = admin.post(
        f"/admin/users/{people['analyst'].id}", data={"action": "lock", "csrf": csrf(admin)}
    )
    assert page.status_code == 200
    assert analyst.get("/account", follow_redirects=False).status_code == 303
    with TestClient(analyst.app) as fresh:
        assert login_form(fresh, "lan", PASSWORD).status_code == 401
    actions = [e["action"] for e in web.audit_entries()]
    assert "user.change" in actions


def test_changing_my_password_signs_out_my_other_browsers_not_this_one(client_as) -> None:
    """Whoever holds a session taken with the old password loses it when the password changes."""
    here, elsewhere = client_as("analyst"), client_as("analyst")
    form = {"current_password": PASSWORD, "new_password": "mat-khau-moi-2026", "csrf": csrf(here)}
    assert "Đã đổi mật khẩu." in here.post("/account/password", data=form).text
    assert here.get("/account", follow_redirects=False).status_code == 200
    assert elsewhere.get("/account", follow_redirects=False).status_code == 303


def test_the_way_back_from_a_refusal_never_leaves_the_site(client_as) -> None:
    """A Referer of this host whose path a browser reads as another host ("//evil.example",
    "/\\evil.example") gives no way back, where it gave a link off the site."""
    analyst = client_as("analyst")
    for path in ("//evil.example/x", "/\\evil.example/x", "/search?q=a"):
        page = analyst.post(
            "/cases/999999/action",
            data={"action": "note", "csrf": csrf(analyst)},
            headers={"referer": f"http://testserver{path}"},
        )
        assert page.status_code == 404
        backs = re.findall(r'href="([^"]*)"[^>]*>\s*←', page.text)
        assert backs == ([html.escape(path)] if path.startswith("/search") else []), path


def test_api_tokens_are_hashed_work_and_can_be_revoked(client_as, app, web, people) -> None:
    client = client_as("analyst")
    page = client.post("/account/tokens", data={"name": "báo cáo tự động", "csrf": csrf(client)})
    token = re.search(r'id="new-secret">(bc_[^<]+)<', page.text).group(1)
    with web.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash, prefix FROM api_tokens").all()
    assert token not in str(stored)
    with TestClient(app) as api:
        headers = {"Authorization": f"Bearer {token}"}
        assert api.get("/api/v1/me", headers=headers).json()["username"] == "lan"
        # a token needs no CSRF token: it is not sent by a browser on its own
        assert api.get("/api/v1/documents", headers=headers).status_code == 200
        token_id = web.tokens(people["analyst"].id)[0]["id"]
        other = client_as("admin")
        url = f"/account/tokens/{token_id}/revoke"
        assert other.post(url, data={"csrf": csrf(other)}).status_code == 404  # not hers
        assert client.post(url, data={"csrf": csrf(client)}).status_code == 200
        assert api.get("/api/v1/me", headers=headers).status_code == 401
        assert (
            api.get("/api/v1/me", headers={"Authorization": "Bearer bc_guess"}).status_code == 401
        )


def test_a_password_reset_revokes_the_users_api_tokens(client_as, app, web, people) -> None:
    """An admin resets a password when someone else may hold the account; a token they made
    kept working after the reset, while the sessions ended."""
    analyst = client_as("analyst")
    page = analyst.post("/account/tokens", data={"name": "tự động", "csrf": csrf(analyst)})
    token = re.search(r'id="new-secret">(bc_[^<]+)<', page.text).group(1)
    headers = {"Authorization": f"Bearer {token}"}
    with TestClient(app) as api:
        assert api.get("/api/v1/me", headers=headers).status_code == 200
        admin = client_as("admin")
        url = f"/admin/users/{people['analyst'].id}"
        assert admin.post(url, data={"action": "password", "csrf": csrf(admin)}).status_code == 200
        assert api.get("/api/v1/me", headers=headers).status_code == 401
    entry = next(e for e in web.audit_entries() if e["action"] == "user.password_reset")
    assert json.loads(entry["after"]) == {"tokens_revoked": 1}


def new_token(client: TestClient, **form: str) -> str:
    """Make a token on the account page; its secret, shown once."""
    page = client.post("/account/tokens", data={"csrf": csrf(client), **form})
    return re.search(r'id="new-secret">(bc_[^<]+)<', page.text).group(1)


def test_a_token_works_for_the_days_chosen_then_is_refused(client_as, app, web, people) -> None:
    """A token kept in a forgotten script stops by itself: it works for the 30, 90 (unless
    told), 180 or 365 days chosen, then the API refuses it and the page says it expired."""
    client = client_as("analyst")
    month = new_token(client, name="một tháng", days="30")
    usual = new_token(client, name="mặc định")
    made = {t["name"]: t for t in web.tokens(people["analyst"].id)}
    for name, days in (("một tháng", 30), ("mặc định", 90)):
        lifetime = made[name]["expires_at"] - made[name]["created_at"]
        assert lifetime == dt.timedelta(days=days), name
    for wrong in ("0", "3650", "ba mươi"):
        page = client.post(
            "/account/tokens", data={"name": "x", "days": wrong, "csrf": csrf(client)}
        )
        assert page.status_code == 422 and "30, 90, 180, 365 ngày" in page.text, wrong
    assert len(web.tokens(people["analyst"].id)) == 2
    with TestClient(app) as api:
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {month}"}).is_success
        with web.engine.begin() as conn:  # a month on
            conn.execute(
                update(api_tokens)
                .where(api_tokens.c.name == "một tháng")
                .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1))
            )
        assert (
            api.get("/api/v1/me", headers={"Authorization": f"Bearer {month}"}).status_code == 401
        )
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {usual}"}).is_success
    rows = re.findall(r"<tr><td>(.*?)</tr>", client.get("/account").text, re.S)
    assert ["Đã hết hạn" in r for r in rows] == [False, True]  # newest first
    assert ["Thu hồi" in r for r in rows] == [True, False]


def test_tokens_made_before_expiry_existed_get_a_year(client_as, app, web, store, people) -> None:
    """web_0004 gives the tokens already out a year from the upgrade, not for ever, nor none."""
    token = new_token(client_as("analyst"), name="cũ")
    with store.engine.begin() as conn:
        config = migrations(conn)
        command.downgrade(config, "web_0003")
        command.upgrade(config, "heads")
    (kept,) = web.tokens(people["analyst"].id)
    left = kept["expires_at"] - dt.datetime.now(dt.UTC)
    assert dt.timedelta(days=364) < left <= dt.timedelta(days=365)
    with TestClient(app) as api:
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).is_success


def test_a_token_made_twice_at_once_leaves_one_that_works_the_one_shown(
    client_as, app, web, people, monkeypatch
) -> None:
    """The second answer replaces the first, whose secret nobody saw: a twin never used and
    just made is revoked, not left working unseen. Another name, or a token in use, stays."""
    client = client_as("analyst")
    token = csrf(client)

    def make(name: str) -> str:
        page = client.post("/account/tokens", data={"name": name, "csrf": token})
        return re.search(r'id="new-secret">(bc_[^<]+)<', page.text).group(1)

    used = make("trang tin")
    with TestClient(app) as api:
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {used}"}).is_success
        held_after_looking(monkeypatch, WebStore, "fresh_tokens")
        shown = at_once(2, lambda _: make("báo cáo tự động"))
        again = make("trang tin")
        mine = web.tokens(people["analyst"].id)
        live = {t["name"] for t in mine if t["revoked_at"] is None}
        assert len(mine) == 4 and sorted(t["name"] for t in mine if t["revoked_at"] is None) == [
            "báo cáo tự động",
            "trang tin",
            "trang tin",
        ], live
        works = [
            api.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).is_success
            for secret in (*shown, used, again)
        ]
        assert sorted(works[:2]) == [False, True] and works[2:] == [True, True]


def test_security_headers_forbid_inline_script(client_as) -> None:
    page = client_as("analyst").get("/account")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"


@pytest.fixture
def env(settings, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BAOCHI_DATA", str(settings.data))
    monkeypatch.setenv("BAOCHI_DATABASE_URL", settings.database_url)
    return settings


def test_cli_adds_users_and_refuses_bad_ones(env, store, capsys) -> None:
    assert cli.main(["users", "add", "minh", "--role", "officer", "--department", "Sở Y tế"]) == 0
    out = capsys.readouterr().out
    assert "created minh (officer, Sở Y tế)" in out
    password = re.search(r"password: (\S+)", out).group(1)
    web = WebStore(store.engine)
    assert verify_password(web.password_hash(web.user_by_name("minh").id), password)
    assert cli.main(["users", "add", "minh", "--role", "analyst"]) == 1
    assert "đã có" in capsys.readouterr().err
    assert cli.main(["users", "add", "khanh", "--role", "officer"]) == 1  # needs a department
    assert "phải thuộc một phòng ban. (--department)" in capsys.readouterr().err
    assert cli.main(["users", "list"]) == 0
    assert "minh" in capsys.readouterr().out


def test_first_run_creates_the_administrator_once(web) -> None:
    from baochi.web.users import ensure_admin

    password = ensure_admin(web)
    assert password and web.user_by_name("admin").role == "admin"
    assert ensure_admin(web) is None
