"""In-process CPU time of the benchmark's pages, interleaved: what a change saves.

Seeds (or reuses) bench/profile_page.py's database, then fetches each page in
turn through the test client, batch after batch, timing each batch with
`time.process_time()`: CPU time of this process, so another process on the core
counts less than in wall time, and interleaving spreads a slow minute over every
page alike. Prints, per page, the best and the median batch (milliseconds per
request), and the best against a bare Flask request timed the same way.

Usage: .venv/bin/python bench/pages.py [--batches 12] [--cold]
       [--database /tmp/mockint-profile.db]
--cold forgets the remembered markup before every request, as a new process would.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.bare_app import app as bare_app  # noqa: E402
from bench.profile_page import prepared  # noqa: E402
from bench.run import Row, request_headers  # noqa: E402
from mockint import display  # noqa: E402

PAGES = (
    ("/", "anonymous"),
    ("/", "heavy"),
    ("/fields/customer-support", "heavy"),
    ("round", "heavy"),
    ("/review", "heavy"),
    ("/review", "light"),
    ("/review/progress", "heavy"),
    ("/review/progress", "light"),
    ("/account/login", "anonymous"),
)
REQUESTS_PER_BATCH = 25


def batch_ms(fetch: Callable[[], object], requests: int, cold: bool = False) -> float:
    """CPU milliseconds per request over one batch."""
    started = time.process_time()
    for _ in range(requests):
        if cold:
            display.forget_remembered_markup()
        fetch()
    return (time.process_time() - started) / requests * 1000


def main() -> None:
    """Seed or reuse, warm up, time the pages interleaved, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=12)
    parser.add_argument(
        "--database", type=Path, default=Path("/tmp/mockint-profile.db")
    )
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    app, seeded = prepared(args.database)
    client = app.test_client(use_cookies=False)
    bare = bare_app.test_client()
    pages = []
    for page, who in PAGES:
        row = Row(page, page, getattr(seeded, who))
        if page == "round":
            row.path = f"/rounds/{seeded.heavy_round}/1"
        headers = request_headers(row)
        for _ in range(20):
            response = client.get(row.path, headers=headers)
        if response.status_code != 200:
            raise SystemExit(f"{row.path} as {who}: {response.status_code}")
        pages.append((f"{row.path} as {row.visitor.label}", row.path, headers, []))

    bare_times: list[float] = []
    for _ in range(args.batches):
        bare_times.append(batch_ms(lambda: bare.get("/"), 100))
        for _label, path, headers, times in pages:
            fetch = partial(client.get, path, headers=headers)
            times.append(batch_ms(fetch, REQUESTS_PER_BATCH, args.cold))
    floor = min(bare_times)
    print(f"{'bare Flask /':44} best {floor:6.3f} ms")
    for label, _path, _headers, times in pages:
        print(
            f"{label:44} best {min(times):6.2f} ms  median "
            f"{statistics.median(times):6.2f} ms  ({min(times) / floor:.1f} x bare)"
        )


if __name__ == "__main__":
    main()
