"""Unicode NFC at the boundary, and the diacritic-free search key used by search and matching.

Both run over every stored article, so both are built from C-speed passes (regex, NFC, a charmap
codec and bytes.translate) rather than per-character Python.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Zero-width characters, soft hyphen, BOM, bidi controls, C0/C1 controls other than \t \n \r,
# and what XML cannot hold besides: lone surrogates, the noncharacters U+FFFE and U+FFFF.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u2060\ufeff\u00ad\u200e\u200f\u202a-\u202e\u2066-\u2069"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]"
)
# The zero-width joiner belongs inside emoji sequences (👨‍👩‍👧); next to a letter it only hides
# a word from filters.
_JOINER_BY_LETTER = re.compile("\u200d(?<=[^\\W_]\u200d)|\u200d(?=[^\\W_])")
_SPACES = re.compile("[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
# Eth and African D stand in for đ in text converted by old tools; Cyrillic letters that look Latin
# slip into Vietnamese words typed on Russian layouts or pasted to dodge filters.
_LOOKALIKE = {
    "ð": "đ",
    "Ð": "Đ",
    "Ɖ": "Đ",
    "ɖ": "đ",
    "а": "a",
    "е": "e",
    "о": "o",
    "р": "p",
    "с": "c",
    "у": "y",
    "х": "x",
    "і": "i",
    "ү": "y",
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "Х": "X",
    "І": "I",
}
_LATIN = "A-Za-z\u00c0-\u024f\u1ea0-\u1ef9"
_CYRILLIC = "".join(c for c in _LOOKALIKE if c not in "ðÐƉɖ")
_SUSPECT = re.compile(f"[ðÐƉɖ{_CYRILLIC}]")
_LOOKALIKE_RE = re.compile(
    f"[ðÐƉɖ]|(?<=[{_LATIN}])[{_CYRILLIC}]|[{_CYRILLIC}](?=[{_LATIN}])",
)


def normalize(text: str) -> str:
    """NFC, with invisible and control characters removed (a joiner only beside letters), exotic
    spaces made plain and look-alike letters inside Latin words replaced by the Latin ones."""
    text = _SPACES.sub(" ", _INVISIBLE.sub("", text))
    if "\u200d" in text:
        text = _JOINER_BY_LETTER.sub("", text)
    if _SUSPECT.search(text):
        text = _LOOKALIKE_RE.sub(lambda m: _LOOKALIKE[m.group()], text)
    return unicodedata.normalize("NFC", text)


def _fold_char(char: str) -> str:
    """The search-key form of one lower-case character: no diacritics, đ → d."""
    if char in "đð":
        return "d"
    if unicodedata.combining(char):
        return ""
    base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    return base if base else char


class _FoldTable(dict[int, str]):
    """str.translate table for any character, filled on first sight."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


_SLOW = _FoldTable()

# The fast path encodes text into a private 8-bit code page holding ASCII plus the 128 non-ASCII
# characters common in Vietnamese news, folds the bytes with bytes.translate and decodes back.
# Any other character sends the text down the slower, general str.translate path.
_VIETNAMESE = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_COMBINING = "\u0300\u0301\u0302\u0303\u0306\u0309\u031b\u0323"
_FOREIGN = "äåçëîïñöøûüāēīōūčšžłő"
_PUNCT = "“”‘’…–—«»•·°²³×½¼¾®©™€£§±′″→≥≤"
_EXTRA = "".join(dict.fromkeys(_VIETNAMESE + _COMBINING + _FOREIGN + _PUNCT))
assert len(_EXTRA) <= 128, "the fast fold code page has 128 free slots"
_PAGE = "".join(chr(i) for i in range(128)) + _EXTRA
_PAGE += "\ufffe" * (256 - len(_PAGE))
_ENCODE = codecs.charmap_build(_PAGE)
_BYTE_FOLD = bytes(
    ord(_fold_char(c)) if len(_fold_char(c)) == 1 and ord(_fold_char(c)) < 128 else i
    for i, c in enumerate(_PAGE)
)
_BYTE_DROP = bytes(_PAGE.index(c) for c in _COMBINING)


def fold(text: str) -> str:
    """Lower-case search key without diacritics, đ/Đ folded to d: "Đà Nẵng" -> "da nang"."""
    low = text.lower()
    if low.isascii():
        return low
    try:
        raw, _ = codecs.charmap_encode(low, "strict", _ENCODE)
    except UnicodeEncodeError:
        return low.translate(_SLOW)
    folded, _ = codecs.charmap_decode(raw.translate(_BYTE_FOLD, _BYTE_DROP), "strict", _PAGE)
    return folded
