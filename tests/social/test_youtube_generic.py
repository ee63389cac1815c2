"""The YouTube and generic JSON connectors against their fake APIs: paging by token, comment
threads with replies, disabled comments, quota and key errors, Retry-After and bad records."""

from __future__ import annotations

import time

from sqlalchemy import text

from baochi.collect.social.sync import sync
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.settings import Settings
from tests.social.conftest import START
from tests.social.fake_api import (
    GOOD_TOKEN,
    Scenario,
    social_texts,
    youtube_threads,
    youtube_videos,
)


def _count(store: Store, kind: str) -> int:
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text("SELECT count(*) FROM documents WHERE kind = :k"), {"k": kind}
            ).scalar_one()
        )


def _channel(store: Store) -> int:
    account_id, _ = SocialStore(store.engine).add_account(
        "youtube", "youtube", "UChanoi", "Hà Nội TV", official=True
    )
    return account_id


def test_videos_and_comment_threads_flow_in(
    store: Store, social_settings: Settings, scenario: Scenario
):
    texts = social_texts(14)
    scenario.videos = youtube_videos(texts[:5], START)
    for video in scenario.videos[:2]:  # the others have comments disabled
        scenario.threads[video["id"]] = youtube_threads(video["id"], texts[5:9], START)
    account = _channel(store)
    (report,) = sync(store, social_settings)
    assert report.error == ""
    assert _count(store, "post") == 5
    assert _count(store, "comment") == 2 * 4 * 2  # four threads of a comment and its reply
    with store.engine.connect() as conn:
        video = conn.execute(
            text("SELECT id, views, reactions, title, url FROM documents WHERE external_id = :e"),
            {"e": scenario.videos[0]["id"]},
        ).one()
        reply_parent = conn.execute(
            text(
                "SELECT p.external_id FROM documents c JOIN documents p ON p.id = c.parent_id "
                "WHERE c.external_id LIKE '%.r' LIMIT 1"
            )
        ).scalar()
    assert video.views == 1004 and video.reactions == 24  # statistics come as strings
    assert video.url == f"https://www.youtube.com/watch?v={scenario.videos[0]['id']}"
    assert reply_parent.startswith("Ug")  # a reply answers its top-level comment
    assert SocialStore(store.engine).account(account).cursor.startswith("2026-11-20T05:00")


def test_quota_exceeded_and_a_bad_key_are_reported(
    store: Store, social_settings: Settings, scenario: Scenario
):
    scenario.videos = youtube_videos(social_texts(3), START)
    scenario.limit_after = 1
    _channel(store)
    (limited,) = sync(store, social_settings)
    assert limited.error.startswith("rate_limited: youtube: 403 quotaExceeded")
    scenario.limit_after = None
    (refused,) = sync(store, social_settings.replace(youtube_key="AIza-wrong"))
    assert refused.error.startswith("token_expired: youtube: 400 keyInvalid: API key not valid")
    assert _count(store, "post") == 0


def _generic(store: Store, api: str, token: str = "") -> int:
    config = {
        "url": f"{api}/generic/v1/posts",
        "items": "result.posts",
        "next": "links.next",
        "since_param": "since",
        "auth_prefix": "Token ",
        "fields": {"id": "uid", "text": "body", "published_at": "created", "author": "user.name",
                   "reactions": "likes", "kind": "type", "parent": "reply_to"},
    }  # fmt: skip
    account_id, _ = SocialStore(store.engine).add_account(
        "zalo", "generic", "thanh-nien-ha-noi", "Zalo OA", config=config, token=token
    )
    return account_id


def test_generic_json_pages_retry_after_and_bad_records(
    store: Store, social_settings: Settings, scenario: Scenario, api: str
):
    from baochi.collect.social.tokens import encrypt

    texts = social_texts(7)
    scenario.generic = [
        {"uid": f"z{i}", "body": t, "created": f"2026-11-2{i % 3}T0{i}:00:00Z",
         "user": {"name": f"u{i}"}, "likes": i, "type": "post"}
        for i, t in enumerate(texts)
    ]  # fmt: skip
    scenario.generic[3]["likes"] = "nhiều"  # not a count: this record is refused, not the page
    scenario.generic[4] = {"uid": "z4", "created": "2026-11-21T04:00:00Z"}  # no text
    scenario.limit_after = 1  # the second page answers 429 with Retry-After: 1
    account = _generic(store, api, encrypt(GOOD_TOKEN, social_settings))
    started = time.monotonic()
    (report,) = sync(store, social_settings.replace(facebook_token=""))
    assert time.monotonic() - started >= 1.0  # Retry-After was honoured
    assert report.error == "" and report.stored == 5
    row = SocialStore(store.engine).account(account)
    assert row is not None and row.token.startswith("enc:") and GOOD_TOKEN not in row.token
    assert row.cursor == "2026-11-22T05:00:00+00:00"

    scenario.expired = True
    (expired,) = sync(store, social_settings)
    assert expired.error == "token_expired: zalo: HTTP 401 token expired"
