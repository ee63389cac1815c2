"""Measure place detection against news-labels: place accuracy, Hà Nội precision, recall and F1.

The rules in places.py were written and tuned by reading errors on the development part of
train.jsonl (ids whose SHA-1 is not divisible by 3). The other third was held out: its figures
were looked at a few times and its Hà Nội errors read once (which found a matching bug on
"thành phố Hà Nội"), so they run a little optimistic. A test.jsonl next to train.jsonl is scored
too; that is the figure to trust.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from baochi.vi.places import detect_places

LABELS = Path("news-labels")
ARTICLES = Path("baomoi-2017") / "articles.jsonl.gz"


def is_holdout(article_id: str) -> bool:
    """The third of the labelled articles kept out of rule tuning."""
    digest = hashlib.sha1(article_id.encode(), usedforsecurity=False).hexdigest()
    return int(digest, 16) % 3 == 0


def read_labels(path: Path) -> dict[str, dict[str, Any]]:
    """One label record per article id from a news-labels JSONL file."""
    with path.open(encoding="utf-8") as f:
        return {row["id"]: row for row in map(json.loads, f) if row}


def read_articles(data_dir: Path, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The corpus articles with the given ids (one pass over the compressed corpus)."""
    wanted = set(ids)
    found: dict[str, dict[str, Any]] = {}
    with gzip.open(data_dir / ARTICLES, "rt", encoding="utf-8") as f:
        for line in f:
            article = json.loads(line)
            if article["id"] in wanted:
                found[article["id"]] = article
    return found


def score(pairs: list[tuple[dict[str, Any], str]]) -> dict[str, Any]:
    """Figures for (label record, predicted main place) pairs."""
    n = len(pairs)
    correct = sum(label["place"] == main for label, main in pairs)
    tp = sum(label["hanoi"] and main == "Hà Nội" for label, main in pairs)
    fp = sum(not label["hanoi"] and main == "Hà Nội" for label, main in pairs)
    fn = sum(label["hanoi"] and main != "Hà Nội" for label, main in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": n,
        "place_accuracy": round(correct / n, 4) if n else 0.0,
        "hanoi_precision": round(precision, 4),
        "hanoi_recall": round(recall, 4),
        "hanoi_f1": round(f1, 4),
    }


def _category(place: str) -> str:
    return place if place in ("toàn quốc", "nước ngoài", "không rõ", "Hà Nội") else "tỉnh khác"


def evaluate(data_dir: Path) -> dict[str, Any]:
    """Run detect_places over news-labels and return the figures.

    Top level: the held-out third of train.jsonl. Under "splits": the development part, all of
    train.jsonl and, when present, test.jsonl; "confusion" counts gold -> predicted categories on
    the held-out part.
    """
    files = {"train": data_dir / LABELS / "train.jsonl", "test": data_dir / LABELS / "test.jsonl"}
    labels = {name: read_labels(path) for name, path in files.items() if path.exists()}
    articles = read_articles(data_dir, {i for split in labels.values() for i in split})
    predicted = {
        i: detect_places(articles[i]["title"], articles[i]["text"]).main
        for split in labels.values()
        for i in split
        if i in articles
    }

    def pairs(split: str, keep: Any = lambda _: True) -> list[tuple[dict[str, Any], str]]:
        return [
            (row, predicted[i]) for i, row in labels[split].items() if i in predicted and keep(i)
        ]

    holdout = pairs("train", is_holdout)
    splits = {
        "development": score(pairs("train", lambda i: not is_holdout(i))),
        "holdout": score(holdout),
        "train": score(pairs("train")),
    }
    if "test" in labels:
        splits["test"] = score(pairs("test"))
    confusion = Counter(f"{_category(row['place'])} -> {_category(main)}" for row, main in holdout)
    return {
        **splits["holdout"],
        "method": "rules tuned on the development part; top level is the held-out third",
        "splits": splits,
        "confusion": dict(sorted(confusion.items())),
    }
