"""Benchmark: every page of issue 11 against a bare Flask app, side by side.

Seeds the shipped banks, a heavy user (100,000 attempts over 420 questions in the
last 26 weeks, with review cards), a light user (1,000 attempts) and a live friend
interview; serves mockint and bench/bare_app.py the same way (gunicorn, 2 sync
workers pinned to core 0), drives each page with wrk (16 connections pinned to
core 1, `Accept-Encoding: br, gzip`, the visitor's session cookie) and prints one
Markdown table: req/s, p50, p99, ratio to bare Flask (each page driven in three
slices, each after a slice of bare Flask half as long, the ratio being the median
of the three pairs': a shared machine's load drifts within seconds), SQL
statements per page (counted in-process on a warm app) and bytes per response as
sent (compressed, headers included). Also prints how long the bank sync of a
fresh database takes and how long `make run` and gunicorn take to answer on a
prepared database.

Usage: .venv/bin/python bench/run.py [--seconds 10 | --quick]
Needs wrk (`apt-get install wrk`) and, to pin processes, taskset (util-linux).
Uses a throw-away SQLite file, or BENCH_DATABASE_URL (its tables are dropped).
Numbers are printed, never asserted: compare ratios from one run.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from werkzeug.security import generate_password_hash

# Run as a script, the project root is not on the path: bench.poll needs it.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.poll import free_port, pinned, serve  # noqa: E402
from mockint import create_app  # noqa: E402
from mockint.bank_sync import sync_banks  # noqa: E402
from mockint.banks import load_banks  # noqa: E402
from mockint.config import PROJECT_ROOT, normalise_database_url  # noqa: E402
from mockint.extensions import db, login_manager  # noqa: E402
from mockint.interviewing.links import create_link
from mockint.interviewing.live import begin
from mockint.interviewing.questions import create_interview  # noqa: E402
from mockint.login_sessions import start_session  # noqa: E402
from mockint.models import (  # noqa: E402
    Attempt,
    Field,
    Interview,
    Question,
    User,
    utcnow,
)
from mockint.rounds import start_round  # noqa: E402
from mockint.scheduling import rebuild_cards  # noqa: E402

CONNECTIONS = 16
# Each page is driven in this many slices, each after a slice of the bare app.
SLICES = 3
QUESTIONS = 420
HEAVY_ATTEMPTS = 100_000
LIGHT_ATTEMPTS = 1_000
HISTORY = timedelta(weeks=26)
FIELD_SLUG = "customer-support"
SECRET_KEY = "bench-" + "0" * 32
PASSWORD = "bench correct horse"
# Sent by wrk and the test client alike: Flask-Login's session protection hashes
# the address and user agent, and a mismatch would rewrite the cookie each time.
USER_AGENT = "mockint-bench/1"
ACCEPT_ENCODING = "br, gzip"
INSERT_CHUNK = 5_000
TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}


@dataclass
class Visitor:
    """Who asks for a page: a label and the session cookie a browser would send."""

    label: str
    cookie: str | None


@dataclass
class Row:
    """One line of the table: a page, who asks for it, and what was measured."""

    page: str
    path: str
    visitor: Visitor
    headers: list[str] = field(default_factory=list)
    status: int = 0
    statements: int | None = None
    sets_cookie: bool = False
    result: dict[str, float] = field(default_factory=dict)
    # The bare Flask app driven in slices alternating with the page's: on a
    # shared machine the load changes within seconds, so each slice of the page
    # is compared with the bare slice just before it.
    bare: dict[str, float] = field(default_factory=dict)
    ratio: float = 0.0


@dataclass
class Seeded:
    """What the benchmark needs to know about the seeded database."""

    load_seconds: float
    sync_seconds: float
    insert_seconds: float
    cards_seconds: float
    heavy_cards: int
    bank_questions: int
    heavy: Visitor
    light: Visitor
    anonymous: Visitor
    friend: Visitor
    heavy_round: int
    light_round: int
    poll_path: str
    poll_version: int


def prepare_schema(app: Flask) -> None:
    """An empty database migrated to head, as `make migrate` leaves it."""
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        upgrade(directory=str(PROJECT_ROOT / "migrations"))


def attempt_rows(
    user_id: int, question_ids: list[int], count: int, now: datetime
) -> list[dict[str, object]]:
    """Attempts spread evenly over the history window, oldest first."""
    rng = random.Random(count)
    step = HISTORY / count
    rows = []
    for i in range(count):
        answered = now - step * (count - i)
        rows.append(
            {
                "user_id": user_id,
                "question_id": rng.choice(question_ids),
                "rating": rng.choice((1, 2, 3, 3, 4)),
                "elapsed_seconds": float(rng.randint(20, 400)),
                "timed_by": "browser",
                "rated_by": "self",
                "shown_at": answered - timedelta(seconds=rng.randint(30, 420)),
                "answered_at": answered,
                "note": "",
            }
        )
    return rows


def add_user(username: str, password_hash: str) -> int:
    """Insert an account; return its id."""
    return db.session.execute(
        sa.insert(User)
        .values(username=username, password_hash=password_hash, created_at=utcnow())
        .returning(User.id)
    ).scalar_one()


def practised_questions() -> list[int]:
    """The 420 question ids the users practise, the benchmarked field's first."""
    return list(
        db.session.scalars(
            sa.select(Question.id)
            .join(Field)
            .where(Question.archived_at.is_(None), Field.personal.is_(False))
            .order_by(sa.case((Field.slug == FIELD_SLUG, 0), else_=1), Question.id)
            .limit(QUESTIONS)
        )
    )


