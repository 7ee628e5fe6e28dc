"""Concurrent writers against gunicorn workers sharing one SQLite file.

Starts gunicorn (gunicorn.conf.py, 4 workers, a loopback port) with a throw-away
SQLite database, then runs simulated users in threads, each practising rounds
(start a round, answer every question). Prints how many requests failed: with
the write lock taken up front (BEGIN IMMEDIATE) none should fail with "database
is locked". bench/crash.py adds PostgreSQL, crashes and a check of every answer.

Usage: .venv/bin/python bench/concurrency.py [--users 12] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

from harness import (
    Browser,
    Server,
    csrf_token,
    prepare_database,
    round_path,
    server_env,
    shown_token,
)

WORKERS = 4


def practise(base: str, rounds: int, outcomes: list[int], lock: threading.Lock) -> None:
    """One user: several rounds of three questions, every answer rated."""
    browser = Browser(base)

    def request(path: str, data: dict[str, object] | None = None) -> tuple[str, str]:
        reply = browser.send(path, data)  # a timed-out request is status 0: failed
        with lock:
            outcomes.append(reply.status)
        return reply.text, reply.location

    for _ in range(rounds):
        page, _ = request("/fields/software-engineering")
        _, location = request(
            "/fields/software-engineering/rounds",
            {"csrf_token": csrf_token(page), "size": 3},
        )
        path = round_path(location)
        for position in (1, 2, 3):
            page, _ = request(f"{path}/{position}")
            request(
                f"{path}/{position}",
                {
                    "csrf_token": csrf_token(page),
                    "shown_token": shown_token(page),
                    "rating": 1 + position % 4,
                    "elapsed_seconds": 42,
                },
            )


def main() -> None:
    """Serve, load, report."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = server_env(f"sqlite:///{Path(tmp) / 'load.db'}", WORKERS)
        prepare_database(env)
        server = Server(env, Path(tmp) / "gunicorn.log")
        server.start()
        try:
            outcomes: list[int] = []
            lock = threading.Lock()
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=practise, args=(server.base, args.rounds, outcomes, lock)
                )
                for _ in range(args.users)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            seconds = time.perf_counter() - started
        finally:
            server.stop()
        log = server.log_text()
    failed = [status for status in outcomes if status >= 400 or status == 0]
    print("statuses:", {s: outcomes.count(s) for s in sorted(set(outcomes))})
    print(
        f"{args.users} users x {args.rounds} rounds against {WORKERS} gunicorn "
        f"workers on SQLite: {len(outcomes)} requests in {seconds:.1f} s, "
        f"{len(failed)} failed, 'database is locked' in logs: "
        f"{log.count('database is locked')}"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
