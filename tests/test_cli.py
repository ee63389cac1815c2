"""The `baochi` command, in process: sources, collect, export and search on the local site."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import text

from baochi import cli, hanoi_time
from baochi.db import open_store
from baochi.settings import Settings


@pytest.fixture
def env(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name, value in {
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
        "BAOCHI_ALLOWED_PRIVATE_NETWORKS": "127.0.0.1/32",
        "BAOCHI_HOST_DELAY": "0",
        "BAOCHI_EXTRACT_WORKERS": "0",
    }.items():
        monkeypatch.setenv(name, value)
    return settings


def run(capsys: pytest.CaptureFixture[str], *argv: str, expect: int = 0) -> tuple[str, str]:
    """Run the CLI in process, check its exit code, return what it printed."""
    assert cli.main(list(argv)) == expect
    out, err = capsys.readouterr()
    return out, err


def test_collect_export_and_search_from_the_command_line(site, env, capsys) -> None:
    run(capsys, "sources", "add", site.base_url + "/rss/home.rss", "--outlet", "Báo A")
    out, _ = run(capsys, "sources", "add", site.base_url + "/rss/home.rss", "--outlet", "Báo A")
    assert "already present" in out
    _, err = run(capsys, "sources", "add", "http://10.0.0.5/rss", "--outlet", "B", expect=2)
    assert "private address 10.0.0.5" in err and "BAOCHI_ALLOWED_PRIVATE_NETWORKS" in err
    out, _ = run(capsys, "collect", "--once", "--format", "json")
    summary = json.loads(out)
    assert summary["totals"]["new"] == 50 and summary["totals"]["failed"] == 0

    out, _ = run(capsys, "articles", "export", "--format", "jsonl")
    rows = [json.loads(line) for line in out.splitlines()]
    assert len(rows) == 50
    assert set(rows[0]) >= {"id", "url", "outlet", "title", "text", "published_at", "fetched_at"}
    assert all(r["outlet"] == "Báo A" and r["text"] for r in rows)

    title = rows[7]["title"]
    out, _ = run(capsys, "search", title, "--format", "json")
    hits = [json.loads(line) for line in out.splitlines()]
    assert hits[0]["title"] == title
    out, _ = run(capsys, "articles", "export", "--since", "2999-01-01")
    assert out == ""


def test_a_pass_that_takes_nothing_says_who_holds_the_hosts(site, env, capsys) -> None:
    """After a collector was killed mid-pass, its host stays leased until the lease ends: the
    next `collect --once` says so instead of a bare "0 source(s)"."""
    run(capsys, "sources", "add", site.base_url + "/rss/home.rss", "--outlet", "Báo A")
    store = open_store(env)
    until = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE hosts SET lease_owner = 'may-chu:4242:5f3a', lease_until = :until"),
            {"until": until},
        )
    out, _ = run(capsys, "collect", "--once")
    assert "0 source(s)" in out
    assert (
        "1 host(s) with due sources are leased by another worker (may-chu:4242:5f3a) until "
        f"{hanoi_time.minute(until)}"
    ) in out


def test_sources_list_and_import_errors(env, tmp_path, capsys) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("url,outlet\nnot a url,Báo A\n", encoding="utf-8")
    _, err = run(capsys, "sources", "import", str(bad), expect=1)
    assert "row 2" in err
    run(capsys, "sources", "import", "--defaults")
    out, _ = run(capsys, "sources", "list", "--format", "json")
    assert len(out.splitlines()) == 74
    nowhere = tmp_path / "khong-co" / "diem-bao.docx"  # a folder that is not there
    _, err = run(capsys, "brief", "--format", "docx", "--output", str(nowhere), expect=1)
    assert err == f"baochi: No such file or directory: {nowhere}\n"  # before: a traceback


def test_python_dash_m_is_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "baochi", "--help"], capture_output=True, text=True, check=True
    )
    for command in ("collect", "sources", "search", "articles", "run"):
        assert command in result.stdout
