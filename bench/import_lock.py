"""Benchmark: how long a large import holds the database's write lock.

Builds an export of a heavy user (75,000 answers over five years in rounds of
1 to 10 questions, a third of them with a note, outlines for every question),
then either
- imports it once in-process and prints the file size per answer, the request's
  total time and how long each transaction held the write lock (from BEGIN to
  COMMIT), or, with --gunicorn,
- uploads it three times at once to four gunicorn workers on one SQLite file
  while another user saves their time zone every 0.2 s, and counts failures.

Usage: .venv/bin/python bench/import_lock.py [--attempts 75000] [--single-rounds]
       [--gunicorn [--imports 3]]
In-process runs use a throw-away SQLite file, or BENCH_DATABASE_URL.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import io
import json
import os
import random
import re
import resource
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import PROJECT_ROOT, normalise_database_url
from mockint.extensions import db
from mockint.models import Field, Question

BIN = Path(sys.executable).parent
ROUND_SIZES = (1, 3, 5, 5, 10)
NOTE_SHARE = 1 / 3
WORDS = ("explained", "the", "trade-off", "then", "numbers", "forgot", "result")


def heavy_export(
    keys_by_field: dict[str, list[str]],
    attempts: int,
    round_sizes: tuple[int, ...] = ROUND_SIZES,
    seed: int = 1,
) -> dict:
    """An export as a heavy user's would look, with `attempts` answers."""
    rng = random.Random(seed)
    minutes = 5 * 365 * 24 * 60
    step = timedelta(minutes=minutes / attempts)
    moment = datetime.now(UTC) - timedelta(minutes=minutes + 60)
    rounds: list[dict] = []
    answers: list[dict] = []
    while len(answers) < attempts:
        field = rng.choice(sorted(keys_by_field))
        size = min(rng.choice(round_sizes), attempts - len(answers))
        keys = rng.sample(keys_by_field[field], min(size, len(keys_by_field[field])))
        rounds.append(
            {
                "ref": len(rounds) + 1,
                "field": field,
                "created_at": moment.isoformat(),
                "questions": keys,
            }
        )
        for position, key in enumerate(keys, start=1):
            shown = moment + timedelta(seconds=5)
            moment += step
            note = ""
            if rng.random() < NOTE_SHARE:
                note = " ".join(rng.choices(WORDS, k=rng.randint(3, 30)))
            answers.append(
                {
                    "question": key,
                    "round": len(rounds),
                    "position": position,
                    "rating": rng.choice((1, 2, 3, 3, 4)),
                    "elapsed_seconds": float(rng.randint(20, 400)),
                    "timed_by": "browser",
                    "shown_at": shown.isoformat(),
                    "answered_at": moment.isoformat(),
                    "note": note,
                }
            )
    outlines = [
        {
            "question": key,
            "text": " ".join(rng.choices(WORDS, k=40)),
            "updated_at": moment.isoformat(),
        }
        for keys in keys_by_field.values()
        for key in keys
    ]
    return {
        "format": "mockint-export",
        "version": 1,
        "exported_at": moment.isoformat(),
        "profile": {"timezone": "Europe/Berlin"},
        "rounds": rounds,
        "attempts": answers,
        "cards": [],
        "outlines": outlines,
    }


def file_body(document: dict) -> bytes:
    """The file as the export view writes it."""
    return json.dumps(document, indent=2, ensure_ascii=False).encode()


