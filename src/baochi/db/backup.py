"""Backups while baochi runs, and the way back: the database copied consistently (SQLite's online
backup, or `pg_dump` for PostgreSQL) with every other file of the data folder beside it (case
letters, evidence, models, the social key), so one folder holds everything to start again from.

A backup is written under a `.partial` name and renamed when complete, so a folder without that
suffix is whole. A restore first backs up what it replaces, so nothing is lost by restoring the
wrong day.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import filecmp
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url

from baochi.hanoi_time import HANOI
from baochi.in_use import LOCK_FILE as IN_USE_FILE
from baochi.in_use import alone, flocked
from baochi.settings import Settings

log = logging.getLogger(__name__)
DATABASE_FILE = "baochi.sqlite3"
DUMP_FILE = "baochi.dump"  # pg_dump's custom format
FILES = "files"  # the data folder's other files, as they lie there
MANIFEST = "backup.json"
LOCK_FILE = ".nightly.lock"  # held while a process makes the nightly backup
_SQLITE_SIDES = ("", "-wal", "-shm", "-journal")
STALE_AFTER = dt.timedelta(hours=36)  # a nightly backup missed, and then some
ABANDONED = dt.timedelta(days=1)  # a partial backup this old is not being written any more


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: the backup it restored and the one it made of what it replaced."""

    restored: Path
    previous: Path | None  # None on PostgreSQL, restored only into an empty database
    files: int


@dataclass(frozen=True, slots=True)
class Kept:
    """A complete backup found in a backups folder."""

    folder: Path
    made_at: dt.datetime
    database: str  # sqlite, postgresql
    files: int

    def size(self) -> int:
        """Bytes on disk (read when asked: a backup may hold many files)."""
        return sum(p.stat().st_size for p in self.folder.rglob("*") if p.is_file())


@dataclass(frozen=True, slots=True)
class Status:
    """The nightly backups as the administrator sees them."""

    folder: Path | None  # None: no backup folder configured
    kept: list[Kept]  # newest first
    overdue: bool


def _sqlite_path(settings: Settings) -> Path | None:
    """The SQLite database file, or None for a server database."""
    url = make_url(settings.sqlalchemy_url)
    if url.get_backend_name() != "sqlite":
        return None
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(url.database)


def _libpq(settings: Settings) -> tuple[str, dict[str, str]]:
    """The PostgreSQL URL as pg_dump and pg_restore read it (no SQLAlchemy driver part), with
    the password in their environment rather than on a command line anyone can list."""
    url = make_url(settings.sqlalchemy_url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client tool; its own message when it fails."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)")
    # a fixed tool and our own arguments, no shell
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def _copy_sqlite(source: Path, target: Path, journal: str) -> None:
    """Copy a live SQLite database page by page under its read lock, then check the copy
    (in `journal` mode: DELETE for a backup's one self-contained file, WAL for the store)."""
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    live, copy = sqlite3.connect(source, timeout=30), sqlite3.connect(target, timeout=30)
    try:
        live.backup(copy)
        copy.execute(f"PRAGMA journal_mode={journal}")
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        live.close()
        copy.close()
    if verdict != "ok":
        raise BackupError(f"the copy of {source} is damaged: {verdict}")


def _data_files(data: Path, skip: set[Path]) -> list[Path]:
    """The data folder's files other than the database's own, relative to the folder."""
    found = []
    for root, dirs, names in os.walk(data):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skip)
        wanted = [n for n in sorted(names) if (here / n).resolve() not in skip]
        found += [(here / n).relative_to(data) for n in wanted]
    return found


def back_up(settings: Settings, into: Path, now: dt.datetime) -> Path:
    """A complete backup folder under `into`, named for the moment; its path. A backup that
    fails (a full disk, a dead server) leaves nothing behind to fill the disk further."""
    folder = into / f"baochi-{now:%Y%m%dT%H%M%S%fZ}"
    partial = folder.with_name(folder.name + ".partial")
    partial.mkdir(parents=True, mode=0o700)
    try:
        _fill(settings, into, partial, now)
        _private(partial)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    partial.rename(folder)
    return folder


