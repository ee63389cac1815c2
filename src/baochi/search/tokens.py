"""How text becomes index tokens, with no database in sight (so the normalise stage can call it
in its workers): every folded syllable and every pair of neighbouring syllables, and the same with
diacritics for exact terms.

A Vietnamese word is two or three syllables drawn from a few thousand ("hà nội", "giao thông"), so
a phrase over single syllables reads the position lists of the commonest tokens of the language;
indexing the pairs too makes a two-syllable word one short token lookup.

    "Hà Nội ngập" → "ha ha_noi noi noi_ngap ngap"      (positions 0..4)

A phrase of n syllables is the run "s1_s2 s2 s2_s3 … sn-1_sn": consecutive positions, so FTS5's
own phrase matching stays exact.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from baochi.vi import fold, match_key
from baochi.vi.syllables import split_tone

PAIR = "_"
MAX_SPELLINGS = 16
_SYLLABLE = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class IndexText:
    """What the two indexes store for one document, title and text apart."""

    words_title: str
    words_body: str
    exact_title: str
    exact_body: str

    @classmethod
    def of(cls, title: str, text: str) -> IndexText:
        """The index text of a document's title and whole text (lead and body)."""
        return cls(
            interleave(folded_syllables(title)),
            interleave(folded_syllables(text)),
            interleave(exact_syllables(title)),
            interleave(exact_syllables(text)),
        )


def interleave(syllables: Sequence[str]) -> str:
    """Syllables with each neighbouring pair joined in between: a b c → a a_b b b_c c."""
    out: list[str] = []
    for i, syllable in enumerate(syllables):
        out.append(syllable)
        if i + 1 < len(syllables):
            out.append(syllable + PAIR + syllables[i + 1])
    return " ".join(out)


def folded_syllables(text: str) -> list[str]:
    """Syllables without diacritics, đ → d, lower-case: what the words index matches."""
    return _SYLLABLE.findall(fold(text))


def exact_syllables(text: str) -> list[str]:
    """Lower-case syllables with their diacritics as written (NFC): what the exact index holds."""
    return _SYLLABLE.findall(text.lower())


def tone_spellings(syllable: str) -> tuple[str, ...]:
    """A lower-case syllable as typed and in both tone placements the press uses: classic on the
    first vowel of an open "oa", "oe", "uy" (hòa, khỏe, thủy), newer on the second (hoà, khoẻ)."""
    classic = match_key(syllable)
    plain, marks = split_tone(classic)
    spellings = [syllable, classic]
    # Only when the classic mark sits on the first vowel of the pair ("quý" has one placement).
    if len(marks) == 1 and plain[-2:] in ("oa", "oe", "uy") and classic[-2] != plain[-2]:
        spellings.append(plain[:-1] + unicodedata.normalize("NFC", plain[-1] + marks))
    return tuple(dict.fromkeys(spellings))


def exact_phrases(syllables: Sequence[str]) -> list[tuple[str, ...]]:
    """Every spelling of an exact phrase over tone placements; just as typed if too many."""
    options = [tone_spellings(s) for s in exact_syllables(" ".join(syllables))]
    if math.prod(len(o) for o in options) > MAX_SPELLINGS:
        return [tuple(o[0] for o in options)]
    return list(itertools.product(*options))


def phrase_tokens(syllables: Sequence[str]) -> list[str]:
    """The index tokens whose consecutive run means this phrase (one syllable: itself)."""
    tokens = [syllables[0]] if len(syllables) == 1 else []
    for i in range(len(syllables) - 1):
        if i:
            tokens.append(syllables[i])
        tokens.append(syllables[i] + PAIR + syllables[i + 1])
    return tokens