def field_questions(limit: int) -> tuple[Field, list[Question]]:
    """The benchmarked field and its first questions."""
    bench_field = db.session.scalar(sa.select(Field).where(Field.slug == FIELD_SLUG))
    questions = db.session.scalars(
        sa.select(Question)
        .where(Question.field_id == bench_field.id)
        .order_by(Question.position, Question.id)
        .limit(limit)
    )
    return bench_field, list(questions)


def signed_in(user_id: int) -> str:
    """Start a login session for the user; return its raw token."""
    user = db.session.get(User, user_id)
    _record, token = start_session(db.session, user, USER_AGENT, utcnow())
    return token


def session_identifier(app: Flask) -> str:
    """What Flask-Login's session protection expects for the benchmark's client."""
    with app.test_request_context(
        headers={"User-Agent": USER_AGENT}, environ_base={"REMOTE_ADDR": "127.0.0.1"}
    ):
        return login_manager._session_identifier_generator()


def browser_cookie(app: Flask, label: str, token: str | None) -> Visitor:
    """The session cookie of a browser that has seen a page or two (CSRF token set).

    Flask-Login stores the session token as _user_id, _fresh and the identifier
    hash as _id; pages with a form add the CSRF token on the first visit.
    """
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    if token is not None:
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
            session["_id"] = session_identifier(app)
    for path in ("/", "/account/login"):
        client.get(path)
    cookie = client.get_cookie("session")
    return Visitor(label, f"session={cookie.value}" if cookie else None)


def friend_visitor(app: Flask, link_token: str) -> Visitor:
    """The interviewer's browser after following the link (it holds the grant)."""
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    response = client.get(f"/i/{link_token}")
    if response.status_code != 303:
        raise SystemExit(f"the interviewer link answered {response.status_code}")
    return Visitor("interviewer", f"session={client.get_cookie('session').value}")


def seed(app: Flask) -> Seeded:
    """Banks, two users with history and cards, rounds, a live interview."""
    prepare_schema(app)
    with app.app_context():
        started = time.perf_counter()
        banks = load_banks(Path(app.config["QUESTIONS_DIR"]))
        load_seconds = time.perf_counter() - started
        started = time.perf_counter()
        sync_banks(db.session, banks)
        db.session.commit()
        sync_seconds = time.perf_counter() - started

        started = time.perf_counter()
        password_hash = generate_password_hash(
            PASSWORD, method=app.config["PASSWORD_HASH_METHOD"]
        )
        heavy_id = add_user("heavy", password_hash)
        light_id = add_user("light", password_hash)
        question_ids = practised_questions()
        now = utcnow()
        for user_id, count in ((heavy_id, HEAVY_ATTEMPTS), (light_id, LIGHT_ATTEMPTS)):
            rows = attempt_rows(user_id, question_ids, count, now)
            for chunk in range(0, len(rows), INSERT_CHUNK):
                db.session.execute(
                    sa.insert(Attempt), rows[chunk : chunk + INSERT_CHUNK]
                )
        db.session.commit()
        insert_seconds = time.perf_counter() - started

        started = time.perf_counter()
        heavy_cards = rebuild_cards(db.session, heavy_id)
        rebuild_cards(db.session, light_id)
        db.session.commit()
        cards_seconds = time.perf_counter() - started

        bench_field, questions = field_questions(5)
        heavy_round = start_round(db.session, heavy_id, bench_field, questions).id
        light_round = start_round(db.session, light_id, bench_field, questions).id
        interview = create_interview(
            db.session, heavy_id, "Sam", [], None, "random", questions, False, 7
        )
        link_token = create_link(db.session, interview, 7, utcnow())
        public_id = interview.public_id
        heavy_token, light_token = signed_in(heavy_id), signed_in(light_id)
        db.session.commit()

    friend = friend_visitor(app, link_token)
    with app.app_context():
        interview = db.session.scalar(
            sa.select(Interview).where(Interview.public_id == public_id)
        )
        begin(db.session, interview, interview.version, utcnow())
        db.session.commit()
        poll_version = interview.version

    return Seeded(
        load_seconds=load_seconds,
        sync_seconds=sync_seconds,
        insert_seconds=insert_seconds,
        cards_seconds=cards_seconds,
        heavy_cards=heavy_cards,
        bank_questions=sum(len(bank.questions) for bank in banks),
        heavy=browser_cookie(app, "heavy (100k)", heavy_token),
        light=browser_cookie(app, "light (1k)", light_token),
        anonymous=browser_cookie(app, "anonymous", None),
        friend=friend,
        heavy_round=heavy_round,
        light_round=light_round,
        poll_path=f"/interviews/{public_id}/state",
        poll_version=poll_version,
    )


