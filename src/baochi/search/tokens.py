"""How text becomes index tokens, with no database in sight (so the normalise stage can call it
in its workers): every folded syllable, and in a column of its own every pair of neighbouring
syllables; the same with diacritics for exact terms.

A Vietnamese word is two or three syllables drawn from a few thousand ("hà nội", "giao thông"), so
a phrase over single syllables reads the position lists of the commonest tokens of the language;
indexing the pairs makes a word one short token lookup, and a longer phrase a run of them.

    "Hà Nội ngập" → syllables "ha noi ngap", pairs "ha_noi noi_ngap"

Consecutive pairs overlap by a syllable, so the phrase "a b c" is exactly the adjacent pairs
"a_b b_c", which FTS5's own phrase matching finds without reading any single syllable.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from baochi.search.tree import Words
from baochi.vi import fold, match_key
from baochi.vi.syllables import split_tone

PAIR = "_"
MAX_SPELLINGS = 16
_SYLLABLE = re.compile(r"[^\W_]+")


# The columns of both indexes, in this order (BM25 weights follow it).
COLUMNS = ("title", "body", "title_pairs", "body_pairs")


@dataclass(frozen=True, slots=True)
class IndexText:
    """What the two indexes store for one document: a value per column of each."""

    words: dict[str, str]
    exact: dict[str, str]

    @classmethod
    def of(cls, title: str, text: str) -> IndexText:
        """The index text of a document's title and whole text (lead and body)."""
        return cls(
            columns(folded_syllables(title), folded_syllables(text)),
            columns(exact_syllables(title), exact_syllables(text)),
        )


def columns(title: Sequence[str], body: Sequence[str]) -> dict[str, str]:
    """Syllables and their neighbouring pairs, for the title and the body, by column name."""
    values = (" ".join(title), " ".join(body), " ".join(pairs(title)), " ".join(pairs(body)))
    return dict(zip(COLUMNS, values, strict=True))


def pairs(syllables: Sequence[str]) -> list[str]:
    """Each syllable joined to the next: a b c → a_b b_c."""
    return [a + PAIR + b for a, b in itertools.pairwise(syllables)]


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
    """The tokens whose adjacent run means this phrase: its pairs, or the one syllable."""
    return pairs(syllables) or list(syllables)


def spellings(term: Words) -> list[tuple[str, ...]]:
    """The syllable sequences a term is looked up as in its index: folded, or every exact one."""
    if term.exact:
        return exact_phrases(term.syllables)
    return [tuple(folded_syllables(" ".join(term.syllables)))]
