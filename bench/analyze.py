"""Speed of topic + tone together on real baomoi articles, on one core; figures of the models used.

    .venv/bin/python bench/analyze.py [--models DIR] [--data ../shared/data] [--articles 2000]

Without --models it trains topic and tone (full configuration) into a temporary folder first;
with it, the figures quoted are those saved with the models.
When the models folder also holds trained post models (toxicity, toxic, sentiment), it times
them on real comments (ViHSD dev) too. Prints documents/s per core; writes
bench/results/analyze.json.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"  # one core, before numpy loads

import argparse  # noqa: E402
import csv  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from baochi.analyze import Analyzer, train  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "analyze.json"


def _articles(data: Path, n: int) -> list[dict[str, str]]:
    """The last n baomoi articles (mostly not among the labelled ones)."""
    with gzip.open(data / "baomoi-2017" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f]
    return [{"title": r["title"], "text": r["text"]} for r in rows[-n:]]


def _comments(data: Path) -> list[str]:
    """ViHSD dev comments: real social-network text."""
    with (data / "vihsd" / "dev.csv").open(encoding="utf-8", newline="") as f:
        return [row["free_text"] for row in csv.DictReader(f)]


def _recorded(models: Path) -> dict[str, float]:
    """The CV figures saved with topic and tone when they were trained, when there are some."""
    found = {}
    for head in ("topic", "tone"):
        meta = models / f"{head}.json"
        if meta.is_file():
            results = json.loads(meta.read_text(encoding="utf-8"))["results"]
            found[head] = results["figures"]["headline_value"]
    return found


def _rate(run: Callable[[list[Any]], object], items: list[Any], batch: int) -> dict[str, float]:
    """Documents per wall second and per CPU second, after one warm-up batch."""
    run(items[:batch])  # warm-up: caches, lazy imports
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(0, len(items), batch):
        run(items[i : i + batch])
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"per_s": round(len(items) / wall, 1), "per_cpu_s": round(len(items) / cpu, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=Path)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        models = args.models or Path(tmp)
        figures = _recorded(models)
        if args.models is None:
            started = time.perf_counter()
            trained = train(["topic", "tone"], args.data, models)
            figures = {t: r["figures"]["headline_value"] for t, r in trained.items()}
            print(f"trained topic + tone in {time.perf_counter() - started:.0f} s: {figures}")
        analyzer = Analyzer.load(models)
        articles = _articles(args.data, args.articles)
        speed = _rate(analyzer.analyze_articles, articles, args.batch)
        result: dict[str, Any] = {
            "articles": len(articles),
            "batch": args.batch,
            "models": {h: analyzer.kind(h) for h in ("topic", "tone")},
            "articles_per_s": speed["per_s"],
            "articles_per_cpu_s": speed["per_cpu_s"],
            "mean_chars": round(sum(len(a["text"]) for a in articles) / len(articles)),
            "figures": figures,
        }
        posts = ("toxicity", "toxic", "constructive", "sentiment")
        if all(analyzer.kind(h) == "trained" for h in posts):
            comments = _comments(args.data)
            speed = _rate(analyzer.analyze_posts, comments, args.batch)
            result["posts"] = len(comments)
            result["post_models"] = {h: analyzer.kind(h) for h in posts}
            result["posts_per_s"] = speed["per_s"]
            result["posts_per_cpu_s"] = speed["per_cpu_s"]
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
