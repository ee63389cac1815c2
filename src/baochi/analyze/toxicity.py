"""Toxicity of a post or comment: clean, offensive or hate, trained on ViHSD."""

from __future__ import annotations

from pathlib import Path

from baochi.analyze.corpora import Corpus, Example, csv_rows, digest
from baochi.analyze.features import SOCIAL, SOCIAL_QUICK
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Reference, Task

LABELS = ("clean", "offensive", "hate")
_CODES = {"0": "clean", "1": "offensive", "2": "hate"}


def _split(path: Path) -> list[Example]:
    return [Example(e.text, _CODES[e.label]) for e in csv_rows(path, "free_text", "label_id")]


def load(data_dir: Path, unlabelled: bool) -> Corpus:
    """ViHSD train and dev (its test split is held out elsewhere)."""
    train, dev = data_dir / "vihsd" / "train.csv", data_dir / "vihsd" / "dev.csv"
    return Corpus(_split(train), _split(dev), [], digest([train, dev]))


TASK = Task(
    "toxicity",
    "posts",
    (
        Head(
            "toxicity",
            LABELS,
            "macro_f1",
            load,
            params=ModelParams(SOCIAL, c=0.3),
            quick=ModelParams(SOCIAL_QUICK, c=0.3),
            reference=Reference(
                62.69, "ViHSD paper, multilingual BERT, macro-F1 on its test split"
            ),
        ),
    ),
)
