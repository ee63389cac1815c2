"""How well the brief's extractive summaries sum an article up, measured against the outlet's
own lead (sapô): each article's body (lead removed) is summarised and compared with its lead by
ROUGE-1 and ROUGE-2 F1 over syllables (one tone placement, lower case). Baselines: the body's
first two sentences (lead-2), two random sentences, and centrality without the position prior.
Prints the figures and writes bench/results/summaries.json.

    .venv/bin/python bench/summaries.py [--data ../shared/data] [--articles 1000]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from baochi.reports.summarize import candidates, rank, summarize  # noqa: E402
from baochi.vi import match_key, syllables  # noqa: E402

MIN_LEAD_SYLLABLES = 15
MIN_BODY_SENTENCES = 6


def grams(text: str, n: int) -> Counter[str]:
    words = syllables(match_key(text))
    return Counter(words if n == 1 else [f"{a} {b}" for a, b in pairwise(words)])


def rouge(summary: str, reference: str, n: int) -> float:
    ours, theirs = grams(summary, n), grams(reference, n)
    overlap = sum((ours & theirs).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(ours.values()), overlap / sum(theirs.values())
    return 2 * precision * recall / (precision + recall)


def lead_two(body: str) -> list[str]:
    return [s.text for s in candidates([body])[:2]]


def random_two(body: str, rng: random.Random) -> list[str]:
    found = candidates([body])
    return [s.text for s in sorted(rng.sample(found, 2), key=lambda s: s.position)]


def centrality_only(body: str) -> list[str]:
    top = [s for _, s in rank([body], use_position=False)[:2]]
    return [s.text for s in sorted(top, key=lambda s: s.position)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=1000)
    args = parser.parse_args()
    rng = random.Random(2017)
    pairs = []
    with gzip.open(args.data / "baomoi-2017" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            lead, _, body = record["text"].partition("\n")
            if len(syllables(lead)) < MIN_LEAD_SYLLABLES:
                continue
            if len(candidates([body])) < MIN_BODY_SENTENCES:
                continue
            pairs.append((lead, body))
            if len(pairs) >= args.articles:
                break
    systems: dict[str, Callable[[str], list[str]]] = {
        "extractive (centrality + position)": lambda body: summarize([body]),
        "centrality only": centrality_only,
        "lead-2": lead_two,
        "random-2": lambda body: random_two(body, rng),
    }
    result: dict[str, object] = {"articles": len(pairs), "reference": "the article's own lead"}
    for name, system in systems.items():
        began = time.perf_counter()
        scores = [(rouge(" ".join(s), lead, 1), rouge(" ".join(s), lead, 2), len(s))
                  for lead, body in pairs for s in [system(body)]]  # fmt: skip
        seconds = time.perf_counter() - began
        result[name] = {
            "rouge1_f1": round(sum(s[0] for s in scores) / len(scores), 4),
            "rouge2_f1": round(sum(s[1] for s in scores) / len(scores), 4),
            "sentences": round(sum(s[2] for s in scores) / len(scores), 2),
            "ms_per_article": round(1000 * seconds / len(scores), 2),
        }
        print(f"{name:38} {result[name]}")
    out = ROOT / "bench" / "results" / "summaries.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
