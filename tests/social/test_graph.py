"""The Facebook Graph connector against the fake Graph API: paging, comments, incremental sync,
expired tokens and every documented rate-limit code."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import text

from baochi.collect.fetcher import Fetcher
from baochi.collect.social.graph import FacebookPage
from baochi.collect.social.items import Pull
from baochi.collect.social.sync import sync
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.settings import Settings
from tests.social.conftest import START
from tests.social.fake_api import GOOD_TOKEN, Scenario, graph_posts, social_texts


def _page(store: Store) -> int:
    account_id, _ = SocialStore(store.engine).add_account(
        "facebook", "facebook", "1020304", "Cổng TTĐT Hà Nội", official=True
    )
    return account_id


def _comments(post_id: str, texts: list[str]) -> list[dict]:
    return [
        {
            "id": f"{post_id}_{k}",
            "message": t,
            "created_time": "2026-11-21T02:00:00+0000",
            "from": {"id": f"u{k}", "name": f"Người dùng {k}"},
            "like_count": k,
            "comment_count": 0,
        }
        for k, t in enumerate(texts)
    ]


def _rows(store: Store, kind: str) -> list:
    with store.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT external_id, body, platform, reactions, shares, comments, parent_id, "
                "account_id, sentiment, toxicity, offensive, author FROM documents "
                "WHERE kind = :k ORDER BY external_id"
            ),
            {"k": kind},
        ).all()


def test_posts_and_comments_flow_in_page_by_page(
    store: Store, social_settings: Settings, scenario: Scenario
):
    texts = social_texts(12)
    scenario.posts = graph_posts(texts[:8], START)
    first = scenario.posts[0]["id"]
    first_post = scenario.posts[0]
    first_post["comments"]["summary"]["total_count"] = 4
    scenario.comments[first] = _comments(first, texts[8:])
    account = _page(store)

    (report,) = sync(store, social_settings)
    assert report.error == ""
    assert report.stored == 12 and report.fetched == 12
    posts, comments = _rows(store, "post"), _rows(store, "comment")
    assert len(posts) == 8 and len(comments) == 4
    assert scenario.calls["graph"] == 3 + 2  # 8 posts in pages of 3, 4 comments in pages of 3
    by_id = {p.external_id: p for p in posts}
    stored_first = by_id[first]
    assert stored_first.body == texts[7]  # the real text, as sent
    assert stored_first.reactions == 17 and stored_first.shares == 21
    assert stored_first.comments == 4 and stored_first.account_id == account
    assert stored_first.author == "Cổng TTĐT Hà Nội"
    with store.engine.connect() as conn:
        first_doc = conn.execute(
            text("SELECT id FROM documents WHERE external_id = :e"), {"e": first}
        ).scalar()
    assert {c.parent_id for c in comments} == {first_doc}
    assert all(p.sentiment in ("negative", "neutral", "positive") for p in posts + comments)
    assert all(p.toxicity in ("clean", "offensive", "hate") for p in posts + comments)
    # the token went in the Authorization header only, never in a URL
    assert set(scenario.auth_seen) == {f"Bearer {GOOD_TOKEN}"}
    assert not any(GOOD_TOKEN in p for p in scenario.paths_seen)

    cursor = SocialStore(store.engine).account(account).cursor
    assert cursor.startswith("2026-11-20T08:00:00")  # the newest post seen

    # An incremental sync asks since the cursor (less a day, to refresh counts): new posts are
    # stored, the known ones only get their new counts.
    newer = graph_posts(social_texts(20)[12:14], START.replace(day=22))
    for k, post in enumerate(newer):
        post["id"] = f"1020304_{9100 + k}"
        post["permalink_url"] = f"https://www.facebook.com/1020304/posts/{9100 + k}"
    first_post["reactions"]["summary"]["total_count"] = 99
    scenario.posts = newer + scenario.posts
    (again,) = sync(store, social_settings)
    assert again.error == "" and again.stored == 2
    assert "since=" in scenario.paths_seen[5]
    assert {p.external_id: p.reactions for p in _rows(store, "post")}[first] == 99
    assert len(_rows(store, "post")) == 10


def test_an_expired_token_is_a_clear_error_and_keeps_the_cursor(
    store: Store, social_settings: Settings, scenario: Scenario, caplog: pytest.LogCaptureFixture
):
    scenario.posts = graph_posts(social_texts(2), START)
    scenario.expired = True
    account = _page(store)
    with caplog.at_level(logging.DEBUG):
        (report,) = sync(store, social_settings)
    assert report.error.startswith("token_expired: facebook: code 190/463")
    assert "Session has expired" in report.error
    row = SocialStore(store.engine).account(account)
    assert row is not None and row.cursor == "" and row.last_error == report.error
    assert GOOD_TOKEN not in caplog.text and GOOD_TOKEN not in repr(social_settings)


@pytest.mark.parametrize("code", [4, 17, 32, 613, 80001])
def test_rate_limits_stop_the_sync_keeping_what_came(
    store: Store, social_settings: Settings, scenario: Scenario, code: int
):
    scenario.posts = graph_posts(social_texts(9), START)
    scenario.limit_after, scenario.limit_code, scenario.limit_minutes = 2, code, 30
    account = _page(store)
    (report,) = sync(store, social_settings)
    assert report.error.startswith(f"rate_limited: facebook: code {code}")
    assert report.stored == 6  # the two pages before the limit are kept
    row = SocialStore(store.engine).account(account)
    assert row is not None and row.cursor == ""  # the next sync starts where this one did


def test_a_short_rate_limit_is_waited_out(social_settings: Settings, scenario: Scenario):
    scenario.posts = graph_posts(social_texts(5), START)
    scenario.limit_after, scenario.limit_minutes = 1, 0
    settings = social_settings.replace(social_max_wait=400.0)
    waits: list[float] = []

    async def pull() -> Pull:
        fetcher = Fetcher(settings)
        page = FacebookPage("1020304", GOOD_TOKEN, settings, fetcher)

        async def waited(seconds: float) -> None:
            waits.append(seconds)
            scenario.limit_after = None  # the limit is over once waited for

        page.api._sleep = waited
        try:
            return await page.pull("")
        finally:
            await fetcher.aclose()

    pulled = asyncio.run(pull())
    assert pulled.failure is None and len(pulled.items) == 5
    assert waits == [300.0]  # no time named: Graph counts usage over an hour, wait 5 minutes
    assert pulled.requests == 3  # the refused request was asked again after the wait


def test_high_usage_headers_pause_before_the_limit(
    store: Store, social_settings: Settings, scenario: Scenario
):
    scenario.posts = graph_posts(social_texts(7), START)
    scenario.usage = 95
    _page(store)
    (report,) = sync(store, social_settings)
    assert report.stored == 3 and scenario.calls["graph"] == 1
    assert report.error.startswith("rate_limited: facebook: usage near the limit")
