"""Character n-grams inside words, hashed exactly as scikit-learn's
`HashingVectorizer(analyzer="char_wb", alternate_sign=False)` hashes them, about four times
faster: an article is thousands of syllables drawn from a few thousand distinct ones, so each
word's columns are computed once and then looked up. The character block was two thirds of the
time of labelling an article with topic and tone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import scipy.sparse as sp
from sklearn.utils import murmurhash3_32

WORDS_KEPT = 1 << 16  # distinct words whose columns are remembered (a few megabytes)
_LOWEST = -(2**31)


def _column(gram: str, width: int) -> int:
    """scikit-learn's column of one n-gram: signed MurmurHash3 of its UTF-8, absolute value."""
    h = int(murmurhash3_32(gram.encode("utf-8"), seed=0, positive=False))
    return (2**31 - 1 - (width - 1)) % width if h == _LOWEST else abs(h) % width


@lru_cache(maxsize=WORDS_KEPT)
def _columns(word: str, low: int, high: int, width: int) -> np.ndarray:
    """The columns of a word's n-grams, the word padded with a space on each side; a word no
    longer than n counts once, whole, and no longer n-grams are made of it."""
    padded = f" {word} "
    found: list[int] = []
    for n in range(low, high + 1):
        last = len(padded) - n
        found += [_column(padded[i : i + n], width) for i in range(max(last, 0) + 1)]
        if last <= 0:
            break
    columns = np.array(found, dtype=np.int32)
    columns.flags.writeable = False  # shared by every text that has the word
    return columns


@dataclass(frozen=True)
class CharGrams:
    """Raw counts of the character n-grams (`ngram_range`) of each word, in 2**bits columns."""

    bits: int
    ngram_range: tuple[int, int]

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """One row of counts per text (lowercased first, as scikit-learn does)."""
        width = 2**self.bits
        low, high = self.ngram_range
        parts: list[np.ndarray] = []
        ends = np.zeros(len(texts) + 1, dtype=np.int64)
        for row, text in enumerate(texts):
            words = [_columns(word, low, high, width) for word in text.lower().split()]
            parts += words
            ends[row + 1] = ends[row] + sum(len(w) for w in words)
        indices = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int32)
        values = np.ones(len(indices), dtype=np.float32)
        counts = sp.csr_matrix((values, indices, ends), shape=(len(texts), width))
        counts.sum_duplicates()
        return counts
