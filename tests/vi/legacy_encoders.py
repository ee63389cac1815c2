"""Unicode to TCVN3, VNI-Windows, VISCII and Windows-1258, written for the tests' encoding side.

Independent of the package's decoding tables: TCVN3 and VISCII as literal charts, VNI and
Windows-1258 from the way each spells a letter (base + modifiers).
"""

from __future__ import annotations

import unicodedata

# TCVN3 (TCVN 5712:1993, VN3): lower-case letters and the seven upper-case ones it has.
TCVN3 = {
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ă": 0xA8, "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "â": 0xA9, "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ê": 0xAA, "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ô": 0xAB, "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ơ": 0xAC, "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ư": 0xAD, "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
    "đ": 0xAE, "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
}  # fmt: skip

# VISCII (RFC 1456).
VISCII = {
    "à": 0xE0, "ả": 0xE4, "ã": 0xE3, "á": 0xE1, "ạ": 0xD5, "ă": 0xE5, "ằ": 0xA2, "ẳ": 0xC6,
    "ẵ": 0xC7, "ắ": 0xA1, "ặ": 0xA3, "â": 0xE2, "ầ": 0xA5, "ẩ": 0xA6, "ẫ": 0xE7, "ấ": 0xA4,
    "ậ": 0xA7, "è": 0xE8, "ẻ": 0xEB, "ẽ": 0xA8, "é": 0xE9, "ẹ": 0xA9, "ê": 0xEA, "ề": 0xAB,
    "ể": 0xAC, "ễ": 0xAD, "ế": 0xAA, "ệ": 0xAE, "ì": 0xEC, "ỉ": 0xEF, "ĩ": 0xEE, "í": 0xED,
    "ị": 0xB8, "ò": 0xF2, "ỏ": 0xF6, "õ": 0xF5, "ó": 0xF3, "ọ": 0xF7, "ô": 0xF4, "ồ": 0xB0,
    "ổ": 0xB1, "ỗ": 0xB2, "ố": 0xAF, "ộ": 0xB5, "ơ": 0xBD, "ờ": 0xB6, "ở": 0xB7, "ỡ": 0xDE,
    "ớ": 0xBE, "ợ": 0xFE, "ù": 0xF9, "ủ": 0xFC, "ũ": 0xFB, "ú": 0xFA, "ụ": 0xF8, "ư": 0xDF,
    "ừ": 0xD7, "ử": 0xD8, "ữ": 0xE6, "ứ": 0xD1, "ự": 0xF1, "ỳ": 0xCF, "ỷ": 0xD6, "ỹ": 0xDB,
    "ý": 0xFD, "ỵ": 0xDC, "đ": 0xF0, "À": 0xC0, "Ả": 0xC4, "Ã": 0xC3, "Á": 0xC1, "Ạ": 0x80,
    "Ă": 0xC5, "Ằ": 0x82, "Ẳ": 0x02, "Ẵ": 0x05, "Ắ": 0x81, "Ặ": 0x83, "Â": 0xC2, "Ầ": 0x85,
    "Ẩ": 0x86, "Ẫ": 0x06, "Ấ": 0x84, "Ậ": 0x87, "È": 0xC8, "Ẻ": 0xCB, "Ẽ": 0x88, "É": 0xC9,
    "Ẹ": 0x89, "Ê": 0xCA, "Ề": 0x8B, "Ể": 0x8C, "Ễ": 0x8D, "Ế": 0x8A, "Ệ": 0x8E, "Ì": 0xCC,
    "Ỉ": 0x9B, "Ĩ": 0xCE, "Í": 0xCD, "Ị": 0x98, "Ò": 0xD2, "Ỏ": 0x99, "Õ": 0xA0, "Ó": 0xD3,
    "Ọ": 0x9A, "Ô": 0xD4, "Ồ": 0x90, "Ổ": 0x91, "Ỗ": 0x92, "Ố": 0x8F, "Ộ": 0x93, "Ơ": 0xB4,
    "Ờ": 0x96, "Ở": 0x97, "Ỡ": 0xB3, "Ớ": 0x95, "Ợ": 0x94, "Ù": 0xD9, "Ủ": 0x9C, "Ũ": 0x9D,
    "Ú": 0xDA, "Ụ": 0x9E, "Ư": 0xBF, "Ừ": 0xBB, "Ử": 0xBC, "Ữ": 0xFF, "Ứ": 0xBA, "Ự": 0xB9,
    "Ỳ": 0x9F, "Ỷ": 0x14, "Ỹ": 0x19, "Ý": 0xDD, "Ỵ": 0x1E, "Đ": 0xD0,
}  # fmt: skip

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_HAT, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
# VNI modifier keys as windows-1252 characters.
_VNI_TONE = {"": "", _ACUTE: "ù", _GRAVE: "ø", _HOOK: "û", _TILDE: "õ", _DOT: "ï"}
_VNI_HAT = {"": "â", _ACUTE: "á", _GRAVE: "à", _HOOK: "å", _TILDE: "ã", _DOT: "ä"}
_VNI_BREVE = {"": "ê", _ACUTE: "é", _GRAVE: "è", _HOOK: "ú", _TILDE: "ü", _DOT: "ë"}
_VNI_I = {"": "i", _ACUTE: "í", _GRAVE: "ì", _HOOK: "æ", _TILDE: "ó", _DOT: "ò"}


def _parts(char: str) -> tuple[str, str, str]:
    """A letter as (base letter, shape mark: hat/breve/horn or "", tone mark or "")."""
    decomposed = unicodedata.normalize("NFD", char)
    base = decomposed[0]
    shape = "".join(c for c in decomposed[1:] if c in (_HAT, _BREVE, _HORN))
    tone = "".join(c for c in decomposed[1:] if c not in (_HAT, _BREVE, _HORN))
    return base, shape, tone


def to_tcvn3(text: str) -> bytes:
    """Encode lower-case text (TCVN3 has no upper-case toned letters) as a .VnTime document."""
    return b"".join(bytes([TCVN3[c]]) if c in TCVN3 else c.encode("cp1252") for c in text)


def to_viscii(text: str) -> bytes:
    return b"".join(bytes([VISCII[c]]) if c in VISCII else c.encode("ascii") for c in text)


def _vni_char(char: str) -> str:
    if char in "đĐ":
        return "ñ" if char == "đ" else "Ñ"
    base, shape, tone = _parts(char)
    if base.isascii() and not shape and not tone:
        return char
    upper = base.isupper()
    low = base.lower()

    def case(s: str) -> str:
        return s.upper() if upper else s

    if low == "i":
        return case(_VNI_I[tone])
    if low == "y" and tone == _DOT:
        return case("î")
    if shape == _HORN:
        return case({"o": "ô", "u": "ö"}[low]) + case(_VNI_TONE[tone])
    if shape == _HAT:
        return case(low) + case(_VNI_HAT[tone])
    if shape == _BREVE:
        return case(low) + case(_VNI_BREVE[tone])
    return case(low) + case(_VNI_TONE[tone])


def to_vni(text: str) -> bytes:
    """Encode text as typed in a VNI-Windows font document."""
    return "".join(_vni_char(c) for c in text).encode("cp1252")


def to_cp1258(text: str) -> bytes:
    """Encode text as Windows-1258: letters with hat, breve or horn precomposed, tones combining."""
    out = []
    for char in text:
        base, shape, tone = _parts(char)
        out.append(unicodedata.normalize("NFC", base + shape) + tone)
    return "".join(out).encode("cp1258")
