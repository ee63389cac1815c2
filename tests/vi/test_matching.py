"""Tone-placement-unified keys and syllable-boundary matching."""

from __future__ import annotations

import pytest

from baochi.vi import contains, find, match_key
from baochi.vi.syllables import is_syllable, split_tone


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Hoà Bình", "Hòa Bình"),
        ("Thanh Hoá", "Thanh Hóa"),
        ("thuý", "thúy"),
        ("khoẻ mạnh", "khỏe mạnh"),
        ("qủa cam", "quả cam"),
        ("Thủy lợi", "Thuỷ lợi"),
        ("KHÁNH HOÀ", "Khánh Hòa"),
    ],
)
def test_match_key_unifies_tone_placement(old: str, new: str) -> None:
    assert match_key(old) == match_key(new)


def test_match_key_leaves_correct_words_alone() -> None:
    text = "người giữ gìn giường quốc gia, hoàng hôn, khuỷu tay, rượu, thuở, khuấy"
    assert match_key(text) == text


def test_match_key_keeps_distinct_words_distinct() -> None:
    assert match_key("Hà Nam") != match_key("Hạ Nam")
    assert match_key("bán") != match_key("bàn")


def test_fold_matching_finds_each_other() -> None:
    text = "Sáng nay, Hà Nội mưa to; ở ha noi nhiều tuyến phố ngập, Đà Nẵng nắng."
    assert len(find(text, "Hà Nội")) == 2
    assert len(find(text, "ha noi")) == 2
    assert len(find(text, "HA NOI")) == 2
    assert contains(text, "da nang")
    start, end = find(text, "da nang")[0]
    assert text[start:end] == "Đà Nẵng"


def test_matching_respects_syllable_boundaries() -> None:
    text = "Tỉnh Nghệ An đặt bàn thờ; ông Toàn về quê."
    spans = find(text, "an")
    assert [text[s:e] for s, e in spans] == ["An"]
    assert not contains("Thanh Hoá", "hoa binh")
    assert not contains("Hoàng Mai", "hoa")
    assert contains("Bà Rịa-Vũng Tàu", "ba ria vung tau")


def test_spans_stay_right_when_folding_changes_length() -> None:
    text = "İzmir và Hà Nội"
    (span,) = find(text, "ha noi")
    assert text[span[0] : span[1]] == "Hà Nội"


def test_syllable_shape() -> None:
    for word in ["nghiêng", "Quốc", "giường", "khuỷu", "Nguyễn", "ĐƯỜNG", "oanh"]:
        assert is_syllable(word), word
    for word in ["Griezmann", "Liverpool", "Trump", "Hµ", "Néi", "qủaa", "hoàá"]:
        assert not is_syllable(word), word
    assert split_tone("Nguyễn") == ("Nguyên", "\u0303")
