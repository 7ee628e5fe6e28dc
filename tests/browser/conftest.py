"""Fixtures for real-browser tests: a live server and Debian's Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium, or another one named by CHROMIUM."""
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


@pytest.fixture(scope="session")
def playwright() -> Iterator[object]:
    """Playwright with Debian's Chromium at hand (fails, never skips, on CI)."""
    path = chromium_path()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev extras missing
        sync_playwright = None
    if path is None or sync_playwright is None:
        message = "Chromium and Playwright are needed: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        yield playwright


def launch_chromium(playwright: object, extra_args: list[str] | None = None) -> object:
    """A headless Chromium with the usual flags and any extra ones."""
    return playwright.chromium.launch(
        executable_path=chromium_path(), args=CHROMIUM_ARGS + (extra_args or [])
    )


@pytest.fixture(scope="session")
def chromium_with(playwright: object) -> Callable[[list[str]], object]:
    """Launch another Chromium with extra flags (a fake microphone, say)."""
    return lambda extra_args: launch_chromium(playwright, extra_args)


@pytest.fixture(scope="session")
def browser(playwright: object) -> Iterator[object]:
    """One headless Chromium for the whole run."""
    browser = launch_chromium(playwright)
    yield browser
    browser.close()


class LiveServer:
    """The app served over HTTP on a free loopback port, in a thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture
def live_server(app: Flask) -> Iterator[LiveServer]:
    """The test app served on a loopback port."""
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def page(browser: object, live_server: LiveServer) -> Iterator[object]:
    """A fresh browser page (new cookies) pointed at the live server."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def collect_console_error(message: object) -> None:
        # A 400 or 404 page is expected in some tests; script errors never are.
        if message.type == "error" and "Failed to load resource" not in message.text:
            errors.append(message.text)

    page.on("console", collect_console_error)
    yield page
    context.close()
    assert errors == [], f"the page logged errors: {errors}"
