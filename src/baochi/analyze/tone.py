"""Tone of an article: what the story reports is negative, neutral or positive (news-labels).

The annotators judged tone from the title and the first ~500 characters (GUIDELINES.md), so the
model reads that much too; the body beyond adds cues the labels never saw. 5-fold CV macro-F1:
quick configuration 1,000 -> 500 characters 64.20 -> 65.92; full 3,000 -> 500 66.09 -> 66.47,
and training reads six times less of the unlabelled articles.

Beside the bag of n-grams the model sees the title's n-grams as a block of their own and the
project's lexicon (rules.py) voting in title and lead: the guidelines' negative events, counted
where the annotators read them. Full configuration, 5-fold CV over three fold seeds: macro-F1
66.24 -> 67.32 (per seed +0.91, +1.14, +1.19; seed std 0.5).
"""

from __future__ import annotations

from pathlib import Path

from baochi.analyze.corpora import Corpus, news_articles
from baochi.analyze.features import FeatureParams
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Task
from baochi.labels import TONES

LABELS = tuple(TONES)
LEAD_CHARS = 500  # of the text after the title: what the annotators read


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
                FeatureParams(max_chars=LEAD_CHARS, title_words=True, cues="tone"),
                c=0.5,
                unlabelled_idf=True,
                semantic_dims=200,
                semantic_weight=3.5,
            ),
            quick=ModelParams(
                FeatureParams(max_chars=LEAD_CHARS, bits=18, title_words=True, cues="tone"), c=0.5
            ),
        ),
    ),
)
