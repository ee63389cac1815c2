"""Social figures: connector throughput (posts and comments per second pulled from the local
fake Graph and YouTube APIs on 127.0.0.1 and stored, analysed and placed, and the pull alone),
and the offensive-span F1 on ViHOS dev (trained CRF and the lexicon) beside the published 0.777.
The models and the gazetteer are loaded before the clock starts, as in a running worker.
Prints the figures and writes bench/results/social.json (social-postgresql.json).

    .venv/bin/python bench/social.py [--data ../shared/data] [--posts 300] [--skip-spans]
        [--postgres postgresql+psycopg://…]   # store in a fresh database on that server
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.conftest import postgres_database  # noqa: E402
from tests.site.server import load_articles  # noqa: E402
from tests.social.conftest import START  # noqa: E402
from tests.social.fake_api import (  # noqa: E402
    GOOD_KEY,
    GOOD_TOKEN,
    Scenario,
    fake_api,
    graph_posts,
    social_texts,
    youtube_threads,
    youtube_videos,
)

from baochi import settings as settings_mod  # noqa: E402
from baochi.collect.fetcher import Fetcher  # noqa: E402
from baochi.collect.social.graph import FacebookPage  # noqa: E402
from baochi.collect.social.youtube import YouTubeChannel  # noqa: E402
from baochi.db import open_store  # noqa: E402
from baochi.social.ingest import ingest  # noqa: E402
from baochi.social.reading import read_posts  # noqa: E402
from baochi.social.spans import train_and_measure  # noqa: E402
from baochi.social.stories import best_matches  # noqa: E402


def story_joins(threshold: float, articles: int = 3000, posts: int = 500) -> dict[str, float]:
    """Posts written as a page posts news (an article's first sentence, no link) against the
    real articles: how many join their own article's story by words, how many join another,
    and how many unrelated real comments would join any."""
    found = load_articles(n=articles)
    texts = [f"{a['title']}\n{a['text'].split(chr(10))[0]}" for a in found]
    leads = [a["text"].split("\n")[0].split(". ")[0] for a in found[:posts]]
    matched = best_matches(texts, leads)
    unrelated = best_matches(texts, social_texts(posts))
    return {
        "threshold": threshold,
        "own_story": round(
            sum(s >= threshold and b == i for i, (b, s) in enumerate(matched)) / posts, 3
        ),
        "other_story": round(
            sum(s >= threshold and b != i for i, (b, s) in enumerate(matched)) / posts, 3
        ),
        "unrelated_joined": round(sum(s >= threshold for _, s in unrelated) / posts, 3),
    }


GOALS = {"items_per_second": ">= 200 stored (pull, analyse, store, place)", "span_f1": ">= 0.777"}


def scenario(posts: int) -> Scenario:
    """`posts` Graph posts with 4 comments each, and as many videos with 4 threads each."""
    texts = social_texts(posts * 5)
    found = Scenario(page_size=100)
    found.posts = graph_posts(texts[:posts], START)
    for k, post in enumerate(found.posts):
        post["comments"]["summary"]["total_count"] = 4
        found.comments[post["id"]] = [
            {"id": f"{post['id']}_{c}", "message": texts[posts + 4 * k + c],
             "created_time": post["created_time"], "like_count": c}
            for c in range(4)
        ]  # fmt: skip
    found.videos = youtube_videos(texts[:posts], START)
    for video in found.videos:
        found.threads[video["id"]] = youtube_threads(video["id"], texts[posts : posts + 4], START)
    return found


async def pull(settings: settings_mod.Settings) -> tuple[list, int, float]:
    """Both connectors' pulls: items, requests, seconds."""
    fetcher = Fetcher(settings)
    started = time.perf_counter()
    try:
        graph = await FacebookPage("1020304", GOOD_TOKEN, settings, fetcher).pull("")
        tube = await YouTubeChannel("UChanoi", GOOD_KEY, settings, fetcher).pull("")
    finally:
        await fetcher.aclose()
    return graph.items + tube.items, graph.requests + tube.requests, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--posts", type=int, default=300)
    parser.add_argument("--skip-spans", action="store_true")
    parser.add_argument("--postgres", default="", help="a PostgreSQL server (default: SQLite)")
    args = parser.parse_args()
    figures: dict[str, object] = {"goals": GOALS, "posts": args.posts}
    figures["store"] = "postgresql" if args.postgres else "sqlite"
    with contextlib.ExitStack() as stack:
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        base = stack.enter_context(fake_api(scenario(args.posts)))
        database = stack.enter_context(postgres_database(args.postgres)) if args.postgres else ""
        settings = settings_mod.load(environ={}, overrides={
            "data": Path(folder), "database_url": database,
            "allowed_private_networks": "127.0.0.1/32", "host_delay": 0,
            "facebook_graph_url": f"{base}/graph/v21.0", "youtube_api_url": f"{base}/youtube/v3",
            "social_page_size": 100, "extract_workers": 0,
        })  # fmt: skip
        items, requests, pulled = asyncio.run(pull(settings))
        store = open_store(settings)
        read_posts([("", "ấm lên")], settings.data / "models")  # loaded once, as in a worker
        started = time.perf_counter()
        done = ingest(store, items, settings)
        stored = time.perf_counter() - started
        figures.update(
            items=len(items),
            requests=requests,
            pull_items_per_second=round(len(items) / pulled, 1),
            items_per_second=round(len(items) / (pulled + stored), 1),
            ingest_items_per_second=round(len(items) / stored, 1),  # analyse, store, place
            stored=done.stored,
            load_average=[round(x, 2) for x in os.getloadavg()],
        )
        store.engine.dispose()
    figures["story_joins"] = story_joins(settings.social_story_threshold)
    if not args.skip_spans:
        with tempfile.TemporaryDirectory() as models:
            spans = train_and_measure(args.data, Path(models))
        figures["span_f1"] = spans["trained"]["span_f1"]  # type: ignore[index]
        figures["span_f1_rules"] = spans["rules"]["span_f1"]  # type: ignore[index]
        figures["span_reference"] = spans["trained"]["reference"]  # type: ignore[index]
    print(json.dumps(figures, ensure_ascii=False, indent=2))
    name = "social-postgresql.json" if args.postgres else "social.json"
    out = ROOT / "bench" / "results" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
