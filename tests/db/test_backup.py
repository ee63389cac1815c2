"""`baochi backup` and `baochi restore` on the store under test (SQLite, or PostgreSQL when CI
names a server): a backup made while the store is in use brings back its documents and the data
folder's files, and a restore keeps what it replaces."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import make_url, text

from baochi.cli import main
from baochi.db import Store, open_store
from baochi.db import backup as backup_module
from baochi.db.backup import DATABASE_FILE, FILES, MANIFEST, kept, nightly, status
from baochi.hanoi_time import HANOI
from baochi.in_use import alone
from baochi.records import Article, Document, Keys
from baochi.settings import Settings
from tests.conftest import postgres_database
from tests.races import at_once

LETTER = b"%PDF-1.4\n% cong van tra loi cua So Xay dung\n%%EOF\n"


def _save(store: Store, url: str, title: str) -> None:
    when = dt.datetime(2026, 11, 27, tzinfo=dt.UTC)
    source_id, _ = store.add_source("https://hanoimoi.vn/rss/xa-hoi", "Báo Hànộimới", kind="feed")
    article = Article(url, title, "Sapo", f"{title}. Nội dung bài báo về thành phố. " * 40, when)
    store.save_document(Document(article, Keys.of(article)), [], when, source_id=source_id)


def _baochi(settings: Settings, *args: str) -> int:
    flags = ["--set", f"data={settings.data}", "--set", f"database_url={settings.database_url}"]
    return main([*flags, *args])


def _titles(settings: Settings) -> list[str]:
    return sorted(doc.title for doc in open_store(settings).documents())


def test_a_live_backup_brings_the_store_and_its_files_back(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    postgres = settings.database_url.startswith("postgresql")
    if postgres and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    store = open_store(settings)
    _save(store, "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    letter = settings.data / "attachments" / "cong-van-so-12.pdf"
    letter.parent.mkdir(parents=True, exist_ok=True)
    letter.write_bytes(LETTER)
    backups = tmp_path / "backups"

    with store.engine.connect() as reading:  # the store in use: a reader mid-transaction
        reading.exec_driver_sql("SELECT count(*) FROM documents").scalar()
        assert _baochi(settings, "backup", str(backups)) == 0
    folder = Path(capsys.readouterr().out.strip())
    assert folder.parent == backups and not folder.name.endswith(".partial")
    assert json.loads((folder / MANIFEST).read_text())["files"] == 1
    assert (folder / FILES / "attachments" / letter.name).read_bytes() == LETTER
    assert not any(p.name.endswith(("-wal", "-shm")) for p in folder.rglob("*"))
    modes = {p.stat().st_mode & 0o777 for p in (folder, *folder.rglob("*"))}
    assert modes <= {0o700, 0o600}  # its owner's only: password hashes, letters

    # the next day: a new article, and the letter is lost from the disk
    _save(store, "https://hanoimoi.vn/a-2.html", "Hà Nội: trời nắng")
    letter.unlink()
    assert len(_titles(settings)) == 2
    target = settings
    with (
        postgres_database(os.environ["BAOCHI_TEST_DATABASE_URL"])
        if postgres
        else nullcontext("") as url
    ):
        if postgres:  # PostgreSQL restores into a new, empty database, and says so if not
            assert _baochi(settings, "restore", str(folder), "--yes") == 1
            assert "restore into a new, empty database" in capsys.readouterr().err
            target = settings.replace(database_url=url)
        assert _baochi(target, "restore", str(folder)) == 0  # without --yes: only says what
        said = capsys.readouterr().out
        assert "add --yes" in said and not letter.exists()
        password = make_url(target.sqlalchemy_url).password
        assert not password or str(password) not in said
        assert _baochi(target, "restore", str(folder), "--yes") == 0
        said = capsys.readouterr().out
        assert _titles(target) == ["Hà Nội: mưa lớn"]
        assert letter.read_bytes() == LETTER
        previous = Path(said.rsplit(" ", 1)[1].strip())  # what the restore replaced is kept
        if not postgres:  # the new article with it
            with sqlite3.connect(previous / DATABASE_FILE) as kept:
                assert kept.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
        assert previous.is_dir() and (previous / MANIFEST).exists()
        if postgres:
            open_store(target).engine.dispose()

    assert _baochi(settings, "backup", str(backups), "--keep", "1") == 0  # nightly, keeping one
    newest = Path(capsys.readouterr().out.strip())
    assert [p for p in backups.iterdir()] == [newest]

    assert _baochi(settings, "restore", str(tmp_path / "nothing"), "--yes") == 1
    assert "not a complete baochi backup" in capsys.readouterr().err


def test_the_nightly_backup_is_made_once_after_its_hour_and_old_ones_go(
    settings: Settings, tmp_path: Path
) -> None:
    if settings.database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    backups = tmp_path / "backups"
    nightly_settings = settings.replace(backup_dir=str(backups), backup_hour=1.0, backup_keep=2)
    _save(open_store(settings), "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")

    def at(day: int, hour: int, minute: int = 0) -> dt.datetime:  # Hà Nội time, in UTC
        return dt.datetime(2026, 11, day, hour, minute, tzinfo=HANOI).astimezone(dt.UTC)

    assert status(nightly_settings, at(28, 0)).overdue  # configured, nothing yet
    made = [nightly(nightly_settings, at(28, 0, 30))]  # none yet: made at once
    made.append(nightly(nightly_settings, at(28, 0, 45)))  # not again before the hour
    made.append(nightly(nightly_settings, at(28, 1, 10)))  # after the hour
    made.append(nightly(nightly_settings, at(28, 23, 50)))  # not again that day
    killed = backups / "baochi-20261126T180000000000Z.partial"  # a backup killed half-way
    writing = backups / "baochi-20261128T185959000000Z.partial"  # one another process writes
    killed.mkdir()
    writing.mkdir()
    os.utime(killed, (at(27, 0).timestamp(), at(27, 0).timestamp()))
    made.append(nightly(nightly_settings, at(29, 2, 0)))  # the next night
    assert not killed.exists() and writing.exists()
    writing.rmdir()
    assert [m is not None for m in made] == [True, False, True, False, True]
    assert [k.folder for k in kept(backups)] == [made[4], made[2]]  # two kept, newest first
    assert not made[0].exists()  # type: ignore[union-attr]

    assert not status(nightly_settings, at(30, 10)).overdue  # 32 hours after the last
    late = status(nightly_settings, at(30, 15))  # 37 hours: a night was missed
    assert late.overdue and late.kept[0].made_at == at(29, 2)
    unset = status(settings, at(30, 15))
    assert unset.folder is None and not unset.overdue
    assert nightly(settings, at(30, 15)) is None


def test_a_backup_that_fails_leaves_nothing_and_says_why(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    if settings.database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    _save(open_store(settings), "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    (settings.data / "attachments").mkdir(parents=True, exist_ok=True)
    (settings.data / "attachments" / "cong-van.pdf").write_bytes(LETTER)

    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup_module.shutil, "copy2", full_disk)
    backups = tmp_path / "backups"
    assert _baochi(settings, "backup", str(backups)) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(backups.iterdir()) == []  # no half backup left to fill the disk


def test_two_workers_at_the_nightly_hour_make_one_backup(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if settings.database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    _save(open_store(settings), "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    backups = tmp_path / "backups"
    nightly_settings = settings.replace(backup_dir=str(backups))
    writing = backup_module.back_up

    def slow(*args: Any) -> Path:  # a large store: the backup takes a while
        time.sleep(0.3)
        return writing(*args)

    monkeypatch.setattr(backup_module, "back_up", slow)
    when = dt.datetime(2026, 11, 29, 2, 0, tzinfo=HANOI)
    made = at_once(2, lambda k: nightly(nightly_settings, when + dt.timedelta(seconds=k)))
    assert sorted(m is None for m in made) == [False, True]
    assert len(kept(backups)) == 1


def test_a_restore_waits_for_the_running_worker_to_stop_and_no_server_starts_during_one(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if settings.database_url.startswith("postgresql") and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    store = open_store(settings)
    _save(store, "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    assert _baochi(settings, "backup", str(tmp_path / "backups")) == 0
    folder = Path(capsys.readouterr().out.strip())
    _save(store, "https://hanoimoi.vn/a-2.html", "Hà Nội: trời nắng")
    env = {
        **os.environ,
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
        "BAOCHI_EXTRACT_WORKERS": "0",
    }
    with (tmp_path / "worker.log").open("w") as log:
        worker = subprocess.Popen([sys.executable, "-m", "baochi", "worker"], env=env, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while not _workers(store):  # it registers once it runs on the folder
            assert worker.poll() is None and time.monotonic() < deadline, "the worker did not run"
            time.sleep(0.2)
        assert _baochi(settings, "restore", str(folder), "--yes") == 1
        assert "baochi is running on" in capsys.readouterr().err
        assert len(_titles(settings)) == 2  # nothing replaced under the worker
    finally:
        worker.send_signal(signal.SIGINT)
        assert worker.wait(timeout=60) == 0

    with alone(settings.data):  # a restore in progress: nothing starts on the folder
        for command in (["serve"], ["run"], ["worker"], ["collect", "--once"]):
            assert _baochi(settings, *command) == 1
            assert "a restore is putting a backup in place" in capsys.readouterr().err
    if not settings.database_url.startswith("postgresql"):  # PostgreSQL restores into an empty one
        assert _baochi(settings, "restore", str(folder), "--yes") == 0
        assert _titles(settings) == ["Hà Nội: mưa lớn"]
        previous = Path(capsys.readouterr().out.rsplit(" ", 1)[1].strip())
        assert (settings.data / ".in-use.lock").exists()  # the lock is not backed up
        assert not (previous / FILES / ".in-use.lock").exists()


def _workers(store: Store) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM workers")).scalar_one()
