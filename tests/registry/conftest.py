"""Registry fixtures: migrated stores with and without the example registry, and real articles.

On SQLite each test gets a copy of a store migrated once per session (migrating every area's
branch costs about half a second a test); on PostgreSQL each gets a fresh migrated database.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

import pytest

from baochi import settings as settings_mod
from baochi.db import Store, open_engine, open_store
from baochi.records import Analysis, Article, Document, Keys
from baochi.registry import RegistryStore, load_example
from baochi.settings import Settings
from tests.conftest import CORPUS, needs_corpus


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """SQLite files migrated once: "empty", and "example" with the example registry loaded."""
    made = {}
    for name in ("empty", "example"):
        folder = tmp_path_factory.mktemp(f"registry-{name}")
        store = open_store(settings_mod.load(environ={}, overrides={"data": folder}))
        if name == "example":
            load_example(store.engine)
        store.engine.dispose()  # the last connection checkpoints the WAL into the file
        made[name] = folder / "baochi.sqlite3"
    return made


def _store(settings: Settings, database_url: str, template: Path, example: bool) -> Store:
    if database_url:
        store = open_store(settings)
        if example:
            load_example(store.engine)
        return store
    settings.data.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, settings.data / "baochi.sqlite3")
    return Store(open_engine(settings))


@pytest.fixture
def store(settings: Settings, database_url: str, templates: dict[str, Path]) -> Iterator[Store]:
    """A migrated store with an empty registry (the shared fixture's, made faster)."""
    made = _store(settings, database_url, templates["empty"], example=False)
    yield made
    made.engine.dispose()  # before the test database is dropped


@pytest.fixture
def example_store(
    settings: Settings, database_url: str, templates: dict[str, Path]
) -> Iterator[Store]:
    """A migrated store holding the example registry, as on a fresh install."""
    made = _store(settings, database_url, templates["example"], example=True)
    yield made
    made.engine.dispose()


@pytest.fixture
def registry(store: Store) -> RegistryStore:
    """The registry over an empty store."""
    return RegistryStore(store.engine)


@pytest.fixture
def example(example_store: Store) -> RegistryStore:
    """The registry holding the example."""
    return RegistryStore(example_store.engine)


@pytest.fixture(scope="session")
def corpus() -> list[dict]:
    """Sixty real articles of the corpus."""
    needs_corpus()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in islice(f, 60)]


def save_article(
    store: Store, raw: dict, url: str, at: dt.datetime, analysis: Analysis | None = None
) -> int:
    """Store a real corpus article as published at `url` on `at`, under its domain's outlet."""
    lead, _, body = raw["text"].partition("\n")
    article = Article(url=url, title=raw["title"], lead=lead, body=body, published_at=at)
    domain = url.split("/")[2]
    outlet = store.add_outlet(domain, domain)
    status, doc_id = store.save_document(
        Document(article, Keys.of(article), analysis), [], at, outlet
    )
    assert status == "stored"
    return doc_id
