"""Load the web app with N stored documents from a second process; print requests/s and latency.

    .venv/bin/python bench/web.py [--documents 100000] [--clients 20] [--seconds 30]

Fills a data folder with real corpus articles (reused on the next run), labelled as the
collector's pipeline labels each (topic, tone, place, Hà Nội; the trained models when the data
folder has them, else the rules), starts `baochi serve` on 127.0.0.1, signs in, then hammers the
dashboard, a search page and the city channels' page with concurrent keep-alive clients. Figures
go to bench/results/web.json. Goal: dashboard p95 under 300 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gzip
import importlib
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "baomoi-2017" / "articles.jsonl.gz"
OUTLETS = ("Báo Hànộimới", "Báo Tuổi Trẻ", "Báo Lao Động", "VnExpress", "Báo Tin tức", "Dân trí")
PASSWORD = "bench-password-123"
PAGES = {
    "dashboard": "/",
    "search": "/search?q=h%C3%A0+n%E1%BB%99i",
    "channels": "/social/channels",  # a month's negative stories and the answers to them
}
LABEL_BATCH = 2000


def corpus(n: int) -> Iterator[dict[str, str]]:
    """N articles: the corpus in order, cycled with a marker so every copy is a new document."""
    made = 0
    while made < n:
        with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
            for line in lines:
                if made >= n:
                    return
                record = json.loads(line)
                if made >= 20000:  # keep content unique past the corpus' own size
                    record["text"] += f"\n(Bản lưu {made})"
                record["n"] = made
                made += 1
                yield record


def populate(data: Path, n: int) -> None:
    """Store N documents (if not there yet), index them for search, add the bench user."""
    sys.path.insert(0, str(ROOT / "src"))
    from baochi import settings as settings_mod
    from baochi.db import open_store
    from baochi.db.web_store import WebStore
    from baochi.web.users import create_user

    settings = settings_mod.load(environ={}, overrides={"data": data})
    store = open_store(settings)
    have = store.counts()["documents"]
    web = WebStore(store.engine)
    if web.user_by_name("bench") is None:
        create_user(web, "bench", "analyst", password=PASSWORD)
    if have < n:
        store_documents(store, n, have)
    label(store, settings)
    index = getattr(importlib.import_module("baochi.search"), "sync", None)
    if index is not None:  # the search area's own indexes, built once rather than on first reads
        print(f"  indexed {index(store.engine)} for search", file=sys.stderr)


def store_documents(store: Any, n: int, have: int) -> None:
    """Store corpus documents `have`..`n` over the outlets, published over the last 60 days."""
    from baochi.records import Article, Collected, Document, Keys

    outlets = [store.add_outlet(name) for name in OUTLETS]
    sources = [
        store.add_source(f"https://{i}.example.vn/rss.xml", name, kind="feed")[0]
        for i, name in enumerate(OUTLETS)
    ]
    now = dt.datetime.now(dt.UTC)
    span = dt.timedelta(days=60).total_seconds()
    batch: list[Collected] = []
    started = time.perf_counter()
    for record in corpus(n):
        i = record["n"]
        if i < have:
            continue
        article = Article(
            url=f"https://bao{i % len(OUTLETS)}.example.vn/{i}.html",
            title=record["title"],
            lead="",
            body=record["text"],
            published_at=now - dt.timedelta(seconds=span * ((i * 7919) % n) / n),
        )
        batch.append(
            Collected(
                Document(article, Keys.of(article)),
                (),
                now,
                outlets[i % len(outlets)],
                sources[i % len(sources)],
            )
        )
        if len(batch) == 1000:
            store.save_documents(batch)
            batch = []
            print(f"  stored {i + 1} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if batch:
        store.save_documents(batch)


def label(store: Any, settings: Any) -> None:
    """Label the stored articles that have no labels yet, as the pipeline does (each corpus
    article once: the copies past the corpus' size share its labels)."""
    from sqlalchemy import bindparam, select, update

    from baochi.db.schema import documents
    from baochi.pipeline import analyse
    from baochi.records import Analysis, Article

    unlabelled = select(documents.c.id, documents.c.title, documents.c.body).where(
        documents.c.kind == "article", documents.c.tone.is_(None)
    )
    write = (
        update(documents)
        .where(documents.c.id == bindparam("doc"))
        .values(
            topic=bindparam("t"), tone=bindparam("o"), place=bindparam("p"), hanoi=bindparam("h")
        )
    )
    known: dict[str, Analysis] = {}
    started, done = time.perf_counter(), 0
    while True:
        with store.engine.connect() as conn:
            batch = conn.execute(unlabelled.limit(LABEL_BATCH)).all()
        if not batch:
            return
        rows = []
        for doc_id, title, body in batch:
            if title not in known:
                known[title] = analyse(Article("", title, "", body, None), settings)
            found = known[title]
            rows.append({"doc": doc_id, "t": found.topic, "o": found.tone, "p": found.place,
                         "h": found.hanoi})  # fmt: skip
        with store.engine.begin() as conn:
            conn.execute(write, rows)
        done += len(rows)
        print(f"  labelled {done} ({time.perf_counter() - started:.0f} s)", file=sys.stderr)


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data: Path, port: int) -> subprocess.Popen[bytes]:
    """`baochi serve` on loopback, waited for until it answers."""
    env = {**os.environ, "BAOCHI_DATA": str(data), "BAOCHI_PORT": str(port)}
    env["PYTHONPATH"] = str(ROOT / "src")
    server = subprocess.Popen(
        [sys.executable, "-m", "baochi", "serve"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def sign_in(base: str) -> dict[str, str]:
    """The session cookie of the bench user."""
    with httpx.Client(base_url=base) as client:
        form = client.get("/login").text
        token = re.search(r'name="csrf" value="([^"]+)"', form)
        assert token is not None
        data = {"username": "bench", "password": PASSWORD, "csrf": token.group(1), "next": "/"}
        client.post("/login", data=data)
        return {"baochi_session": client.cookies["baochi_session"]}


async def load(base: str, path: str, cookies: dict[str, str], clients: int, seconds: float) -> dict:
    """Concurrent keep-alive clients requesting one page until the time is up."""
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
            while time.perf_counter() < stop:
                start = time.perf_counter()
                response = await client.get(path)
                if response.status_code != 200:
                    errors += 1
                latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "bench-web")
    args = parser.parse_args()
    if not CORPUS.exists():
        raise SystemExit(f"corpus not found at {CORPUS}")
    started = time.perf_counter()
    populate(args.data, args.documents)
    print(f"data ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    port = free_port()
    server = serve(args.data, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookies = sign_in(base)
        results = {
            "documents": args.documents,
            "clients": args.clients,
            "seconds": args.seconds,
            "machine_cores": os.cpu_count(),
        }
        for name, path in PAGES.items():
            results[name] = asyncio.run(load(base, path, cookies, args.clients, args.seconds))
            print(name, json.dumps(results[name]))
    finally:
        server.terminate()
        server.wait(timeout=10)
    out = ROOT / "bench" / "results" / "web.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
