"""The offensive-span lexicon on comments: words that merely fold like a cue are not highlighted."""

from __future__ import annotations

import pytest

from baochi.social.spans import SpanTagger, features, tokens


@pytest.mark.parametrize(
    "comment",
    [
        "Chúc mừng các em, niềm tự hào của dân tộc",
        "Bố mẹ tôi đi chợ từ chối nhận túi nilong",
        "Trận này thắng lớn, đủ sức vào chung kết, cổ động viên vui dữ",
        "Điện lực báo cắt điện vài buổi, mong bà con thông cảm",
        "cho minh hoi cac ban, buoi chieu nay di cho o dau",  # typed without diacritics
    ],
)
def test_everyday_comments_highlight_nothing(comment: str) -> None:
    assert SpanTagger(None).spans(comment) == ()


def _highlighted(comment: str) -> list[str]:
    return [comment[a:b] for a, b in SpanTagger(None).spans(comment)]


def test_offensive_words_are_highlighted_with_or_without_diacritics() -> None:
    assert _highlighted("Thằng này ngu vãi, óc chó") == ["Thằng", "ngu", "vãi", "chó"]
    # Typed without diacritics only cues no everyday word folds like are found, as typed too.
    assert _highlighted("dm bon nay vl") == ["dm", "bon", "vl"]


def test_the_cue_feature_follows_the_same_matching() -> None:
    words = [w for w, _, _ in tokens("các em đi chợ")]
    assert all("cue=False" in feats for feats in features(words, plain=False))
    assert "cue=True" in features(["chó"], plain=False)[0]


def test_spans_are_kept_for_what_reads_offensive_only(monkeypatch, tmp_path) -> None:
    """The trained tagger marks words in a fifth of clean comments ("bố mẹ", learnt from spans
    such as "bố mẹ mày"): a comment read as clean shows none, an offensive one keeps them."""
    from baochi.social import reading

    class Eager:
        def spans(self, text: str) -> tuple[tuple[int, int], ...]:
            return ((0, min(5, len(text))),)

    monkeypatch.setattr(reading, "span_tagger", lambda models: Eager())
    clean, rude = reading.read_posts(
        [("", "Bố mẹ tôi đi chợ từ chối nhận túi nilong"), ("", "Thằng này ngu vãi, óc chó")],
        tmp_path,
    )
    assert clean[1].toxicity == "clean" and clean[1].offensive == ()
    assert rude[1].toxicity != "clean" and rude[1].offensive == ((0, 5),)
