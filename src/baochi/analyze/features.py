"""Texts into sparse TF-IDF rows: hashed syllable n-grams and character n-grams, nothing to store.

Hashing means no vocabulary to save; the only learned state is the IDF array, which is saved with
the model as plain numbers. Each block (words, characters, and the optional ones) is
L2-normalised, like a union of TF-IDF vectorisers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer

from baochi.analyze.char_grams import CharGrams
from baochi.analyze.corpora import Example
from baochi.analyze.place_words import place_words
from baochi.analyze.rules import RuleModel
from baochi.vi import fold, normalize, normalize_social


@dataclass(frozen=True)
class FeatureParams:
    """How a text becomes features; saved in each model's metadata and read back to predict."""

    social: bool = False  # expand teencode and emoticons first (comments and posts)
    max_chars: int = 3000  # of an article's text after its title; posts are cut at 4 × this
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 4)  # (0, 0) leaves the character block out
    bits: int = 20  # each block hashes into 2**bits columns
    folded_words: bool = False  # a block of word n-grams without diacritics (often typed bare)
    title_words: bool = False  # a block of the title's word n-grams alone (articles)
    cues: str = ""  # a block of this lexicon head's cue votes in title and lead ("": none)
    places: int = 0  # a block of the place detector's evidence in title and this many chars

    @property
    def blocks(self) -> int:
        """Number of column blocks: words, then characters, folded words, title, cues, places
        if asked."""
        optional = (
            self.char_ngrams != (0, 0),
            self.folded_words,
            self.title_words,
            self.cues,
            self.places,
        )
        return 1 + sum(map(bool, optional))

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values for the metadata file."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FeatureParams:
        """Back from the metadata file, tuples restored."""
        fields = dict(data)
        for key in ("word_ngrams", "char_ngrams"):
            fields[key] = tuple(fields[key])
        return cls(**fields)


# Posts and comments: teencode expanded, syllable 1–3-grams, character 1–5-grams and folded
# syllable 1–3-grams. Chosen by 3-fold cross-validation on the training splits: ViHSD macro-F1
# 66.16 (words 1–2 + characters 2–4) -> 66.45 (1–3 + 1–5) -> 67.05 (+ folded); ViCTSD toxic F1
# 45.5 -> 45.6 -> 46.0, constructive 73.7 -> 74.7 -> 74.9; UIT-VSFC level (90.9).
SOCIAL = FeatureParams(social=True, word_ngrams=(1, 3), char_ngrams=(1, 5), folded_words=True)
SOCIAL_QUICK = replace(SOCIAL, bits=18)


class Featurizer:
    """Raw counts of hashed n-grams for texts prepared the way the params say."""

    def __init__(self, params: FeatureParams) -> None:
        self.params = params
        self._words = _hashed(params.bits, ngram_range=params.word_ngrams)
        self._chars = CharGrams(params.bits, params.char_ngrams)

    def prepare(self, example: Example) -> str:
        """The text the model reads: an article's title and lead, or a cleaned post."""
        if example.title or not self.params.social:
            text = normalize(example.text)[: self.params.max_chars]
            return f"{normalize(example.title)}\n{text}".lower()
        return normalize_social(example.text[: 4 * self.params.max_chars]).lower()

    def counts(self, examples: Sequence[Example]) -> sp.csr_matrix:
        """Term counts: word, character, folded word, title, cue and place blocks, those asked
        for."""
        texts = [self.prepare(e) for e in examples]
        words = self._words
        blocks = [words.transform(texts)]
        if self.params.char_ngrams != (0, 0):
            blocks.append(self._chars.transform(texts))
        if self.params.folded_words:
            blocks.append(words.transform([fold(t) for t in texts]))
        if self.params.title_words:
            blocks.append(words.transform([normalize(e.title).lower() for e in examples]))
        if self.params.cues:
            rules = _rules(self.params.cues, self.params.social)
            lead = self.params.max_chars
            blocks.append(words.transform([rules.cue_tokens(e, lead) for e in examples]))
        if self.params.places:
            chars = self.params.places
            tokens = _hashed(self.params.bits)  # evidence tokens stand alone: no n-grams
            blocks.append(tokens.transform([place_words(e, chars) for e in examples]))
        return sp.hstack(blocks, format="csr", dtype=np.float32)


def _hashed(bits: int, **options: Any) -> HashingVectorizer:
    """Raw hashed counts in 2**bits columns; syllables are word tokens, one letter included."""
    return HashingVectorizer(
        token_pattern=r"(?u)\b\w+\b",  # noqa: S106 - a regex, not a password
        n_features=2**bits,
        alternate_sign=False,
        norm=None,
        **options,
    )


@cache
def _rules(head: str, folded: bool) -> RuleModel:
    """The lexicon's rules for a head, compiled once."""
    return RuleModel(head, folded)


def fit_idf(counts: sp.csr_matrix) -> np.ndarray:
    """Smoothed IDF, as scikit-learn computes it: ln((1 + n) / (1 + df)) + 1."""
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return (np.log((1 + counts.shape[0]) / (1 + df)) + 1).astype(np.float32)


def tfidf(counts: sp.csr_matrix, idf: np.ndarray, blocks: int) -> sp.csr_matrix:
    """Sublinear TF times IDF, each block normalised to unit length."""
    weighted = counts.copy()
    np.log(weighted.data, out=weighted.data)
    weighted.data += 1
    weighted.data *= idf[weighted.indices]
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(weighted.indptr))
    key = rows * blocks + weighted.indices // (counts.shape[1] // blocks)
    norms = np.sqrt(np.bincount(key, weights=weighted.data**2, minlength=counts.shape[0] * blocks))
    weighted.data /= norms[key].astype(np.float32)
    return weighted
