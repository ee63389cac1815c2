"""Unicode NFC at the boundary, and the diacritic-free search key used by search and matching."""

from __future__ import annotations

import re
import unicodedata

_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")


def normalize(text: str) -> str:
    """NFC, with zero-width characters removed and exotic spaces made plain."""
    return unicodedata.normalize("NFC", _SPACES.sub(" ", _INVISIBLE.sub("", text)))


def fold(text: str) -> str:
    """Lower-case search key without diacritics, đ/Đ folded to d: "Đà Nẵng" -> "da nang"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
