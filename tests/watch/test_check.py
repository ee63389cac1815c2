"""A check over the store: SQL count series, spikes, new matches, quiet outlets, idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from baochi.db import Store, migrate
from baochi.db.schema import documents
from baochi.db.watch_store import WatchStore
from baochi.hanoi_time import minute
from baochi.watch import WatchConfig, check
from tests.watch.conftest import NOW, Seed

DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)


def _daily_history(seed: Seed, title: str, per_day: list[int]) -> None:
    """per_day[0] is 7 days before the last 24 h; the last entry falls in the last 24 h."""
    items = []
    for back, count in enumerate(reversed(per_day)):
        for i in range(count):
            items.append(
                (f"{title} {back}-{i}", NOW - back * DAY - dt.timedelta(hours=2, minutes=i))
            )
    seed(items)


def test_counts_are_bucketed_in_sql(store: Store, watch: WatchStore, seed: Seed) -> None:
    ids = seed(
        [
            ("Ngập úng ở Hà Nội", NOW - dt.timedelta(minutes=1)),
            ("Ngập úng kéo dài", NOW - HOUR),  # a bucket starts where the one before ends
            ("Hà Nội ngập", NOW - HOUR - dt.timedelta(seconds=1)),
            ("Ngập tại Huế", NOW - 13 * HOUR),  # the origin itself is in
            ("Ngập tại Vinh", NOW - 13 * HOUR - dt.timedelta(seconds=1)),  # before it is out
            ("Ngập tương lai", NOW + dt.timedelta(seconds=1)),
        ]
    )
    assert watch.id_counts(ids, NOW - 13 * HOUR, HOUR, 13) == [1] + [0] * 10 + [1, 2]
    assert watch.id_counts(ids[:3], NOW - 8 * DAY, DAY, 8) == [0] * 7 + [3]
    assert watch.id_counts([], NOW - 8 * DAY, DAY, 8) == [0] * 8


def test_spike_fires_once_with_numbers_and_not_twice(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    watch.add_watchlist("An toàn thực phẩm", '"an toàn thực phẩm"', NOW - 10 * DAY)
    _daily_history(seed, "An toàn thực phẩm trường học", [8, 10, 9, 12, 7, 9, 11, 37])
    _daily_history(seed, "Giá vàng hôm nay", [20, 22, 19, 21, 20, 18, 22, 23])
    summary = check(store, watch, config, NOW, {})
    spikes = [a for a in summary.alerts if a.kind == "spike"]
    assert len(spikes) == 1
    spike = spikes[0]
    assert spike.subject_label == "An toàn thực phẩm" and spike.span == "24h"
    assert spike.observed == 37
    assert spike.reason.startswith("24 giờ qua: 37 bài, trung bình 7 ngày: 9,4 (độ lệch chuẩn 1,7)")
    assert [a.kind for a in summary.alerts].count("match") == 1  # the 103 articles, one alert
    again = check(store, watch, config, NOW, {})
    later = check(store, watch, config, NOW + 3 * HOUR, {})
    assert again.alerts == [] and later.alerts == []  # same moment, and the burst's cool-down
    assert [a.kind for a in watch.alerts()] == ["spike", "match"]


def test_no_spike_before_collection_covers_the_baseline(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    """A new install collects its first day: forty articles about one subject, nothing before.
    Against a baseline of days when nothing was collected (0,0 a day) every watchlist, topic
    and story would spike; no spike is raised until collection covers the baseline's days."""
    watch.add_watchlist("An toàn thực phẩm", '"an toàn thực phẩm"', NOW - 10 * DAY)
    seed([(f"An toàn thực phẩm trường học {i}", NOW - dt.timedelta(hours=3, minutes=i))
          for i in range(40)])  # fmt: skip
    first = check(store, watch, config, NOW, {})
    assert [a.kind for a in first.alerts] == ["match"]  # the new articles, no spike
    with store.engine.begin() as conn:  # a week later, the same day's burst has a baseline
        conn.execute(
            update(documents).where(documents.c.id == 1).values(fetched_at=NOW - 8 * DAY - HOUR)
        )
    later = check(store, watch, config, NOW + HOUR, {})
    assert "spike" in [a.kind for a in later.alerts]


