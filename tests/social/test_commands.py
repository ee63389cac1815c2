"""`baochi social` in-process: a channel registered with its token sealed, a sync against the
fake Graph API, an import refused until its bad rows are fixed, and social spikes alerted."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest

from baochi.cli import main
from baochi.collect.social import importers
from baochi.collect.social.items import SocialItem
from baochi.db import Store
from baochi.db.social_store import SocialStore
from baochi.db.watch_store import WatchStore
from baochi.settings import Settings
from baochi.social.ingest import ingest
from baochi.watch.check import check
from baochi.watch.config import WatchConfig
from tests.social.conftest import START
from tests.social.fake_api import GOOD_TOKEN, Scenario, graph_posts, social_texts


def _args(settings: Settings) -> list[str]:
    return [
        "--set", f"data={settings.data}",
        "--set", f"database_url={settings.database_url}",
        "--set", f"facebook_graph_url={settings.facebook_graph_url}",
        "--set", "allowed_private_networks=127.0.0.1/32",
        "--set", "host_delay=0",
        "--set", "social_page_size=3",
    ]  # fmt: skip


def test_add_sync_and_list(
    store: Store,
    social_settings: Settings,
    scenario: Scenario,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    scenario.posts = graph_posts(social_texts(4), START)
    monkeypatch.setenv("PAGE_TOKEN", GOOD_TOKEN)
    base = _args(social_settings)
    assert main([*base, "social", "add", "facebook", "1020304", "Cổng TTĐT Hà Nội",
                 "--official", "--token-env", "PAGE_TOKEN"]) == 0  # fmt: skip
    (account,) = SocialStore(store.engine).accounts()
    assert account.token.startswith("enc:") and account.official
    assert main([*base, "social", "sync"]) == 0
    out = capsys.readouterr().out
    assert "4 mới" in out and GOOD_TOKEN not in out
    assert main([*base, "social", "list", "--format", "json"]) == 0
    assert '"token": "encrypted"' in capsys.readouterr().out


def test_an_import_with_bad_rows_writes_nothing_until_asked(
    store: Store, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    texts = social_texts(3)
    path = tmp_path / "export.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["ma", "noi_dung", "luc"])
        writer.writerow(["x1", texts[0], "2026-11-20T08:00:00+07:00"])
        writer.writerow(["x2", texts[1], "ngày mai"])
    base = ["--set", f"data={settings.data}", "--set", f"database_url={settings.database_url}",
            "social", "import", str(path),
            "--map", "id=ma", "--map", "text=noi_dung", "--map", "published_at=luc"]  # fmt: skip
    assert main([*base, "--platform", "Mạng xã hội riêng"]) == 2  # not a name it could store
    assert "Tên mạng xã hội 'Mạng xã hội riêng'" in capsys.readouterr().err
    assert main(base) == 1
    err = capsys.readouterr().err
    assert "dòng 3: cột 'luc': không phải ngày giờ: 'ngày mai'" in err
    assert SocialStore(store.engine).items() == []
    assert main([*base, "--skip-bad"]) == 0
    assert [r.text for r in SocialStore(store.engine).items()] == [texts[0]]
    # Rows of one channel's export count as that channel's.
    social = SocialStore(store.engine)
    page, _ = social.add_account("facebook", "import", "trang", "Trang tin")
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["ma", "noi_dung", "luc"], ["y1", texts[2], "20/11/2026 09:00"]])
    assert main([*base, "--account", str(page)]) == 0
    assert [a.items_total for a in social.accounts() if a.id == page] == [1]
    renamed = tmp_path / "export.xlsx"  # a CSV saved under an Excel name
    renamed.write_bytes(path.read_bytes())
    assert main([*base[:6], str(renamed), *base[7:]]) == 2  # before: a BadZipFile traceback
    assert "không đọc được tệp Excel" in capsys.readouterr().err


def test_a_file_the_import_cannot_read_is_named_with_why(
    settings: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    """The refusal names the file, since the reader's reasons do not; before, in English."""
    monkeypatch.setattr(importers, "MAX_BYTES", 2**20)
    broken, large = tmp_path / "trang.json", tmp_path / "lon.json"
    broken.write_text("{khong phai JSON", encoding="utf-8")
    large.write_bytes(b" " * (2**20 + 1))
    base = ["--set", f"data={settings.data}", "--set", f"database_url={settings.database_url}"]
    said = []
    for path in (broken, large):
        assert main([*base, "social", "import", str(path), "--preset", "facebook-export"]) == 2
        said.append(capsys.readouterr().err)
    assert said == [
        f"baochi social import: {broken}: không phải tệp JSON (lỗi ở dòng 1, cột 2)\n",
        f"baochi social import: {large}: tệp lớn hơn 1 MB\n",
    ]


def test_a_burst_of_comments_on_a_channel_raises_a_spike_alert(store: Store, settings: Settings):
    now = dt.datetime(2026, 11, 20, 12, 0, tzinfo=dt.UTC)
    account, _ = SocialStore(store.engine).add_account("youtube", "youtube", "UCx", "Kênh X")
    texts = social_texts(24)
    quiet = [  # one comment an hour for twelve hours, then twelve in the last hour
        SocialItem(
            "youtube", f"q{h}", "comment", texts[h], now - dt.timedelta(hours=12 - h, minutes=30)
        )
        for h in range(12)
    ]
    burst = [
        SocialItem("youtube", f"b{k}", "comment", texts[12 + k],
                   now - dt.timedelta(minutes=5 * k + 1))
        for k in range(12)
    ]  # fmt: skip
    # synced since the first quiet hour (a spike needs collection behind its baseline)
    ingest(store, quiet, settings, account, now=now - dt.timedelta(hours=12, minutes=20))
    ingest(store, burst, settings, account, now=now)
    summary = check(store, WatchStore(store.engine), WatchConfig(), now, {})
    spikes = {(a.subject_kind, a.subject_key, a.span) for a in summary.alerts}
    assert ("channel", str(account), "1h") in spikes
    assert ("platform", "youtube", "1h") in spikes
    alert = next(a for a in summary.alerts if a.subject_kind == "channel")
    assert alert.subject_label == "kênh mạng xã hội Kênh X" and alert.observed == 12
    platform = next(a for a in summary.alerts if a.subject_kind == "platform")
    assert platform.subject_label == "mạng xã hội YouTube"
    again = check(store, WatchStore(store.engine), WatchConfig(), now, {})
    assert not [a for a in again.alerts if a.subject_kind == "channel"]  # once per burst
