"""Cases fixtures: a migrated store with two real-looking articles about one story."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest

from baochi.cases import Actor
from baochi.db import Store, migrate, open_engine
from baochi.db.schema_stories import stories
from baochi.db.schema_web import departments
from baochi.records import Article, Document, Keys
from baochi.settings import Settings

OPENED = dt.datetime(2026, 3, 2, 1, 30, tzinfo=dt.UTC)  # Monday 2/3/2026, 08:30 in Hà Nội
ANALYST = Actor("analyst", user_id=1)
OFFICER_7 = Actor("officer", department_id=7, user_id=2)
OFFICER_8 = Actor("officer", department_id=8, user_id=3)
LEADER = Actor("leader", user_id=4)


def add_article(store: Store, slug: str, title: str, body: str, published: dt.datetime) -> int:
    """Store one article and return its id."""
    article = Article(
        url=f"https://hanoimoi.vn/{slug}.html",
        title=title,
        lead="",
        body=body,
        published_at=published,
    )
    return store.save_document(Document(article, Keys.of(article)), [], published)[1]


def add_story(store: Store, story_id: int, title: str) -> int:
    """Store a story, as clustering would, for a case to follow; its id."""
    with store.engine.begin() as conn:
        conn.execute(
            stories.insert().values(
                id=story_id,
                title=title,
                first_seen=OPENED,
                last_seen=OPENED,
                articles=0,
                updated_at=OPENED,
            )
        )
    return story_id


# The departments the tests route cases to, by the ids they use.
DEPARTMENTS = {7: "Sở Tài nguyên và Môi trường", 8: "Sở Giao thông vận tải", 9: "Sở Công Thương",
               999: "Sở Văn hóa và Thể thao"}  # fmt: skip


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    """A store with every area's tables (cases read departments and stories, and raise alerts)
    and the departments the tests route cases to."""
    engine = open_engine(settings)
    migrate(engine)
    now = dt.datetime.now(dt.UTC)
    with engine.begin() as conn:
        conn.execute(
            departments.insert(),
            [
                {"id": i, "name": name, "code": "", "created_at": now}
                for i, name in DEPARTMENTS.items()
            ],
        )
    yield Store(engine)
    engine.dispose()


@pytest.fixture
def flooded(store: Store) -> int:
    """An article raising an issue: waterlogging on a street after rain."""
    return add_article(
        store,
        "ngap-ung",
        "Ngập úng kéo dài trên phố Nguyễn Khuyến sau mưa lớn",
        "Người dân phản ánh tình trạng ngập úng kéo dài nhiều giờ sau mỗi trận mưa lớn, "
        "gây khó khăn cho việc đi lại; trách nhiệm khắc phục thuộc Sở Xây dựng.",
        OPENED - dt.timedelta(hours=5),
    )
