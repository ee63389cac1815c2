"""Backups while baochi runs, and the way back: the database copied consistently (SQLite's online
backup, or `pg_dump` for PostgreSQL) with every other file of the data folder beside it (case
letters, evidence, models, the social key), so one folder holds everything to start again from.

A backup is written under a `.partial` name and renamed when complete, so a folder without that
suffix is whole. A restore checks the backup (a whole database, a schema this version knows)
before it touches anything, then backs up what it replaces, so nothing is lost by restoring the
wrong day, a damaged backup or a newer baochi's.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import filecmp
import itertools
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import threading
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, inspect, make_url

from baochi.db.engine import NewerSchema, open_engine, refuse_newer
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
KINDS = ("sqlite", "postgresql")
_SQLITE_SIDES = ("", "-wal", "-shm", "-journal")
STAGED = ".restoring"  # a restore's copy of the backup's database, checked beside the store
_NOT_COPIED = (STAGED, "-migrate.lock")  # beside the database: that copy, engine's migration lock
# A damaged store a restore set aside, beside the database: a copy in every later backup would
# cost a whole database each night for a file no backup can mend.
DAMAGED = ".damaged-"
STALE_AFTER = dt.timedelta(hours=36)  # a nightly backup missed, and then some
ABANDONED = dt.timedelta(days=1)  # a partial backup this old is not being written any more


class BackupError(RuntimeError):
    """A backup cannot be made or restored; the message says why and what to do."""


class Damaged(BackupError):
    """A SQLite file whose pages are damaged, or that is no database at all: it cannot be copied."""


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore did: the backup it restored and what became of what it replaced."""

    restored: Path
    # a backup of what was in place (on PostgreSQL, whose database was new and empty, it is the
    # data folder's files that matter); None when there was no store, or a damaged one
    previous: Path | None
    set_aside: Path | None  # the damaged store, renamed beside it: it could not be backed up
    files: int


@dataclass(frozen=True, slots=True)
class Kept:
    """A complete backup found in a backups folder."""

    folder: Path
    made_at: dt.datetime
    database: str  # sqlite, postgresql
    files: int
    skipped: tuple[str, ...] = ()  # what lay in the data folder but was no file to copy

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


def _run(command: list[str], env: dict[str, str]) -> str:
    """Run a PostgreSQL client tool; what it printed, or its own message when it fails."""
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client)")
    # a fixed tool and our own arguments, no shell
    done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if done.returncode:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def _copy_sqlite(source: Path, target: Path) -> None:
    """Copy a live SQLite database into one self-contained file, then check the copy: a
    damaged source is `Damaged`, a full disk or any other failure a BackupError."""
    if not source.is_file():
        raise BackupError(f"no database at {source}")
    try:
        verdict = _sqlite_backup(source, target)
    except sqlite3.Error as exc:
        if getattr(exc, "sqlite_errorname", "").startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
            raise Damaged(f"{source} is damaged or not a SQLite database: {exc}") from exc
        raise BackupError(f"cannot copy {source} to {target}: {exc}") from exc
    if verdict != "ok":
        raise Damaged(f"the copy of {source} is damaged: {verdict}")


def _sqlite_backup(source: Path, target: Path) -> str:
    """Copy page by page under the source's read lock; the copy's integrity verdict."""
    live, copy = sqlite3.connect(source, timeout=30), sqlite3.connect(target, timeout=30)
    try:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
        return str(copy.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        live.close()
        copy.close()


def _data_files(data: Path, skip: set[Path]) -> tuple[list[Path], list[Path]]:
    """The folder's files other than the database's own, and what else lies there with nothing
    to copy (a dangling link, a FIFO), both relative to the folder."""
    files: list[Path] = []
    others: list[Path] = []
    for root, dirs, names in os.walk(data):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if (here / d).resolve() not in skip)
        for path in (here / n for n in sorted(names) if (here / n).resolve() not in skip):
            (files if path.is_file() else others).append(path.relative_to(data))
    return files, others


