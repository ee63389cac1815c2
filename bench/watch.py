"""Replay the baomoi 2017 corpus day by day through `watch check` and print how many alerts a
press office would get, which known bursts fire, and how the sensitivity k changes both.

    .venv/bin/python bench/watch.py [--json bench/results/watch.json]

The corpus has publication days, not hours: each article is placed at noon (Hà Nội) of its day
and the check runs at midnight, so the daily rule is replayed and the hourly one stays silent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from baochi import settings as settings_mod  # noqa: E402
from baochi.db import Store, open_store  # noqa: E402
from baochi.db.watch_store import WatchStore  # noqa: E402
from baochi.records import Article, Collected, Document, Keys  # noqa: E402
from baochi.watch import Message, WatchConfig, check, judge  # noqa: E402
from baochi.watch.matching import recent_matches  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "baomoi-2017" / "articles.jsonl.gz"
HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
FIRST_DAY = dt.date(2017, 5, 4)  # the contiguous part of the corpus starts here
FIRST_CHECKED = dt.date(2017, 5, 13)  # its baseline 6–12/5 spans the corpus ramp-up of 7–8/5
OUTLET = "Báo Mới (kho 2017)"

# What a city press office keeps an eye on; broad ones (Hà Nội) sit beside narrow ones.
WATCHLISTS = {
    "Hà Nội": "Hà Nội",
    "TP.HCM": "TP.HCM",
    "An toàn thực phẩm": '"an toàn thực phẩm"',
    "Ngộ độc": "ngộ độc",
    "Tai nạn giao thông": '"tai nạn giao thông"',
    "Ùn tắc": "ùn tắc",
    "Ngập úng": "ngập",
    "Hỏa hoạn": "hỏa hoạn",
    "Sạt lở": "sạt lở",
    "Ô nhiễm môi trường": '"ô nhiễm môi trường"',
    "Tham nhũng": "tham nhũng",
    "Kỷ luật cán bộ": '"kỷ luật"',
    "Vỉa hè": "vỉa hè",
    "Bạo hành": "bạo hành",
    "Sốt xuất huyết": '"sốt xuất huyết"',
    "Giá xăng": '"giá xăng"',
    "Bất động sản": '"bất động sản"',
    "Chứng khoán": "chứng khoán",
    "Thủy điện": "thủy điện",
    "Formosa": "Formosa",
    "Đồng Tâm": '"Đồng Tâm"',
    "Mã độc WannaCry": '"mã độc"',
    "Áp thấp, bão": '"áp thấp nhiệt đới"',
    "Mưa lũ": '"mưa lũ"',
    "Thi THPT quốc gia": '"thi THPT quốc gia"',
    "U20 World Cup": "U20",
}
# Bursts found in the data (day counts by hand), and the days an alert should come on.
KNOWN_BURSTS = {
    "Mã độc WannaCry": ("2017-05-13", "2017-05-17", "ransomware WannaCry, 12/5/2017"),
    "Áp thấp, bão": ("2017-06-09", "2017-06-13", "áp thấp nhiệt đới thành bão số 1, 10–12/6"),
    "Thi THPT quốc gia": ("2017-06-20", "2017-06-25", "kỳ thi THPT quốc gia, 22–25/6"),
    "Đồng Tâm": ("2017-07-02", "2017-07-08", "kết luận thanh tra đất Đồng Tâm, đầu 7/2017"),
    "Mưa lũ": ("2017-07-06", "2017-07-11", "mưa lũ miền Bắc, 7–10/7"),
}
SWEEP = (2.0, 2.5, 3.0, 4.0, 5.0)


class Outbox:
    """A notifier that keeps what it is given: the bench counts messages, it sends none."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, Message]] = []

    def send(self, target: str, message: Message) -> None:
        """Keep the message."""
        self.sent.append((target, message))


def load_days() -> dict[dt.date, list[dict]]:
    """The corpus's articles by publication day, from FIRST_DAY on."""
    days: dict[dt.date, list[dict]] = defaultdict(list)
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        for line in f:
            raw = json.loads(line)
            day = dt.date.fromisoformat(raw["published_estimate"])
            if day >= FIRST_DAY:
                days[day].append(raw)
    return dict(sorted(days.items()))


def store_day(store: Store, outlet_id: int, day: dt.date, articles: list[dict]) -> None:
    """Store one day's articles, published and fetched at noon in Hà Nội."""
    noon = dt.datetime(day.year, day.month, day.day, 12, tzinfo=HANOI)
    batch = []
    for raw in articles:
        lead, _, body = raw["text"].partition("\n")
        article = Article(
            url=f"https://baomoi.example/{raw['id']}.html",
            title=raw["title"],
            lead=lead,
            body=body or lead,
            published_at=noon,
        )
        batch.append(Collected(Document(article, Keys.of(article)), (), noon, outlet_id))
    store.save_documents(batch)


