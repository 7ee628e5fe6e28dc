"""The live poll, answered in front of Flask's request machinery.

Both screens of a friend interview ask for its state about once a second, so
the poll is by far the most frequent request. It needs the browser's session
token (from the signed session cookie) and one indexed query; Flask's request
context, hooks and response handling would cost several times that. This WSGI
middleware answers the common case itself, with the same query, the same JSON
and the same headers as the `interviews.state` view, and hands every other case
(no session cookie, a bad signature, an unknown interview) to Flask unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import Flask
from itsdangerous import BadSignature
from werkzeug.http import parse_cookie, parse_etags

from mockint.extensions import db
from mockint.interviewing.live import LiveState, RawLiveState
from mockint.login_sessions import hash_token
from mockint.models import utcnow
from mockint.security import HSTS_HEADER, SECURITY_HEADERS

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

STATE_PATH = re.compile(r"/interviews/([A-Za-z0-9_-]{1,24})/state\Z")


def state_headers(state: LiveState) -> dict[str, str]:
    """The headers every answer to the poll carries, whoever answers it."""
    return {
        "ETag": f'"v{state.version}"',
        "Cache-Control": "no-store",
        "X-Robots-Tag": "noindex",
    }


def is_current(state: LiveState, if_none_match: str | None) -> bool:
    """True when the screen already has this version (answer 304)."""
    return parse_etags(if_none_match).contains(f"v{state.version}")


class FastPoll:
    """WSGI middleware answering /interviews/<id>/state without Flask."""

    def __init__(self, app: Flask, wsgi_app: WSGIApplication) -> None:
        self.wsgi_app = wsgi_app
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]
        self.serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
        self.max_age = int(app.permanent_session_lifetime.total_seconds())
        with app.app_context():
            self.engine = db.engine
        self.query = RawLiveState(self.engine.dialect)
        self.headers = dict(SECURITY_HEADERS)
        if app.config["PRODUCTION"]:
            self.headers.update(HSTS_HEADER)

    def __call__(
        self, environ: WSGIEnvironment, start_response: StartResponse
    ) -> Iterable[bytes]:
        """Answer the poll when the session cookie is valid; else pass it on."""
        match = STATE_PATH.match(environ.get("PATH_INFO", ""))
        if match is None or environ.get("REQUEST_METHOD") != "GET":
            return self.wsgi_app(environ, start_response)
        token = self._session_token(environ)
        if token is None:
            return self.wsgi_app(environ, start_response)
        now = utcnow()
        # A pooled DB-API connection: returning it rolls back whatever it began.
        # (SQLite connections run in autocommit mode, so the read takes no lock.)
        connection = self.engine.raw_connection()
        try:
            state = self.query.fetch(connection, match.group(1), hash_token(token), now)
        finally:
            connection.close()
        if state is None:
            return self.wsgi_app(environ, start_response)  # Flask renders the 404
        headers = {**self.headers, **state_headers(state), "Vary": "Cookie"}
        if is_current(state, environ.get("HTTP_IF_NONE_MATCH")):
            start_response("304 Not Modified", list(headers.items()))
            return []
        # As Flask's JSON provider writes it, so both paths answer byte for byte.
        text = json.dumps(state.as_json(now), separators=(",", ":"), sort_keys=True)
        body = (text + "\n").encode()
        headers["Content-Type"] = "application/json"
        headers["Content-Length"] = str(len(body))
        start_response("200 OK", list(headers.items()))
        return [body]

    def _session_token(self, environ: WSGIEnvironment) -> str | None:
        cookie = parse_cookie(environ).get(self.cookie_name)
        if not cookie:
            return None
        try:
            data: Any = self.serializer.loads(cookie, max_age=self.max_age)
        except BadSignature:
            return None
        token = data.get("_user_id") if isinstance(data, dict) else None
        return token if isinstance(token, str) and token else None


def init_app(app: Flask) -> None:
    """Put the fast poll in front of the app (config LIVE_POLL_FAST_PATH)."""
    if app.config.get("LIVE_POLL_FAST_PATH", True):
        app.wsgi_app = FastPoll(app, app.wsgi_app)  # type: ignore[method-assign]
