"""Concurrent writers against gunicorn workers sharing one SQLite file.

Starts `gunicorn -w 4 app:app` on a loopback port with a throw-away SQLite
database, then runs simulated users in threads, each practising rounds (start a
round, answer every question). Prints how many requests failed: with the write
lock taken up front (BEGIN IMMEDIATE) none should fail with "database is locked".

Usage: .venv/bin/python bench/concurrency.py [--users 12] [--rounds 3]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let 302s through as responses, like a form-posting browser sees them."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def practise(base: str, rounds: int, outcomes: list[int], lock: threading.Lock) -> None:
    """One user: several rounds of three questions, every answer rated."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect()
    )

    def request(path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with opener.open(base + path, body, timeout=30) as response:
                status, text = response.status, response.read().decode()
                location = response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
            location = error.headers.get("Location", "")
        except OSError:  # a timed-out request counts as failed (status 0)
            status, text, location = 0, "", ""
        with lock:
            outcomes.append(status)
        return status, text, location

    for _ in range(rounds):
        _, page, _ = request("/fields/software-engineering")
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        _, _, location = request(
            "/fields/software-engineering/rounds", {"csrf_token": token, "size": 3}
        )
        round_path = urllib.parse.urlparse(location).path.rsplit("/", 1)[0]
        for position in (1, 2, 3):
            _, page, _ = request(f"{round_path}/{position}")
            shown = re.search(r'name="shown_token"[^>]*value="([^"]+)"', page)
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            request(
                f"{round_path}/{position}",
                {
                    "csrf_token": token,
                    "shown_token": shown.group(1) if shown else "",
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
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'load.db'}",
            "SECRET_KEY": "concurrency-bench",
        }
        flask = [str(BIN / "flask"), "--app", "app"]
        subprocess.run(
            [*flask, "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        subprocess.run(
            [*flask, "banks", "sync"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", "4", "-b", f"127.0.0.1:{port}", "app:app"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,  # gunicorn.conf.py logs every request there
            stderr=subprocess.PIPE,
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
            outcomes: list[int] = []
            lock = threading.Lock()
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=practise, args=(base, args.rounds, outcomes, lock)
                )
                for _ in range(args.users)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            seconds = time.perf_counter() - started
        finally:
            server.terminate()
            _, errors = server.communicate(timeout=10)
    failed = [status for status in outcomes if status >= 400 or status == 0]
    print("statuses:", {s: outcomes.count(s) for s in sorted(set(outcomes))})
    print(
        f"{args.users} users x {args.rounds} rounds against 4 gunicorn workers on "
        f"SQLite: {len(outcomes)} requests in {seconds:.1f} s, "
        f"{len(failed)} failed, 'database is locked' in logs: "
        f"{errors.count('database is locked')}"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
