"""Online backups of the SQLite database and restoring them, checked (no Flask)."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_SECONDS = 10.0
# How long restore waits for the other connections to go away before refusing.
LOCK_TIMEOUT_SECONDS = 2.0
# Copy every page in one step. A step holds a read transaction on the source; in
# WAL mode that never blocks writers, while copying in several steps restarts
# from the first page whenever another process commits, so under steady writes a
# paged backup may never finish (bench/backup.py measures both).
PAGES_PER_STEP = -1


class BackupError(Exception):
    """A backup or restore was refused or failed; the message names the file."""


@dataclass(frozen=True)
class DatabaseSummary:
    """What a checked SQLite file holds: size, migration revision, rows per table."""

    path: Path
    size_bytes: int
    revision: str | None
    row_counts: dict[str, int]

    def describe(self) -> str:
        """One line for people: size, revision and the row counts."""
        size = f"{self.size_bytes / 1_000_000:.1f} MB"
        tables = ", ".join(f"{name} {n:,}" for name, n in self.row_counts.items())
        return f"{size}, revision {self.revision or 'none'}; rows: {tables}"


@dataclass(frozen=True)
class BackupReport:
    """A finished backup: where it is, what it holds, how long the copy took."""

    summary: DatabaseSummary
    copy_seconds: float


@dataclass(frozen=True)
class RestoreReport:
    """A finished restore and where the database it replaced was kept."""

    summary: DatabaseSummary
    replaced_copy: Path | None


def sqlite_file(url: str | sa.URL) -> Path | None:
    """The database file of an SQLite URL; None for any other database."""
    parsed = sa.make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("the database is in memory: there is nothing to back up")
    return Path(parsed.database)


def migration_revisions(directory: Path) -> set[str]:
    """Every Alembic revision id in a migrations directory."""
    from alembic.script import ScriptDirectory

    return {
        script.revision for script in ScriptDirectory(str(directory)).walk_revisions()
    }


def migration_head(directory: Path) -> str | None:
    """The newest Alembic revision id in a migrations directory."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(directory)).get_current_head()


def inspect_database(path: Path) -> DatabaseSummary:
    """Check that path is a sound SQLite database and summarise it."""
    _check_header(path)
    try:
        with contextlib.closing(_connect_read_only(path)) as conn:
            return _summarise(conn, path)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} cannot be read as a database: {error}") from None


def backup_database(source: Path, target: Path, *, force: bool = False) -> BackupReport:
    """Copy a live SQLite database to target with the backup API, then check it."""
    if not source.is_file():
        raise BackupError(f"{source} does not exist: there is no database to back up")
    _check_header(source)
    _check_backup_target(source, target, force)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target and renamed at the end, so that a failed backup
    # never leaves a half copy, nor destroys an older backup under --force.
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    try:
        started = time.perf_counter()
        with (
            contextlib.closing(_connect_read_only(source)) as live,
            contextlib.closing(sqlite3.connect(partial, isolation_level=None)) as copy,
        ):
            live.backup(copy, pages=PAGES_PER_STEP)
            # One self-contained file: no -wal or -shm beside a backup.
            copy.execute("PRAGMA journal_mode=DELETE")
        copy_seconds = time.perf_counter() - started
        summary = inspect_database(partial)
        partial.replace(target)
    except sqlite3.Error as error:
        raise BackupError(f"backing up {source} to {target} failed: {error}") from None
    finally:
        partial.unlink(missing_ok=True)
    return BackupReport(replace(summary, path=target), copy_seconds)


def restore_database(
    backup: Path,
    live: Path,
    known_revisions: Collection[str],
    *,
    lock_timeout: float = LOCK_TIMEOUT_SECONDS,
) -> RestoreReport:
    """Replace the live database with a checked backup, keeping what it replaces."""
    if not backup.is_file():
        raise BackupError(f"{backup} does not exist")
    if live.exists() and backup.resolve() == live.resolve():
        raise BackupError(f"{backup} is the live database itself")
    summary = inspect_database(backup)
    _check_revision(backup, summary.revision, known_revisions)
    replaced_copy = None
    had_data = live.exists() and live.stat().st_size > 0
    live.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive_connection(live, lock_timeout) as target:
        if had_data:
            replaced_copy = _replaced_copy_path(live)
            try:
                _copy(target, replaced_copy)
            except sqlite3.Error as error:
                replaced_copy.unlink(missing_ok=True)
                raise BackupError(
                    f"keeping a copy of {live} at {replaced_copy} failed: {error}; "
                    "nothing was restored"
                ) from None
        try:
            with contextlib.closing(_connect_read_only(backup)) as source:
                # One step is one write transaction on the live file: readers see
                # the old database or the restored one, never a mixture.
                source.backup(target, pages=-1)
            if target.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                target.execute("PRAGMA journal_mode=WAL")
            restored = _summarise(target, live)
        except (sqlite3.Error, BackupError) as error:
            kept = f"; the database it replaced is kept at {replaced_copy}"
            raise BackupError(
                f"restoring {backup} into {live} failed: {error}"
                + (kept if replaced_copy else "")
            ) from None
    return RestoreReport(summary=restored, replaced_copy=replaced_copy)


