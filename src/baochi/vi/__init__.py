"""Vietnamese text: normalisation, legacy encodings, diacritic folding, matching, words, places."""

from baochi.vi.decode import decode_html_bytes, repair_mojibake
from baochi.vi.matching import contains, find, match_key
from baochi.vi.normalize import fold, normalize
from baochi.vi.segment import segment, syllable_ngrams, syllables
from baochi.vi.social import carries_diacritics, normalize_social

__all__ = [
    "carries_diacritics",
    "contains",
    "decode_html_bytes",
    "find",
    "fold",
    "match_key",
    "normalize",
    "normalize_social",
    "repair_mojibake",
    "segment",
    "syllable_ngrams",
    "syllables",
]
