"""Vietnamese text: normalisation, legacy encodings, diacritic folding, matching, places."""

from baochi.vi.decode import decode_html_bytes, repair_mojibake
from baochi.vi.matching import contains, find, match_key
from baochi.vi.normalize import fold, normalize

__all__ = [
    "contains",
    "decode_html_bytes",
    "find",
    "fold",
    "match_key",
    "normalize",
    "repair_mojibake",
]
