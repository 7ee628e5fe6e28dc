"""Benchmark: the friend interview's poll endpoint against a bare Flask endpoint.

Seeds a live interview with a friend's grant, serves mockint and a bare Flask
app the same way (gunicorn, 2 sync workers pinned to one core), drives both with
wrk (16 connections, pinned to the other core) and prints requests per second,
latency and the ratio to the bare endpoint for:
- the poll while nothing changed (If-None-Match with the current ETag: 304),
- the poll when the screen is a version behind (200 with the JSON state).

Usage: .venv/bin/python bench/poll.py [--seconds 10]
Needs wrk (`apt-get install wrk`) and taskset (util-linux) where available.
Uses a throw-away SQLite file, or BENCH_DATABASE_URL (for example PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from mockint import create_app
from mockint.bank_sync import sync_banks
from mockint.banks import load_banks
from mockint.config import PROJECT_ROOT, normalise_database_url
from mockint.extensions import db
from mockint.interviewing.links import create_link
from mockint.interviewing.live import begin
from mockint.interviewing.questions import create_interview
from mockint.models import Interview, Question, User, utcnow

CONNECTIONS = 16


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seed(database_url: str) -> tuple[str, str, int]:
    """A live interview and a friend holding its grant: (path, cookie, version)."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench-secret"}
    )
    with app.app_context():
        db.drop_all()
        db.create_all()
        sync_banks(db.session, load_banks(PROJECT_ROOT / "questions"))
        candidate = User(username="sam")
        db.session.add(candidate)
        db.session.flush()
        questions = list(db.session.scalars(db.select(Question).limit(5)))
        interview = create_interview(
            db.session, candidate.id, "Sam", [], None, "random", questions, False, 7
        )
        token = create_link(db.session, interview, 7, utcnow())
        db.session.commit()
        public_id = interview.public_id
    friend = app.test_client()
    assert friend.get(f"/i/{token}").status_code == 303
    cookie = friend.get_cookie("session")
    with app.app_context():
        interview = db.session.scalar(
            db.select(Interview).where(Interview.public_id == public_id)
        )
        begin(db.session, interview, interview.version, utcnow())
        db.session.commit()
        version = interview.version
        db.engine.dispose()
    return f"/interviews/{public_id}/state", f"session={cookie.value}", version


def pinned(command: list[str], core: int) -> list[str]:
    """The command pinned to one CPU core when taskset exists."""
    taskset = shutil.which("taskset")
    return [taskset, "-c", str(core), *command] if taskset else command


def serve(app_path: str, port: int, env: dict[str, str]) -> subprocess.Popen:
    """Start gunicorn with 2 sync workers on one core and wait until it answers."""
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    server = subprocess.Popen(
        pinned(
            [gunicorn, "--workers", "2", "--bind", f"127.0.0.1:{port}", app_path],
            core=0,
        ),
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
            return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"{app_path} did not start on port {port}")


def drive(url: str, headers: list[str], seconds: int) -> dict[str, float]:
    """Run wrk against the URL; return requests per second and latencies (ms)."""
    command = ["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run(
        pinned([*command, url], core=1), capture_output=True, text=True, check=True
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def latency(percent: str) -> float:
        value, unit = re.search(rf"\s{percent}%\s+([\d.]+)(us|ms|s)", output).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rate": rate,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": float(non_2xx.group(1)) if non_2xx else 0.0,
    }


def main() -> None:
    """Seed, serve both apps, drive them and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as folder:
        database_url = normalise_database_url(
            os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder}/bench.db"
        )
        path, cookie, version = seed(database_url)
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret",
            "MOCKINT_ENV": "development",
        }
        mockint_port, bare_port = free_port(), free_port()
        servers = [
            serve("app:app", mockint_port, env),
            serve("bench.bare_app:app", bare_port, env),
        ]
        try:
            rows = [
                ("bare Flask endpoint", f"http://127.0.0.1:{bare_port}/", []),
                (
                    "poll, unchanged (304)",
                    f"http://127.0.0.1:{mockint_port}{path}",
                    [f"Cookie: {cookie}", f'If-None-Match: "v{version}"'],
                ),
                (
                    "poll, changed (200 JSON)",
                    f"http://127.0.0.1:{mockint_port}{path}",
                    [f"Cookie: {cookie}", f'If-None-Match: "v{version - 1}"'],
                ),
            ]
            results = [
                (name, drive(url, headers, args.seconds)) for name, url, headers in rows
            ]
        finally:
            for server in servers:
                server.send_signal(signal.SIGTERM)
                server.wait(timeout=30)
    bare = results[0][1]["rate"]
    backend = database_url.split(":", 1)[0]
    print(
        f"{backend}, gunicorn 2 sync workers on one core, "
        f"wrk {CONNECTIONS} connections, {args.seconds} s each"
    )
    header = ("endpoint", "req/s", "p50 ms", "p99 ms", "ratio", "non-2xx/3xx")
    print(f"{header[0]:<26}" + "".join(f"{title:>12}" for title in header[1:]))
    for name, result in results:
        cells = (
            f"{result['rate']:.0f}",
            f"{result['p50']:.2f}",
            f"{result['p99']:.2f}",
            f"{result['rate'] / bare:.2f}",
            f"{result['errors']:.0f}",
        )
        print(f"{name:<26}" + "".join(f"{cell:>12}" for cell in cells))


if __name__ == "__main__":
    main()
