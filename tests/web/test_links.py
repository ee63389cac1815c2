"""Every link a page shows opens for the person it is shown to: each role walks the pages it can
reach from the dashboard, over real articles in stories, a case, an alert and a failing source,
and no link answers with an error."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections import Counter, deque
from urllib.parse import urlsplit

import pytest

from baochi import cases
from baochi.cases.workflow import Actor
from baochi.db import Store
from baochi.db.watch_store import Alert, WatchStore
from baochi.stories import assign
from baochi.web.app import router_modules
from tests.web import conftest as web_fixtures
from tests.web.conftest import csrf

app, people, web = web_fixtures.app, web_fixtures.people, web_fixtures.web
client_as, quick_hashes = web_fixtures.client_as, web_fixtures.quick_hashes
closed_engine, articles = web_fixtures.closed_engine, web_fixtures.articles
_HREF = re.compile(r'href="([^"#]*)')
_NOT_FOLLOWED = ("/logout", "/lang/", "/static/", "/api/docs")
_PER_SHAPE = 2  # pages of one kind opened (two articles, two stories, two facet links)


def _shape(url: str) -> str:
    """What a link is, whatever its numbers and values: "/stories/N?q"."""
    parts = urlsplit(url)
    keys = sorted(k.split("=")[0] for k in parts.query.split("&") if k)
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


@pytest.mark.parametrize("role", ["analyst", "officer", "leader", "admin"])
def test_every_link_a_page_shows_opens(role, store: Store, articles, people, client_as) -> None:
    story = assign(store.engine, articles)[1].story
    analyst = Actor("analyst", user_id=people["analyst"].id)
    cases.open_case(store.engine, analyst, "Ngập phố Nguyễn Khuyến", story_id=story,
                    responsible=[people["officer"].department_id])  # fmt: skip
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    store.update_source(source_id, consecutive_failures=3, last_error="403 Forbidden")
    spike = Alert("spike", "area", "Hoàn Kiếm", "địa bàn Hoàn Kiếm", "34 bài trong 24 giờ qua",
                  "spike:area:test", observed=34)  # fmt: skip
    WatchStore(store.engine).add_alert(spike, dt.datetime.now(dt.UTC))
    client = client_as(role)
    seen, shapes, broken = {"/"}, Counter[str](), []
    queue = deque([("/", "")])
    while queue:
        url, shown_on = queue.popleft()
        answer = client.get(url)
        if answer.status_code >= 400:
            broken.append((url, answer.status_code, shown_on))
            continue
        if "text/html" not in answer.headers.get("content-type", ""):
            continue
        for link in map(html.unescape, _HREF.findall(answer.text)):
            if not link.startswith("/") or link.startswith(_NOT_FOLLOWED) or link in seen:
                continue
            seen.add(link)
            shapes[_shape(link)] += 1
            if shapes[_shape(link)] <= _PER_SHAPE:
                queue.append((link, url))
    assert len(seen) > (5 if role == "officer" else 20)
    assert broken == []


def test_an_id_no_database_can_hold_is_not_found_rather_than_an_error(client_as) -> None:
    huge = "9" * 30
    admin = client_as("admin")
    every = [route for module in router_modules() for route in module.router.routes]
    routes = [r for r in every if "GET" in getattr(r, "methods", ()) and ":id}" in r.path]
    paths = [re.sub(r"\{\w+:id\}", huge, r.path) for r in routes]
    paths = [path for path in paths if "{" not in path]  # ids only: no other parameter
    assert len(paths) >= 10
    assert {path: admin.get(path).status_code for path in paths} == dict.fromkeys(paths, 404)
    assert admin.get(f"/admin/audit?before={huge}").status_code == 422
    refused = admin.get("/search", params={"q": f"story:{huge}"})
    assert refused.status_code == 200 and "story" in refused.text and "1, 2, 3…" in refused.text
    case = {"title": "Ngập phố", "story_id": int(huge)}
    answer = admin.post("/api/v1/cases", json=case, headers={"X-CSRF-Token": csrf(admin)})
    assert answer.status_code == 422 and "story_id" in answer.text
