"""NFC at the boundary and the folded search key, on real Vietnamese sentences."""

from __future__ import annotations

import unicodedata

from baochi.vi import fold, normalize
from baochi.vi.normalize import _EXTRA, _fold_char

SENTENCE = "Ủy ban nhân dân thành phố Hà Nội yêu cầu quận Hoàn Kiếm xử lý dứt điểm vi phạm."


def test_decomposed_and_precomposed_compare_equal_after_normalize() -> None:
    decomposed = unicodedata.normalize("NFD", SENTENCE)
    assert decomposed != SENTENCE
    assert normalize(decomposed) == normalize(SENTENCE) == SENTENCE


def test_invisible_characters_and_exotic_spaces_are_cleaned() -> None:
    dirty = "Hà\u200b Nội\u00a0có\u202fmưa\ufeff, nhiệt\u00ad độ 25\u2009°C"
    assert normalize(dirty) == "Hà Nội có mưa, nhiệt độ 25 °C"
    # what XML cannot hold (a DOCX would refuse it): the noncharacters, a lone surrogate (kept
    # out of the compared text: a failure's report could not carry it to the test runner)
    assert normalize("Ghi chú\ufffe mới\uffff\x01") == "Ghi chú mới"
    assert not any(0xD800 <= ord(c) <= 0xDFFF for c in normalize("mới\ud800\udfff"))


def test_lookalike_letters_inside_latin_words_become_latin() -> None:
    # Cyrillic "а" and "о" typed inside Vietnamese words, and eth for đ.
    assert normalize("Hа Nội ðẹp quá, Sо́c Sơn") == "Ha Nội đẹp quá, Só́c Sơn".replace("ó́", "ó")
    # Russian text keeps its own letters.
    assert normalize("Москва и Hà Nội") == "Москва и Hà Nội"


def test_fold_removes_diacritics_and_folds_d() -> None:
    assert fold("Hà Nội") == fold("ha noi") == fold("Ha Noi") == "ha noi"
    assert fold("Đà Nẵng") == "da nang"
    assert fold("ĐƯỜNG TRƯỜNG SƠN") == "duong truong son"
    assert fold(SENTENCE) == (
        "uy ban nhan dan thanh pho ha noi yeu cau quan hoan kiem xu ly dut diem vi pham."
    )


def test_fold_keeps_punctuation_and_other_scripts() -> None:
    assert fold("“Thủ đô” – năm 2017…") == "“thu do” – nam 2017…"
    assert fold("Tập Cận Bình (习近平) thăm Việt Nam") == "tap can binh (习近平) tham viet nam"


def test_fold_is_the_same_on_decomposed_text() -> None:
    assert fold(unicodedata.normalize("NFD", SENTENCE)) == fold(SENTENCE)


def test_fold_preserves_length_of_nfc_vietnamese() -> None:
    assert len(fold(SENTENCE)) == len(SENTENCE)


def test_fast_and_general_fold_paths_agree() -> None:
    # The code-page fast path and the per-character path must give one key for each character.
    for char in _EXTRA:
        if unicodedata.combining(char):
            continue
        assert fold(char) == _fold_char(char.lower()), char
        assert fold(char + "习") == _fold_char(char.lower()) + "习", char


def test_zero_width_joiner_is_kept_in_emoji_and_dropped_in_words() -> None:
    family = "👨\u200d👩\u200d👧"
    assert normalize(f"Hà\u200dNội {family}") == f"HàNội {family}"
