"""Topic of an article: the 12 classes of the news-labels guidelines, read from title and lead.

Beside the n-grams the model sees where the place detector puts the title and the first 600
characters (about what the annotators read): the main place's kind, the strength of the
evidence for abroad, nationwide and a province, how many foreign places are named. The
guidelines file the_gioi by the story's place, and the n-grams alone confuse it with doi_song.
Full configuration, 5-fold CV macro-F1 over fold seeds 0-4: 84.08 ± 0.32 -> 84.46 ± 0.29
(per seed +0.28, +0.24, +0.43, +0.79, +0.16). The same 600 characters weighted by half
measured level (84.42 over seeds 0-2), 3,000 characters no gain (83.95 ± 0.63). The quick
configuration of the gate (no unlabelled texts) lost with it, 81.96 ± 0.53 -> 80.39 ± 0.67,
so it stays without.
"""

from __future__ import annotations

from pathlib import Path

from baochi.analyze.corpora import Corpus, news_articles
from baochi.analyze.features import FeatureParams
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Task
from baochi.labels import TOPICS

LABELS = tuple(TOPICS)


PLACE_CHARS = 600  # of the text after the title, for the place block; 3,000 measured no gain


def load(data_dir: Path, unlabelled: bool) -> Corpus:
    """The 1,500 labelled baomoi articles (no dev split: cross-validated), the rest unlabelled."""
    return news_articles(data_dir, "topic", unlabelled)


TASK = Task(
    "topic",
    "articles",
    (
        Head(
            "topic",
            LABELS,
            "macro_f1",
            load,
            params=ModelParams(
                FeatureParams(max_chars=3000, places=PLACE_CHARS),
                c=0.5,
                unlabelled_idf=True,
                semantic_dims=200,
                semantic_weight=3.5,
            ),
            quick=ModelParams(FeatureParams(max_chars=1000, bits=18), c=0.5),
        ),
    ),
)
