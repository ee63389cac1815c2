"""The `watch` and `alerts` subcommands, in process, on a temporary store."""

from __future__ import annotations

import argparse
import datetime as dt
import json

import pytest

from baochi.db.watch_store import WatchStore
from baochi.db.web_store import WebStore
from baochi.settings import Settings
from baochi.watch import commands
from tests.watch.conftest import NOW, Seed


def run(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser(prog="baochi")
    commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args, settings) or 0)


def test_watch_and_alerts_from_the_command_line(
    settings: Settings, seed: Seed, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(settings, "watch", "add", "Ngập úng", "ngập", "--department", "3") == 0
    assert run(settings, "watch", "add", "Ngập úng", "ngập") == 0
    assert run(settings, "watch", "add", "Rỗng", "!!!") == 2
    out = capsys.readouterr()
    assert "added watchlist 1: Ngập úng" in out.out and "already present" in out.out
    assert "truy vấn không có từ nào để tìm" in out.err.lower()
    assert run(settings, "watch", "add", "Hỏng", "ngập AND (mưa") == 2
    assert capsys.readouterr().err.startswith("baochi: ")
    assert run(settings, "watch", "list") == 0
    assert "dept 3" in capsys.readouterr().out

    hook = "http://127.0.0.1:9/hooks/baochi"
    assert run(settings, "watch", "notify", hook, "--watchlist", "Ngập úng", "--every", "30") == 0
    said = capsys.readouterr()
    assert "rule 1: match,spike,health,conflict about watchlist 'Ngập úng' by webhook" in said.out
    assert "BAOCHI_WEBHOOK_SECRET is not set; nothing is signed until it is" in said.err
    assert run(settings, "watch", "notify", "ftp://127.0.0.1/x") == 2
    assert run(settings, "watch", "notify", "a@b.vn", "--watchlist", "Không có") == 2
    assert run(settings, "watch", "notify", "a@b.vn", "--kinds", "spike,gossip") == 2
    capsys.readouterr()

    seed([("Phố Hà Nội ngập sau mưa lớn", NOW - dt.timedelta(hours=2))])
    assert run(settings, "watch", "check", "--now", "2026-11-30T08:00") == 0  # Hà Nội time
    out = capsys.readouterr().out
    assert "Bài mới: Ngập úng\n    1 bài mới khớp danh sách theo dõi «ngập»" in out
    assert "30/11/2026 08:00: new alerts: 1 match; digests made: 1; sent: 1 pending" in out
    assert (
        run(settings, "watch", "check", "--now", "2026-11-30T01:00+00:00", "--format", "json") == 0
    )
    assert json.loads(capsys.readouterr().out)["alerts"] == []

    assert run(settings, "alerts", "list") == 0
    assert "Bài mới: Ngập úng" in capsys.readouterr().out
    assert run(settings, "alerts", "deliveries") == 0
    out = capsys.readouterr().out
    assert "pending   1 attempt(s)" in out and "! chưa cấu hình khóa ký webhook" in out
    assert out.rstrip().endswith("\nmessages: 1 pending; alerts in them: 1 pending")


def test_a_department_subscribes_to_its_case_reminders(
    settings: Settings, store, capsys: pytest.CaptureFixture[str]
) -> None:
    mail = "soxaydung@hanoi.gov.vn"
    building, _ = WebStore(store.engine).add_department("Sở Xây dựng")
    assert run(settings, "watch", "notify", mail, "--kinds", "case", "--department", "999") == 2
    assert f"no department 999 (departments: {building} Sở Xây dựng)" in capsys.readouterr().err
    assert (
        run(settings, "watch", "notify", mail, "--kinds", "case", "--department", str(building))
        == 0
    )
    said = capsys.readouterr()
    assert f"rule 1: case of department {building} (Sở Xây dựng) by email to {mail}" in said.out
    assert "BAOCHI_SMTP_HOST is not set; nothing is sent until it is" in said.err
    (rule,) = WatchStore(store.engine).rules()
    assert (rule.kinds, rule.department_id, rule.watchlist_id) == ("case", building, None)
    with pytest.raises(SystemExit):  # one scope at a time
        run(settings, "watch", "notify", mail, "--department", "7", "--watchlist", "Ngập úng")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://localhost",
        "http://[::1]/",
        "http://10.1.2.3/hook",
        "http://192.168.1.1",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/",  # 127.0.0.1 written as one number
    ],
)
def test_a_webhook_inside_the_network_is_refused_when_subscribed(
    settings: Settings, store, url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    closed = settings.replace(allowed_private_networks="")
    assert run(closed, "watch", "notify", url) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"baochi: {url}: ") and "inside the network" in err
    assert "BAOCHI_ALLOWED_PRIVATE_NETWORKS" in err
    assert WatchStore(store.engine).rules() == []


def test_the_metadata_address_is_refused_even_when_its_network_is_allowed(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    opened = settings.replace(allowed_private_networks="169.254.0.0/16")
    assert run(opened, "watch", "notify", "http://169.254.169.254/latest/meta-data/") == 2
    assert "metadata address 169.254.169.254" in capsys.readouterr().err


def test_a_target_url_that_cannot_be_read_is_refused(
    settings: Settings, store, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bracketed host that is no IPv6 address was a traceback."""
    assert run(settings, "watch", "notify", "http://[::1") == 2
    assert capsys.readouterr().err == (
        "baochi: target URL cannot be read (Invalid IPv6 URL): 'http://[::1'\n"
    )
    assert WatchStore(store.engine).rules() == []


def test_a_watchlist_name_is_cleaned_as_the_web_cleans_it(
    settings: Settings, store, capsys: pytest.CaptureFixture[str]
) -> None:
    typed = "Nga\u0302\u0323p\r\nBcc: x@y.vn\u2028u\u0301ng\u200b \t phố\x85" + "x" * 400
    assert run(settings, "watch", "add", typed, "ngập") == 0
    [row] = WatchStore(store.engine).watchlists()
    assert row.name == ("Ngập Bcc: x@y.vn úng phố" + "x" * 400)[:300]  # U+0085 is a control
    assert run(settings, "watch", "add", " \r\n\u200b", "ngập") == 2
    assert "a watchlist needs a name" in capsys.readouterr().err


@pytest.mark.parametrize("k", ["-100", "0", "nan", "inf", "11", "ba"])
def test_a_spike_sensitivity_out_of_range_is_refused(
    settings: Settings, k: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run(settings, "watch", "add", "Ngập", "ngập", "--k", k)
    assert "above 0 and at most 10" in capsys.readouterr().err


def test_a_spike_sensitivity_in_range_is_kept(settings: Settings, store) -> None:
    assert run(settings, "watch", "add", "Ngập", "ngập", "--k", "2.5") == 0
    assert [w.spike_k for w in WatchStore(store.engine).watchlists()] == [2.5]
