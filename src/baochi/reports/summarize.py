"""Extractive summaries in Vietnamese: the two or three sentences most central to a story's
articles, copied verbatim, never rewritten.

Centrality is LexRank's: sentences are TF-IDF vectors of their syllable unigrams and bigrams
(one tone placement, so "hoà"/"hòa" agree), joined by their cosine similarity, and ranked by a
random walk over that graph. News puts the essential first, so a sentence's place in its
article weighs in; what several outlets report alike is central by construction. The chosen
sentences must not repeat each other; they are given in the order the articles tell them. A
sentence stating a figure the outlets dispute (the story's conflicts) is never chosen: a summary
would state as fact what one outlet reports and another contradicts.
bench/summaries.py measures the choice against the outlets' own leads (sapô).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from baochi.vi import match_key, normalize, syllables

# A sentence ends at . ! ? … before a capital, a digit or an opening quote, or at a line break.
_END = re.compile(r"(?<=[.!?…])[\"”’)]*\s+(?=[\"“‘(]?[A-ZÀ-ỸĐ0-9])|\n+")
# Abbreviations after which a full stop does not end the sentence ("TP. Hà Nội", "ThS. Lan").
ABBREVIATIONS = frozenset({
    "tp", "ths", "ts", "pgs", "gs", "bs", "ks", "ls", "nsnd", "nsưt", "q", "p", "tt", "st", "mr",
    "ms", "dr", "th", "tx", "h", "ubnd", "v.v", "vv", "đ/c", "no", "tr", "ct",
})  # fmt: skip
# Sentences shorter than this say too little to summarise; longer ones are lists or run-ons.
MIN_SYLLABLES, MAX_SYLLABLES = 8, 80
# Sentences read per article: the essential is near the top, and the walk stays small.
SENTENCES_PER_ARTICLE = 15
DAMPING = 0.85
POSITION_DECAY = 0.15  # the n-th sentence of an article weighs 1 / (1 + decay * n)
REDUNDANT = 0.5  # cosine above which a candidate repeats a chosen sentence
# Sentences that credit a photo or a source rather than report anything.
_CREDIT = re.compile(r"^(?:ảnh|nguồn|video|clip|đồ họa|đồ hoạ|theo)\s*[:(]", re.IGNORECASE)
# A disputed span's figure: its number and the word after it ("120 mm" of "120 mm trong vòng").
_FIGURE = re.compile(r"^\d[\d.,]*(?:\s*%|\s+\w+)?")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence as it stands in its article, and where."""

    text: str
    article: int  # index of the article among those given
    position: int  # index of the sentence within its article
    key: str = ""  # its matching form (one tone placement, folded), read for its n-grams


def split_sentences(text: str) -> list[str]:
    """The sentences of a text, in order, stripped; abbreviations do not end a sentence."""
    pieces = [p.strip() for p in _END.split(normalize(text)) if p and p.strip()]
    merged: list[str] = []
    for piece in pieces:
        if merged and _ends_in_abbreviation(merged[-1]):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return merged


