"""Activity from monitoring: real articles counted per agency and day, the share about Hà Nội,
and the agencies and publications gone quiet."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from baochi.db import Store
from baochi.registry import RegistryStore, about_hanoi, activity
from baochi.registry.display import labels
from tests.registry.conftest import save_article

UNTIL = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)  # midnight on 2/3 in Hà Nội
SINCE = UNTIL - dt.timedelta(days=30)


def test_about_hanoi_reads_headline_and_lead() -> None:
    assert about_hanoi("Ngập úng tại HÀ NỘI sau mưa lớn", "")
    assert about_hanoi("Mưa lớn", "Nhiều tuyến phố ở ha noi ngập sâu")
    assert not about_hanoi("Hà Nam mưa lớn", "Nội dung khác")


def test_activity_per_agency_and_day_through_the_merger(
    example_store: Store, example: RegistryStore, corpus: list[dict]
) -> None:
    day = dt.datetime(2026, 2, 20, 3, 0, tzinfo=dt.UTC)  # 20/2 in Hà Nội
    hanoi = [r for r in corpus if about_hanoi(r["title"], r["text"].split("\n")[0])]
    others = [r for r in corpus if r not in hanoi]
    assert hanoi, "the first sixty corpus articles include some about Hà Nội"
    save_article(example_store, hanoi[0], "https://hanoimoi.vn/a.html", day)
    save_article(example_store, others[0], "https://kinhtedothi.vn/b.html", day)
    save_article(
        example_store, others[1], "https://kinhtedothi.vn/c.html", day + dt.timedelta(days=1)
    )
    save_article(
        example_store, others[2], "https://cand.com.vn/d.html", UNTIL - dt.timedelta(hours=2)
    )
    save_article(example_store, others[3], "https://vnexpress.net/e.html", day)
    save_article(
        example_store, others[4], "https://hanoimoi.vn/old.html", SINCE - dt.timedelta(days=1)
    )

    result = activity(example, SINCE, UNTIL)
    merged = result.agencies["hn-bao-ptth"]
    assert merged.articles == 3
    assert merged.per_day == {dt.date(2026, 2, 20): 2, dt.date(2026, 2, 21): 1}
    assert merged.about_hanoi == 1 and merged.hanoi_share == 1 / 3
    assert "hanoimoi" not in result.agencies  # merged: its coverage is the new agency's
    assert result.publications["kinhtedothi-dientu"].articles == 2
    assert result.unregistered == {"vnexpress.net": 1}

    quiet = {t.key for t in result.quiet(days=3)}
    assert "hn-bao-ptth" in quiet  # last article on 21/2
    assert "cand" not in quiet and "cand-dientu" not in quiet
    assert "nguoihanoi" in quiet and "tuoitrethudo-dientu" in quiet
    assert result.quiet(days=3)[0].last_at is None


def test_topics_tone_and_hanoi_come_from_the_analysis_labels(
    example_store: Store, example: RegistryStore, corpus: list[dict]
) -> None:
    if set(example.labels()) != {"topic", "tone", "hanoi"}:
        pytest.skip("the documents carry no analysis labels in this schema")
    day = dt.datetime(2026, 2, 20, 3, 0, tzinfo=dt.UTC)
    labelled = {"do_thi": ("negative", True), "kinh_te": ("neutral", False)}
    for i, (topic, (tone, hanoi)) in enumerate(labelled.items()):
        doc_id = save_article(example_store, corpus[i], f"https://hanoimoi.vn/{i}.html", day)
        with example_store.engine.begin() as conn:
            conn.execute(
                text("UPDATE documents SET topic = :t, tone = :o, hanoi = :h WHERE id = :id"),
                {"t": topic, "o": tone, "h": hanoi, "id": doc_id},
            )
    tally = activity(example, SINCE, UNTIL).agencies["hn-bao-ptth"]
    assert tally.topics == {"do_thi": 1, "kinh_te": 1}
    assert tally.tones == {"negative": 1, "neutral": 1}
    assert labels(tally) == "Đô thị 1, Kinh tế 1 · tiêu cực 1, trung tính 1"  # as people read them
    assert tally.about_hanoi == 1  # the label, not the headline, decides
