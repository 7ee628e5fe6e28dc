"""How responses travel: compressed, static files cached for a year by hash, and
page links built once per process."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import flask
from flask import Flask, Response, has_request_context, request

from mockint.extensions import compress
from mockint.memo import Remembered

# A hashed URL names one exact file, so browsers may keep it without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12
# Distinct links a process remembers; pages with ids in their links (rounds,
# questions) would otherwise grow the memo without end. Clearing is cheap.
REMEMBERED_URLS = 4096

COMPRESSED_TYPES = [
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
]


def file_hash(path: Path) -> str:
    """The short sha256 of a file's content."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:HASH_LENGTH]


def static_hashes(folder: Path) -> dict[str, str]:
    """Every file under the static folder by its URL filename, with its hash."""
    return {
        path.relative_to(folder).as_posix(): file_hash(path)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def init_app(app: Flask) -> None:
    """Compress responses, give static URLs a content hash, memoise page links."""
    # Pages are made afresh for each request, so compressing them is paid every
    # time: brotli 0, its one-pass mode, takes a half to a third of brotli 1's
    # time (0.09 against 0.14 ms for a signed-in home page of 25 KB, 0.06 against
    # 0.18 ms for a review page of 46 KB; brotli 5 took six times brotli 1's) for
    # bodies 1-5% larger, still smaller than gzip 1's, which is slower than both.
    # CPU is what a small self-hosted server runs out of first, not bandwidth.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 0)
    app.config.setdefault("COMPRESS_LEVEL", 1)
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESSED_TYPES)
    compress.init_app(app)

    folder = Path(app.static_folder or "")
    hashes = static_hashes(folder)

    def current_hash(filename: str) -> str | None:
        if app.debug:  # files change under a developer: hash them afresh
            path = folder / filename
            return file_hash(path) if path.is_file() else None
        return hashes.get(filename)

    @app.url_defaults
    def add_static_hash(endpoint: str, values: dict[str, Any]) -> None:
        if endpoint == "static" and "filename" in values:
            digest = current_hash(values["filename"])
            if digest:
                values.setdefault("v", digest)

    app.jinja_env.globals["url_for"] = memoised_url_for(app)

    @app.after_request
    def cache_hashed_static(response: Response) -> Response:
        # Only the URL carrying today's hash is immutable; an old or missing
        # hash is still answered, but revalidated, so nobody keeps a stale file.
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") == current_hash(filename):
                response.headers["Cache-Control"] = IMMUTABLE
        return response


def memoised_url_for(app: Flask) -> Callable[..., str]:
    """`url_for` for templates, remembering each link it has built.

    A page links to the same dozens of endpoints on every request (the navigation,
    static files with their hashes, one link per field), and Werkzeug builds each
    afresh. A plain link depends only on the endpoint, its values and the
    application root, so it is kept under those; anything else (external links,
    anchors, values that cannot be hashed, no request, debug mode where static
    hashes change under the developer) goes straight to Flask.
    """
    built: Remembered[tuple[object, ...], str] = Remembered(limit=REMEMBERED_URLS)

    def url_for(endpoint: str, **values: Any) -> str:
        if (
            app.debug
            or not has_request_context()
            or any(name.startswith("_") for name in values)
        ):
            return flask.url_for(endpoint, **values)
        if endpoint.startswith("."):  # relative to the current blueprint
            endpoint = f"{request.blueprint or ''}{endpoint}".lstrip(".")
        # The type is part of the key: True == 1, but they make different links.
        key = (
            request.script_root,
            endpoint,
            *((name, type(value), value) for name, value in sorted(values.items())),
        )
        return built.made(key, lambda: flask.url_for(endpoint, **values))

    return url_for
