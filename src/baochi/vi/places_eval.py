"""Measure place detection against news-labels: place accuracy, Hà Nội precision, recall and F1.

The rules in places.py were written and tuned by reading errors on the development part of
train.jsonl (ids whose SHA-1 is not divisible by 3). The other third was held out: its figures
were looked at a few times and its Hà Nội errors read once (which found a matching bug on
"thành phố Hà Nội"), so they run a little optimistic. A test.jsonl next to train.jsonl is scored
too; that is the figure to trust.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sklearn.model_selection import StratifiedKFold

from baochi.vi.place_decision import Evidence, PlaceDecision, kind_of
from baochi.vi.places import weigh

LABELS = Path("news-labels")
TRAIN = LABELS / "train.jsonl"
ARTICLES = Path("baomoi-2017") / "articles.jsonl.gz"
FOLDS = 5
REPEATS = 5


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


def _evidence(data_dir: Path, ids: Iterable[str]) -> dict[str, Evidence]:
    """The rules' evidence for every labelled article found in the corpus."""
    articles = read_articles(data_dir, ids)
    return {i: weigh(a["title"], a["text"])[1] for i, a in articles.items()}


def train_decision(data_dir: Path, models_dir: Path) -> dict[str, Any]:
    """The learned decision fitted on all of train.jsonl and saved; its held-out figures."""
    labels = read_labels(data_dir / TRAIN)
    found = _evidence(data_dir, labels)
    figures = _learned(labels, found)
    trained_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    metadata = {"n_train": len(found), "trained_at": trained_at, "figures": figures}
    _fitted(labels, found, labels).save(models_dir, metadata)
    return figures


def _fitted(
    labels: dict[str, dict[str, Any]], found: dict[str, Evidence], ids: Iterable[str]
) -> PlaceDecision:
    """The decision fitted on the given labelled articles (those found in the corpus)."""
    chosen = [i for i in ids if i in found]
    return PlaceDecision.fit([found[i] for i in chosen], [labels[i]["place"] for i in chosen])


def _learned(labels: dict[str, dict[str, Any]], found: dict[str, Evidence]) -> dict[str, Any]:
    """Figures of the learned decision: fitted on the development part and scored on the
    held-out third, and 5-fold cross-validated over the development part and over all of
    train.jsonl."""
    ids = [i for i in labels if i in found]
    development = [i for i in ids if not is_holdout(i)]
    dev_model = _fitted(labels, found, development)
    holdout = [(labels[i], dev_model.decide(found[i])) for i in ids if is_holdout(i)]
    return {
        "holdout": score(holdout),
        f"development {FOLDS}-fold CV": _cross_validated(labels, found, development),
        f"{FOLDS}-fold CV": _cross_validated(labels, found, ids),
    }


def _cross_validated(
    labels: dict[str, dict[str, Any]], found: dict[str, Evidence], ids: list[str]
) -> dict[str, Any]:
    """Each figure of a 5-fold CV averaged over REPEATS shuffles: with some 130 Hà Nội stories
    one shuffle's F1 moves by half a point from the split alone."""
    kinds = [kind_of(labels[i]["place"]) for i in ids]
    runs = []
    for seed in range(REPEATS):
        guessed: dict[str, str] = {}
        folds = StratifiedKFold(FOLDS, shuffle=True, random_state=seed)
        for tr, te in folds.split(ids, kinds):
            model = _fitted(labels, found, (ids[k] for k in tr))
            guessed |= {ids[k]: model.decide(found[ids[k]]) for k in te}
        runs.append(score([(labels[i], guessed[i]) for i in ids]))
    return {key: round(sum(run[key] for run in runs) / REPEATS, 4) for key in runs[0]} | {
        "n": len(ids),
        "repeats": REPEATS,
    }


def evaluate(data_dir: Path) -> dict[str, Any]:
    """Run the place rules over news-labels and return the figures.

    Top level: the rules on the held-out third of train.jsonl. Under "splits": the development
    part, all of train.jsonl and, when present, test.jsonl; "confusion" counts gold -> predicted
    categories on the held-out part; "learned": the trained decision, measured without ever
    seeing the articles it is scored on (and on test.jsonl, fitted on all of train.jsonl).
    """
    files = {"train": data_dir / TRAIN, "test": data_dir / LABELS / "test.jsonl"}
    labels = {name: read_labels(path) for name, path in files.items() if path.exists()}
    found = _evidence(data_dir, {i for split in labels.values() for i in split})

    def pairs(split: str, keep: Any = lambda _: True) -> list[tuple[dict[str, Any], str]]:
        return [
            (row, found[i].rule_main) for i, row in labels[split].items() if i in found and keep(i)
        ]

    holdout = pairs("train", is_holdout)
    splits = {
        "development": score(pairs("train", lambda i: not is_holdout(i))),
        "holdout": score(holdout),
        "train": score(pairs("train")),
    }
    learned = _learned(labels["train"], found)
    if "test" in labels:
        splits["test"] = score(pairs("test"))
        model = _fitted(labels["train"], found, labels["train"])
        learned["test"] = score(
            [(row, model.decide(found[i])) for i, row in labels["test"].items() if i in found]
        )
    confusion = Counter(f"{_category(row['place'])} -> {_category(main)}" for row, main in holdout)
    return {
        **splits["holdout"],
        "method": "rules tuned on the development part; top level is the held-out third",
        "splits": splits,
        "learned": learned,
        "confusion": dict(sorted(confusion.items())),
    }
