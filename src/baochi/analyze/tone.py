"""Tone of an article: what the story reports is negative, neutral or positive (news-labels)."""

from __future__ import annotations

from pathlib import Path

from baochi.analyze.corpora import Corpus, news_articles
from baochi.analyze.features import FeatureParams
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Task

LABELS = ("negative", "neutral", "positive")


def load(data_dir: Path, unlabelled: bool) -> Corpus:
    """The 1,500 labelled baomoi articles (no dev split: cross-validated), the rest unlabelled."""
    return news_articles(data_dir, "tone", unlabelled)


TASK = Task(
    "tone",
    "articles",
    (
        Head(
            "tone",
            LABELS,
            "macro_f1",
            load,
            params=ModelParams(
                FeatureParams(max_chars=3000),
                c=0.5,
                unlabelled_idf=True,
                semantic_dims=200,
                semantic_weight=3.5,
            ),
            quick=ModelParams(FeatureParams(max_chars=1000, bits=18), c=0.5),
        ),
    ),
)