def _ends_in_abbreviation(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False
    last = sentence[:-1].rsplit(maxsplit=1)[-1].lower() if sentence[:-1].strip() else ""
    return last in ABBREVIATIONS or (len(last) == 1 and last.isalpha())


def candidates(texts: Sequence[str]) -> list[Sentence]:
    """The sentences worth ranking: of a sensible length, not credits, each text once."""
    found: list[Sentence] = []
    seen: set[str] = set()
    for index, text in enumerate(texts):
        for position, sentence in enumerate(split_sentences(text)[:SENTENCES_PER_ARTICLE]):
            count = len(syllables(sentence))
            key = match_key(sentence)
            if not MIN_SYLLABLES <= count <= MAX_SYLLABLES or _CREDIT.match(sentence):
                continue
            if key in seen:
                continue
            seen.add(key)
            found.append(Sentence(sentence, index, position, key))
    return found


def _similarity(sentences: Sequence[Sentence]) -> np.ndarray:
    """Cosine similarity of every pair: unit-length TF-IDF rows of syllable unigrams and
    bigrams, multiplied while sparse (a sentence has a few dozen of the story's thousands)."""
    vectorizer = TfidfVectorizer(analyzer=_grams, sublinear_tf=True, norm="l2", dtype=np.float32)
    matrix = vectorizer.fit_transform([s.key or match_key(s.text) for s in sentences])
    return np.asarray((matrix @ matrix.T).toarray())


def _grams(key: str) -> list[str]:
    words = syllables(key)
    return words + [f"{a} {b}" for a, b in pairwise(words)]


def centrality(similarity: np.ndarray) -> np.ndarray:
    """Continuous LexRank: the stationary walk over the similarity graph (sums to one)."""
    n = similarity.shape[0]
    weights = similarity.copy()
    np.fill_diagonal(weights, 0.0)
    totals = weights.sum(axis=1, keepdims=True)
    # A sentence like no other spreads its vote evenly rather than nowhere.
    walk = np.where(totals > 0, weights / np.where(totals > 0, totals, 1.0), 1.0 / n)
    rank = np.full(n, 1.0 / n)
    for _ in range(100):
        following = (1 - DAMPING) / n + DAMPING * rank @ walk
        if np.abs(following - rank).sum() < 1e-6:
            return following
        rank = following
    return rank


def _scored(
    texts: Sequence[str], use_position: bool
) -> tuple[list[Sentence], np.ndarray, np.ndarray]:
    """The candidates, their scores and their similarity matrix."""
    found = candidates(texts)
    if not found:
        return [], np.zeros(0), np.zeros((0, 0))
    similarity = _similarity(found)
    scores = centrality(similarity) if len(found) > 1 else np.ones(1)
    if use_position:
        positions = np.array([s.position for s in found], dtype=np.float64)
        scores = scores / (1 + POSITION_DECAY * positions)
    return found, scores, similarity


def rank(texts: Sequence[str], use_position: bool = True) -> list[tuple[float, Sentence]]:
    """Every candidate sentence with its score, best first."""
    found, scores, _ = _scored(texts, use_position)
    return [(float(scores[i]), found[i]) for i in np.argsort(-scores, kind="stable")]


def disputing(spans: Collection[str]) -> re.Pattern[str] | None:
    """What finds a disputed span in a sentence's matching form: a figure by its number and
    unit wherever it stands ("120 mm", "800 công"), anything else as written; None for none."""
    keys = set()
    for span in spans:
        key = match_key(span).strip()
        figure = _FIGURE.match(key)
        keys.add(figure.group() if figure else key)
    keys.discard("")
    if not keys:
        return None
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    return re.compile(rf"(?<![\w.,])(?:{alternatives})(?!\w)")


def summarize(
    texts: Sequence[str],
    sentences: int = 3,
    max_syllables: int = 90,
    disputed: Collection[str] = (),
) -> list[str]:
    """Two or three verbatim sentences that sum the texts up, in reading order.

    Two are always taken when there are two; a third (up to `sentences`) only within
    `max_syllables`. A sentence too like one already chosen is passed over, and so is one that
    states a `disputed` span (the phrases of the story's conflicts, either side).
    """
    found, scores, similarity = _scored(texts, True)
    refuted = disputing(disputed)
    chosen: list[int] = []
    length = 0
    for i in np.argsort(-scores, kind="stable"):
        if len(chosen) >= sentences:
            break
        if refuted is not None and refuted.search(found[i].key):
            continue
        if any(float(similarity[i, j]) > REDUNDANT for j in chosen):
            continue
        count = len(syllables(found[i].text))
        if len(chosen) >= 2 and length + count > max_syllables:
            continue
        chosen.append(int(i))
        length += count
    picked = sorted((found[i] for i in chosen), key=lambda s: (s.article, s.position))
    return [s.text for s in picked]