def csrf_of(page: str) -> str:
    """The CSRF token a page carries."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def upload(client: FlaskClient, body: bytes, token: str) -> tuple[int, float]:
    """Post the file to the import form; return the status and seconds taken."""
    started = time.perf_counter()
    response = client.post(
        "/account/import",
        data={"csrf_token": token, "file": (io.BytesIO(body), "export.json")},
        content_type="multipart/form-data",
    )
    return response.status_code, time.perf_counter() - started


def in_process(attempts: int, round_sizes: tuple[int, ...]) -> None:
    """Import once and time the request and its transactions."""
    with tempfile.TemporaryDirectory() as tmp:
        url = normalise_database_url(
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{Path(tmp) / 'b.db'}"
        )
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "SECRET_KEY": "bench"}
        )
        with app.app_context():
            db.drop_all()
            db.create_all()
            sync_banks(db.session, load_banks(PROJECT_ROOT / "questions"))
            db.session.commit()
            rows = db.session.execute(
                sa.select(Field.slug, Question.key).join(Question.field)
            ).all()
            engine = db.engine
        keys_by_field: dict[str, list[str]] = {}
        for slug, key in rows:
            keys_by_field.setdefault(slug, []).append(key)
        document = heavy_export(keys_by_field, attempts, round_sizes)
        body = file_body(document)
        noted = sum(1 for answer in document["attempts"] if answer["note"])
        print(
            f"database: {url.split(':')[0]}; file: {len(body) / 2**20:.1f} MB, "
            f"{attempts:,} answers ({noted:,} with a note), "
            f"{len(document['rounds']):,} rounds, {len(document['outlines'])} "
            f"outlines: {len(body) / attempts:.0f} bytes per answer"
        )
        held: list[float] = []
        began: dict[int, float] = {}

        def on_begin(connection: sa.Connection) -> None:
            began[id(connection)] = time.perf_counter()

        def on_end(connection: sa.Connection) -> None:
            if id(connection) in began:
                held.append(time.perf_counter() - began.pop(id(connection)))

        sa.event.listen(engine, "begin", on_begin)
        sa.event.listen(engine, "commit", on_end)
        sa.event.listen(engine, "rollback", on_end)
        client = app.test_client()
        token = csrf_of(client.get("/account/settings").get_data(as_text=True))
        memory_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        held.clear()
        status, seconds = upload(client, body, token)
        memory_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if status != 302:
            sys.exit(f"the import was refused with HTTP {status}")
        print(
            f"import: HTTP {status} in {seconds:.2f} s; transactions held "
            + ", ".join(f"{s * 1000:.0f} ms" for s in held)
            + f" (longest {max(held) * 1000:.0f} ms); peak memory grew "
            f"{(memory_after - memory_before) / 1024:.0f} MB"
        )
        exported = client.get("/account/export.json").get_data()
        print(
            f"export of the imported profile: {len(exported) / 2**20:.1f} MB, "
            f"{len(exported) / attempts:.0f} bytes per answer"
        )
        with app.app_context():
            db.drop_all()
            db.engine.dispose()


class Visitor:
    """One browser against the server: cookies kept, redirects not followed."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
            NoRedirect(),
        )

    def send(
        self, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, float, str]:
        """GET, or POST the body; return the status, seconds and page."""
        request = urllib.request.Request(self.base + path, body)
        if content_type:
            request.add_header("Content-Type", content_type)
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=120) as response:
                status, page = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, page = error.code, error.read().decode(errors="replace")
        except OSError:
            status, page = 0, ""
        return status, time.perf_counter() - started, page

    def token(self) -> str:
        """A CSRF token bound to this browser's session."""
        return csrf_of(self.send("/account/settings")[2])

    def upload(self, body: bytes) -> tuple[int, float]:
        """Post an export file to the import form."""
        boundary = "mockint-bench-boundary"
        form = (
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{self.token()}\r\n"
            f"--{boundary}\r\n"
            'Content-Disposition: form-data; name="file"; filename="export.json"\r\n'
            "Content-Type: application/json\r\n\r\n"
        ).encode()
        data = form + body + f"\r\n--{boundary}--\r\n".encode()
        kind = f"multipart/form-data; boundary={boundary}"
        return self.send("/account/import", data, kind)[:2]

    def save_zone(self, zone: str) -> tuple[int, float]:
        """Post the time zone form."""
        form = urllib.parse.urlencode({"csrf_token": self.token(), "timezone": zone})
        kind = "application/x-www-form-urlencoded"
        return self.send("/account/timezone", form.encode(), kind)[:2]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let 302s through as responses, like a form-posting browser sees them."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def through_gunicorn(attempts: int, imports: int, round_sizes: tuple[int, ...]) -> None:
    """Several imports at once while another user saves their time zone."""
    keys_by_field = {
        bank.slug: [question.key for question in bank.questions]
        for bank in load_banks(PROJECT_ROOT / "questions")
    }
    body = file_body(heavy_export(keys_by_field, attempts, round_sizes))
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'load.db'}",
            "SECRET_KEY": "import-bench-" + "0" * 32,
        }
        flask = [str(BIN / "flask"), "--app", "app"]
        for command in (["db", "upgrade"], ["banks", "sync"]):
            subprocess.run(
                [*flask, *command],
                cwd=PROJECT_ROOT,
                env=env,
                check=True,
                capture_output=True,
            )
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "app:app"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,  # gunicorn.conf.py logs requests to stdout
            stderr=subprocess.STDOUT,
            text=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            results = run_at_once(base, body, imports)
        finally:
            server.terminate()
            log, _ = server.communicate(timeout=30)
    print(
        f"{imports} imports of {len(body) / 2**20:.1f} MB ({attempts:,} answers) at "
        "once against 4 gunicorn workers on one SQLite file, while another user "
        "saves a time zone every 0.2 s:"
    )
    for kind in ("import", "time zone"):
        rows = [(status, seconds) for name, status, seconds in results if name == kind]
        statuses = sorted({status for status, _ in rows})
        counts = ", ".join(
            f"{status}: {[s for s, _ in rows].count(status)}" for status in statuses
        )
        print(
            f"  {kind}: {len(rows)} requests ({counts}), "
            f"slowest {max(seconds for _, seconds in rows):.2f} s"
        )
    print(
        f"  'database is locked' in the server log: {log.count('database is locked')}"
    )


def run_at_once(base: str, body: bytes, imports: int) -> list[tuple[str, int, float]]:
    """Start the imports together; save time zones until they are all done."""
    results: list[tuple[str, int, float]] = []
    done = threading.Event()
    zone_saver = Visitor(base)
    start_round = {"csrf_token": zone_saver.token(), "size": 3}
    zone_saver.send(  # practising creates the guest profile whose zone is saved
        "/fields/software-engineering/rounds",
        urllib.parse.urlencode(start_round).encode(),
        "application/x-www-form-urlencoded",
    )

    def save_zones() -> None:
        zones = ("Asia/Tokyo", "Europe/Paris")
        while not done.is_set():
            results.append(
                ("time zone", *zone_saver.save_zone(zones[len(results) % 2]))
            )
            time.sleep(0.2)

    def import_one() -> None:
        results.append(("import", *Visitor(base).upload(body)))

    saver = threading.Thread(target=save_zones)
    importers = [threading.Thread(target=import_one) for _ in range(imports)]
    saver.start()
    for thread in importers:
        thread.start()
    for thread in importers:
        thread.join()
    done.set()
    saver.join()
    return results


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    """Build the file, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--attempts", type=int, default=75_000)
    parser.add_argument(
        "--single-rounds",
        action="store_true",
        help="every answer in a round of its own: the most rows per answer",
    )
    parser.add_argument("--gunicorn", action="store_true")
    parser.add_argument("--imports", type=int, default=3)
    args = parser.parse_args()
    round_sizes = (1,) if args.single_rounds else ROUND_SIZES
    if args.gunicorn:
        through_gunicorn(args.attempts, args.imports, round_sizes)
    else:
        in_process(args.attempts, round_sizes)


if __name__ == "__main__":
    main()
