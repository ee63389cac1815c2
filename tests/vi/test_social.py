"""Teencode, abbreviations, stretched letters and emoji in real-looking comments."""

from __future__ import annotations

import pytest

from baochi.vi import carries_diacritics, normalize_social


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("ko bik j hết á", "không biết gì hết á"),
        ("Mình ko thik cái này vs lại giá cao wá", "Mình không thích cái này với lại giá cao quá"),
        ("hàng về dc 2 ngày r mà đc có 1 cái", "hàng về được 2 ngày rồi mà được có 1 cái"),
        ("bn ơi sp này còn k", "bạn ơi sản phẩm này còn không"),
        ("cx đc, mn nên mua", "cũng được, mọi người nên mua"),
        ("fải zui lên chứ", "phải vui lên chứ"),
        ("bây h đi đâu đấy", "bây giờ đi đâu đấy"),
        ("K hiểu sao lại thế", "Không hiểu sao lại thế"),
    ],
)
def test_teencode_and_abbreviations(comment: str, expected: str) -> None:
    assert normalize_social(comment) == expected


def test_stretched_letters_are_squeezed() -> None:
    assert normalize_social("quáaaaa đẹpppp luônnn") == "quá đẹp luôn"
    assert normalize_social("Xinh quá điiiii") == "Xinh quá đi"
    # Real double letters stay.
    assert normalize_social("nồi xoong") == "nồi xoong"


def test_emoji_and_emoticons() -> None:
    assert normalize_social("shop nhiệt tình 😍😍😍") == "shop nhiệt tình 😍"
    assert normalize_social("hay quá:))") == "hay quá:))"  # glued to a word: left alone
    assert normalize_social("hay quá :))") == "hay quá 😆"
    assert normalize_social("buồn T_T") == "buồn 😭"
    assert normalize_social("kkkkk hahaha") == "kkkkk hahaha"


def test_text_without_diacritics() -> None:
    assert normalize_social("san pham chat luong, cam on shop") == (
        "sản phẩm chất lượng, cảm ơn shop"
    )
    assert normalize_social("di ha noi choi") == "di Hà Nội choi"


def test_standard_text_is_unchanged() -> None:
    sentence = "Người dân phản ánh tình trạng ô nhiễm kéo dài ở quận Hoàng Mai."
    assert normalize_social(sentence) == sentence


@pytest.mark.parametrize(
    ("text", "marked"),
    [
        ("Chúc mừng các em, niềm tự hào của dân tộc", True),
        ("Hi châu. Cho a sdt của e nghen.", True),  # plain short words do not tip it
        ("đm", True),
        ("dm thang nay ngu vl 😡😡", False),  # emoji are not diacritics
        ("nguoi ta noi vay thi biet lam sao", False),  # words needing hats, typed without
        ("Nguyễn Văn An oi, cho minh hoi buoi hop o dau vay", False),  # a name typed with them
        ("ok shop", False),
        ("", False),
    ],
)
def test_carries_diacritics(text: str, marked: bool) -> None:
    assert carries_diacritics(text) is marked
