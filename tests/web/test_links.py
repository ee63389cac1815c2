"""Every link a page shows opens for the person it is shown to, and no form or link parameter
fails on what no one should type: each role walks the pages it can reach from the dashboard,
over real articles in stories, a case, an alert and a failing source."""

from __future__ import annotations

import datetime as dt
import html
import itertools
import re
from collections import Counter, deque
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from selectolax.lexbor import LexborHTMLParser

from baochi import cases
from baochi.cases.workflow import Actor
from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.db.watch_store import Alert, WatchStore
from baochi.registry.example import load_example as registry_example
from baochi.settings import Settings
from baochi.social.ingest import ingest
from baochi.stories import assign
from baochi.targets.board import load_example as directive_example
from baochi.web.app import router_modules, routers
from tests.conftest import SHARED_DATA
from tests.social.fake_api import social_texts
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine, articles = web_fixtures.closed_engine, web_fixtures.articles
_HREF = re.compile(r'href="([^"#]*)')
_NOT_FOLLOWED = ("/logout", "/lang/", "/static/", "/api/docs")
_PER_SHAPE = 2  # pages of one kind opened (two articles, two stories, two facet links)
_NOT_POSTED = ("/logout", "/login", "/account", "/admin/users/")  # would end the session
_HOSTILE = ("\x00", "9" * 30, "31/02/2026", "<script>alert(1)</script>", "x" * 5000, " ")


def _route_words() -> frozenset[str]:
    """The fixed words of the application's paths ("registry", "new"), not their parameters."""
    paths = [
        getattr(r, "path", "")
        for module in router_modules()
        for router in routers(module)
        for r in router.routes
    ]
    return frozenset(word for path in paths for word in path.split("/") if "{" not in word)


_ROUTE_WORDS = _route_words()


def _shape(url: str) -> str:
    """What a link is, whatever its ids, keys and values: "/stories/K?q", "/registry/K/K/edit"."""
    parts = urlsplit(url)
    path = "/".join(w if w in _ROUTE_WORDS else "K" for w in parts.path.split("/"))
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return path + "?" + "&".join(keys)


@pytest.fixture
def office(store: Store, settings: Settings, articles, people) -> None:
    """A day's office: the articles in stories, a case, an alert, a failing source, the example
    registry and directive, and real comments on a channel when the social data sets are here."""
    registry_example(store.engine)
    directive_example(store.engine)
    if SHARED_DATA.joinpath("vihsd").is_dir() and SHARED_DATA.joinpath("uit-vsfc").is_dir():
        social = SocialStore(store.engine)
        channel, _ = social.add_account("facebook", "facebook", "1020304", "Cổng TTĐT Hà Nội")
        now = dt.datetime.now(dt.UTC)
        comments = [SocialItem("facebook", f"c{i}", "comment", text, now - dt.timedelta(hours=i))
                    for i, text in enumerate(social_texts(12))]  # fmt: skip
        ingest(store, comments, settings, channel)
    story = int(assign(store.engine, articles)[1].story)
    analyst = Actor("analyst", user_id=people["analyst"].id)
    cases.open_case(store.engine, analyst, "Ngập phố Nguyễn Khuyến", story_id=story,
                    responsible=[people["officer"].department_id])  # fmt: skip
    source_id, _ = store.add_source("http://127.0.0.1:9/rss", "Báo Hànộimới", kind="feed")
    store.update_source(source_id, consecutive_failures=3, last_error="403 Forbidden")
    spike = Alert("spike", "area", "Hoàn Kiếm", "địa bàn Hoàn Kiếm", "34 bài trong 24 giờ qua",
                  "spike:area:test", observed=34)  # fmt: skip
    WatchStore(store.engine).add_alert(spike, dt.datetime.now(dt.UTC))


def _pages(client: TestClient) -> Iterator[tuple[str, Response, str]]:
    """Every page reachable from the dashboard by links (a few of each kind): (url, answer, the
    page that showed the link)."""
    seen, shapes = {"/"}, Counter[str]()
    queue = deque([("/", "")])
    while queue:
        url, shown_on = queue.popleft()
        answer = client.get(url)
        yield url, answer, shown_on
        if answer.status_code >= 400 or "text/html" not in answer.headers["content-type"]:
            continue
        for link in map(html.unescape, _HREF.findall(answer.text)):
            if not link.startswith("/") or link.startswith(_NOT_FOLLOWED) or link in seen:
                continue
            seen.add(link)
            shapes[_shape(link)] += 1
            if shapes[_shape(link)] <= _PER_SHAPE:
                queue.append((link, url))


def _unlabelled(tree: LexborHTMLParser) -> Iterator[str]:
    """The form controls a screen reader would announce without a name: no <label> for them or
    around them, no aria-label (a placeholder is no label: it goes when typing starts)."""
    named = {label.attributes.get("for") for label in tree.css("label[for]")}
    for field in tree.css("input, select, textarea"):
        seen = field.attributes
        if seen.get("type") in ("hidden", "submit", "button") or "hidden" in seen:
            continue
        if seen.get("id") in named or seen.get("aria-label") or seen.get("aria-labelledby"):
            continue
        around, inside = field.parent, False
        while around is not None and not inside:
            inside, around = around.tag == "label", around.parent
        if not inside:
            yield f"{field.tag} {seen.get('name')}"


