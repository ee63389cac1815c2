"""Fetched bytes to Unicode text, repairing wrong or missing charsets and legacy encodings.

Order of trust: a byte-order mark; then UTF-8 whenever the bytes are valid UTF-8 (declarations are
often wrong, legacy bytes are almost never valid UTF-8), with UTF-8 misread as windows-1252
repaired; then the declared charset (HTTP header, <meta> or XML declaration) if it is not a
single-byte one; else whichever of windows-1252, Windows-1258, VISCII, TCVN3 and VNI reads most
like Vietnamese, the declared one unless another is clearly better.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable

from baochi.vi.legacy import decode_cp1258, decode_tcvn3, decode_viscii, decode_vni
from baochi.vi.syllables import is_syllable

_SNIFF_BYTES = 4096
_SCORE_CHARS = 20_000
_META = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]{2,40})"""
    rb"""|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})""",
    re.IGNORECASE,
)
# Labels browsers treat as windows-1252 (WHATWG Encoding Standard), and the legacy names we decode.
_WINDOWS_1252_LABELS = frozenset(
    ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii", "cp819")
)
_LEGACY: dict[str, Callable[[bytes], str]] = {
    "windows-1258": decode_cp1258,
    "viscii": decode_viscii,
    "tcvn3": decode_tcvn3,
    "vni-windows": decode_vni,
}
_LEGACY_ALIASES = {
    "cp1258": "windows-1258",
    "viscii1.1-1": "viscii",
    "csviscii": "viscii",
    "tcvn": "tcvn3",
    "tcvn5712-1": "tcvn3",
    "tcvn-5712": "tcvn3",
    "abc": "tcvn3",
    "vni": "vni-windows",
}
_WORD = re.compile(r"[^\W\d_]+")
_NON_ASCII = re.compile(rb"[\x80-\xff]")

# windows-1252 as browsers read it: the five bytes Python's codec leaves undefined pass through as
# C1 controls, so nothing is lost.
_WINDOWS_1252 = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
# UTF-8 read as windows-1252 (or latin-1): each byte became one character; map them back.
_BYTE_OF = {chr(b): b for b in range(0x80, 0x100)} | {
    c: b for b, c in enumerate(_WINDOWS_1252) if b >= 0x80
}
_CONT = "".join(re.escape(c) for c, b in _BYTE_OF.items() if b < 0xC0)
_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00f4][{_CONT}]{{1,3}})+")
# Misread UTF-8 of any Vietnamese letter (or combining tone mark) starts with one of these.
_MOJIBAKE_HINT = re.compile("[ÃÄÅÆÌ]|á[º»]")


def sniff_charset(head: bytes) -> str | None:
    """The charset a page declares in a <meta> tag or XML declaration within its first 4 KB."""
    match = _META.search(head[:_SNIFF_BYTES])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii").strip().lower()


def canonical_charset(label: str | None) -> str | None:
    """A charset label as the name we decode with; None for unknown or absent labels."""
    if not label:
        return None
    name = label.strip().strip("\"'").lower()
    if name in _WINDOWS_1252_LABELS:
        return "windows-1252"
    name = _LEGACY_ALIASES.get(name, name)
    if name in _LEGACY:
        return name
    try:
        return codecs.lookup(name).name.replace("cp125", "windows-125")
    except LookupError:
        return None


def _reading(text: str) -> tuple[int, int]:
    """(score, accented words) of a text's start: well-formed accented syllables count +1,
    malformed accented words and replacement characters count against."""
    sample = text[:_SCORE_CHARS]
    words = [word for word in _WORD.findall(sample) if not word.isascii()]
    valid = sum(map(is_syllable, words))
    return 2 * valid - len(words) - 3 * sample.count("\ufffd"), len(words)


def vietnamese_score(text: str) -> int:
    """How much a text reads as Vietnamese: well-formed accented syllables minus malformed words."""
    return _reading(text)[0]


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 that was decoded as windows-1252 or latin-1 ("HÃ  Ná»™i" -> "Hà Nội")."""

    def fix(match: re.Match[str]) -> str:
        run = match.group()
        try:
            return bytes(_BYTE_OF[c] for c in run).decode("utf-8")
        except UnicodeDecodeError:
            return run

    if not _MOJIBAKE_HINT.search(text):
        return text
    repaired = _MOJIBAKE.sub(fix, text)
    return repaired if vietnamese_score(repaired) > vietnamese_score(text) else text


def _decode_as(body: bytes, name: str) -> str | None:
    """Decode strictly with one charset; None when the bytes are not in it."""
    if name == "windows-1252":
        return codecs.charmap_decode(body, "strict", _WINDOWS_1252)[0]
    if name in _LEGACY:
        return _LEGACY[name](body)
    try:
        return body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None


def _best_single_byte(body: bytes, declared: str | None) -> tuple[str, str]:
    """Among windows-1252 and the legacy Vietnamese encodings, the reading that is most Vietnamese.

    The declared charset (else windows-1252) stays unless another reading is clearly better, so a
    French or English page never turns into Vietnamese by accident. Candidates are scored on a
    slice from the first non-ASCII byte; only the winner decodes the whole page.
    """
    first = _NON_ASCII.search(body)
    start = first.start() if first else 0
    sample = body[max(0, start - 200) : start + 2 * _SCORE_CHARS]
    base = declared if declared in _LEGACY else "windows-1252"
    scores = {}
    for name in ("windows-1252", *_LEGACY):
        text = _decode_as(sample, name)
        if text is not None:
            scores[name] = _reading(text)
    best = max(scores, key=lambda name: (scores[name][0], name == base))
    margin = scores[best][0] - scores[base][0]
    chosen = best if best != base and margin >= max(3, scores[best][1] // 4) else base
    text = _decode_as(body, chosen)
    assert text is not None
    return text, chosen


def decode_html_bytes(body: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode a fetched page or file to NFC text; returns (text, encoding used).

    `declared` is the HTTP charset if any; otherwise the <meta> charset is sniffed. The encoding
    used is a codec name ("utf-8", "windows-1252", "gb2312", ...) or one of "windows-1258",
    "viscii", "tcvn3", "vni-windows" when a legacy Vietnamese encoding was detected and converted.
    """
    for bom, name in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return _nfc(body[len(bom) :].decode(name, "replace")), name
    # A UTF-8 mark can be a template's, in front of bytes saved in a legacy encoding: the bytes
    # after it are judged like any others.
    body = body.removeprefix(codecs.BOM_UTF8)
    charset = canonical_charset(declared) or canonical_charset(sniff_charset(body))
    if body.isascii():
        return body.decode("ascii"), charset or "utf-8"
    try:
        return _nfc(repair_mojibake(body.decode("utf-8"))), "utf-8"
    except UnicodeDecodeError:
        pass
    if charset is not None and charset not in ("utf-8", "windows-1252", *_LEGACY):
        text = _decode_as(body, charset)
        if text is not None:
            return _nfc(text), charset
    if charset == "utf-8":
        # A few stray bytes in an otherwise UTF-8 page are damage, not another encoding.
        text = body.decode("utf-8", "replace")
        if text.count("\ufffd") * 100 < len(body) - len(body.decode("ascii", "ignore")):
            return _nfc(text), "utf-8"
    text, name = _best_single_byte(body, charset)
    return _nfc(text), name


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
