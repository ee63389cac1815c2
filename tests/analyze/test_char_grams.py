"""The character block counts exactly what scikit-learn's char_wb hashing counts, on real
articles and comments and on the corner cases of its rule, for every range the models use."""

from __future__ import annotations

import csv
import gzip
import json
from itertools import islice
from pathlib import Path

import pytest
from sklearn.feature_extraction.text import HashingVectorizer

from baochi.analyze.char_grams import CharGrams
from baochi.analyze.corpora import Example
from baochi.analyze.features import FeatureParams, Featurizer

CORNERS = [
    "",
    "   \t\n ",
    "a",  # shorter than most n: counted once, whole
    "Hà Nội  mưa\xa0lớn\tngập\nphố",  # every kind of space between words
    "Thủ đô: 100% thủ tục hành chính trực tuyến mức độ 3, 4!!! 🙂🙂",
    "NGẬP ÚNG TẠI QUẬN CẦU GIẤY",  # lowercased first, as scikit-learn does
    "ko dc j đâu bn ơi =))) hahahahahahahahahahahahahahahahahahahaha",
    "x" * 5000,  # one word far longer than any n
]


def _sklearn(bits: int, ngram_range: tuple[int, int]) -> HashingVectorizer:
    return HashingVectorizer(
        analyzer="char_wb",
        ngram_range=ngram_range,
        n_features=2**bits,
        alternate_sign=False,
        norm=None,
    )


def _texts(data_dir: Path) -> list[str]:
    """Real article and comment texts as the featurizer prepares them."""
    corpus = data_dir / "baomoi-2017" / "articles.jsonl.gz"
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        articles = [json.loads(line) for line in islice(lines, 300)]
    prepare = Featurizer(FeatureParams()).prepare
    texts = [prepare(Example(a["text"], "", a["title"])) for a in articles]
    with (data_dir / "vihsd" / "dev.csv").open(encoding="utf-8") as rows:
        texts += [row["free_text"] for row in islice(csv.DictReader(rows), 1000)]
    return texts


@pytest.mark.parametrize(("bits", "ngram_range"), [(20, (2, 4)), (18, (2, 4)), (20, (1, 5))])
def test_the_same_counts_as_scikit_learn(data_dir, bits, ngram_range) -> None:
    texts = CORNERS + _texts(data_dir)
    ours = CharGrams(bits, ngram_range).transform(texts)
    theirs = _sklearn(bits, ngram_range).transform(texts)
    assert ours.shape == theirs.shape and ours.nnz == theirs.nnz
    assert (ours != theirs).nnz == 0
    again = CharGrams(bits, ngram_range).transform(texts)  # from the remembered words
    assert (again != theirs).nnz == 0
