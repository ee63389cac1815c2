"""A small archive for the search tests: the first 300 real articles that carry our own topic,
tone and place labels, spread over four outlets and real publication days, indexed once; one in
five is stored as a social post or comment (Facebook or YouTube), as the connectors store them.
Their districts and wards are named by the job that names those of an older archive."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from baochi import settings as settings_mod
from baochi.db import Store, open_store
from baochi.pipeline import name_areas
from baochi.records import Article, Collected, Document, Keys, Social
from baochi.search import sync
from baochi.vi.places import units_named
from tests.conftest import CORPUS, SHARED_DATA, fresh_database, needs_corpus

LABELS = SHARED_DATA / "news-labels" / "train.jsonl"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
OUTLETS = (
    ("Tuổi Trẻ", "tuoitre.vn"),
    ("Thanh Niên", "thanhnien.vn"),
    ("Hànộimới", "hanoimoi.vn"),
    ("VnExpress", "vnexpress.net"),
)
SIZE = 300
LABELLED = ("topic", "tone", "place", "hanoi")


@dataclass(frozen=True)
class Item:
    """One stored article with what the search should know about it."""

    id: int
    title: str
    text: str
    outlet: str
    day: str
    topic: str
    tone: str
    place: str
    hanoi: bool
    kind: str = "article"
    platform: str = ""
    areas: frozenset[str] = frozenset()  # districts and wards of `place` named up front


# By position modulo 10: which articles are stored as posts and comments, and from where.
SOCIAL = {2: ("post", "facebook"), 5: ("comment", "facebook"), 8: ("post", "youtube")}


@dataclass(frozen=True)
class Archive:
    store: Store
    items: dict[int, Item]


def labelled_articles(n: int) -> list[dict]:
    """The first n corpus articles that have labels, each merged with its labels."""
    needs_corpus()
    if not LABELS.exists():
        pytest.skip(f"labels not found at {LABELS} (../shared/data is absent)")
    with LABELS.open(encoding="utf-8") as f:
        labels = {row["id"]: row for row in map(json.loads, f)}
    found = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            raw = json.loads(line)
            if raw["id"] in labels:
                found.append({**raw, **labels[raw["id"]]})
                if len(found) == n:
                    break
    return found


def store_articles(store: Store, raws: list[dict]) -> dict[int, Item]:
    """Save the articles (the hour varies, so some fall on the next Hà Nội day) and label them."""
    outlet_ids = [store.add_outlet(name, domain) for name, domain in OUTLETS]
    batch = []
    for k, raw in enumerate(raws):
        lead, _, body = raw["text"].partition("\n")
        day = dt.date.fromisoformat(raw["published_estimate"])
        published = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) + dt.timedelta(
            hours=(k * 5) % 24
        )
        article = Article(
            url=f"https://example.vn/{raw['id']}.html",
            title=raw["title"],
            lead=lead,
            body=body,
            published_at=published,
        )
        kind, platform = SOCIAL.get(k % 10, ("article", ""))
        social = Social(kind, platform, str(raw["id"])) if platform else None
        document = Document(article, Keys.of(article), social=social)
        batch.append(Collected(document, (), published, outlet_ids[k % 4]))
    items, labels = {}, []
    saved = store.save_documents(batch)
    for k, (raw, (status, doc_id)) in enumerate(zip(raws, saved, strict=True)):
        if status != "stored":
            continue
        labels.append({"id": doc_id, **{name: raw[name] for name in LABELLED}})
        kind, platform = SOCIAL.get(k % 10, ("article", ""))
        article = batch[k].document.article
        up_front = article.lead if kind == "article" else article.body
        items[doc_id] = Item(
            id=doc_id,
            title=raw["title"],
            text=batch[k].document.article.text,
            outlet=OUTLETS[k % 4][0],
            day=batch[k].fetched_at.astimezone(HANOI).date().isoformat(),
            topic=raw["topic"],
            tone=raw["tone"],
            place=raw["place"],
            hanoi=raw["hanoi"],
            kind=kind,
            platform=platform,
            areas=frozenset(units_named(raw["title"], up_front, raw["place"])),
        )
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE documents SET topic = :topic, tone = :tone, place = :place, "
                "hanoi = :hanoi WHERE id = :id"
            ),
            labels,
        )
    name_areas(store)
    return items


@pytest.fixture(scope="session")
def raws() -> list[dict]:
    return labelled_articles(SIZE)


def build_archive(data: Path, database_url: str, raws: list[dict]) -> Archive:
    """A migrated store in `data` or at `database_url`, with the labelled articles, indexed."""
    overrides = {"data": data, "database_url": database_url}
    store = open_store(settings_mod.load(environ={}, overrides=overrides))
    items = store_articles(store, raws)
    sync(store.engine)
    return Archive(store, items)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, raws: list[dict]) -> Iterator[Archive]:
    """The labelled articles on this run's database (see fresh_database); tests must not
    change it."""
    with fresh_database() as url:
        built = build_archive(tmp_path_factory.mktemp("archive"), url, raws)
        yield built
        built.store.engine.dispose()
