"""Security headers sent with every response."""

from __future__ import annotations

from flask import Flask, Response

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


def _set_hsts(response: Response) -> Response:
    # Production runs behind TLS: browsers should never try plain HTTP again.
    response.headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def _set_security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if "Cache-Control" not in response.headers and response.mimetype == "text/html":
        # Pages show personal history: keep them out of shared caches.
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Add the security headers to every response."""
    app.after_request(_set_security_headers)
    if app.config["PRODUCTION"]:
        app.config["PREFERRED_URL_SCHEME"] = "https"
        app.after_request(_set_hsts)
