"""Flask's signed-cookie sessions, remembering the cookies already verified.

A browser sends the same session cookie with every request until its session
changes, and checking the signature and decoding the payload cost a tenth of a
small page. The cookie's exact text, under the same keys, always decodes to the
same data, so the decoded data is kept (a bounded number of cookies) and only its
age is checked again: a cookie is refused exactly when Flask would refuse it.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

from mockint.memo import Remembered

REMEMBERED_COOKIES = 4096
# Values a session may share between requests: a list (such as flashed messages)
# could be changed in place by one request and seen by the next.
_IMMUTABLE = (str, bytes, int, float, bool, type(None), datetime)


class VerifiedCookieSessions(SecureCookieSessionInterface):
    """Signed-cookie sessions that verify each distinct cookie once per process."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        # (keys, cookie text) -> (data, when it was signed, as a Unix time)
        self._verified: Remembered[tuple[Any, ...], tuple[dict[str, Any], int]] = (
            Remembered(limit=REMEMBERED_COOKIES)
        )

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, made once per set of keys rather than per request."""
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            if serializer is None:
                return None
            self._serializers[keys] = serializer
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The cookie's session, or a new one when it is missing, forged or expired."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        cookie = request.cookies.get(self.get_cookie_name(app))
        if not cookie:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (app.secret_key, cookie)
        remembered = self._verified.get(key)
        if remembered is not None:
            data, signed_at = remembered
            # itsdangerous's own test: expired when older than max_age, or from
            # the future.
            if 0 <= int(time.time()) - signed_at <= max_age:
                return self.session_class(data)
            return self.session_class()
        try:
            data, signed = serializer.loads(
                cookie, max_age=max_age, return_timestamp=True
            )
        except BadSignature:
            return self.session_class()
        if all(isinstance(value, _IMMUTABLE) for value in data.values()):
            self._verified.remember(key, (dict(data), int(signed.timestamp())))
        return self.session_class(data)
