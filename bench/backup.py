"""Benchmark: an online backup of a 50,000-attempt SQLite database under writes.

Seeds a migrated SQLite file with one user and 50,000 attempts, starts a writer
process committing a round, a round item and an attempt every few milliseconds
(far more than people practising would), then times `backup_database` (the
backup API in one step, what `flask --app app backup` does) and, for comparison,
a backup in steps of 100 pages. Prints the copy time, the rows the copy holds and
the writer's slowest commit during each backup and during a quiet second.

Usage: .venv/bin/python bench/backup.py [--attempts 50000]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from mockint import create_app
from mockint.backups import backup_database
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import PROJECT_ROOT
from mockint.extensions import db
from mockint.models import Attempt, Question, User

PAGED_STEP = 100
PAGED_LIMIT_SECONDS = 30.0


def seed(path: Path, count: int) -> None:
    """A migrated database with the shipped banks and one user's attempts."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "bench"}
    )
    with app.app_context():
        upgrade()
        sync_banks(db.session, load_banks(PROJECT_ROOT / "questions"))
        user = User(username="bench", password_hash=None)
        db.session.add(user)
        db.session.flush()
        questions = list(db.session.scalars(sa.select(Question.id)))
        rng = random.Random(1)
        now = datetime.now(UTC)
        rows = [
            {
                "user_id": user.id,
                "question_id": questions[i % len(questions)],
                "rating": rng.randint(1, 4),
                "elapsed_seconds": float(rng.randint(20, 400)),
                "timed_by": "browser",
                "shown_at": now - timedelta(minutes=5 * (count - i) + 3),
                "answered_at": now - timedelta(minutes=5 * (count - i)),
                "note": "Talked about the migration and what I would measure first.",
            }
            for i in range(count)
        ]
        for start in range(0, count, 5000):
            db.session.execute(sa.insert(Attempt), rows[start : start + 5000])
        db.session.commit()
        db.engine.dispose()


def write(path: Path, seconds: float) -> None:
    """Writer process: commit practice rows until stopped; print commit times."""
    stopped: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _frame: stopped.append(number))
    conn = sqlite3.connect(path, isolation_level=None, timeout=10)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA synchronous=NORMAL")
    user_id, question_id = conn.execute(
        "SELECT (SELECT min(id) FROM users), (SELECT min(id) FROM questions)"
    ).fetchone()
    commits: list[tuple[float, float]] = []
    end = time.time() + seconds
    while time.time() < end and not stopped:
        started = time.time()
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(" ")
        conn.execute("BEGIN IMMEDIATE")
        round_id = conn.execute(
            "INSERT INTO rounds (user_id, created_at) VALUES (?, ?)", (user_id, now)
        ).lastrowid
        item_id = conn.execute(
            "INSERT INTO round_items (round_id, position, question_id) "
            "VALUES (?, 1, ?)",
            (round_id, question_id),
        ).lastrowid
        conn.execute(
            "INSERT INTO attempts (user_id, question_id, round_item_id, rating, "
            "elapsed_seconds, timed_by, shown_at, answered_at, note) "
            "VALUES (?, ?, ?, 3, 42.0, 'browser', ?, ?, '')",
            (user_id, question_id, item_id, now, now),
        )
        conn.execute("COMMIT")
        commits.append((started, time.time() - started))
        time.sleep(0.002)
    print(json.dumps(commits))


def slowest(commits: list[tuple[float, float]], start: float, end: float) -> float:
    """The slowest commit that overlapped [start, end], in seconds."""
    return max(
        (took for at, took in commits if at <= end and at + took >= start), default=0
    )


def paged_backup(source: Path, target: Path) -> tuple[float, int, bool]:
    """A backup in steps of PAGED_STEP pages: seconds, restarts, finished."""
    started = time.perf_counter()
    remaining_before = [sys.maxsize]
    restarts = [0]

    def progress(_status: int, remaining: int, _total: int) -> None:
        # SQLite starts again from the first page when another process commits.
        if remaining > remaining_before[0]:
            restarts[0] += 1
        remaining_before[0] = remaining
        if time.perf_counter() - started > PAGED_LIMIT_SECONDS:
            raise TimeoutError

    with (
        contextlib.closing(sqlite3.connect(source, timeout=10)) as live,
        contextlib.closing(sqlite3.connect(target)) as copy,
    ):
        try:
            live.backup(copy, pages=PAGED_STEP, progress=progress, sleep=0.005)
        except TimeoutError:
            return time.perf_counter() - started, restarts[0], False
    return time.perf_counter() - started, restarts[0], True


def main() -> None:
    """Seed, write, back up, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=50_000)
    parser.add_argument("--writer", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        write(args.writer, args.seconds)
        return
    with tempfile.TemporaryDirectory() as tmp:
        live = Path(tmp) / "live.sqlite3"
        seed(live, args.attempts)
        writer = subprocess.Popen(
            [sys.executable, __file__, "--writer", str(live), "--seconds", "120"],
            stdout=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        quiet = (time.time(), time.time() + 1)
        time.sleep(1.5)
        one_step_start = time.time()
        report = backup_database(live, Path(tmp) / "one-step.sqlite3")
        one_step = (one_step_start, time.time())
        time.sleep(1)
        paged_start = time.time()
        paged_seconds, restarts, finished = paged_backup(
            live, Path(tmp) / "paged.sqlite3"
        )
        paged = (paged_start, time.time())
        writer.terminate()
        output, _ = writer.communicate()
        commits = json.loads(output)
        counts = report.summary.row_counts
        print(f"database: {report.summary.size_bytes / 1e6:.1f} MB")
        print(
            f"one step: copy {report.copy_seconds:.2f} s, with integrity_check "
            f"{one_step[1] - one_step[0]:.2f} s; copy holds {counts['attempts']:,} "
            f"attempts; writer's slowest commit "
            f"{slowest(commits, *one_step) * 1000:.1f} ms"
        )
        state = "finished" if finished else "gave up"
        print(
            f"{PAGED_STEP}-page steps: {paged_seconds:.2f} s, {state} after "
            f"{restarts} restarts; writer's "
            f"slowest commit {slowest(commits, *paged) * 1000:.1f} ms"
        )
        print(
            f"quiet second: writer's slowest commit "
            f"{slowest(commits, *quiet) * 1000:.1f} ms; "
            f"{len(commits):,} commits in all"
        )


if __name__ == "__main__":
    main()