def _private(folder: Path) -> None:
    """A backup holds every user's password hash and every case's letters: readable by the
    account that made it only, whatever the umask (copy2 also copied each file's mode)."""
    for path in (folder, *folder.rglob("*")):
        path.chmod(0o700 if path.is_dir() else 0o600)


def _fill(settings: Settings, into: Path, partial: Path, now: dt.datetime) -> None:
    """Write the database, then the data folder's files, then the manifest into `partial`."""
    database = _sqlite_path(settings)
    if database is None:
        url, env = _libpq(settings)
        dump = partial / DUMP_FILE
        _run(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", url], env)
    else:
        _copy_sqlite(database, partial / DATABASE_FILE, "DELETE")
    # the files after the database: a file newer than the copy is harmless, one missing is not
    data = settings.data.resolve()
    sides = [Path(f"{database}{side}").resolve() for side in _SQLITE_SIDES if database]
    skip = {into.resolve(), data / IN_USE_FILE, *sides}
    files = _data_files(data, skip) if data.is_dir() else []
    for name in files:
        (partial / FILES / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(data / name, partial / FILES / name)
    manifest = {
        "made_at": now.isoformat(),
        "database": "postgresql" if database is None else "sqlite",
        "files": len(files),
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def kept(into: Path) -> list[Kept]:
    """The complete backups under `into`, newest first."""
    found = []
    for folder in sorted(into.glob("baochi-*Z"), reverse=True):
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
            made_at = dt.datetime.fromisoformat(manifest["made_at"])
        except (OSError, ValueError, KeyError):
            continue  # not one of ours, or not whole
        found.append(Kept(folder, made_at, manifest.get("database", ""), manifest["files"]))
    return found


def prune(into: Path, keep: int, now: dt.datetime) -> list[Path]:
    """Remove the complete backups under `into` older than the `keep` newest, and what a
    backup killed half-way left more than a day ago; those removed."""
    gone = [k.folder for k in kept(into)[max(keep, 1) :]]
    stale = (now - ABANDONED).timestamp()
    gone += [p for p in into.glob("baochi-*Z.partial") if p.stat().st_mtime < stale]
    for folder in gone:
        shutil.rmtree(folder)
    return gone


def rotate(
    settings: Settings, into: Path, keep: int | None, now: dt.datetime
) -> tuple[Path, list[Path]]:
    """A backup under `into`, then all but the `keep` newest removed (None: none removed); the
    new folder and those removed."""
    folder = back_up(settings, into, now)
    return folder, [] if keep is None else prune(into, keep, now)


def _nightly_mark(settings: Settings, now: dt.datetime) -> dt.datetime:
    """The latest moment the nightly backup fell due: today's backup hour, else yesterday's."""
    local = now.astimezone(HANOI)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    mark = midnight + dt.timedelta(hours=settings.backup_hour)
    return mark if mark <= local else mark - dt.timedelta(days=1)


def nightly(settings: Settings, now: dt.datetime) -> Path | None:
    """The nightly backup into the configured folder, once after each backup hour (at once
    when there is none yet), older ones pruned; the new folder, or None when not due. Of the
    workers that share the folder, the one that holds its lock makes it; the others pass."""
    if not settings.backup_dir:
        return None
    into = Path(settings.backup_dir)
    into.mkdir(parents=True, exist_ok=True)
    with flocked(into / LOCK_FILE, fcntl.LOCK_EX) as got:
        if not got:
            return None  # another process is making tonight's
        newest = kept(into)[:1]
        if newest and newest[0].made_at >= _nightly_mark(settings, now):
            return None
        return rotate(settings, into, settings.backup_keep, now)[0]


class Job:
    """Backups asked for by hand (the administration page), each run in a thread of its own,
    one at a time, with the last one's failure kept to be shown."""

    def __init__(self) -> None:
        self._running = threading.Lock()
        self.failure = ""

    @property
    def running(self) -> bool:
        """Whether a backup asked for is being written."""
        return self._running.locked()

    def start(self, settings: Settings) -> bool:
        """Back up into the configured folder in the background, older ones pruned; False
        when one is already running (a second click is not a second backup)."""
        if not settings.backup_dir or not self._running.acquire(blocking=False):
            return False
        threading.Thread(target=self._run, args=(settings,), name="backup").start()
        return True

    def _run(self, settings: Settings) -> None:
        into, now = Path(settings.backup_dir), dt.datetime.now(dt.UTC)
        try:
            rotate(settings, into, settings.backup_keep, now)
            self.failure = ""
        except Exception as exc:  # told on the page, not lost in a thread
            log.exception("backup into %s failed", into)
            self.failure = str(exc) or type(exc).__name__
        finally:
            self._running.release()


def status(settings: Settings, now: dt.datetime) -> Status:
    """The backups the administrator sees: those kept in the configured folder, and whether
    the newest is overdue (none, or more than a day and a half old)."""
    into = Path(settings.backup_dir) if settings.backup_dir else None
    found = kept(into) if into is not None and into.is_dir() else []
    late = into is not None and (not found or now - found[0].made_at > STALE_AFTER)
    return Status(into, found, late)


def _manifest(folder: Path) -> dict[str, object]:
    """A backup's manifest; a folder that is not a whole backup is refused."""
    try:
        manifest: dict[str, object] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a complete baochi backup ({exc})") from exc
    return manifest


def restore(settings: Settings, folder: Path, now: dt.datetime) -> Restored:
    """Put the backup in `folder` back in place of the configured store and its files, after
    backing up what is there now beside it. The database must be of the backup's kind; on
    PostgreSQL the configured database must be empty (create it first). Refused while a web
    server or worker runs on the data folder (`InUse`)."""
    manifest = _manifest(folder)
    database = _sqlite_path(settings)
    kind = "postgresql" if database is None else "sqlite"
    if manifest.get("database") != kind:
        raise BackupError(f"{folder} holds a {manifest.get('database')} backup, not {kind}")
    with alone(settings.data):
        return _put_back(settings, folder, database, now)


def _require_empty(settings: Settings) -> None:
    """A PostgreSQL restore goes into a new, empty database: pg_restore over tables already
    there fails halfway ("function … already exists")."""
    engine = create_engine(settings.sqlalchemy_url)
    try:
        tables = inspect(engine).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise BackupError(
            f"the database {shown_url(settings)} holds {len(tables)} tables: restore into a new, "
            "empty database (createdb), then point BAOCHI_DATABASE_URL at it"
        )


def shown_url(settings: Settings) -> str:
    """The configured database's URL as it may be printed: without its password."""
    return make_url(settings.sqlalchemy_url).render_as_string(hide_password=True)


def _put_back(
    settings: Settings, folder: Path, database: Path | None, now: dt.datetime
) -> Restored:
    """Back up what is in place, then copy the backup's database and files over it."""
    if database is None:
        _require_empty(settings)
    present = database is None or database.exists()  # PostgreSQL: the data folder's files
    previous = back_up(settings, folder.parent, now) if present else None
    if database is None:
        url, env = _libpq(settings)
        _run(["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={url}",
              str(folder / DUMP_FILE)], env)  # fmt: skip
    else:
        database.parent.mkdir(parents=True, exist_ok=True)
        _copy_sqlite(folder / DATABASE_FILE, database, "WAL")
    files = _data_files(folder / FILES, set()) if (folder / FILES).is_dir() else []
    for name in files:
        target = settings.data / name
        if not target.exists() or not filecmp.cmp(folder / FILES / name, target, shallow=False):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(folder / FILES / name, target)
    return Restored(folder, previous, len(files))
