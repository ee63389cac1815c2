"""Web fixtures: one user per role, signed-in clients, and a store of real articles."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from baochi.db import Store
from baochi.db.web_store import User, WebStore
from baochi.records import Article, Collected, Document, Keys
from baochi.settings import Settings

PASSWORD = "mat-khau-thu-nghiem-1"
PEOPLE = {
    "admin": ("hoa", ""),
    "analyst": ("lan", ""),
    "officer": ("minh", "Sở Xây dựng"),
    "leader": ("hung", ""),
}
OUTLETS = ("Báo Hànộimới", "Báo Tuổi Trẻ", "Báo Lao Động", "VnExpress")
HOSTILE_TITLE = 'Cảnh giác <script>alert("x")</script> trên mạng'
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture(autouse=True)
def quick_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheap argon2 parameters in tests; production keeps the library's defaults."""
    argon2 = pytest.importorskip(
        "argon2", reason="argon2-cffi is not installed (it is to be added to pyproject.toml)"
    )
    PasswordHasher = argon2.PasswordHasher

    from baochi.web import auth

    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", lambda: cheap)


@pytest.fixture(autouse=True)
def closed_engine(store: Store) -> Iterator[None]:
    """Close the test database's connections after each test (PostgreSQL counts them)."""
    yield
    store.engine.dispose()


@pytest.fixture
def web(store: Store) -> WebStore:
    """The web tables over the test store."""
    return WebStore(store.engine)


@pytest.fixture
def people(web: WebStore) -> dict[str, User]:
    """Hoa the administrator, Lan the analyst, Minh the officer, Hùng the leader."""
    from baochi.web.users import create_user

    return {
        role: create_user(web, name, role, dept, PASSWORD, name.title())[0]
        for role, (name, dept) in PEOPLE.items()
    }


@pytest.fixture
def app(settings: Settings, store: Store) -> FastAPI:
    """The application over the test store."""
    from baochi.web import create_app

    return create_app(settings, store)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> TestClient:
    """Sign a client in through the real form, as a browser would."""
    form = client.get("/login")
    token = _CSRF.search(form.text)
    assert token is not None
    page = client.post(
        "/login",
        data={"username": username, "password": password, "csrf": token.group(1), "next": "/"},
        follow_redirects=False,
    )
    assert page.status_code == 303, page.text[:300]
    return client


def csrf(client: TestClient, path: str = "/account") -> str:
    """The session's CSRF token, read from a page's form."""
    found = _CSRF.search(client.get(path).text)
    assert found is not None
    return found.group(1)


@pytest.fixture
def client_as(app: FastAPI, people: dict[str, User]) -> Iterator[Callable[[str], TestClient]]:
    """A factory of clients signed in as the user of a role."""
    clients: list[TestClient] = []

    def make(role: str) -> TestClient:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return sign_in(client, people[role].username)

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def articles(store: Store, site_articles: list[dict]) -> list[int]:
    """One hostile article, then sixty real ones over four outlets and the last five days."""
    now = dt.datetime.now(dt.UTC)
    outlets = [store.add_outlet(name) for name in OUTLETS]
    items = []
    for i, record in enumerate(site_articles[:60]):
        article = Article(
            url=f"https://bao.example.vn/{record['id']}.html",
            title=record["title"],
            lead="",
            body=record["text"],
            published_at=now - dt.timedelta(hours=2 * i),
        )
        items.append(Collected(Document(article, Keys.of(article)), (), now, outlets[i % 4]))
    hostile = Article(
        url="https://hanoimoi.vn/tin-doc-hai.html",
        title=HOSTILE_TITLE,
        lead="Người dân Hà Nội được khuyến cáo <img src=x onerror=alert(1)> không bấm vào link lạ.",
        body="Nội dung bài viết về Hà Nội " * 20,
        published_at=now,
    )
    items.insert(0, Collected(Document(hostile, Keys.of(hostile)), (), now, outlets[0]))
    return [doc_id for _, doc_id in store.save_documents(items)]