def table_rows(seeded: Seeded) -> list[Row]:
    """The issue's pages, each for the visitors its table names."""
    heavy, light, anonymous = seeded.heavy, seeded.light, seeded.anonymous
    field_path = f"/fields/{FIELD_SLUG}"
    question = "question screen `/rounds/<id>/1`"
    return [
        Row("`/healthz`", "/healthz", heavy),
        Row("`/`", "/", anonymous),
        Row("`/`", "/", heavy),
        Row("`/`", "/", light),
        Row(f"`{field_path}`", field_path, anonymous),
        Row(f"`{field_path}`", field_path, heavy),
        Row(f"`{field_path}`", field_path, light),
        Row(question, f"/rounds/{seeded.heavy_round}/1", heavy),
        Row(question, f"/rounds/{seeded.light_round}/1", light),
        Row("`/review`", "/review", heavy),
        Row("`/review`", "/review", light),
        Row("`/review/progress`", "/review/progress", heavy),
        Row("`/review/progress`", "/review/progress", light),
        Row("`/account/login`", "/account/login", anonymous),
        Row(
            "poll `/interviews/<id>/state`, unchanged (304)",
            seeded.poll_path,
            seeded.friend,
            [f'If-None-Match: "v{seeded.poll_version}"'],
        ),
    ]


