"""A post or comment is stored as one item per platform id: never merged with another item, or
with an article, because a listening tool gave them the same link or they say the same words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from baochi.cli import main
from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.schema import documents
from baochi.db.social_store import SocialStore
from baochi.records import Article, Collected, Document, Keys
from baochi.settings import Settings
from baochi.social.ingest import ingest
from tests.social.conftest import needs_social_data
from tests.social.fake_api import social_texts

POST_LINK = "https://facebook.com/hanoi/posts/1"
WHEN = dt.datetime(2026, 11, 29, 0, 0, tzinfo=dt.UTC)
# A listening tool's export: each comment carries the link of the post it answers.
SHARED_LINK = f"""id,kind,text,published_at,url,author,reactions,parent
u1,post,Bài về ô nhiễm không khí Hà Nội hôm nay,2026-11-29 07:00,{POST_LINK},A,100,
u2,comment,Đồng ý hoàn toàn với bài viết,2026-11-29 07:10,{POST_LINK},B,5,u1
u3,comment,Không khí tệ quá mọi người ơi,2026-11-29 07:20,{POST_LINK},C,7,u1
"""


def test_comments_given_their_post_s_link_are_stored_each_under_its_own_id(
    store: Store, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    """Before, the comments were taken for their post: one row stored, the post's reactions
    the last comment's, and the post answering itself. Imported again, nothing is doubled."""
    path = tmp_path / "url.csv"
    path.write_text(SHARED_LINK, encoding="utf-8")
    command = ["--set", f"data={settings.data}", "--set", f"database_url={settings.database_url}",
               "social", "import", str(path), "--preset", "baochi"]  # fmt: skip
    assert main(command) == 0
    assert capsys.readouterr().out.startswith("3 dòng: 3 mới, 0 đã có")
    rows = {r.text: r for r in SocialStore(store.engine).items()}
    post = rows["Bài về ô nhiễm không khí Hà Nội hôm nay"]
    agreed, choked = rows["Đồng ý hoàn toàn với bài viết"], rows["Không khí tệ quá mọi người ơi"]
    assert (post.kind, post.reactions, post.parent_id) == ("post", 100, None)
    assert (agreed.kind, agreed.reactions, agreed.parent_id) == ("comment", 5, post.id)
    assert (choked.kind, choked.reactions, choked.parent_id) == ("comment", 7, post.id)
    assert {r.url for r in rows.values()} == {POST_LINK}  # the link kept, to open
    assert main(command) == 0
    assert capsys.readouterr().out.startswith("3 dòng: 0 mới, 3 đã có")
    assert len(SocialStore(store.engine).items()) == 3


def test_two_comments_saying_the_same_under_one_post_are_both_kept(
    store: Store, settings: Settings
):
    post = SocialItem("facebook", "p1", "post", "Hồ Gươm sáng nay", WHEN, url=POST_LINK)
    said = [
        SocialItem("facebook", f"c{n}", "comment", "Đồng ý", WHEN, url=POST_LINK, parent="p1")
        for n in (1, 2)
    ]
    assert ingest(store, [post, *said], settings).stored == 3
    comments = SocialStore(store.engine).items(kind="comment")
    assert [r.text for r in comments] == ["Đồng ý", "Đồng ý"]
    assert ingest(store, [post, *said], settings).known == 3


def test_a_post_linking_to_a_stored_article_is_not_folded_into_it(store: Store, settings: Settings):
    """A post whose link is an article the collector stored is a post of its own: before, it
    came back as that article's duplicate and the article took the post's counts."""
    needs_social_data()
    link = "https://hanoimoi.test/o-nhiem-khong-khi.html"
    text = " ".join(social_texts(3))
    article = Article(link, "Ô nhiễm không khí ở Hà Nội", "", text, WHEN)
    ((_, article_id),) = store.save_documents(
        [Collected(Document(article, Keys.of(article)), (), WHEN)]
    )
    post = SocialItem("facebook", "p9", "post", social_texts(4)[3], WHEN, url=link, reactions=40)
    report = ingest(store, [post], settings)
    assert (report.stored, report.known) == (1, 0) and report.ids != [article_id]
    (stored,) = SocialStore(store.engine).items()
    assert (stored.reactions, stored.url) == (40, link)
    with store.engine.connect() as conn:
        kept = conn.execute(
            select(documents.c.kind, documents.c.reactions).where(documents.c.id == article_id)
        ).one()
    assert tuple(kept) == ("article", None)
