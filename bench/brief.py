"""The daily brief over a day of 3,000 real articles (goal: under 10 s on this machine).

Stores 3,000 baomoi articles published over one day (and 500 a day over the seven days before,
for the usual), labelled by the real analysis stage and clustered into stories by the real
assigner, across 30 outlets; then times `make_brief` (Hà Nội and every article) and each output.
Prints the figures and writes bench/results/brief.json.

    .venv/bin/python bench/brief.py [--data ../shared/data] [--articles 3000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from baochi import settings as settings_mod  # noqa: E402
from baochi.db import open_store  # noqa: E402
from baochi.pipeline import analyse  # noqa: E402
from baochi.records import Article, Collected, Document, Keys  # noqa: E402
from baochi.reports import EVERYTHING, HANOI, make_brief, render  # noqa: E402
from baochi.reports.period import midnight  # noqa: E402
from baochi.stories import assign  # noqa: E402

DAY = dt.date(2017, 3, 15)
HISTORY_PER_DAY = 500
OUTLETS = 30


def articles(corpus: Path, n: int) -> list[dict[str, str]]:
    found = []
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if len(record["text"]) > 400:
                found.append(record)
            if len(found) >= n:
                break
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=3000)
    args = parser.parse_args()
    history = 7 * HISTORY_PER_DAY
    records = articles(args.data / "baomoi-2017" / "articles.jsonl.gz", args.articles + history)
    folder = Path(tempfile.mkdtemp(prefix="bench-brief-"))
    settings = settings_mod.load(environ={}, overrides={"data": folder})
    store = open_store(settings)
    outlets = [store.add_outlet(f"Báo thử {i:02d}") for i in range(OUTLETS)]
    started = time.perf_counter()
    items = []
    for i, record in enumerate(records):
        if i < history:  # the week before, 500 a day
            day = DAY - dt.timedelta(days=7 - i // HISTORY_PER_DAY)
            offset = (i % HISTORY_PER_DAY) * 86400 / HISTORY_PER_DAY
        else:
            day, offset = DAY, (i - history) * 86400 / args.articles
        published = midnight(day) + dt.timedelta(seconds=offset)
        lines = record["text"].split("\n")
        article = Article(
            url=f"https://bao{i % OUTLETS:02d}.example.vn/{record['id']}.html",
            title=record["title"],
            lead=lines[0],
            body="\n".join(lines[1:]),
            published_at=published,
        )
        document = Document(article, Keys.of(article), analyse(article, settings))
        items.append(Collected(document, (), published, outlets[i % OUTLETS]))
    ids = [doc_id for _, doc_id in store.save_documents(items)]
    labelled = time.perf_counter() - started
    assign(store.engine, ids)
    setup = time.perf_counter() - started
    figures: dict[str, float] = {}
    for name, scope in (("hanoi", HANOI), ("all", EVERYTHING)):
        began = time.perf_counter()
        paper = make_brief(store, settings, DAY, scope)
        figures[f"brief_{name}_seconds"] = round(time.perf_counter() - began, 2)
        for fmt in ("html", "docx", "pdf"):
            began = time.perf_counter()
            size = len(render(paper, fmt))
            figures[f"{fmt}_{name}_seconds"] = round(time.perf_counter() - began, 2)
            figures[f"{fmt}_{name}_bytes"] = size
    day_articles = int(paper.sections[0].tables[0].rows[0][1].replace(".", ""))
    result = {
        "day": DAY.isoformat(),
        "articles_on_the_day": day_articles,
        "articles_in_history": history,
        "setup_seconds": round(setup, 1),
        "analysis_seconds": round(labelled, 1),
        **figures,
        "goal": "brief over a day of 3,000 articles in under 10 s",
    }
    for key, value in result.items():
        print(f"{key:28} {value}")
    out = ROOT / "bench" / "results" / "brief.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    store.engine.dispose()


if __name__ == "__main__":
    main()