def _check_header(path: Path) -> None:
    try:
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError as error:
        raise BackupError(f"{path} cannot be read: {error.strerror}") from None
    if not header:
        raise BackupError(f"{path} is empty, not an SQLite database")
    if header != SQLITE_HEADER:
        raise BackupError(f"{path} is not an SQLite database")


def _check_backup_target(source: Path, target: Path, force: bool) -> None:
    if target.exists() and target.resolve() == source.resolve():
        raise BackupError(f"{target} is the live database itself")
    if target.is_dir():
        raise BackupError(f"{target} is a directory; give a file name")
    for sidecar in ("-wal", "-journal"):
        if target.with_name(target.name + sidecar).exists():
            # Replacing a file that has a journal beside it would let SQLite
            # replay that journal into the new copy.
            raise BackupError(
                f"{target}{sidecar} exists: {target} looks like a database in use; "
                "choose another path"
            )
    if target.exists() and not force:
        raise BackupError(f"{target} already exists; pass --force to replace it")


def _check_revision(
    path: Path, revision: str | None, known_revisions: Collection[str]
) -> None:
    if revision is None:
        raise BackupError(
            f"{path} has no alembic_version table: it is not a mockint database "
            "made by `flask db upgrade`"
        )
    if revision not in known_revisions:
        raise BackupError(
            f"{path} is at migration {revision}, which this version of mockint does "
            "not know (made by a newer version?); restore it with that version"
        )


def _connect_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        f"{path.resolve().as_uri()}?mode=ro",
        uri=True,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
    )


def _summarise(conn: sqlite3.Connection, path: Path) -> DatabaseSummary:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(5)")]
    if problems != ["ok"]:
        raise BackupError(f"{path} fails integrity_check: {'; '.join(problems)}")
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_schema WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = row[0] if row else None
    counts = {
        name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
        for name in tables
        if name != "alembic_version"
    }
    (page_count,) = conn.execute("PRAGMA page_count").fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    return DatabaseSummary(path, page_count * page_size, revision, counts)


@contextlib.contextmanager
def _exclusive_connection(path: Path, timeout: float) -> Iterator[sqlite3.Connection]:
    """A connection holding an exclusive lock on path, or BackupError if in use."""
    # In WAL mode every open connection that has read the database keeps a shared
    # lock on the file until it closes (SQLite relies on it to decide who cleans
    # up the WAL), so an exclusive lock is granted only when no process has the
    # database open: an idle worker of a running app is enough to refuse.
    # BEGIN EXCLUSIVE alone would not do: in WAL mode it waits for writers only.
    # The lock is kept until close, so nothing can open the database mid-restore.
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        except sqlite3.Error as error:
            raise BackupError(f"{path} cannot be opened: {error}") from None
        try:
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("COMMIT")
            break
        except sqlite3.OperationalError as error:
            conn.close()
            if "locked" not in str(error) and "busy" not in str(error):
                raise BackupError(f"{path} cannot be opened: {error}") from None
            if time.monotonic() >= deadline:
                raise BackupError(
                    f"{path} is in use by another process; stop the app (every "
                    "worker) and any other program using it, then try again"
                ) from None
            time.sleep(0.1)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise BackupError(f"{path} is not an SQLite database: {error}") from None
    try:
        yield conn
    finally:
        conn.close()


def _replaced_copy_path(live: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = live.with_name(f"{live.name}.replaced-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = live.with_name(f"{live.name}.replaced-{stamp}-{number}")
    return candidate


def _copy(source: sqlite3.Connection, target_path: Path) -> None:
    with contextlib.closing(sqlite3.connect(target_path, isolation_level=None)) as copy:
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")
