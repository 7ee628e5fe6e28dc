"""Shared by the load benchmarks: gunicorn on a loopback port, a browser-like client.

`Server` runs the app the way `make serve` does (gunicorn with gunicorn.conf.py)
on 127.0.0.1 and can be killed outright and started again; `Browser` is one
person's browser: it keeps cookies and, like a page posting a form, sees a 302 as
an answer rather than following it.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LOOPBACK = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def server_env(database_url: str, workers: int) -> dict[str, str]:
    """The environment of a benchmark server: its database, a fixed key, workers."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        # Fixed, so that cookies and signed form tokens survive a restart.
        "SECRET_KEY": "load-bench-" + "0" * 32,
        "WEB_CONCURRENCY": str(workers),
        "HOST": LOOPBACK,
        # Log lines written at once: a killed process loses no buffered lines.
        "PYTHONUNBUFFERED": "1",
    }


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and load the question banks, as `make serve` does before serving."""
    for command in (["db", "upgrade"], ["banks", "sync"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "app", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )


def _process_group_members(group: int) -> list[int]:
    """Live (not zombie) processes of a process group, read from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # it exited while we looked
            continue
        # The command name may hold spaces and parentheses: fields follow the last ")".
        state, _parent, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == group and state != "Z":
            members.append(int(entry.name))
    return sorted(members)


class Server:
    """gunicorn with gunicorn.conf.py on a loopback port, its log in a file."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        self.env = {**env, "PORT": str(self.port)}
        self.base = f"http://{LOOPBACK}:{self.port}"
        self.log_path = log_path
        self._log: IO[str] | None = None
        self._process: subprocess.Popen[str] | None = None

    def start(self) -> float:
        """Start gunicorn and wait until it answers /healthz; return the seconds."""
        started = time.perf_counter()
        self._log = self.log_path.open("a")
        self._process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"],
            cwd=ROOT,
            env=self.env,
            stdout=self._log,  # the access log and the error log go to stdout
            stderr=subprocess.STDOUT,
            text=True,
            # Its own process group, so that a hard kill reaches master and
            # workers and nothing else.
            start_new_session=True,
        )
        while time.perf_counter() - started < START_TIMEOUT:
            if self._process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_path}")
            try:
                with urllib.request.urlopen(self.base + "/healthz", timeout=2):
                    return time.perf_counter() - started
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not answer in {START_TIMEOUT:.0f} s")

    def processes(self) -> list[int]:
        """Master and workers now alive (the master leads the process group)."""
        return _process_group_members(self._process.pid) if self._process else []

    def kill_hard(self) -> list[int]:
        """SIGKILL master and workers at once, as a crash would; return their pids."""
        assert self._process is not None
        victims = self.processes()
        os.killpg(self._process.pid, signal.SIGKILL)
        self._process.wait(timeout=STOP_TIMEOUT)
        # The workers' copies of the listening socket close only when they are gone.
        deadline = time.perf_counter() + STOP_TIMEOUT
        while self.processes() and time.perf_counter() < deadline:
            time.sleep(0.02)
        self._close_log()
        return victims

    def stop(self) -> None:
        """Shut down gracefully (SIGTERM), or kill after a timeout."""
        if self._process is None or self._process.poll() is not None:
            self._close_log()
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill_hard()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        """Everything gunicorn and the app logged, over every start."""
        return self.log_path.read_text(errors="replace")


def logged_statuses(log: str) -> list[int]:
    """The statuses in gunicorn.conf.py's access log lines."""
    return [int(status) for status in re.findall(r'" (\d{3}) ', log)]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let 302s through as responses, like a form-posting browser sees them."""

    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


@dataclass(frozen=True)
class Reply:
    """What came back: status 0 when no HTTP answer did (refused, reset, timeout)."""

    status: int
    text: str = ""
    location: str = ""


class Browser:
    """One person's browser: a cookie jar, redirects seen rather than followed."""

    def __init__(
        self,
        base: str,
        jar: http.cookiejar.CookieJar | None = None,
        timeout: float = 30,
    ) -> None:
        self.base = base
        self.jar = jar if jar is not None else http.cookiejar.CookieJar()
        self.timeout = timeout
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def tab(self) -> Browser:
        """Another tab of the same browser: same cookies, its own connection."""
        return Browser(self.base, self.jar, self.timeout)

    def send(self, path: str, form: dict[str, object] | None = None) -> Reply:
        """GET the path, or POST the form to it."""
        body = urllib.parse.urlencode(form).encode() if form is not None else None
        try:
            try:
                response = self._opener.open(self.base + path, body, self.timeout)
            except urllib.error.HTTPError as error:
                response = error  # a 4xx or 5xx answer: still an answer
            with response:
                return Reply(
                    response.status,
                    response.read().decode(errors="replace"),
                    response.headers.get("Location", ""),
                )
        except (OSError, http.client.HTTPException):
            # Refused, reset mid-answer, cut short, or timed out.
            return Reply(0)


def csrf_token(page: str) -> str:
    """The CSRF token every page carries in its <meta name="csrf-token">."""
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    return match.group(1) if match else ""


def shown_token(page: str) -> str:
    """The question screen's signed "shown at" token."""
    match = re.search(r'name="shown_token"[^>]*value="([^"]+)"', page)
    return match.group(1) if match else ""


def round_path(location: str) -> str:
    """ "/rounds/7" from a redirect to "/rounds/7/1"."""
    return urllib.parse.urlparse(location).path.rsplit("/", 1)[0]
