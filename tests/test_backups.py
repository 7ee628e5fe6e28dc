"""`flask backup` and `flask restore`: online copies of SQLite, checked restores.

Backups are an SQLite feature, so these tests build their own SQLite apps and run
in the PostgreSQL run too, where the last test checks the pg_dump hint against
the real TEST_DATABASE_URL.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import normalise_database_url
from mockint.extensions import db
from mockint.models import Attempt, Question, User
from mockint.scheduling import rebuild_cards

from support import TEST_BANKS, make_user


def sqlite_app(tmp_path: Path, database: Path, *, migrate: bool = True) -> Flask:
    """An app on the SQLite file database, migrated and given the test banks."""
    banks = tmp_path / "questions"
    shutil.copytree(TEST_BANKS, banks, dirs_exist_ok=True)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "QUESTIONS_DIR": str(banks),
        }
    )
    if migrate:
        with app.app_context():
            upgrade()
            sync_banks(db.session, load_banks(banks))
            db.session.commit()
            db.engine.dispose()
    return app


def add_attempts(app: Flask, username: str, count: int) -> None:
    """An account with count attempts over the test questions, and its cards."""
    user = make_user(app, username)
    with app.app_context():
        questions = list(db.session.scalars(sa.select(Question.id)))
        start = datetime(2026, 1, 1, tzinfo=UTC)
        db.session.execute(
            sa.insert(Attempt),
            [
                {
                    "user_id": user.id,
                    "question_id": questions[i % len(questions)],
                    "rating": i % 4 + 1,
                    "elapsed_seconds": 30.0 + i % 90,
                    "timed_by": "browser",
                    "shown_at": start + timedelta(minutes=10 * i),
                    "answered_at": start + timedelta(minutes=10 * i + 2),
                    "note": f"answer {i} ✓",
                }
                for i in range(count)
            ],
        )
        rebuild_cards(db.session, user.id)
        db.session.commit()
        db.engine.dispose()


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Flask]:
    """A migrated SQLite app with an account and 2,000 attempts."""
    app = sqlite_app(tmp_path, tmp_path / "live.sqlite3")
    add_attempts(app, "ada", 2_000)
    yield app
    with app.app_context():
        db.engine.dispose()


def database_file(app: Flask) -> Path:
    """The SQLite file an app uses."""
    return Path(sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or "")


def row_counts(path: Path) -> dict[str, int]:
    """Rows per table of an SQLite file."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            for name in tables
        }


def attempts_checksum(path: Path) -> str:
    """SHA-256 over every attempt row, in id order."""
    digest = hashlib.sha256()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        for row in conn.execute("SELECT * FROM attempts ORDER BY id"):
            digest.update(repr(row).encode())
    return digest.hexdigest()


