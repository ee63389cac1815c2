"""Districts and wards named up front, at scale: how fast the real articles' areas are named
(what `pipeline.name_areas` does to an older archive), and what the search's area pairs cost
for an archive of N documents whose areas repeat those of the real corpus: the first load,
the area facet over a tenth of the archive, and the documents of one district.

    .venv/bin/python bench/areas.py [--data ../shared/data] [--articles 35440] [--docs 1000000]

Prints figures, writes bench/results/areas.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from baochi.search.facets import Pairs
from baochi.vi.places import detect_places, units_named

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "areas.json"


def _named(data: Path, n: int) -> list[tuple[str, ...]]:
    """The areas of the first n real articles, as the pipeline names them."""
    with gzip.open(data / "baomoi-2017" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for _, line in zip(range(n), f, strict=False)]
    found = []
    for row in rows:
        title, text = row["title"], row["text"]
        main = detect_places(title, text).main
        found.append(tuple(sorted(units_named(title, text.partition("\n")[0], main))))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=35_440)
    parser.add_argument("--docs", type=int, default=1_000_000)
    args = parser.parse_args()

    detect_places("khởi động", "")  # builds the gazetteer once
    started = time.perf_counter()
    named = _named(args.data, args.articles)
    seconds = time.perf_counter() - started
    with_areas = sum(1 for areas in named if areas)
    top = Counter(a for areas in named for a in areas).most_common(5)
    figures: dict[str, object] = {
        "articles": len(named),
        "naming_articles_per_s": round(len(named) / seconds),
        "articles_with_areas": with_areas,
        "top_areas": top,
    }
    print(f"named {len(named)} real articles at {figures['naming_articles_per_s']}/s "
          f"(place detection and areas); {with_areas} name an area; top {top}")  # fmt: skip

    rows = [(doc, named[doc % len(named)]) for doc in range(1, args.docs + 1)]
    pairs = Pairs()
    started = time.perf_counter()
    pairs.update([row for row in rows if row[1]])
    figures["docs"] = args.docs
    figures["pairs"] = pairs.size
    figures["first_load_s"] = round(time.perf_counter() - started, 2)
    chosen = np.zeros(args.docs + 1, dtype=bool)
    chosen[np.random.default_rng(0).choice(args.docs + 1, args.docs // 10, replace=False)] = True
    started = time.perf_counter()
    for _ in range(10):
        pairs.counts(chosen)
    figures["facet_ms"] = round((time.perf_counter() - started) * 100, 1)
    district = [pairs.codes.index[top[0][0]]] if top else []
    started = time.perf_counter()
    for _ in range(10):
        found = pairs.docs(district)
    figures["one_area_ms"] = round((time.perf_counter() - started) * 100, 1)
    figures["one_area_docs"] = len(found)
    print(f"{args.docs} documents, {pairs.size} area pairs: first load {figures['first_load_s']} s,"
          f" area facet over a tenth {figures['facet_ms']} ms, documents of "
          f"{top[0][0] if top else '-'} {figures['one_area_ms']} ms ({len(found)})")  # fmt: skip
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
