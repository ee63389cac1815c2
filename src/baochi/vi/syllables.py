"""Vietnamese syllable structure: where the tone mark sits, and what a well-formed syllable is.

Matching needs one tone placement ("hoà" and "hòa" are one word) and encoding detection needs to
tell real Vietnamese from mojibake; both rest on the onset + nucleus + coda shape of a syllable.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from baochi.vi.normalize import fold

# The five tone marks as combining characters: huyền, sắc, hỏi, ngã, nặng.
TONE_MARKS = frozenset("\u0300\u0301\u0309\u0303\u0323")
_HAT_VOWELS = frozenset("ăâêôơư")
VOWELS = frozenset("aăâeêioôơuưy")

_ONSET = "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnpqrstvx])?"
# Every vowel cluster Vietnamese spells (nucleus with its glides), longest first so that the
# alternation never stops early.
_NUCLEI = (
    "iêu", "oai", "oao", "oay", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu",
    "ai", "ao", "au", "âu", "ay", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "ôi",
    "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ưu", "ươ", "yê",
    "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
)  # fmt: skip
_SYLLABLE = re.compile(
    f"{_ONSET}(?:{'|'.join(_NUCLEI)})(?:ng|nh|ch|[cmnpt])?",
)
_FOLDED_SYLLABLE = re.compile(fold(_SYLLABLE.pattern))


def split_tone(word: str) -> tuple[str, str]:
    """Separate a word into its toneless NFC letters and its tone mark(s) ("" when level)."""
    decomposed = unicodedata.normalize("NFD", word)
    marks = "".join(c for c in decomposed if c in TONE_MARKS)
    if not marks:
        return unicodedata.normalize("NFC", decomposed), ""
    plain = "".join(c for c in decomposed if c not in TONE_MARKS)
    return unicodedata.normalize("NFC", plain), marks


def tone_position(plain: str) -> int | None:
    """Index of the vowel that carries the tone, in the classic placement used by the press.

    A vowel with a hat, breve or horn wins (the last one: "ươ" → ơ); with a final consonant the last
    vowel of the nucleus; else the middle of three vowels, the first of two ("hòa", "thúy", "mái").
    """
    low = plain.lower()
    n = len(low)
    start = 0
    if n > 2 and low[:2] in ("qu", "gi") and low[2] in VOWELS:
        start = 2
    else:
        while start < n and low[start] not in VOWELS:
            start += 1
    end = start
    while end < n and low[end] in VOWELS:
        end += 1
    if end == start:
        return None
    hats = [k for k in range(start, end) if low[k] in _HAT_VOWELS]
    if hats:
        return hats[-1]
    if end < n:
        return end - 1
    if end - start == 3:
        return start + 1
    return start


def place_tone(plain: str, marks: str) -> str:
    """Put a tone mark on the vowel where the classic placement wants it."""
    if len(marks) != 1:
        return unicodedata.normalize("NFC", plain + marks) if marks else plain
    pos = tone_position(plain)
    if pos is None:
        return plain
    toned = unicodedata.normalize("NFC", plain[pos] + marks)
    return plain[:pos] + toned + plain[pos + 1 :]


@lru_cache(maxsize=131072)
def is_syllable(word: str) -> bool:
    """True when the word is spelled like a Vietnamese syllable (any case, at most one tone)."""
    plain, marks = split_tone(word.lower())
    return len(marks) <= 1 and _SYLLABLE.fullmatch(plain) is not None


def is_folded_syllable(word: str) -> bool:
    """True when a word typed without diacritics is spelled like a syllable once they are gone
    ("nguoi" for "người")."""
    return _FOLDED_SYLLABLE.fullmatch(word.lower()) is not None