def request_headers(row: Row) -> dict[str, str]:
    """The headers wrk sends for the row (the test client sends the same)."""
    headers = {"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING}
    if row.visitor.cookie:
        headers["Cookie"] = row.visitor.cookie
    for header in row.headers:
        name, value = header.split(": ", 1)
        headers[name] = value
    return headers


@contextmanager
def counting_statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement sent to the database meanwhile, however it was sent.

    Counted in the driver, as tests/test_interviews.py does: the poll's fast path
    runs its query on a bare DB-API connection, below SQLAlchemy's events.
    Transaction control (BEGIN, COMMIT, ROLLBACK) is not a query and not counted.
    """
    sent: list[str] = []
    hooked: list[object] = []

    def note(statement: str) -> None:
        if statement.split(None, 1)[0].upper() not in TRANSACTION_CONTROL:
            sent.append(statement)

    def hook(dbapi_connection: object, _record: object, _proxy: object) -> None:
        hooked.append(dbapi_connection)
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(note)
            return
        import psycopg

        class CountingCursor(psycopg.Cursor):
            def execute(self, query, params=None, **options):  # noqa: ANN001, ANN202
                note(str(query))
                return super().execute(query, params, **options)

        dbapi_connection.cursor_factory = CountingCursor

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "checkout", hook)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "checkout", hook)
        for connection in hooked:
            if isinstance(connection, sqlite3.Connection):
                connection.set_trace_callback(None)
            else:
                import psycopg

                connection.cursor_factory = psycopg.Cursor


def count_statements(app: Flask, rows: list[Row]) -> None:
    """Fetch each page in-process twice; note the second (warm) fetch's statements.

    The first fetch warms per-process caches, as a long-running worker has them.
    """
    client = app.test_client(use_cookies=False)
    for row in rows:
        headers = request_headers(row)
        client.get(row.path, headers=headers)
        with counting_statements(app) as statements:
            response = client.get(row.path, headers=headers)
        row.status = response.status_code
        row.statements = len(statements)
        row.sets_cookie = "Set-Cookie" in response.headers


def drive(url: str, headers: dict[str, str], seconds: int) -> dict[str, float]:
    """Run wrk against the URL: req/s, p50 and p99 (ms), bytes per response, errors."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    # wrk's 2 s default would drop the slowest answers from the percentiles.
    command += ["--timeout", "30s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        pinned([*command, url], core=1), capture_output=True, text=True, check=True
    ).stdout

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    count, size, unit = re.search(
        r"(\d+) requests in [\d.]+\w+, ([\d.]+)(B|KB|MB|GB) read", output
    ).groups()
    read = float(size) * {"B": 1, "KB": 1024, "MB": 1024**2, "GB": 1024**3}[unit]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    # "Socket errors: connect 0, read 0, write 0, timeout 0", only when some.
    socket_errors = re.search(r"Socket errors: (.*)", output)
    errors = sum(
        map(int, re.findall(r"\d+", socket_errors.group(1) if socket_errors else ""))
    )
    return {
        "rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "bytes": read / max(int(count), 1),
        "errors": (float(non_2xx.group(1)) if non_2xx else 0.0) + errors,
    }


def combined(runs: list[dict[str, float]]) -> dict[str, float]:
    """Slices of one page as one run: mean rate, median p50, worst p99."""
    return {
        "rate": statistics.fmean(run["rate"] for run in runs),
        "p50": statistics.median(run["p50"] for run in runs),
        "p99": max(run["p99"] for run in runs),
        "bytes": statistics.fmean(run["bytes"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
    }


def settle(url: str) -> None:
    """Wait until the server has answered what wrk left queued when it stopped.

    Sync workers still serve the connections wrk abandoned; without this a slow
    page's backlog would eat into the next page's run. The accept queue is first
    in, first out, so an answer to a new request means the queue is drained.
    """
    for _ in range(2):
        with suppress(urllib.error.HTTPError):
            urllib.request.urlopen(url, timeout=300)


def wait_for_answer(url: str, process: subprocess.Popen, timeout: float) -> float:
    """Seconds until the URL answers (any HTTP status), polling every 20 ms."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}) before {url}")
        try:
            urllib.request.urlopen(url, timeout=2)
        except urllib.error.HTTPError:
            pass
        except OSError:
            time.sleep(0.02)
            continue
        return time.monotonic() - started
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def make_run_seconds(env: dict[str, str]) -> float:
    """Seconds from `make run` on the prepared database to /healthz answering.

    The virtualenv counts as installed (`make bench` installs it first), so make
    is told not to remake its stamp; migrate, banks sync and flask run all happen.
    """
    port = free_port()
    process = subprocess.Popen(
        ["make", "-o", ".venv/.installed-stamp", "run", f"PORT={port}"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: make, flask and children end together
    )
    try:
        return wait_for_answer(f"http://127.0.0.1:{port}/healthz", process, 120)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def machine() -> str:
    """Cores, CPU model, memory, Python and SQLite versions, and the date."""

    def read(path: str, pattern: str) -> str | None:
        text = Path(path).read_text() if Path(path).exists() else ""
        found = re.search(pattern, text)
        return found.group(1) if found else None

    model = read("/proc/cpuinfo", r"model name\s*:\s*(.*)") or "unknown CPU"
    kilobytes = read("/proc/meminfo", r"MemTotal:\s*(\d+) kB")
    memory = f"{int(kilobytes) / 1024**2:.0f} GB RAM" if kilobytes else "RAM unknown"
    return (
        f"{os.cpu_count()} cores ({model}), {memory}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
    )


def cell(value: float, digits: int = 0) -> str:
    """A number for the table."""
    return f"{value:,.{digits}f}"


def markdown_table(rows: list[Row]) -> str:
    """The results as one Markdown table, each ratio against the bare slices."""
    titles = ("page", "who", "status", "req/s", "p50 ms", "p99 ms", "ratio", "SQL")
    lines = [
        "| " + " | ".join((*titles, "bytes", "errors", "bare req/s")) + " |",
        "| --- | --- |" + " ---: |" * 9,
    ]
    bare = {
        name: sum(row.bare[name] for row in rows) / len(rows)
        for name in ("rate", "p50", "p99", "bytes", "errors")
    }
    table = [("bare Flask `/` (mean)", "", "200", bare, 1.0, None, bare["rate"])]
    for row in rows:
        status = str(row.status) + (" +cookie" if row.sets_cookie else "")
        table.append(
            (
                row.page,
                row.visitor.label,
                status,
                row.result,
                row.ratio,
                row.statements,
                row.bare["rate"],
            )
        )
    for page, who, status, result, ratio, statements, bare_rate in table:
        cells = [
            page,
            who,
            status,
            cell(result["rate"]),
            cell(result["p50"], 1),
            cell(result["p99"], 1),
            f"{ratio:.3f}" if ratio < 0.1 else f"{ratio:.2f}",
            "" if statements is None else str(statements),
            cell(result["bytes"]),
            cell(result["errors"]),
            cell(bare_rate),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Seed, count statements, serve both apps, drive every page, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="per page")
    parser.add_argument("--quick", action="store_true", help="3 s per page")
    args = parser.parse_args()
    seconds = 3 if args.quick else args.seconds
    page_seconds = max(1, round(seconds / SLICES))
    bare_seconds = max(1, page_seconds // 2)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if not shutil.which("taskset"):
        print("taskset not found: servers and wrk share every core", file=sys.stderr)

    with tempfile.TemporaryDirectory() as folder:
        database_url = normalise_database_url(
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        )
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "MOCKINT_ENV": "development",
        }
        # The in-process app is configured exactly as the servers are.
        os.environ.update(env)
        app = create_app()
        print("seeding...", file=sys.stderr)
        seeded = seed(app)
        rows = table_rows(seeded)
        count_statements(app, rows)
        with app.app_context():
            db.engine.dispose()

        print("starting the servers...", file=sys.stderr)
        mockint_port, bare_port = free_port(), free_port()
        started = time.monotonic()
        servers = [serve("app:app", mockint_port, env)]
        gunicorn_seconds = time.monotonic() - started
        servers.append(serve("bench.bare_app:app", bare_port, env))
        try:
            bare_url = f"http://127.0.0.1:{bare_port}/"
            bare_headers = {
                "User-Agent": USER_AGENT,
                "Accept-Encoding": ACCEPT_ENCODING,
            }
            for row in rows:
                print(f"driving {row.page} {row.path}...", file=sys.stderr)
                page_url = f"http://127.0.0.1:{mockint_port}{row.path}"
                bare_runs, page_runs = [], []
                for _ in range(SLICES):
                    bare_runs.append(drive(bare_url, bare_headers, bare_seconds))
                    settle(bare_url)
                    page_runs.append(
                        drive(page_url, request_headers(row), page_seconds)
                    )
                    settle(f"http://127.0.0.1:{mockint_port}/healthz")
                row.bare, row.result = combined(bare_runs), combined(page_runs)
                row.ratio = statistics.median(
                    page["rate"] / bare["rate"]
                    for bare, page in zip(bare_runs, page_runs, strict=True)
                )
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
        print("timing make run...", file=sys.stderr)
        run_seconds = make_run_seconds(env)

    backend = database_url.split(":", 1)[0]
    print(machine())
    print(
        f"{backend}; gunicorn 2 sync workers on core 0, wrk {CONNECTIONS} "
        f"connections on core 1, {seconds} s per page; Accept-Encoding: "
        f"{ACCEPT_ENCODING}; each page driven in {SLICES} slices of "
        f"{page_seconds} s, each after {bare_seconds} s of the bare Flask app; "
        "ratio: the median of the slices' ratios to the bare slice before them "
        "(the bare app's mean req/s in the last column); p99: the worst slice's; "
        "SQL: statements of one warm in-process fetch; bytes: per response as "
        "read by wrk, headers included; +cookie: the answer sets a cookie."
    )
    print()
    print(markdown_table(rows))
    print()
    print(
        f"banks sync of all {seeded.bank_questions} questions on a fresh database: "
        f"{seeded.load_seconds + seeded.sync_seconds:.2f} s "
        f"(reading and checking the files {seeded.load_seconds:.2f} s, "
        f"writing them {seeded.sync_seconds:.2f} s)"
    )
    print(
        f"seeding: {HEAVY_ATTEMPTS + LIGHT_ATTEMPTS:,} attempts inserted in "
        f"{seeded.insert_seconds:.1f} s; rebuild_cards for both users "
        f"({seeded.heavy_cards} heavy cards) {seeded.cards_seconds:.1f} s"
    )
    print(f"`make run` to the first answered request: {run_seconds:.2f} s")
    print(
        f"gunicorn (2 workers) to the first answered request: {gunicorn_seconds:.2f} s"
    )


if __name__ == "__main__":
    main()
