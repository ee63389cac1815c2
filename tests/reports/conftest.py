"""Real collected data for the report tests: the local news site (real baomoi articles of
6 February 2017) crawled once per module by the real collector, labelled and clustered by the
real pipeline, with the example registry and directive loaded and cases opened on its stories."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from baochi import settings as settings_mod
from baochi.cases import Actor, answer, open_case
from baochi.collect import collect_once
from baochi.db import Store, open_store
from baochi.db.web_store import WebStore
from baochi.registry import load_example as load_registry
from baochi.settings import Settings
from baochi.stories import place_pending
from baochi.targets import load_example as load_directive
from tests.conftest import fresh_database, needs_corpus

DAY = dt.date(2017, 2, 6)  # every article of the site's first 120 was published that day
HANOI_TZ = dt.timezone(dt.timedelta(hours=7))
OFFICE = Actor("analyst", None, None)


@dataclass
class Collected:
    """The crawled database, its settings, and the cases opened on it."""

    store: Store
    settings: Settings
    department: str
    overdue_case: int
    answered_case: int


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Collected]:
    """Crawl the test site once: a feed under one outlet's name and the sitemap under another's."""
    needs_corpus()
    folder: Path = tmp_path_factory.mktemp("reports")
    with fresh_database() as url:
        yield from _collect(folder, url)


def _collect(folder: Path, database_url: str) -> Iterator[Collected]:
    from tests.site.server import NewsSite, load_articles

    settings = settings_mod.load(
        environ={},
        overrides={
            "data": folder / "var",
            "database_url": database_url,
            "allowed_private_networks": "127.0.0.1/32",
            "host_delay": 0,
            "host_concurrency": 8,
            "extract_workers": 0,
            "brief_stories": 6,
        },
    )
    store = open_store(settings)
    with NewsSite(load_articles(n=120)) as site:
        store.add_source(site.base_url + "/rss/home.rss", "Báo Hànộimới", kind="feed")
        store.add_source(site.base_url + "/sitemap.xml", "Báo Thử nghiệm", kind="sitemap")
        collect_once(store, settings)
    place_pending(store.engine, "reports-tests", settings.lease_seconds)  # the stories stage
    load_registry(store.engine)
    load_directive(store.engine)
    department = "Sở Xây dựng"
    dept_id, _ = WebStore(store.engine).add_department(department)
    story = biggest_hanoi_story(store)
    morning = dt.datetime(2017, 2, 6, 9, 0, tzinfo=HANOI_TZ)
    overdue = open_case(
        store.engine,
        OFFICE,
        "Phản ánh của báo chí về dự thảo Quy tắc ứng xử nơi công cộng",
        responsible=[dept_id],
        story_id=story,
        received_on=dt.date(2017, 1, 3),
        last_day=dt.date(2017, 2, 3),
        now=morning,
    )
    answered = open_case(
        store.engine, OFFICE, "Đường ống nước sạch bị vỡ", responsible=[dept_id], now=morning
    )
    officer = Actor("officer", dept_id, None)
    answer(store.engine, officer, answered, "Sở đã chỉ đạo khắc phục ngay.", now=morning)
    yield Collected(store, settings, department, overdue, answered)
    store.engine.dispose()


def biggest_hanoi_story(store: Store) -> int:
    """The story with most articles about Hà Nội."""
    with store.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT story_id FROM documents WHERE hanoi GROUP BY story_id "
                    "ORDER BY count(*) DESC, story_id LIMIT 1"
                )
            ).scalar_one()
        )


def scalar(store: Store, sql: str) -> int:
    """One number from the database."""
    with store.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())
