"""Profile one page in-process: milliseconds per request and where they go.

Seeds the benchmark's database once (bench/run.py's seed: banks, a heavy and a
light user, a live interview) into a file that later runs reuse, then fetches a
page many times through the test client, exactly as wrk would ask for it (same
cookie, same headers), and prints the mean time per request and a cProfile of
the run, sorted by cumulative or own time.

Usage: .venv/bin/python bench/profile_page.py PAGE [--who heavy] [--requests 300]
       [--sort tottime] [--lines 40] [--database /tmp/mockint-profile.db]
PAGE is a path (`/review`), or `round` for the visitor's question screen and
`poll` for the interviewer's unchanged poll.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pickle
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import SECRET_KEY, Row, Seeded, request_headers, seed  # noqa: E402
from mockint import create_app  # noqa: E402


def prepared(database: Path) -> tuple[object, Seeded]:
    """The app on the seeded database, seeding it first when it is new."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY=SECRET_KEY,
        MOCKINT_ENV="development",
    )
    app = create_app()
    notes = database.with_suffix(".seeded")
    if database.exists() and notes.exists():
        return app, pickle.loads(notes.read_bytes())
    print("seeding (once)...", file=sys.stderr)
    seeded = seed(app)
    notes.write_bytes(pickle.dumps(seeded))
    return app, seeded


def main() -> None:
    """Seed or reuse, warm up, profile, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page")
    parser.add_argument("--who", default="heavy")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument(
        "--database", type=Path, default=Path("/tmp/mockint-profile.db")
    )
    args = parser.parse_args()
    app, seeded = prepared(args.database)
    visitor = getattr(seeded, args.who)
    row = Row(args.page, args.page, visitor)
    if args.page == "round":
        round_id = seeded.light_round if args.who == "light" else seeded.heavy_round
        row.path = f"/rounds/{round_id}/1"
    elif args.page == "poll":
        row = Row("poll", seeded.poll_path, seeded.friend)
        row.headers.append(f'If-None-Match: "v{seeded.poll_version}"')
    client = app.test_client(use_cookies=False)
    headers = request_headers(row)
    for _ in range(20):
        response = client.get(row.path, headers=headers)
    print(f"{row.path} as {visitor.label}: {response.status_code}", file=sys.stderr)

    # The best of five batches: a shared machine only ever adds time.
    batches = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(max(1, args.requests // 5)):
            client.get(row.path, headers=headers)
        batches.append((time.perf_counter() - started) / max(1, args.requests // 5))
    plain = min(batches)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(args.requests):
        client.get(row.path, headers=headers)
    profiler.disable()
    print(f"{plain * 1000:.2f} ms per request without the profiler (best batch)")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
