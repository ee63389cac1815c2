"""Word segmentation behind one interface, and syllable n-grams where words are not needed.

The segmenter is pyvi. Both pyvi 0.1.1 and underthesea 9.5 work offline here. Measured by
bench/vi.py on 300 real baomoi articles (quiet machine): pyvi ~90 K syllables/s (~5 ms for a
3,000-character article), underthesea ~18 K (~26 ms); on the hand-segmented sentences of
tests/vi/data word F1 is 0.95 for pyvi and 0.93 for underthesea (pyvi leaves some names and
compounds apart, "Cầu Giấy", "xăng dầu"; underthesea glues phrases, "vùng sâu vùng xa"). The same
quality at five times the speed decides it. pyvi cuts numbers, dates and URLs at their
punctuation, so those are protected before it runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from baochi.vi.normalize import normalize

# Kept whole: URLs, e-mail addresses, numbers and dates with separators ("6/2/2017", "1.250,5").
_PROTECTED = re.compile(
    r"https?://\S+|www\.\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\d+(?:[.,:/-]\d+)+(?:[%])?"
)
_SYLLABLE = re.compile(r"[^\W_]+")
# Punctuation that ends a phrase: n-grams never run across it.
_PHRASE_BREAK = re.compile(r"[^\w\s]+|_")


@cache
def _tokenizer() -> Any:
    """pyvi's tokenizer, imported on first use (loading its model takes about two seconds).

    Unpickling its CRF writes the model to a temporary file that is only removed by a finaliser,
    which a killed process or a pool worker's exit never runs: /tmp filled by 640 KB a process.
    CRFsuite reads the whole file when it opens it, so the file is removed at once instead.
    """
    from pyvi import ViTokenizer

    crf = ViTokenizer.ViTokenizer.model
    crf.tagger_  # noqa: B018 - opening the tagger reads the model into memory
    crf.modelfile.cleanup()
    return ViTokenizer


def _pieces(text: str) -> Iterator[tuple[bool, str]]:
    """The text cut into (protected, piece) runs."""
    pos = 0
    for match in _PROTECTED.finditer(text):
        if match.start() > pos:
            yield False, text[pos : match.start()]
        yield True, match.group()
        pos = match.end()
    if pos < len(text):
        yield False, text[pos:]


def segment(text: str) -> list[str]:
    """Words of a Vietnamese text, syllables of one word joined by a space.

    "Ủy ban nhân dân thành phố Hà Nội" -> ["Ủy ban", "nhân dân", "thành phố", "Hà Nội"];
    punctuation marks are words of their own.
    """
    words: list[str] = []
    tokenizer = _tokenizer()
    for protected, piece in _pieces(normalize(text)):
        if protected:
            words.append(piece)
        elif piece.strip():
            words.extend(w.replace("_", " ") for w in tokenizer.tokenize(piece).split())
    return words


def syllables(text: str) -> list[str]:
    """The syllables (and numbers) of a text, in order, without punctuation."""
    return _SYLLABLE.findall(text)


def syllable_ngrams(text: str, max_n: int = 2, min_n: int = 1) -> list[str]:
    """Syllable n-grams of each phrase, joined by a space; never across punctuation.

    Cheap features where segmentation is not worth its cost: "giá xăng tăng" with max_n=2 gives
    "giá", "xăng", "tăng", "giá xăng", "xăng tăng".
    """
    grams: list[str] = []
    for phrase in _PHRASE_BREAK.split(text):
        sylls = phrase.split()
        for n in range(min_n, max_n + 1):
            grams.extend(" ".join(sylls[i : i + n]) for i in range(len(sylls) - n + 1))
    return grams
