"""Stories on the real corpus in arrival order (publication date, then id): clustering throughput
(index alone, and with conflict checks), then every dev figure from baochi.stories.evaluate —
same_event precision/recall/F1, related and random pairs merged, the cross-validated threshold,
copies, conflicting reports. Prints the figures and writes bench/results/stories.json.

    .venv/bin/python bench/stories.py [--data ../shared/data] [--batch 64]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from baochi.stories import Linker, StoryIndex, evaluate  # noqa: E402
from baochi.stories.data import read_corpus  # noqa: E402

GOALS = {
    "articles_per_second": ">= 500",
    "f1": ">= 0.90",
    "related_merged": "<= 0.25",
    "random_merged": "<= 0.001",
    "conflicts": "precision >= 0.8 at recall >= 0.5",
}


def throughput(items: list, batch: int, with_conflicts: bool) -> tuple[float, int]:
    """Seconds to place every article, batch by batch, and the number of stories made."""
    started = time.perf_counter()
    if with_conflicts:
        linker = Linker()
        stories = {link.story for s in range(0, len(items), batch)
                   for link in linker.link(items[s : s + batch])}  # fmt: skip
    else:
        index = StoryIndex()
        stories = {link.story for s in range(0, len(items), batch)
                   for link in index.add(items[s : s + batch])}  # fmt: skip
    return time.perf_counter() - started, len(stories)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--batch", type=int, default=64, help="articles per batch")
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "stories.json")
    args = parser.parse_args()

    started = time.perf_counter()
    items = read_corpus(args.data)
    read = time.perf_counter() - started
    index_seconds, stories = throughput(items, args.batch, with_conflicts=False)
    linker_seconds, _ = throughput(items, args.batch, with_conflicts=True)
    figures = evaluate(args.data)
    dev = figures["stories"]
    result = {
        "articles": len(items),
        "batch": args.batch,
        "read_seconds": round(read, 2),
        "cluster_seconds": round(index_seconds, 2),
        "articles_per_second": round(len(items) / index_seconds, 1),
        "with_conflicts_articles_per_second": round(len(items) / linker_seconds, 1),
        "stories_made": stories,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "cpu_count": os.cpu_count(),
        "goals": GOALS,
        **figures,
    }
    print(f"{'articles':34} {len(items)} (read in {read:.1f} s)")
    print(f"{'clustering articles/s':34} {result['articles_per_second']}  (goal >= 500)")
    print(f"{'  with conflict checks':34} {result['with_conflicts_articles_per_second']}")
    print(f"{'stories':34} {stories}, largest {dev['largest_story']} articles")
    print(f"{'copies':34} {dev['copies']}")
    for name, got in (("dev (shipped threshold)", dev["dev"]), ("cross-validated", dev["cv"])):
        print(
            f"{name:34} P {got['precision']:.3f}  R {got['recall']:.3f}  F1 {got['f1']:.3f}  "
            f"related merged {got['related_merged']:.1%}  random merged {got['random_merged']:.3%}"
        )
    print(f"{'  thresholds chosen in CV':34} {dev['cv']['thresholds']}")
    print(f"{'  shipped threshold':34} {dev['params']['threshold']}")
    c = figures["conflicts"]
    print(
        f"{'conflicting reports (pairs)':34} P {c['precision']:.3f}  R {c['recall']:.3f}  "
        f"({c['true_positives']} of {c['labelled_conflicts']} found, {c['found']} reported)"
    )
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
