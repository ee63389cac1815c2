"""The daily brief over a day of 3,000 real articles (goal: under 10 s on this machine).

Stores 3,000 baomoi articles published over one day (and 500 a day over the seven days before,
for the usual), labelled by the real analysis stage and clustered into stories by the real
assigner, across 30 outlets; then times `make_brief` (Hà Nội and every article) and each output.
Prints the figures and writes bench/results/brief.json.

    .venv/bin/python bench/brief.py [--data ../shared/data] [--articles 3000] [--folder DIR]

With --folder, the database is built there once and reused by later runs (the timings of the
brief itself do not depend on it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from baochi import settings as settings_mod  # noqa: E402
from baochi.db import Store, open_store  # noqa: E402
from baochi.pipeline import analyse  # noqa: E402
from baochi.records import Article, Collected, Document, Keys  # noqa: E402
from baochi.reports import EVERYTHING, HANOI, make_brief, render  # noqa: E402
from baochi.reports.period import midnight  # noqa: E402
from baochi.settings import Settings  # noqa: E402
from baochi.stories import place_pending  # noqa: E402

CORPUS = Path("baomoi-2017") / "articles.jsonl.gz"
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


def fill(store: Store, settings: Settings, corpus: Path, n: int) -> float:
    """Store and place the day's `n` articles and the week before; the seconds analysis took."""
    history = 7 * HISTORY_PER_DAY
    records = articles(corpus, n + history)
    outlets = [store.add_outlet(f"Báo thử {i:02d}") for i in range(OUTLETS)]
    started = time.perf_counter()
    items = []
    for i, record in enumerate(records):
        if i < history:  # the week before, 500 a day
            day = DAY - dt.timedelta(days=7 - i // HISTORY_PER_DAY)
            offset = (i % HISTORY_PER_DAY) * 86400 / HISTORY_PER_DAY
        else:
            day, offset = DAY, (i - history) * 86400 / n
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
    store.save_documents(items)
    labelled = time.perf_counter() - started
    place_pending(store.engine, "bench-brief", settings.lease_seconds)
    return labelled


@contextmanager
def timed(figures: dict[str, float], name: str) -> Iterator[None]:
    """Wall seconds and this process's CPU seconds (the machine is shared: CPU time is the
    steadier figure when others load it)."""
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    figures[f"{name}_seconds"] = round(time.perf_counter() - wall, 2)
    figures[f"{name}_cpu_seconds"] = round(time.process_time() - cpu, 2)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=3000)
    parser.add_argument("--folder", type=Path, help="build the database here once and reuse it")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="bench-brief-"))
    done = folder / "filled"  # written once the database is whole
    reuse = done.exists()
    settings = settings_mod.load(environ={}, overrides={"data": folder})
    store = open_store(settings)
    started = time.perf_counter()
    labelled = 0.0 if reuse else fill(store, settings, args.data / CORPUS, args.articles)
    setup = time.perf_counter() - started
    done.touch()
    figures: dict[str, float] = {}
    for name, scope in (("hanoi", HANOI), ("all", EVERYTHING)):
        with timed(figures, f"brief_{name}"):
            paper = make_brief(store, settings, DAY, scope)
        for fmt in ("html", "docx", "pdf"):
            with timed(figures, f"{fmt}_{name}"):
                figures[f"{fmt}_{name}_bytes"] = len(render(paper, fmt))
    for unit in ("seconds", "cpu_seconds"):
        figures[f"brief_and_pdf_hanoi_{unit}"] = round(
            figures[f"brief_hanoi_{unit}"] + figures[f"pdf_hanoi_{unit}"], 2
        )
    day_articles = int(paper.sections[0].tables[0].rows[0][1].replace(".", ""))
    result = {
        "day": DAY.isoformat(),
        "articles_on_the_day": day_articles,
        "articles_in_history": 7 * HISTORY_PER_DAY,
        **(
            {}
            if reuse
            else {"setup_seconds": round(setup, 1), "analysis_seconds": round(labelled, 1)}
        ),
        **figures,
        "goal": "brief and its PDF over a day of 3,000 articles in under 10 s",
    }
    for key, value in result.items():
        print(f"{key:32} {value}")
    out = ROOT / "bench" / "results" / "brief.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    store.engine.dispose()


if __name__ == "__main__":
    main()
