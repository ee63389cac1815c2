"""The shared evaluation data as the story stage reads it: the corpus in arrival order and the
labelled story and conflict pairs (../shared/data; never copied into the repository)."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from baochi.stories.features import Item, item_of

CORPUS = Path("baomoi-2017") / "articles.jsonl.gz"
STORY_PAIRS = Path("story-pairs") / "dev.jsonl"
CONFLICT_PAIRS = Path("conflicts") / "dev.jsonl"


@dataclass(frozen=True, slots=True)
class Pair:
    """A labelled pair of corpus articles: same_event, related or different."""

    pair: int
    a: str
    b: str
    label: str


@dataclass(frozen=True, slots=True)
class ConflictPair:
    """A same-event pair labelled for conflicting facts, with the clearest phrases quoted."""

    pair: int
    a: str
    b: str
    conflict: bool
    type: str | None
    a_span: str
    b_span: str


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def read_corpus(data_dir: Path, keep: Callable[[int], bool] | None = None) -> list[Item]:
    """Corpus articles (those whose numeric id `keep` accepts) in arrival order: publication
    date, then id."""
    items = []
    with gzip.open(data_dir / CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            # Ids come first on each line; skipping unwanted lines unparsed saves seconds.
            if keep is not None and not keep(int(line[: line.find(",")].rsplit('"', 2)[-2])):
                continue
            items.append(item_of(json.loads(line)))
    items.sort(key=lambda item: (item.published, int(item.id)))
    return items


def read_pairs(data_dir: Path) -> list[Pair]:
    """The labelled story pairs of the dev split."""
    return [
        Pair(r["pair"], r["a_id"], r["b_id"], r["label"]) for r in _lines(data_dir / STORY_PAIRS)
    ]


def read_conflicts(data_dir: Path) -> list[ConflictPair]:
    """The same-event pairs of the dev split labelled for conflicts."""
    return [
        ConflictPair(
            r["pair"], r["a_id"], r["b_id"], r["conflict"], r["type"], r["a_span"], r["b_span"]
        )
        for r in _lines(data_dir / CONFLICT_PAIRS)
    ]
