"""How responses travel: compressed, and static files cached for a year by hash."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Flask, Response, request

from mockint.extensions import compress

# A hashed URL names one exact file, so browsers may keep it without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 12

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
    """Compress responses and give static URLs a content hash."""
    # Brotli 5 is as fast as gzip 6 and a tenth smaller; 11 costs 40 times more.
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_BR_LEVEL", 5)
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

    @app.after_request
    def cache_hashed_static(response: Response) -> Response:
        # Only the URL carrying today's hash is immutable; an old or missing
        # hash is still answered, but revalidated, so nobody keeps a stale file.
        if request.endpoint == "static" and response.status_code in (200, 304):
            filename = (request.view_args or {}).get("filename", "")
            if request.args.get("v") == current_hash(filename):
                response.headers["Cache-Control"] = IMMUTABLE
        return response
