"""The extractive summariser on real articles: verbatim sentences, two or three, in order."""

from __future__ import annotations

import pytest

from baochi.reports.summarize import split_sentences, summarize
from baochi.vi import normalize
from tests.conftest import needs_corpus


@pytest.fixture(scope="module")
def corpus() -> list[dict[str, str]]:
    needs_corpus()
    from tests.site.server import load_articles

    return load_articles(n=200)


def test_sentences_end_at_full_stops_but_not_after_abbreviations() -> None:
    text = (
        "Sáng 6/2, UBND TP. Hà Nội họp báo. ThS. Nguyễn Văn A cho biết 12,5 % hộ dân đã có "
        "nước sạch! Còn lại?\nĐoạn mới bắt đầu ở đây…"
    )
    assert split_sentences(text) == [
        "Sáng 6/2, UBND TP. Hà Nội họp báo.",
        "ThS. Nguyễn Văn A cho biết 12,5 % hộ dân đã có nước sạch!",
        "Còn lại?",
        "Đoạn mới bắt đầu ở đây…",
    ]


def test_summaries_are_sentences_of_the_articles_in_their_order(corpus) -> None:
    summarised = 0
    for article in corpus:
        text = normalize(article["text"])
        summary = summarize([article["text"]])
        if len(split_sentences(text)) >= 4:
            assert 2 <= len(summary) <= 3, article["id"]
        for sentence in summary:
            assert sentence in text, (article["id"], sentence)  # copied, never invented
        starts = [text.index(s) for s in summary]
        assert starts == sorted(starts)  # in reading order
        summarised += bool(summary)
    assert summarised >= 190


def test_a_story_summary_draws_on_every_article_without_repeating(corpus) -> None:
    texts = [a["text"] for a in corpus[:3]]
    summary = summarize(texts, sentences=3, max_syllables=400)
    assert len(summary) == 3
    assert len(set(summary)) == 3
    for sentence in summary:
        assert any(sentence in normalize(t) for t in texts)


def test_nothing_to_summarise_gives_nothing() -> None:
    assert summarize([]) == []
    assert summarize(["Ngắn quá."]) == []
