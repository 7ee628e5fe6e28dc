"""Compression, hashed static URLs, page weight, and gunicorn with its config."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import brotli
import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mockint.config import PROJECT_ROOT
from mockint.extensions import db
from mockint.interviewing.links import create_link
from mockint.interviewing.questions import create_interview
from mockint.models import Question, User, utcnow

from support import make_app
from tour import every_page

BROWSER = {"Accept-Encoding": "br, gzip"}
PAGE_BUDGET = 50_000  # bytes on a first visit: the page and everything it loads
STATIC = PROJECT_ROOT / "mockint" / "static"


def decoded(response: TestResponse) -> bytes:
    """The body as the browser sees it after undoing Content-Encoding."""
    encoding = response.headers.get("Content-Encoding")
    if encoding == "br":
        return brotli.decompress(response.data)
    if encoding == "gzip":
        return gzip.decompress(response.data)
    assert encoding is None, encoding
    return response.data


def transferred(response: TestResponse) -> int:
    """Bytes on the wire: status line, headers and the (compressed) body."""
    head = f"HTTP/1.1 {response.status}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in response.headers.items()
    )
    return len(head) + 2 + len(response.data)


def referenced_assets(html: str) -> set[str]:
    """Static URLs a page makes the browser fetch: styles, icons, scripts, images."""
    tags = re.findall(r"<(?:link|script|img)\b[^>]*>", html)
    urls = {
        m.group(1) for tag in tags if (m := re.search(r'(?:href|src)="([^"]+)"', tag))
    }
    return {url.replace("&amp;", "&") for url in urls if url.startswith("/static/")}


def nested_assets(url: str, body: bytes) -> set[str]:
    """What a stylesheet or module pulls in: url(...), @import and JS imports."""
    text = body.decode("utf-8", "replace")
    found = re.findall(r"""url\(\s*['"]?([^'")]+)""", text) + re.findall(
        r"""(?:@import|import|from)\s+['"]([^'"]+)['"]""", text
    )
    base = url.split("?")[0].rsplit("/", 1)[0]
    nested = set()
    for target in found:
        if target.startswith(("data:", "#")):
            continue
        nested.add(target if target.startswith("/") else f"{base}/{target}")
    return nested


def first_visit_bytes(client: FlaskClient, page: TestResponse) -> dict[str, int]:
    """Bytes per request for a page and, once each, every asset it loads."""
    sizes = {"page": transferred(page)}
    queue = sorted(referenced_assets(decoded(page).decode()))
    while queue:
        url = queue.pop()
        if url in sizes:
            continue
        asset = client.get(url, headers=BROWSER)
        assert asset.status_code == 200, url
        sizes[url] = transferred(asset)
        queue.extend(nested_assets(url, decoded(asset)))
    return sizes


def test_every_page_fits_the_first_visit_budget(app: Flask) -> None:
    client = app.test_client()
    rows = []
    for visit in every_page(app, BROWSER):
        sizes = first_visit_bytes(client, visit.response)
        rows.append((visit.name, sizes["page"], sum(sizes.values()), len(sizes) - 1))
    table = "\n".join(
        f"{name:32} page {page:6,} B   with {assets} assets {total:7,} B"
        for name, page, total, assets in rows
    )
    print(f"\nFirst visit, empty cache, Accept-Encoding: br, gzip\n{table}")
    heaviest = max(total for _, _, total, _ in rows)
    assert heaviest <= PAGE_BUDGET, table
    assert len(rows) >= 20


def test_pages_and_assets_are_compressed(client: FlaskClient) -> None:
    plain = client.get("/fields/alpha-field")
    assert "Content-Encoding" not in plain.headers  # a client that asked for none
    page = client.get("/fields/alpha-field", headers=BROWSER)
    assert page.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in page.headers["Vary"]
    assert len(page.data) < len(plain.data) / 3
    assert b"Alpha Field" in decoded(page)

    for url in sorted(referenced_assets(plain.get_data(as_text=True))):
        asset = client.get(url, headers={"Accept-Encoding": "gzip"})
        content = (STATIC / url.split("?")[0].removeprefix("/static/")).read_bytes()
        # Below 500 bytes compression saves less than its own overhead.
        expected = "gzip" if len(content) >= 500 else None
        assert asset.headers.get("Content-Encoding") == expected, url
        assert decoded(asset) == content, url


def test_error_pages_are_compressed_too(client: FlaskClient) -> None:
    missing = client.get("/no-such-page", headers=BROWSER)
    assert missing.status_code == 404
    assert missing.headers["Content-Encoding"] == "br"
    assert b"<!doctype html>" in decoded(missing)


def test_static_urls_carry_the_content_hash(client: FlaskClient) -> None:
    page = client.get("/rounds/1/1").get_data(as_text=True)  # any page: the head
    urls = referenced_assets(client.get("/").get_data(as_text=True)) | (
        referenced_assets(page)
    )
    assert {u.split("?")[0] for u in urls} >= {
        "/static/vendor/pico.min.css",
        "/static/css/mockint.css",
        "/static/favicon.svg",
        "/static/js/timezone.js",
    }
    for url in urls:
        path, _, query = url.partition("?")
        content = (STATIC / path.removeprefix("/static/")).read_bytes()
        assert query == f"v={hashlib.sha256(content).hexdigest()[:12]}", url


def test_only_the_current_hash_is_cached_for_a_year(client: FlaskClient) -> None:
    url = next(
        u
        for u in referenced_assets(client.get("/").get_data(as_text=True))
        if "mockint.css" in u
    )
    current = client.get(url)
    assert current.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for stale in ("/static/css/mockint.css", "/static/css/mockint.css?v=0123456789ab"):
        response = client.get(stale)
        assert response.status_code == 200  # an old page still gets its styles
        assert "immutable" not in response.headers.get("Cache-Control", ""), stale
        assert "max-age=31536000" not in response.headers.get("Cache-Control", "")


def free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str, headers: dict[str, str]) -> tuple[int, dict[str, list[str]], bytes]:
    """GET a URL without following redirects or decoding the body."""
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, message, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, message, body = error.code, error.headers, error.read()
    names = {name.lower() for name in message}
    return status, {name: message.get_all(name) for name in names}, body