def usernames(path: Path) -> list[str]:
    """The account names in an SQLite file."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        rows = conn.execute("SELECT username FROM users ORDER BY id").fetchall()
    return [name for (name,) in rows]


def replaced_copies(path: Path) -> list[Path]:
    """The `<db>.replaced-<timestamp>` files restore left beside path."""
    return sorted(path.parent.glob(f"{path.name}.replaced-*"))


@dataclass
class Writer:
    """A thread committing a round, its item and an attempt, as fast as it can."""

    path: Path
    commits: int = 0
    slowest: float = 0.0
    errors: list[BaseException] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        """Write until stopped, timing each transaction."""
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            user_id, question_id = conn.execute(
                "SELECT min(id), (SELECT min(id) FROM questions) FROM users"
            ).fetchone()
            while not self.stop.is_set():
                started = time.perf_counter()
                now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
                conn.execute("BEGIN IMMEDIATE")
                round_id = conn.execute(
                    "INSERT INTO rounds (user_id, created_at) VALUES (?, ?)",
                    (user_id, now),
                ).lastrowid
                item_id = conn.execute(
                    "INSERT INTO round_items (round_id, position, question_id) "
                    "VALUES (?, 1, ?)",
                    (round_id, question_id),
                ).lastrowid
                conn.execute(
                    "INSERT INTO attempts (user_id, question_id, round_item_id, "
                    "rating, elapsed_seconds, timed_by, shown_at, answered_at, note) "
                    "VALUES (?, ?, ?, 2, 61.5, 'browser', ?, ?, 'under load')",
                    (user_id, question_id, item_id, now, now),
                )
                conn.execute("COMMIT")
                self.slowest = max(self.slowest, time.perf_counter() - started)
                self.commits += 1
        except BaseException as error:  # noqa: BLE001 - collected for the assert
            self.errors.append(error)
        finally:
            conn.close()

    def wait_for(self, commits: int) -> None:
        """Block until the writer has made that many commits in all."""
        deadline = time.monotonic() + 30
        while self.commits < commits and not self.errors:
            assert time.monotonic() < deadline, "the writer stalled"
            time.sleep(0.01)


def test_backup_under_writes_is_consistent_and_restores_identically(
    live: Flask, tmp_path: Path
) -> None:
    """A backup taken while a writer commits holds whole transactions only."""
    source = database_file(live)
    before = row_counts(source)
    writer = Writer(source)
    thread = threading.Thread(target=writer.run)
    thread.start()
    try:
        writer.wait_for(50)
        backup = tmp_path / "backups" / "live-copy.sqlite3"
        result = live.test_cli_runner().invoke(args=["backup", str(backup)])
        commits_when_done = writer.commits
        writer.wait_for(commits_when_done + 50)  # it was not left blocked
    finally:
        writer.stop.set()
        thread.join(timeout=30)
    assert writer.errors == []
    assert writer.slowest < 5, "the writer waited for the backup"
    assert result.exit_code == 0, result.output
    assert f"to {backup}" in result.output
    assert "integrity_check ok" in result.output
    assert "attempts 2," in result.output  # the row counts are shown

    copied = row_counts(backup)
    written = copied["attempts"] - before["attempts"]
    # Some of the writer's rows, not all of them, and each one whole.
    assert 50 <= written < writer.commits
    assert copied["rounds"] - before["rounds"] == written
    assert copied["round_items"] - before["round_items"] == written
    with contextlib.closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert not Path(f"{backup}-wal").exists()

    restored = tmp_path / "fresh" / "restored.sqlite3"
    target_app = sqlite_app(tmp_path, restored, migrate=False)
    result = target_app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert "integrity_check ok" in result.output
    assert "kept at" not in result.output  # there was nothing to replace
    assert row_counts(restored) == copied
    assert attempts_checksum(restored) == attempts_checksum(backup)
    with target_app.app_context():
        assert db.session.scalar(sa.select(User.username)) == "ada"
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_restore_puts_the_backup_back_and_keeps_what_it_replaced(
    live: Flask, tmp_path: Path
) -> None:
    """Data added after the backup is gone from the live file, kept beside it."""
    source = database_file(live)
    backup = tmp_path / "before-grace.sqlite3"
    assert live.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    make_user(live, "grace")
    with live.app_context():
        db.engine.dispose()  # the app is stopped before a restore
    checksum = attempts_checksum(source)

    result = live.test_cli_runner().invoke(args=["restore", str(backup)])

    assert result.exit_code == 0, result.output
    assert f"Restored {backup} into {source}" in result.output
    assert usernames(source) == ["ada"]
    assert attempts_checksum(source) == checksum
    (kept,) = replaced_copies(source)
    assert f"kept at {kept}" in result.output
    assert usernames(kept) == ["ada", "grace"]
    assert "db upgrade" not in result.output  # the backup is at this code's head


HOLD_OPEN = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("SELECT count(*) FROM users").fetchone()
print("open", flush=True)
sys.stdin.read()
"""


@contextlib.contextmanager
def held_by_the_app(app: Flask) -> Iterator[None]:
    """The app's connection pool keeps a connection that has read the database."""
    with app.app_context():
        db.session.execute(sa.select(User.id)).all()
        db.session.remove()
        yield
        db.engine.dispose()


@contextlib.contextmanager
def held_by_another_process(app: Flask) -> Iterator[None]:
    """Another process, like a gunicorn worker, has the database open and idle."""
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_OPEN, str(database_file(app))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as holder:
        assert holder.stdout and holder.stdout.readline() == "open\n"
        try:
            yield
        finally:
            holder.communicate("")


@pytest.mark.parametrize("holder", [held_by_the_app, held_by_another_process])
def test_restore_is_refused_while_the_database_is_open(
    live: Flask,
    tmp_path: Path,
    holder: Callable[[Flask], contextlib.AbstractContextManager[None]],
) -> None:
    """An open connection, even idle, makes restore refuse and change nothing."""
    source = database_file(live)
    backup = tmp_path / "copy.sqlite3"
    assert live.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    make_user(live, "grace")
    with live.app_context():
        db.engine.dispose()

    with holder(live):
        result = live.test_cli_runner().invoke(args=["restore", str(backup)])

    assert result.exit_code == 1
    assert f"{source} is in use by another process; stop the app" in result.output
    assert usernames(source) == ["ada", "grace"]
    assert replaced_copies(source) == []
    # Once it is closed, the same restore goes through.
    result = live.test_cli_runner().invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert usernames(source) == ["ada"]


