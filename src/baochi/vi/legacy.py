"""Decoders for the pre-Unicode Vietnamese encodings still found on government and older pages.

TCVN3 (ABC) and VNI-Windows are font encodings: the bytes travel as windows-1252 text and only a
.VnTime or VNI-Times font made them readable. VISCII is a true 8-bit charset; Windows-1258 spells
tones as combining marks. Tables written from the published charts (TCVN 5712:1993, RFC 1456, the
VNI keyboard layout).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

# Tone order used by the tables below: huyền, hỏi, ngã, sắc, nặng.
_TONES = "\u0300\u0309\u0303\u0301\u0323"

# TCVN3: the level letter (None when it is the ASCII letter) and the five toned forms' bytes.
_TCVN3_ROWS: dict[str, tuple[int | None, tuple[int, int, int, int, int]]] = {
    "a": (None, (0xB5, 0xB6, 0xB7, 0xB8, 0xB9)),
    "ă": (0xA8, (0xBB, 0xBC, 0xBD, 0xBE, 0xC6)),
    "â": (0xA9, (0xC7, 0xC8, 0xC9, 0xCA, 0xCB)),
    "e": (None, (0xCC, 0xCE, 0xCF, 0xD0, 0xD1)),
    "ê": (0xAA, (0xD2, 0xD3, 0xD4, 0xD5, 0xD6)),
    "i": (None, (0xD7, 0xD8, 0xDC, 0xDD, 0xDE)),
    "o": (None, (0xDF, 0xE1, 0xE2, 0xE3, 0xE4)),
    "ô": (0xAB, (0xE5, 0xE6, 0xE7, 0xE8, 0xE9)),
    "ơ": (0xAC, (0xEA, 0xEB, 0xEC, 0xED, 0xEE)),
    "u": (None, (0xEF, 0xF1, 0xF2, 0xF3, 0xF4)),
    "ư": (0xAD, (0xF5, 0xF6, 0xF7, 0xF8, 0xF9)),
    "y": (None, (0xFA, 0xFB, 0xFC, 0xFD, 0xFE)),
}
_TCVN3_SINGLES = {
    0xAE: "đ",
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
}

# VISCII (RFC 1456), bytes 0x80-0xFF, then the six letters it places among the C0 controls.
_VISCII_HIGH = (
    "ẠẮẰẶẤẦẨẬẼẸẾỀỂỄỆỐỒỔỖỘỢỚỜỞỊỎỌỈỦŨỤỲ"
    "ÕắằặấầẩậẽẹếềểễệốồổỗỠƠộờởịỰỨỪỬơớƯ"
    "ÀÁÂÃẢĂẳẵÈÉÊẺÌÍĨỳĐứÒÓÔạỷừửÙÚỹỵÝỡư"
    "àáâãảăữẫèéêẻìíĩỉđựòóôõỏọụùúũủýợỮ"
)
_VISCII_LOW = {0x02: "Ẳ", 0x05: "Ẵ", 0x06: "Ẫ", 0x14: "Ỷ", 0x19: "Ỹ", 0x1E: "Ỵ"}

# VNI-Windows spells a letter as its base plus one modifier byte (shown here as windows-1252):
# tone alone, hat + tone, or breve + tone, in the order level, sắc, huyền, hỏi, ngã, nặng.
_VNI_TONE = "ùøûõï"
_VNI_HAT = "âáàåãä"
_VNI_BREVE = "êéèúüë"
_VNI_ORDER = "\u0301\u0300\u0309\u0303\u0323"
_VNI_SINGLES = {
    "ô": "ơ",
    "Ô": "Ơ",
    "ö": "ư",
    "Ö": "Ư",
    "ñ": "đ",
    "Ñ": "Đ",
    "æ": "ỉ",
    "Æ": "Ỉ",
    "ó": "ĩ",
    "Ó": "Ĩ",
    "ò": "ị",
    "Ò": "Ị",
    "î": "ỵ",
    "Î": "Ỵ",
}


def _tcvn3_page() -> str:
    """The 256-character decoding table of TCVN3, windows-1252 wherever TCVN3 has no letter."""
    page = list(bytes(range(256)).decode("cp1252", errors="replace"))
    for base, (level, toned) in _TCVN3_ROWS.items():
        if level is not None:
            page[level] = base
        for byte, mark in zip(toned, _TONES, strict=True):
            page[byte] = unicodedata.normalize("NFC", base + mark)
    for byte, char in _TCVN3_SINGLES.items():
        page[byte] = char
    return "".join(page)


def _viscii_page() -> str:
    """The 256-character decoding table of VISCII."""
    page = [chr(i) for i in range(128)] + list(_VISCII_HIGH)
    for byte, char in _VISCII_LOW.items():
        page[byte] = char
    return "".join(page)


def _vni_pairs() -> dict[str, str]:
    """Every two-character VNI spelling (base + modifier, as windows-1252) and its letter."""
    pairs: dict[str, str] = {}
    tones = list(_VNI_ORDER)

    def add(start: str, letter: str, modifiers: str, marks: list[str]) -> None:
        for modifier, mark in zip(modifiers, marks, strict=True):
            toned = unicodedata.normalize("NFC", letter + mark)
            for mod in (modifier, modifier.upper()):
                pairs[start + mod] = toned
                pairs[start.upper() + mod] = toned.upper()

    for vowel in "aeouy":
        add(vowel, vowel, _VNI_TONE, tones)
    # ơ and ư are single VNI characters that take a tone modifier like any vowel.
    add("ô", "ơ", _VNI_TONE, tones)
    add("ö", "ư", _VNI_TONE, tones)
    for vowel in "aeo":
        add(vowel, vowel, _VNI_HAT, ["\u0302"] + ["\u0302" + t for t in tones])
    add("a", "a", _VNI_BREVE, ["\u0306"] + ["\u0306" + t for t in tones])
    return pairs


TCVN3_PAGE = _tcvn3_page()
VISCII_PAGE = _viscii_page()
_VNI_PAIRS = _vni_pairs()
_VNI_RE = re.compile(
    "|".join(re.escape(k) for k in sorted([*_VNI_PAIRS, *_VNI_SINGLES], key=len, reverse=True))
)


def decode_tcvn3(raw: bytes) -> str:
    """Bytes written with a TCVN3 (ABC, .VnTime) font to NFC Unicode."""
    return codecs.charmap_decode(raw, "strict", TCVN3_PAGE)[0]


def decode_viscii(raw: bytes) -> str:
    """VISCII bytes to NFC Unicode."""
    return codecs.charmap_decode(raw, "strict", VISCII_PAGE)[0]


def decode_vni(raw: bytes) -> str:
    """Bytes written with a VNI-Windows font to NFC Unicode."""
    return vni_text_to_unicode(raw.decode("cp1252", errors="replace"))


def vni_text_to_unicode(text: str) -> str:
    """VNI text already read as windows-1252 (what a browser shows without the font) to Unicode."""
    return _VNI_RE.sub(lambda m: _VNI_PAIRS.get(m.group()) or _VNI_SINGLES[m.group()], text)


def decode_cp1258(raw: bytes) -> str:
    """Windows-1258 bytes (tones as combining marks) to NFC Unicode."""
    return unicodedata.normalize("NFC", raw.decode("cp1258", errors="replace"))