def fetch_unfollowed(port: int, path: str) -> tuple[int, str]:
    """GET a path and return the status and Location, not following redirects."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Location") or ""
    finally:
        connection.close()


def _interview_link(app: Flask) -> str:
    """Make an interview with a live link; return the link's raw token."""
    candidate = User()
    db.session.add(candidate)
    db.session.flush()
    question = db.session.scalars(db.select(Question)).first()
    interview = create_interview(
        db.session, candidate.id, "Sam", [], None, "hand-picked", [question], True, 7
    )
    token = create_link(db.session, interview, 7, utcnow())
    db.session.commit()
    return token


def test_gunicorn_serves_with_the_config_and_logs_no_query(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'serve.db'}"
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=database)
    with app.app_context():
        link_token = _interview_link(app)
        db.engine.dispose()
    port = free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DATABASE_URL": database,
        "SECRET_KEY": "serving-test",
        "MOCKINT_ENV": "development",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "--workers", "1"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    secret = "s3cr3t-share-token"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, headers, body = fetch(f"{base}/healthz?token={secret}", {})
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("gunicorn did not start: " + server.stderr.read())
                time.sleep(0.2)
        assert status == 200 and b'"ok"' in body
        # One Server header naming no version: gunicorn drops the app's own.
        assert headers["server"] == ["gunicorn"]

        status, headers, body = fetch(
            f"{base}/fields/alpha-field?kind=behavioral&token={secret}",
            {**BROWSER, "Referer": f"{base}/review?token={secret}"},
        )
        assert status == 200
        assert headers["content-encoding"] == ["br"]
        assert b"Alpha Field" in brotli.decompress(body)

        status, location = fetch_unfollowed(port, f"/i/{link_token}")
        assert status == 303 and location.endswith("/conduct")
        assert fetch_unfollowed(port, f"/i/{link_token[::-1]}")[0] == 404
    finally:
        server.send_signal(signal.SIGTERM)
        stdout, stderr = server.communicate(timeout=30)

    access = [line for line in stdout.splitlines() if '"GET ' in line]
    assert any('"GET /healthz HTTP/1.1" 200' in line for line in access), stdout
    assert any('"GET /fields/alpha-field HTTP/1.1" 200' in line for line in access)
    assert secret not in stdout + stderr
    # Interviewer-link tokens are secrets: the lines that carried them are redacted.
    assert link_token not in stdout + stderr
    assert link_token[::-1] not in stdout + stderr
    assert sum('"GET /i/[redacted] HTTP/1.1"' in line for line in access) == 2, access
    assert not any("?" in line for line in access), access


def test_development_server_and_app_logs_redact_link_tokens(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = "Zx9-secret_link_token"
    # Alembic's logging set-up (a migration test run earlier) disables the
    # loggers that existed then; the server process never runs migrations.
    for logger in (logging.getLogger("werkzeug"), app.logger):
        monkeypatch.setattr(logger, "disabled", False)
    with caplog.at_level(logging.INFO):
        # The development server's request line, as werkzeug logs it.
        logging.getLogger("werkzeug").info(
            '%s - - [%s] "%s" %s -', "127.0.0.1", "now", f"GET /i/{token} HTTP/1.1", 303
        )
        app.logger.error("Exception on /i/%s [GET]", token)
    assert token not in caplog.text
    assert caplog.text.count("/i/[redacted]") == 2