def write_text(path: Path, _backup: Path) -> None:
    """Not a database at all."""
    path.write_text("user,attempts\nada,2000\n")


def write_empty(path: Path, _backup: Path) -> None:
    """An empty file."""
    path.write_bytes(b"")


def write_damaged(path: Path, backup: Path) -> None:
    """A real backup with a run of pages overwritten."""
    data = bytearray(backup.read_bytes())
    data[8192:40960] = b"\xff" * (40960 - 8192)
    path.write_bytes(bytes(data))


def write_unmigrated(path: Path, _backup: Path) -> None:
    """A sound SQLite file that `db upgrade` never made."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, username TEXT)")
        conn.commit()


def write_from_the_future(path: Path, backup: Path) -> None:
    """A backup at a migration this code does not have."""
    shutil.copy(backup, path)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00dfacef00d'")
        conn.commit()


@pytest.mark.parametrize(
    ("make_file", "problem"),
    [
        (write_text, "is not an SQLite database"),
        (write_empty, "is empty, not an SQLite database"),
        (write_damaged, "fails integrity_check"),
        (write_unmigrated, "has no alembic_version table"),
        (write_from_the_future, "is at migration f00dfacef00d, which this version"),
    ],
)
def test_restore_refuses_a_file_that_is_not_a_sound_backup(
    live: Flask, tmp_path: Path, make_file: Callable[[Path, Path], None], problem: str
) -> None:
    """The message names the file and the problem; the live database is untouched."""
    source = database_file(live)
    backup = tmp_path / "good.sqlite3"
    assert live.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    bad = tmp_path / "bad.sqlite3"
    make_file(bad, backup)
    checksum = attempts_checksum(source)

    result = live.test_cli_runner().invoke(args=["restore", str(bad)])

    assert result.exit_code == 1
    assert f"Error: {bad} {problem}" in result.output
    assert attempts_checksum(source) == checksum
    assert replaced_copies(source) == []


def test_backup_refuses_an_existing_file_unless_forced(
    live: Flask, tmp_path: Path
) -> None:
    """An existing file is kept unless --force; then it becomes a fresh copy."""
    target = tmp_path / "exists.sqlite3"
    target.write_text("keep me")
    runner = live.test_cli_runner()

    refused = runner.invoke(args=["backup", str(target)])
    assert refused.exit_code == 1
    assert f"{target} already exists; pass --force to replace it" in refused.output
    assert target.read_text() == "keep me"

    forced = runner.invoke(args=["backup", "--force", str(target)])
    assert forced.exit_code == 0, forced.output
    assert row_counts(target)["attempts"] == 2_000
    assert list(tmp_path.glob(".exists.sqlite3.partial-*")) == []


def test_backup_refuses_to_overwrite_the_live_database(live: Flask) -> None:
    """--force cannot turn a backup into the live file's own destruction."""
    source = database_file(live)
    result = live.test_cli_runner().invoke(args=["backup", "--force", str(source)])
    assert result.exit_code == 1
    assert f"{source} is the live database itself" in result.output
    assert row_counts(source)["attempts"] == 2_000


def test_postgresql_is_backed_up_with_pg_dump(tmp_path: Path) -> None:
    """On PostgreSQL both commands explain pg_dump and pg_restore, and fail."""
    url = (
        os.environ.get("TEST_DATABASE_URL")
        or "postgresql://mockint:s3cret@db.example:5432/mockint"
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "SQLALCHEMY_DATABASE_URI": normalise_database_url(url),
        }
    )
    dump = tmp_path / "mockint.dump"
    runner = app.test_cli_runner()

    backup = runner.invoke(args=["backup", str(dump)])
    restore = runner.invoke(args=["restore", str(dump)])

    # The URL as the pg tools take it: plain scheme, no password.
    address = re.sub(r":[^@/]*@", "@", url.split("://", 1)[1])
    assert backup.exit_code == 1
    assert "DATABASE_URL is PostgreSQL" in backup.output
    assert f"pg_dump -Fc -f {dump} postgresql://{address}" in backup.output
    assert restore.exit_code == 1
    assert f"pg_restore --clean --if-exists -d postgresql://{address} {dump}" in (
        restore.output
    )
    assert not dump.exists()
    assert "s3cret" not in backup.output + restore.output