def midnight_after(day: dt.date) -> dt.datetime:
    """The check that closes a day: 00:00 Hà Nội of the next one."""
    nxt = day + dt.timedelta(days=1)
    return dt.datetime(nxt.year, nxt.month, nxt.day, tzinfo=HANOI)


def replay(store: Store, days: dict[dt.date, list[dict]]) -> dict:
    """Feed the days in order and run the real check at each midnight; count what it raises."""
    watch = WatchStore(store.engine)
    config = WatchConfig()
    outbox = Outbox()
    outlet_id = store.add_outlet(OUTLET)
    watch.add_rule(["match", "spike", "health"], "email", "phongbaochi@example.vn", 60, _utc(days))
    per_day: dict[str, Counter[str]] = {}
    fired: dict[str, list[str]] = defaultdict(list)
    health: list[dict] = []
    reasons: list[str] = []
    for day, articles in days.items():
        store_day(store, outlet_id, day, articles)
        if day == FIRST_CHECKED - dt.timedelta(days=1):
            for name, query in WATCHLISTS.items():
                watch.add_watchlist(name, query, midnight_after(day))
        if day < FIRST_CHECKED:
            continue
        summary = check(store, watch, config, midnight_after(day), {"email": outbox})
        per_day[day.isoformat()] = summary.by_kind()
        for alert in summary.alerts:
            if alert.kind == "spike":
                fired[alert.subject_label].append(day.isoformat())
                reasons.append(f"{day.isoformat()} {alert.subject_label}: {alert.reason}")
            elif alert.kind == "health":
                health.append({"day": day.isoformat(), "reason": alert.reason})
    spikes = [c["spike"] for c in per_day.values()]
    return {
        "days_checked": len(per_day),
        "watchlists": len(WATCHLISTS),
        "spike_alerts_per_day": _spread(spikes),
        "all_alerts_per_day": _spread([sum(c.values()) for c in per_day.values()]),
        "mails": len(outbox.sent),
        "spikes_by_watchlist": {name: fired.get(name, []) for name in WATCHLISTS},
        "quiet_outlet_alerts": health,
        "spike_reasons": reasons,
    }


def sweep(store: Store, days: dict[dt.date, list[dict]]) -> dict:
    """Spike alerts per day and known bursts caught, for several k (the pure rule on SQL series)."""
    watch = WatchStore(store.engine)
    checked = [d for d in days if d >= FIRST_CHECKED]
    start = midnight_after(FIRST_DAY) - dt.timedelta(days=2)
    series = {}
    for name, query in WATCHLISTS.items():
        ids = [doc.id for doc in recent_matches(store, query, start).documents]
        for day in checked:
            origin = WatchConfig().daily().origin(midnight_after(day))
            series[name, day] = watch.id_counts(ids, origin, dt.timedelta(days=1), 8)
    result = {}
    for k in SWEEP:
        rule = WatchConfig(spike_k=k).daily()
        hits = {key for key, counts in series.items() if judge(counts, rule).fired}
        per_day = [sum(1 for name in WATCHLISTS if (name, day) in hits) for day in checked]
        caught = {
            name: any((name, d) in hits for d in checked if first <= d.isoformat() <= last)
            for name, (first, last, _) in KNOWN_BURSTS.items()
        }
        result[str(k)] = {
            "spike_alerts_per_day": _spread(per_day),
            "known_bursts_caught": f"{sum(caught.values())}/{len(caught)}",
            "missed": [name for name, ok in caught.items() if not ok],
            "watchlists_never_firing": sum(
                1 for name in WATCHLISTS if not any((name, d) in hits for d in checked)
            ),
        }
    return result


def _spread(values: list[int]) -> dict[str, float]:
    return {
        "mean": round(statistics.fmean(values), 2),
        "median": statistics.median(values),
        "max": max(values),
        "days_with_none": sum(1 for v in values if v == 0),
    }


def _utc(days: dict[dt.date, list[dict]]) -> dt.datetime:
    first = next(iter(days))
    return dt.datetime(first.year, first.month, first.day, tzinfo=dt.UTC)


def main() -> int:
    """Replay, sweep, print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "bench" / "results" / "watch.json")
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    days = load_days()
    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(settings_mod.load(environ={}, overrides={"data": Path(tmp)}))
        figures = replay(store, days)
        figures["sensitivity"] = sweep(store, days)
        store.engine.dispose()
    figures["known_bursts"] = {
        name: {"event": what, "expected": f"{first}..{last}"}
        for name, (first, last, what) in KNOWN_BURSTS.items()
    }
    figures["articles"] = sum(len(v) for v in days.values())
    figures["seconds"] = round(time.perf_counter() - started, 1)
    text = json.dumps(figures, ensure_ascii=False, indent=2)
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
