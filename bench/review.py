"""Benchmark: the review page's server time at 1,000 and at 50,000 attempts.

Seeds one user with attempts over 400 questions of the shipped banks, then times
GET /review (and /review/progress and /) through the WSGI test client.

Usage: .venv/bin/python bench/review.py [--runs 30]
Uses a throw-away SQLite file, or BENCH_DATABASE_URL (for example PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import PROJECT_ROOT, normalise_database_url
from mockint.extensions import db
from mockint.login_sessions import start_session
from mockint.models import Attempt, Question, User, utcnow
from mockint.scheduling import rebuild_cards

QUESTIONS = 400
SIZES = (1_000, 50_000)
PAGES = ("/review", "/review/progress", "/")


def seed(user_id: int, question_ids: list[int], count: int, start: int) -> None:
    """Add attempts (ids continue from start) spread over the last 200 days."""
    rng = random.Random(count)
    now = datetime.now(UTC)
    rows = []
    for i in range(start, start + count):
        answered = now - timedelta(minutes=(count - (i - start)) * 5)
        rows.append(
            {
                "user_id": user_id,
                "question_id": question_ids[i % len(question_ids)],
                "rating": rng.choice((1, 2, 3, 3, 4)),
                "elapsed_seconds": float(rng.randint(20, 400)),
                "timed_by": "browser",
                "shown_at": answered - timedelta(minutes=3),
                "answered_at": answered,
                "note": "",
            }
        )
    for chunk in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Attempt), rows[chunk : chunk + 5000])
    db.session.commit()


def time_page(client, path: str, runs: int) -> float:  # noqa: ANN001
    """Median server time of a page in milliseconds."""
    client.get(path)  # warm up
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return statistics.median(samples)


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_database_url(
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'b.db'}"
        )
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            db.drop_all()
            db.create_all()
            sync_banks(db.session, load_banks(PROJECT_ROOT / "questions"))
            user = User(username="bench", password_hash=None)
            db.session.add(user)
            db.session.flush()
            _record, token = start_session(db.session, user, "bench", utcnow())
            db.session.commit()
            user_id = user.id
            question_ids = list(
                db.session.scalars(sa.select(Question.id).order_by(Question.id))
            )[:QUESTIONS]
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        print(f"database: {url.split(':')[0]}, {len(question_ids)} questions")
        results: dict[int, dict[str, float]] = {}
        seeded = 0
        for size in SIZES:
            with app.app_context():
                started = time.perf_counter()
                seed(user_id, question_ids, size - seeded, seeded)
                cards = rebuild_cards(db.session, user_id)
                db.session.commit()
                seed_seconds = time.perf_counter() - started
            seeded = size
            results[size] = {page: time_page(client, page, args.runs) for page in PAGES}
            timings = ", ".join(f"{p} {ms:.1f} ms" for p, ms in results[size].items())
            print(
                f"{size:>6} attempts ({cards} cards, seeded in {seed_seconds:.1f} s): "
                f"{timings}"
            )
        small, large = results[SIZES[0]], results[SIZES[-1]]
        for page in PAGES:
            print(f"ratio {page}: {large[page] / small[page]:.2f} (50,000 / 1,000)")
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


if __name__ == "__main__":
    main()
