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
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, make_url, text

from baochi.cli import main
from baochi.db import Store, open_engine, open_store
from baochi.db import backup as backup_module
from baochi.db.backup import DAMAGED, DATABASE_FILE, FILES, MANIFEST, kept, nightly, prune, status
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
    flags += ["--set", f"backup_dir={settings.backup_dir}"]
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


def _postgres(settings: Settings) -> bool:
    postgres = settings.database_url.startswith("postgresql")
    if postgres and shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    return postgres


@contextmanager
def _restore_target(settings: Settings) -> Iterator[Settings]:
    """Where a restore goes: the store itself on SQLite, a new, empty database on PostgreSQL."""
    if not _postgres(settings):
        yield settings
        return
    with postgres_database(os.environ["BAOCHI_TEST_DATABASE_URL"]) as url:
        target = settings.replace(database_url=url)
        yield target
        open_engine(target).dispose()


def _backup_then_one_more(settings: Settings, capsys: pytest.CaptureFixture[str]) -> Path:
    """A backup holding one article; the store then holds two."""
    store = open_store(settings)
    _save(store, "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    assert _baochi(settings, "backup", str(settings.data.parent / "backups")) == 0
    _save(store, "https://hanoimoi.vn/a-2.html", "Hà Nội: trời nắng")
    return Path(capsys.readouterr().out.strip())


def _damage(database: Path) -> None:
    """Overwrite the middle of every page but the first: the header still says SQLite."""
    with database.open("r+b") as file:
        for page in range(1, database.stat().st_size // 4096):
            file.seek(page * 4096 + 100)
            file.write(b"\xa5" * 200)


def _table_count(settings: Settings) -> int:
    engine = create_engine(settings.sqlalchemy_url)
    try:
        return len(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("harm", ["damaged pages", "not a database"])
def test_a_damaged_backup_is_refused_and_the_store_is_left_as_it_was(
    settings: Settings, harm: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if _postgres(settings):
        pytest.skip("SQLite's file; a dump cut short is the PostgreSQL case")
    folder = _backup_then_one_more(settings, capsys)
    if harm == "damaged pages":
        _damage(folder / DATABASE_FILE)
    else:
        (folder / DATABASE_FILE).write_text("cong van so 12\n" * 500)
    open_engine(settings).dispose()
    assert _baochi(settings, "restore", str(folder), "--yes") == 1
    said = capsys.readouterr().err
    assert "damaged" in said and "Traceback" not in said
    assert len(_titles(settings)) == 2  # the store as it was, whole
    with sqlite3.connect(settings.data / DATABASE_FILE) as live:
        assert live.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not Path(f"{settings.data / DATABASE_FILE}{backup_module.STAGED}").exists()


@pytest.mark.parametrize("harm", ["damaged pages", "zeros"])
def test_a_damaged_store_is_set_aside_and_the_backup_put_in_its_place(
    settings: Settings, harm: str, capsys: pytest.CaptureFixture[str]
) -> None:
    if _postgres(settings):
        pytest.skip("a SQLite file")
    folder = _backup_then_one_more(settings, capsys)
    open_engine(settings).dispose()  # the last connection closed: the journal is in the file
    database = settings.data / DATABASE_FILE
    if harm == "damaged pages":
        _damage(database)
    else:
        database.write_bytes(bytes(database.stat().st_size))
    damaged = database.read_bytes()
    assert _baochi(settings, "restore", str(folder), "--yes") == 0
    said = capsys.readouterr().out
    assert "damaged" in said
    assert _titles(settings) == ["Hà Nội: mưa lớn"]
    aside = Path(said.rsplit(" ", 1)[1].strip())  # said where the damaged one is kept
    assert aside.parent == settings.data and aside.read_bytes() == damaged
    # kept where it lies, not copied into every backup after (a whole database each night)
    assert _baochi(settings, "backup", str(folder.parent)) == 0
    later = Path(capsys.readouterr().out.strip())
    assert not [p for p in later.rglob("*") if DAMAGED in p.name]


def test_a_backup_from_a_newer_baochi_is_refused_and_a_newer_store_is_said_to_be(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = open_store(settings)
    _save(store, "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    future = text("INSERT INTO alembic_version VALUES ('zz_future_0099')")
    with store.engine.begin() as conn:
        conn.execute(future)
    assert _baochi(settings, "partitions") == 1  # every command opens the store
    said = capsys.readouterr().err
    assert "made by a newer baochi" in said and "zz_future_0099" in said
    assert _baochi(settings, "backup", str(tmp_path / "backups")) == 0
    folder = Path(capsys.readouterr().out.strip())
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version WHERE version_num = 'zz_future_0099'"))
    _save(store, "https://hanoimoi.vn/a-2.html", "Hà Nội: trời nắng")

    with _restore_target(settings) as target:
        assert _baochi(target, "restore", str(folder), "--yes") == 1
        said = capsys.readouterr().err
        assert "made by a newer baochi" in said and "Traceback" not in said
        if target is settings:
            assert len(_titles(settings)) == 2  # nothing replaced
        else:
            assert _table_count(target) == 0  # nothing restored


def test_what_a_restore_replaces_is_backed_up_with_the_other_backups(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _backup_then_one_more(settings, capsys)  # say, on a read-only disk
    nightly_folder = tmp_path / "nightly"
    with _restore_target(settings) as target:
        configured = target.replace(backup_dir=str(nightly_folder))
        assert _baochi(configured, "restore", str(folder), "--yes") == 0
        previous = Path(capsys.readouterr().out.rsplit(" ", 1)[1].strip())
        assert previous.parent == nightly_folder
        assert [k.folder for k in kept(nightly_folder)] == [previous]
        assert [k.folder for k in kept(folder.parent)] == [folder]  # nothing added beside it


def test_what_is_no_file_in_the_data_folder_is_skipped_and_said(
    settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    _postgres(settings)
    open_store(settings)
    letters = settings.data / "attachments"
    letters.mkdir(parents=True, exist_ok=True)
    (letters / "cong-van.pdf").write_bytes(LETTER)
    (letters / "deleted-meanwhile.pdf").write_bytes(LETTER)
    (letters / "moved-away.pdf").symlink_to(letters / "nowhere.pdf")  # a link to nothing
    os.mkfifo(settings.data / "pipe")
    copy = shutil.copy2

    def deleted_meanwhile(source: Path, target: Path) -> object:  # a user deletes a letter
        if Path(source).name == "deleted-meanwhile.pdf":
            Path(source).unlink()
        return copy(source, target)

    monkeypatch.setattr(backup_module.shutil, "copy2", deleted_meanwhile)
    assert _baochi(settings, "backup", str(tmp_path / "backups")) == 0
    out, err = capsys.readouterr()
    folder = Path(out.strip())
    assert "attachments/moved-away.pdf" in err and "pipe" in err
    assert [p.name for p in (folder / FILES).rglob("*") if p.is_file()] == ["cong-van.pdf"]
    assert kept(tmp_path / "backups")[0].files == 1


def _save_big(store: Store) -> None:
    """An article of 1.2 MB, most of the database."""
    big = Article("https://hanoimoi.vn/a-9.html", "Hà Nội", "", os.urandom(600_000).hex(), None)
    store.save_document(Document(big, Keys.of(big)), [], dt.datetime.now(dt.UTC))


def _in_tmpfs(script: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `script` where the folder $SMALL is a tiny disk of its own (a tmpfs of $SIZE kB)."""
    if (
        shutil.which("unshare") is None
        or subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False).returncode
    ):
        pytest.skip("no mount namespace here to make a small disk in")
    mount = 'mount -t tmpfs -o size="$SIZE"k tmpfs "$SMALL" || exit 99\n'
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", mount + script],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env, "PYTHON": sys.executable},
    )
    assert done.returncode != 99, done.stderr
    return done


def test_a_backup_onto_a_full_disk_says_so(settings: Settings, tmp_path: Path) -> None:
    _postgres(settings)
    _save(open_store(settings), "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    small = tmp_path / "small"
    small.mkdir()
    env = {
        "SMALL": str(small),
        "SIZE": "64",
        "BAOCHI_DATA": str(settings.data),
        "BAOCHI_DATABASE_URL": settings.database_url,
    }
    done = _in_tmpfs('"$PYTHON" -m baochi backup "$SMALL"; echo "rc=$?"; ls -A "$SMALL"', env)
    assert done.stdout.splitlines() == ["rc=1"], done.stderr  # and nothing left there
    assert done.stderr.startswith("baochi:") and "Traceback" not in done.stderr
    assert "full" in done.stderr or "No space left" in done.stderr


def test_a_restore_onto_a_full_disk_says_so_and_leaves_the_store(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if _postgres(settings):
        pytest.skip("the database is on the server's disk")
    _save_big(open_store(settings))
    assert _baochi(settings, "backup", str(tmp_path / "backups")) == 0
    folder = Path(capsys.readouterr().out.strip())
    small_store = tmp_path / "fresh"  # a store smaller than the backup, on a small disk
    open_store(settings.replace(data=small_store)).engine.dispose()
    size = (small_store / DATABASE_FILE).stat().st_size
    env = {
        "SMALL": str(tmp_path / "var"),
        "SIZE": str(size // 1024 + 256),
        "BAOCHI_DATA": str(tmp_path / "var"),
        "BAOCHI_DATABASE_URL": "",
        "BAOCHI_BACKUP_DIR": str(tmp_path / "nightly"),
        "STORE": str(small_store / DATABASE_FILE),
        "BACKUP": str(folder),
    }
    script = """cp "$STORE" "$SMALL/" && cd "$SMALL" && sha256sum baochi.sqlite3
"$PYTHON" -m baochi restore "$BACKUP" --yes; echo "rc=$?"; sha256sum baochi.sqlite3; ls -A"""
    done = _in_tmpfs(script, env)
    before, rc, after, *left = done.stdout.splitlines()
    assert rc == "rc=1" and after == before, done.stderr  # the store as it was
    assert left == [".in-use.lock", DATABASE_FILE]  # no half copy beside it
    assert done.stderr.startswith("baochi:") and "database or disk is full" in done.stderr


def test_a_folder_baochi_did_not_make_is_no_backup_and_is_never_pruned(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _postgres(settings)
    _save(open_store(settings), "https://hanoimoi.vn/a-1.html", "Hà Nội: mưa lớn")
    backups = tmp_path / "backups"
    configured = settings.replace(backup_dir=str(backups))
    assert _baochi(configured, "backup") == 0
    ours = Path(capsys.readouterr().out.strip())
    manifests: dict[str, object] = {  # hand-made, named like ours and newer
        "baochi-20991231T000000000000Z": {
            "made_at": "2099-12-31T00:00:00+00:00",
            "database": "sqlite",
        },
        "baochi-20991230T000000000000Z": {
            "made_at": "2099-12-30T00:00:00",
            "database": "sqlite",
            "files": 0,
        },
        "baochi-20991229T000000000000Z": ["made_at", "database", "files"],
    }
    for name, manifest in manifests.items():
        (backups / name).mkdir()
        (backups / name / MANIFEST).write_text(json.dumps(manifest))
    now = dt.datetime.now(dt.UTC)
    assert [k.folder for k in kept(backups)] == [ours]
    assert status(configured, now).kept[0].folder == ours
    assert prune(backups, 1, now) == []
    assert _baochi(configured, "backup", "--keep", "1") == 0  # ours pruned, theirs never
    assert all((backups / name / MANIFEST).exists() for name in manifests)
    assert not ours.exists()
    for name in manifests:
        assert _baochi(settings, "restore", str(backups / name), "--yes") == 1
        assert "is not a baochi backup" in capsys.readouterr().err


def test_a_dump_cut_short_restores_nothing(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    if not _postgres(settings):
        pytest.skip("pg_restore's case")
    _save_big(open_store(settings))  # the table data is most of the dump
    folder = _backup_then_one_more(settings, capsys)
    dump = folder / backup_module.DUMP_FILE
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size * 3 // 4])  # a copy cut short
    with _restore_target(settings) as target:
        assert _baochi(target, "restore", str(folder), "--yes") == 1
        assert "pg_restore failed" in capsys.readouterr().err
        assert _table_count(target) == 0  # all or nothing: nothing


def test_files_that_do_not_fit_are_said_after_the_database_is_back(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    letter = settings.data / "attachments" / "cong-van.pdf"
    letter.parent.mkdir(parents=True)
    letter.write_bytes(LETTER)
    folder = _backup_then_one_more(settings, capsys)
    letter.unlink()
    copy = shutil.copy2

    def full_data_disk(source: Path, target: Path) -> object:
        if Path(target).is_relative_to(settings.data):
            raise OSError(errno.ENOSPC, "No space left on device", str(target))
        return copy(source, target)

    monkeypatch.setattr(backup_module.shutil, "copy2", full_data_disk)
    with _restore_target(settings) as target:
        assert _baochi(target, "restore", str(folder), "--yes") == 1
        said = capsys.readouterr().err
        assert "the database is restored, but not all of the data folder's files" in said
        assert "No space left on device" in said and str(letter) in said
        assert _titles(target) == ["Hà Nội: mưa lớn"]