def _copy_file(source: Path, target: Path) -> bool:
    """Copy one file; False when it went between listing and copying (a letter deleted)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copy2(source, target)
    except FileNotFoundError:
        if source.exists():
            raise
        return False
    return True


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
        _copy_sqlite(database, partial / DATABASE_FILE)
    # the files after the database: a file newer than the copy is harmless, one missing is not
    data = settings.data.resolve()
    own = [Path(f"{database}{end}") for end in (*_SQLITE_SIDES, *_NOT_COPIED) if database]
    own += database.parent.glob(f"{database.name}{DAMAGED}*") if database else []
    skip = {into.resolve(), data / IN_USE_FILE, *(p.resolve() for p in own)}
    files, others = _data_files(data, skip) if data.is_dir() else ([], [])
    copied = [n for n in files if _copy_file(data / n, partial / FILES / n)]
    manifest = {
        "made_at": now.isoformat(),
        "database": "postgresql" if database is None else "sqlite",
        "files": len(copied),
        "skipped": [str(name) for name in others],
    }
    (partial / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _sides(database: Path) -> list[Path]:
    """The SQLite database's file and those beside it that belong to it."""
    return [Path(f"{database}{side}") for side in _SQLITE_SIDES]


def _backup_at(folder: Path) -> Kept:
    """The backup in `folder` as its manifest says; a folder baochi did not make whole (a
    hand-made one, a manifest edited) is refused as not a backup."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a complete baochi backup ({exc})") from exc
    found = _described(folder, manifest)
    if found is None:
        raise BackupError(f"{folder} is not a baochi backup: baochi did not write its {MANIFEST}")
    return found


def _described(folder: Path, manifest: object) -> Kept | None:
    """The backup a manifest describes, if it is one baochi wrote: its moment with a time
    zone, the database's kind, the number of files; None otherwise."""
    if not isinstance(manifest, dict) or not isinstance(manifest.get("made_at"), str):
        return None
    try:
        made_at = dt.datetime.fromisoformat(manifest["made_at"])
    except ValueError:
        return None
    files, skipped = manifest.get("files"), manifest.get("skipped", [])
    if made_at.tzinfo is None or manifest.get("database") not in KINDS:
        return None
    if not isinstance(files, int) or not isinstance(skipped, list):
        return None
    return Kept(folder, made_at, manifest["database"], files, tuple(map(str, skipped)))


def kept(into: Path) -> list[Kept]:
    """The complete backups under `into`, newest first; a folder that only looks like one is
    left out, so it is never listed as a backup nor pruned."""
    found = []
    for folder in sorted(into.glob("baochi-*Z"), reverse=True):
        try:
            found.append(_backup_at(folder))
        except BackupError:
            continue
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
) -> tuple[Kept, list[Path]]:
    """A backup under `into`, then all but the `keep` newest removed (None: none removed); the
    new backup and the folders removed."""
    made = _backup_at(back_up(settings, into, now))
    return made, [] if keep is None else prune(into, keep, now)


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
        return rotate(settings, into, settings.backup_keep, now)[0].folder


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


def restore(settings: Settings, folder: Path, now: dt.datetime) -> Restored:
    """Put the backup in `folder` back in place of the configured store and its files, once
    its database is found whole and of a schema this version knows, after backing up what is
    there now. The database must be of the backup's kind; on PostgreSQL the configured database
    must be empty (create it first). Refused while a web server or worker runs on the data
    folder (`InUse`)."""
    backup = _backup_at(folder)
    database = _sqlite_path(settings)
    kind = "postgresql" if database is None else "sqlite"
    if backup.database != kind:
        raise BackupError(f"{folder} holds a {backup.database} backup, not {kind}")
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
    """Put the backup's database in place of the store, then its files over the data folder's."""
    previous: Path | None
    aside: Path | None = None
    if database is None:
        previous = _restore_postgresql(settings, folder, now)
    else:
        previous, aside = _restore_sqlite(settings, folder, database, now)
    return Restored(folder, previous, aside, _put_files_back(settings, folder))


def _restore_postgresql(settings: Settings, folder: Path, now: dt.datetime) -> Path:
    """The dump checked, what is in place backed up, then the dump restored in one transaction:
    a dump cut short leaves the new database empty, not half filled. The backup made of what
    was in place."""
    _require_empty(settings)
    url, env = _libpq(settings)
    dump = folder / DUMP_FILE
    _check_schema(folder, _dump_revisions(dump, env))
    previous = _back_up_replaced(settings, folder, now)
    _run(["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction",
          f"--dbname={url}", str(dump)], env)  # fmt: skip
    return previous


