"""Errors a user can cause, rendered as pages in the site's layout."""

from __future__ import annotations

from flask import Flask, current_app, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from mockint.extensions import db

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing here. The link may be mistyped, expired or revoked.",
    405: "That action is not allowed here.",
    413: "That upload is too large.",
    500: "Something went wrong on our side. Please try again in a moment.",
}


# Served when even the site's error page cannot render (the database is down):
# no template, no query, still in plain words.
BARE_500_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Server error · mockint</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="mockint could not answer this request.">
</head><body><main><h1>Server error</h1><p>{message}</p>
<p><a href="/">Back to mockint</a></p></main></body></html>"""


def _render_http_error(error: HTTPException) -> tuple[str, int]:
    code = error.code or 500
    # Whatever failed may have left the transaction unusable; the page's own
    # queries (the signed-in user, say) need a clean one.
    db.session.rollback()
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=error.name,
            message=MESSAGES.get(code, error.description),
        ),
        code,
    )


def _render_server_error(error: InternalServerError) -> tuple[str, int]:
    # Flask has logged the original exception with its traceback by now.
    try:
        return _render_http_error(error)
    except Exception:
        current_app.logger.exception("the error page itself failed to render")
        return BARE_500_PAGE.format(message=MESSAGES[500]), 500


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
    app.register_error_handler(InternalServerError, _render_server_error)
    app.register_error_handler(HTTPException, _render_http_error)