@pytest.mark.parametrize("role", ["analyst", "officer", "leader", "admin"])
def test_every_link_a_page_shows_opens_and_reads_aloud(role, office, client_as) -> None:
    """Every page reached opens, and a screen reader finds a name for each of its form fields
    and a heading to start reading from (one walk of the pages for both)."""
    pages = list(_pages(client_as(role)))
    assert len(pages) > (5 if role == "officer" else 20)
    assert [(url, a.status_code, on) for url, a, on in pages if a.status_code >= 400] == []
    trees = [
        (url, LexborHTMLParser(a.text))
        for url, a, _ in pages
        if a.status_code == 200 and "text/html" in a.headers["content-type"]
    ]
    fields = sum(len(tree.css("input, select, textarea")) for _, tree in trees)
    assert fields > (3 if role in ("officer", "leader") else 30)
    assert [(url, f) for url, tree in trees for f in _unlabelled(tree)] == []
    headless = [url for url, tree in trees if not tree.css_first("h1")]
    assert headless == []  # each page has a heading to start reading from


def _forms(page: str, method: str = "post") -> Iterator[tuple[str, dict[str, str], list[str]]]:
    """Each form of a page sent by `method`: its action, its fields' values as the page fills
    them, and the names of the fields a person types into (of a GET form, every field: its
    selects and hidden fields are in the address, where anyone can change them)."""
    sent_by = f'form[method="{method}"]' if method == "post" else 'form:not([method="post"])'
    for form in LexborHTMLParser(page).css(sent_by):
        values, typed = {}, []
        for field in form.css("input[name], textarea[name], select[name]"):
            name, kind = field.attributes["name"] or "", field.attributes.get("type") or "text"
            if field.tag == "select":
                option = field.css_first("option[selected]") or field.css_first("option")
                values[name] = (option.attributes.get("value") or "") if option else ""
            elif kind not in ("file", "submit", "checkbox", "radio"):
                values[name] = field.attributes.get("value") or field.text() or ""
                if kind != "hidden":
                    typed.append(name)
            if method == "get" and name not in typed:
                typed.append(name)
        yield form.attributes.get("action") or "", values, typed


@pytest.mark.parametrize("role", ["analyst", "officer", "admin"])
def test_every_form_and_filter_takes_hostile_values_without_an_error(
    role, office, client_as
) -> None:
    """Each text field of each form, and each parameter of each link, gets what no one should
    type; the answer may refuse it, never fail (the test client raises on a 500)."""
    client, tried = client_as(role), set()
    for url, answer, _ in _pages(client):
        parts = urlsplit(url)
        if parts.query and _shape(url) not in tried:
            tried.add(_shape(url))
            pairs = parse_qsl(parts.query, keep_blank_values=True)
            for i, bad in itertools.product(range(len(pairs)), _HOSTILE):
                changed = [*pairs[:i], (pairs[i][0], bad), *pairs[i + 1 :]]
                assert client.get(parts.path, params=changed).status_code < 500, (url, bad)
        if "text/html" not in answer.headers["content-type"]:
            continue
        for method in ("post", "get"):
            for action, values, typed in _forms(answer.text, method):
                action = action or parts.path  # a form without an action sends to its page
                key = (method, _shape(action), tuple(sorted(values)))
                if action.startswith(_NOT_POSTED) or key in tried:
                    continue
                tried.add(key)
                for name, bad in itertools.product(typed, _HOSTILE):
                    fields = {**values, name: bad}
                    if method == "post":
                        sent = client.post(action, data=fields)
                    else:
                        sent = client.get(action, params=fields)
                    assert sent.status_code < 500, (method, action, name, bad)
    assert len(tried) >= (2 if role == "officer" else 10)


def test_an_id_no_database_can_hold_is_not_found_rather_than_an_error(client_as) -> None:
    huge = "9" * 30
    admin = client_as("admin")
    every = [r for module in router_modules() for router in routers(module) for r in router.routes]
    routes = [r for r in every if "GET" in getattr(r, "methods", ()) and ":id}" in r.path]
    paths = [re.sub(r"\{\w+:id\}", huge, r.path) for r in routes]
    paths = [path for path in paths if "{" not in path]  # ids only: no other parameter
    assert len(paths) >= 10
    assert {path: admin.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)
    refused = admin.get(f"/admin/audit?before={huge}")
    assert refused.status_code == 422 and "giá trị không hợp lệ ở before" in refused.text
    refused = admin.get("/search", params={"q": f"story:{huge}"})
    assert refused.status_code == 200 and "story" in refused.text and "1, 2, 3…" in refused.text
    case = {"title": "Ngập phố", "story_id": int(huge)}
    answer = admin.post("/api/v1/cases", json=case, headers={"X-CSRF-Token": csrf(admin)})
    assert answer.status_code == 422 and "story_id" in answer.text
