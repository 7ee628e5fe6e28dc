"""Errors a user can cause, rendered as pages in the site's layout."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing here. The link may be mistyped, expired or revoked.",
    405: "That action is not allowed here.",
    413: "That upload is too large.",
    500: "Something went wrong on our side. Please try again in a moment.",
}


def _render_http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=error.name,
            message=MESSAGES.get(code, error.description),
        ),
        code,
    )


def _render_csrf_error(error: CSRFError) -> tuple[str, int]:
    return (
        render_template(
            "errors/error.html",
            code=400,
            title="Form expired",
            message=(
                "This form was missing its security token or it had expired. "
                "Go back, reload the page and submit again."
            ),
        ),
        400,
    )


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(CSRFError, _render_csrf_error)
    app.register_error_handler(HTTPException, _render_http_error)
