"""Toxic and constructive comments (0/1 each), trained on UIT-ViCTSD comments on news articles."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from baochi.analyze.corpora import Corpus, csv_rows, digest
from baochi.analyze.features import SOCIAL, SOCIAL_QUICK
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Reference, Task

LABELS = ("0", "1")
_TOXIC = ModelParams(SOCIAL, c=0.1)
_CONSTRUCTIVE = ModelParams(SOCIAL, c=0.3)
_QUICK = ModelParams(SOCIAL_QUICK, c=0.3)


def _loader(column: str) -> Callable[[Path, bool], Corpus]:
    """A loader of one of the two label columns."""

    def load(data_dir: Path, unlabelled: bool) -> Corpus:
        """UIT-ViCTSD train and valid splits, one label column."""
        train = data_dir / "victsd" / "ViCTSD_train.csv"
        dev = data_dir / "victsd" / "ViCTSD_valid.csv"
        return Corpus(
            csv_rows(train, "Comment", column),
            csv_rows(dev, "Comment", column),
            [],
            digest([train, dev]),
        )

    return load


TASK = Task(
    "toxic",
    "posts",
    (
        Head(
            "toxic",
            LABELS,
            "f1:1",
            _loader("Toxicity"),
            params=_TOXIC,
            quick=_QUICK,
            reference=Reference(59.40, "UIT-ViCTSD paper, PhoBERT, F1 of toxic on its test split"),
        ),
        Head(
            "constructive",
            LABELS,
            "f1:1",
            _loader("Constructiveness"),
            params=_CONSTRUCTIVE,
            quick=_QUICK,
            reference=Reference(
                78.59, "UIT-ViCTSD paper, PhoBERT, F1 of constructive on its test split"
            ),
        ),
    ),
)
