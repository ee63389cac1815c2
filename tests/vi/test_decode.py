"""Fetched bytes to text: declared charsets, mojibake and each legacy Vietnamese encoding."""

from __future__ import annotations

import codecs

import pytest

from baochi.vi import decode_html_bytes
from baochi.vi.decode import canonical_charset, repair_mojibake, sniff_charset
from baochi.vi.legacy import decode_cp1258, decode_tcvn3, decode_viscii, decode_vni

from .legacy_encoders import to_cp1258, to_tcvn3, to_viscii, to_vni

LETTERS = "aàảãáạăằẳẵắặâầẩẫấậeèẻẽéẹêềểễếệiìỉĩíịoòỏõóọôồổỗốộơờởỡớợuùủũúụưừửữứựyỳỷỹýỵđ"
BODY = (
    "Sở Xây dựng Hà Nội cho biết, trong quý I, thành phố đã kiểm tra 1.250 công trình, "
    "phát hiện 37 trường hợp vi phạm trật tự xây dựng, chủ yếu ở quận Hoàng Mai, Long Biên "
    "và huyện Gia Lâm. Người dân phản ánh việc xử lý còn chậm, nhiều công trình vẫn tiếp tục "
    "thi công dù đã có quyết định đình chỉ."
)


def page(charset: str | None, body: str = BODY) -> str:
    meta = (
        f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        if charset
        else ""
    )
    return f"<html><head>{meta}<title>News</title></head><body><p>{body}</p></body></html>"


def test_each_legacy_table_round_trips_every_letter() -> None:
    both = LETTERS + LETTERS.upper()
    assert decode_viscii(to_viscii(both)) == both
    assert decode_vni(to_vni(both)) == both
    assert decode_cp1258(to_cp1258(both)) == both
    # TCVN3 fonts have no upper-case toned letters (those need the .VnTimeH font).
    assert decode_tcvn3(to_tcvn3(LETTERS)) == LETTERS
    assert decode_tcvn3(to_tcvn3("ĂÂÊÔƠƯĐ")) == "ĂÂÊÔƠƯĐ"


@pytest.mark.parametrize(
    ("encode", "name", "declared"),
    [
        (to_vni, "vni-windows", "windows-1252"),
        (to_vni, "vni-windows", None),
        (to_viscii, "viscii", None),
        (to_viscii, "viscii", "viscii"),
        (to_cp1258, "windows-1258", None),
        (to_cp1258, "windows-1258", "windows-1258"),
    ],
)
def test_legacy_pages_are_detected_and_converted(encode, name, declared) -> None:  # type: ignore[no-untyped-def]
    html = page("iso-8859-1" if declared == "windows-1252" else declared)
    text, used = decode_html_bytes(encode(html), None)
    assert used == name
    assert BODY in text


def test_tcvn3_page_declared_latin1_is_converted() -> None:
    html = page("iso-8859-1", BODY.lower())
    text, used = decode_html_bytes(to_tcvn3(html), None)
    assert used == "tcvn3"
    assert BODY.lower() in text


def test_utf8_with_and_without_declaration() -> None:
    for charset in ("utf-8", None):
        text, used = decode_html_bytes(page(charset).encode("utf-8"), None)
        assert (used, BODY in text) == ("utf-8", True)


def test_utf8_misdeclared_as_latin1_is_read_as_utf8() -> None:
    raw = page("iso-8859-1").encode("utf-8")
    assert decode_html_bytes(raw, "ISO-8859-1") == (page("iso-8859-1"), "utf-8")


def test_double_encoded_utf8_is_repaired() -> None:
    # UTF-8 read as windows-1252 by some earlier tool, then saved as UTF-8 again.
    mojibake = codecs.decode(BODY.encode("utf-8"), "latin-1").translate(
        {b: bytes([b]).decode("cp1252", "ignore") or chr(b) for b in range(0x80, 0xA0)}
    )
    assert "Ã" in mojibake
    text, used = decode_html_bytes(page("utf-8", mojibake).encode("utf-8"))
    assert used == "utf-8"
    assert BODY in text
    assert repair_mojibake(mojibake) == BODY


def test_bom_wins_over_declaration() -> None:
    raw = codecs.BOM_UTF8 + page("windows-1252").encode("utf-8")
    assert decode_html_bytes(raw, "windows-1252")[1] == "utf-8"
    raw16 = codecs.BOM_UTF16_LE + page(None).encode("utf-16-le")
    assert decode_html_bytes(raw16, None) == (page(None), "utf-16-le")


def test_a_utf8_mark_before_legacy_bytes_does_not_spoil_them() -> None:
    """A template's UTF-8 mark in front of a page saved in Windows-1258: the words come out
    whole, not "S�  X�y d�ng"."""
    raw = codecs.BOM_UTF8 + to_cp1258(page("utf-8"))
    text, used = decode_html_bytes(raw, "utf-8")
    assert BODY in text and "\ufffd" not in text
    assert used == "windows-1258"


def test_english_windows_1252_page_is_not_converted() -> None:
    body = "The café “Crème brûlée” opened on Main Street — naïve visitors queued."
    assert decode_html_bytes(page("windows-1252", body).encode("cp1252")) == (
        page("windows-1252", body),
        "windows-1252",
    )


def test_declared_east_asian_charset_is_honoured() -> None:
    body = "越南河内市人民委员会"
    text, used = decode_html_bytes(page("gb2312", body).encode("gb2312"), None)
    assert (used, body in text) == ("gb2312", True)


def test_stray_bytes_in_a_utf8_page_stay_utf8() -> None:
    raw = page("utf-8").encode("utf-8").replace(b"</p>", b"\xff</p>")
    text, used = decode_html_bytes(raw)
    assert used == "utf-8"
    assert BODY in text


def test_decomposed_utf8_comes_back_nfc() -> None:
    import unicodedata

    raw = unicodedata.normalize("NFD", page("utf-8")).encode("utf-8")
    assert BODY in decode_html_bytes(raw)[0]


def test_charset_labels() -> None:
    assert sniff_charset(b'<meta charset="UTF-8">') == "utf-8"
    assert sniff_charset(b"<?xml version='1.0' encoding='windows-1258'?>") == "windows-1258"
    assert sniff_charset(b"<html><body>no declaration</body></html>") is None
    assert canonical_charset("ISO-8859-1") == "windows-1252"
    assert canonical_charset("cp1258") == "windows-1258"
    assert canonical_charset("x-no-such-charset") is None
