"""Security headers sent with every response, and refusing unusable input early."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, abort, request
from werkzeug.routing import BaseConverter, ValidationError

# Bodies a form endpoint understands; anything else (JSON, XML, text) is a 400.
FORM_MIMETYPES = frozenset(
    {"", "application/x-www-form-urlencoded", "multipart/form-data"}
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The largest id PostgreSQL's INTEGER (and so every id column) can hold.
MAX_DATABASE_ID = 2**31 - 1

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Production runs behind TLS: browsers should never try plain HTTP again.
HSTS_HEADER = {"Strict-Transport-Security": "max-age=31536000"}


def _set_hsts(response: Response) -> Response:
    response.headers.update(HSTS_HEADER)
    return response


SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    # The microphone only for this site's own pages (recording answers).
    "Permissions-Policy": "camera=(), microphone=(self), geolocation=()",
    # Name no software or version: nothing to look up in a vulnerability list.
    "Server": "mockint",
}


def _set_security_headers(response: Response) -> Response:
    # A view may set a stricter policy of its own (the recorded audio's sandbox).
    own_policy = response.headers.get("Content-Security-Policy")
    response.headers.update(SECURITY_HEADERS)
    if own_policy:
        response.headers["Content-Security-Policy"] = own_policy
    if "Cache-Control" not in response.headers and response.mimetype == "text/html":
        # Pages show personal history: keep them out of shared caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_unusable_input() -> None:
    # NUL cannot be stored in PostgreSQL text, and no person types it.
    if "\x00" in request.path:
        abort(404)
    if any("\x00" in value for value in request.args.values()):
        abort(400)
    if request.method not in UNSAFE_METHODS:
        return
    if request.mimetype not in FORM_MIMETYPES:
        abort(400)
    if request.mimetype != "application/json" and any(
        "\x00" in value for value in request.form.values()
    ):
        abort(400)


class DatabaseIdConverter(BaseConverter):
    """`<id:name>`: a positive integer that fits an id column, else a 404."""

    regex = r"\d{1,10}"

    def to_python(self, value: str) -> int:
        """Parse the id, refusing values no row can have."""
        number = int(value)
        if not 0 < number <= MAX_DATABASE_ID:
            raise ValidationError()
        return number

    def to_url(self, value: Any) -> str:
        """Write the id as digits."""
        return str(int(value))


def init_app(app: Flask) -> None:
    """Add the security headers to every response and screen input."""
    app.url_map.converters["id"] = DatabaseIdConverter
    app.before_request(_refuse_unusable_input)
    app.after_request(_set_security_headers)
    if app.config["PRODUCTION"]:
        app.config["PREFERRED_URL_SCHEME"] = "https"
        app.after_request(_set_hsts)