def _dump_revisions(dump: Path, env: dict[str, str]) -> tuple[str, ...]:
    """The schema revisions in a pg_dump's alembic_version, read without restoring anything."""
    script = _run(
        ["pg_restore", "--data-only", "--table=alembic_version", "--file=-", str(dump)], env
    )
    lines = iter(script.splitlines())
    for line in lines:
        if line.startswith("COPY ") and "alembic_version" in line:
            return tuple(itertools.takewhile(lambda row: row != "\\.", lines))
    return ()


def _restore_sqlite(
    settings: Settings, folder: Path, database: Path, now: dt.datetime
) -> tuple[Path | None, Path | None]:
    """The backup's database copied beside the store and checked, what is in place kept, then
    the copy renamed over the store: a bad backup leaves the store as it was. The backup made
    of what was in place, and where a damaged store was set aside."""
    staged = Path(f"{database}{STAGED}")
    database.parent.mkdir(parents=True, exist_ok=True)
    try:
        _copy_sqlite(folder / DATABASE_FILE, staged)
        _check_schema(folder, _sqlite_revisions(staged))
        previous, aside = _keep_what_is_there(settings, folder, database, now)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    for side in _sides(database)[1:]:  # the old store's journal must not meet the new one
        side.unlink(missing_ok=True)
    os.replace(staged, database)
    open_engine(settings).dispose()  # this process's pooled connections would read the old file
    return previous, aside


def _sqlite_revisions(database: Path) -> tuple[str, ...]:
    """The schema revisions a SQLite database is at; none when it has no alembic_version."""
    with closing(sqlite3.connect(database)) as conn:
        try:
            return tuple(row[0] for row in conn.execute("SELECT version_num FROM alembic_version"))
        except sqlite3.OperationalError:
            return ()


def _check_schema(folder: Path, revisions: tuple[str, ...]) -> None:
    """Only a database this version can open is put in place: a newer baochi's would stop
    every command, and one without a schema is not baochi's."""
    if not revisions:
        raise BackupError(f"{folder} holds no baochi database (it has no schema revision)")
    try:
        refuse_newer(revisions)
    except NewerSchema as exc:
        raise BackupError(f"{folder} cannot be restored: {exc}") from exc


def _back_up_replaced(settings: Settings, folder: Path, now: dt.datetime) -> Path:
    """Back up what a restore replaces with the other backups (backup_dir), not beside the one
    restored, often on a read-only disk, unless no backup folder is configured."""
    into = Path(settings.backup_dir) if settings.backup_dir else folder.parent
    try:
        return back_up(settings, into, now)
    except OSError as exc:
        raise BackupError(
            f"cannot back up what the restore would replace into {into} ({exc.strerror}): "
            "make room there, or set backup_dir to a folder baochi can write, then restore again"
        ) from exc


def _keep_what_is_there(
    settings: Settings, folder: Path, database: Path, now: dt.datetime
) -> tuple[Path | None, Path | None]:
    """A backup of the store in place; a damaged one cannot be backed up, and is exactly what
    a restore is for, so its files are renamed aside instead. The backup, or the new name."""
    if not database.exists():
        return None, None
    try:
        return _back_up_replaced(settings, folder, now), None
    except Damaged:
        aside = Path(f"{database}{DAMAGED}{now:%Y%m%dT%H%M%S%fZ}")
        for side, kept_as in zip(_sides(database), _sides(aside), strict=True):
            if side.exists():
                side.rename(kept_as)
        return None, aside


def _put_files_back(settings: Settings, folder: Path) -> int:
    """Copy the backup's files over the data folder's, those that differ; how many it holds."""
    source = folder / FILES
    files = _data_files(source, set())[0] if source.is_dir() else []
    try:
        for name in files:
            target = settings.data / name
            if not target.exists() or not filecmp.cmp(source / name, target, shallow=False):
                _copy_file(source / name, target)
    except OSError as exc:
        raise BackupError(
            f"the database is restored, but not all of the data folder's files: {exc}; "
            "once that is fixed, restore again"
        ) from exc
    return len(files)
