"""Sentiment of a post or comment: negative, neutral or positive, trained on UIT-VSFC."""

from __future__ import annotations

from pathlib import Path

from baochi.analyze.corpora import Corpus, Example, digest, parallel_lines
from baochi.analyze.features import SOCIAL, SOCIAL_QUICK
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Reference, Task

LABELS = ("negative", "neutral", "positive")
_CODES = {"0": "negative", "1": "neutral", "2": "positive"}


def _split(folder: Path) -> list[Example]:
    return [Example(e.text, _CODES[e.label]) for e in parallel_lines(folder)]


def load(data_dir: Path, unlabelled: bool) -> Corpus:
    """UIT-VSFC train and dev (its test split is held out elsewhere)."""
    train, dev = data_dir / "uit-vsfc" / "train", data_dir / "uit-vsfc" / "dev"
    files = [f / n for f in (train, dev) for n in ("sents.txt", "sentiments.txt")]
    return Corpus(_split(train), _split(dev), [], digest(files))


TASK = Task(
    "sentiment",
    "posts",
    (
        Head(
            "sentiment",
            LABELS,
            "weighted_f1",
            load,
            params=ModelParams(SOCIAL, c=1.0, balanced=False),
            quick=ModelParams(SOCIAL_QUICK, c=0.3),
            reference=Reference(
                93.92,
                "UIT-VSFC: PhoBERT 93.92, paper's ensemble 92.79; weighted F1 on its test split",
            ),
        ),
    ),
)