def test_hourly_rule_for_a_fast_burst(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    watch.add_watchlist("Cháy", "cháy", NOW - 10 * DAY)
    calm = [(f"Cháy nhỏ {h}", NOW - h * HOUR - dt.timedelta(minutes=30)) for h in range(1, 13)]
    burst = [(f"Cháy lớn {i}", NOW - dt.timedelta(minutes=5 + i)) for i in range(9)]
    seed(calm + burst)
    spans = sorted(a.span for a in check(store, watch, config, NOW, {}).alerts if a.kind == "spike")
    assert spans == ["1h"]  # half a day collected: no week behind the daily rule yet
    hourly = next(a for a in watch.alerts() if a.span == "1h")
    assert hourly.reason.startswith("1 giờ qua: 9 bài, trung bình 12 giờ trước: 1,0")


def test_new_matches_follow_the_watermark(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    seed([("Ùn tắc giao thông cũ", NOW - 2 * DAY)])
    watch.add_watchlist("Giao thông", "un tac", NOW - DAY)  # the archive is not "new"
    assert check(store, watch, config, NOW, {}).alerts == []
    seed([("Ùn tắc ở cửa ngõ Thủ đô", NOW), ("Thời tiết đẹp", NOW)])
    first = check(store, watch, config, NOW + HOUR, {}).alerts
    assert [(a.kind, a.observed) for a in first] == [("match", 1)]
    assert first[0].payload["documents"][0]["title"] == "Ùn tắc ở cửa ngõ Thủ đô"
    assert check(store, watch, config, NOW + 2 * HOUR, {}).alerts == []


def test_an_interrupted_check_reports_its_matches_next_time(
    store: Store,
    watch: WatchStore,
    seed: Seed,
    config: WatchConfig,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A check that stops after evaluating the watchlists and before storing their alerts (a
    kill, a locked database) leaves the watermark where it was, so no match goes untold."""
    watch.add_watchlist("Giao thông", "un tac", NOW - DAY)
    seed([("Ùn tắc ở cửa ngõ Thủ đô", NOW)])

    def locked(*args: object) -> None:
        raise RuntimeError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(WatchStore, "add_alert", locked)
        with pytest.raises(RuntimeError):
            check(store, watch, config, NOW, {})
    again = check(store, watch, config, NOW + HOUR, {}).alerts
    assert [(a.kind, a.observed) for a in again] == [("match", 1)]
    assert again[0].payload["documents"][0]["title"] == "Ùn tắc ở cửa ngõ Thủ đô"
    assert check(store, watch, config, NOW + 2 * HOUR, {}).alerts == []


def test_a_quiet_outlet_is_flagged_as_a_collection_problem(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    store.add_source("https://tin.example.vn/rss", "Báo Im Lặng", kind="feed")
    outlet = next(s for s in store.sources())
    store.update_source(outlet.id, consecutive_failures=4, last_error="HTTP 503",
                        last_article_at=NOW - 2 * DAY)  # fmt: skip
    week = [(f"{b}-{i}", NOW - b * DAY - HOUR) for b in range(1, 8) for i in range(30)]
    today = [(f"hôm nay {i}", NOW - HOUR) for i in range(28)]
    seed([("Tin " + t, at) for t, at in week + today[:1]], "Báo Im Lặng")
    seed([("Bài " + t, at) for t, at in week + today], "Báo Đều Đặn")
    health = [a for a in check(store, watch, config, NOW, {}).alerts if a.kind == "health"]
    assert [a.subject_label for a in health] == ["Báo Im Lặng"]
    assert health[0].reason.startswith("24 giờ qua: 1 bài, trung bình 7 ngày: 30,0")
    assert "lỗi thu thập" in health[0].reason and "4 lần lỗi liên tiếp, lỗi cuối: HTTP 503" in (
        health[0].reason
    )
    assert health[0].reason.endswith(f"bài mới gần nhất lấy về lúc {minute(NOW - 2 * DAY)}")


def test_migration_is_idempotent_and_lives_on_its_own_branch(watch: WatchStore) -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from baochi.db.engine import MIGRATIONS

    migrate(watch.engine)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    script = ScriptDirectory.from_config(cfg).get_revision("watch_0001")
    assert script is not None and script.down_revision == "0001"
    assert "watch" in script.branch_labels


def test_topics_places_districts_and_stories_spike_on_their_labels(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    from sqlalchemy import column, insert, inspect, table, update

    from baochi.db.schema_stories import stories

    if "topic" not in {c["name"] for c in inspect(store.engine).get_columns("documents")}:
        pytest.skip("documents carry no analysis labels yet (the search_0001 migration)")
    week = seed(
        [(f"Giao thông {b}-{i}", NOW - b * DAY - HOUR) for b in range(1, 8) for i in (1, 2)]
    )
    today = seed([(f"Ngập ở phố cổ {i}", NOW - HOUR) for i in range(12)])
    elsewhere = seed([(f"Ngập ở Quận 1 {i}", NOW - HOUR) for i in range(12)])
    comments = seed([(f"Bình luận về trận đấu {i}", NOW - HOUR) for i in range(12)])
    docs = table(
        "documents",
        *(column(name) for name in ("id", "kind", "topic", "place", "hanoi", "story_id", "areas")),
    )
    with store.engine.begin() as conn:
        conn.execute(update(docs).where(docs.c.id.in_(week)).values(topic="do_thi"))
        conn.execute(
            update(docs)
            .where(docs.c.id.in_(today))
            .values(topic="xa_hoi", place="Hà Nội", hanoi=True, areas="Hoàn Kiếm|Hàng Bạc")
        )
        conn.execute(update(docs).where(docs.c.id.in_(today[:6])).values(story_id=7))
        conn.execute(
            insert(stories).values(
                id=7,
                title="Ngập ở phố cổ",
                first_seen=NOW,
                last_seen=NOW,
                articles=6,
                updated_at=NOW,
            )
        )
        # a burst of comments is the social area's to raise, not a spike of the press's labels
        conn.execute(
            update(docs)
            .where(docs.c.id.in_(comments))
            .values(kind="comment", topic="the_thao", place="Đà Nẵng", hanoi=True, areas="Cầu Giấy")
        )
        # the city's own districts only: another city's are not the office's to watch
        conn.execute(
            update(docs)
            .where(docs.c.id.in_(elsewhere))
            .values(place="TP.HCM", hanoi=False, areas="Quận 1")
        )
    spikes = {
        (a.subject_kind, a.subject_label, a.span)
        for a in check(store, watch, config, NOW, {}).alerts
        if a.kind == "spike"
    }
    assert spikes == {
        ("topic", "chủ đề Xã hội", "24h"),  # the topic's name, not its code
        ("topic", "chủ đề Xã hội", "1h"),
        ("place", "địa danh Hà Nội", "24h"),
        ("place", "địa danh Hà Nội", "1h"),
        ("place", "địa danh TP.HCM", "24h"),
        ("place", "địa danh TP.HCM", "1h"),
        ("area", "địa bàn Hoàn Kiếm", "24h"),
        ("area", "địa bàn Hoàn Kiếm", "1h"),
        ("area", "địa bàn Hàng Bạc", "24h"),
        ("area", "địa bàn Hàng Bạc", "1h"),
        ("story", "chuỗi tin 7: Ngập ở phố cổ", "24h"),
        ("story", "chuỗi tin 7: Ngập ở phố cổ", "1h"),
    }


def test_a_watchlist_that_cannot_run_is_reported_and_the_rest_runs(
    store: Store, watch: WatchStore, seed: Seed, config: WatchConfig
) -> None:
    watch.add_watchlist("Hỏng", "ngập AND (mưa", NOW - DAY)  # the store does not parse queries
    seed([(f"Tin {b}-{i}", NOW - b * DAY - HOUR) for b in range(1, 8) for i in range(10)])
    summary = check(store, watch, config, NOW, {})
    [problem] = summary.problems
    assert problem.startswith("Hỏng: ")
    assert [a.kind for a in summary.alerts] == ["health"]  # an outlet silent today, still seen
