"""Topic of an article: the 12 classes of the news-labels guidelines, read from title and lead."""

from __future__ import annotations

from pathlib import Path

from baochi.analyze.corpora import Corpus, news_articles
from baochi.analyze.features import FeatureParams
from baochi.analyze.linear import ModelParams
from baochi.analyze.task import Head, Task

LABELS = (
    "chinh_tri",
    "kinh_te",
    "phap_luat",
    "xa_hoi",
    "do_thi",
    "giao_duc",
    "suc_khoe",
    "van_hoa_giai_tri",
    "the_thao",
    "the_gioi",
    "khoa_hoc_cong_nghe",
    "doi_song",
)


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
