"""Remembered session cookies are refused exactly when Flask would refuse them."""

from __future__ import annotations

import time

import pytest
from flask import Flask, session
from flask.sessions import SecureCookieSessionInterface

from mockint.cookie_sessions import VerifiedCookieSessions


@pytest.fixture
def cookie_app(app: Flask) -> Flask:
    """The app with two routes that write and read the session."""

    @app.get("/test/session/set")
    def set_value() -> str:
        session["who"] = "ada"
        return "set"

    @app.get("/test/session/flash")
    def set_list() -> str:
        session["notes"] = ["first"]
        return "set"

    @app.get("/test/session/read")
    def read_value() -> str:
        return f"{session.get('who')}|{session.get('notes')}"

    return app


def issued_cookie(app: Flask, path: str) -> str:
    client = app.test_client()
    client.get(path)
    return client.get_cookie("session").value


def read_with(app: Flask, cookie: str) -> str:
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/test/session/read").get_data(as_text=True)


def test_a_cookie_reads_the_same_the_second_time(cookie_app: Flask) -> None:
    assert isinstance(cookie_app.session_interface, VerifiedCookieSessions)
    cookie = issued_cookie(cookie_app, "/test/session/set")
    assert read_with(cookie_app, cookie) == "ada|None"
    assert read_with(cookie_app, cookie) == "ada|None"  # remembered


def test_a_tampered_cookie_is_refused_after_the_real_one(cookie_app: Flask) -> None:
    cookie = issued_cookie(cookie_app, "/test/session/set")
    assert read_with(cookie_app, cookie) == "ada|None"
    payload, stamp, signature = cookie.split(".")
    forged = f"{payload}.{stamp}.{signature[:-2]}AA"
    assert read_with(cookie_app, forged) == "None|None"


def test_a_remembered_cookie_still_expires(
    cookie_app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    cookie = issued_cookie(cookie_app, "/test/session/set")
    assert read_with(cookie_app, cookie) == "ada|None"
    lifetime = cookie_app.permanent_session_lifetime.total_seconds()
    later = time.time() + lifetime + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert read_with(cookie_app, cookie) == "None|None"
    # Flask's own interface agrees.
    cookie_app.session_interface = SecureCookieSessionInterface()
    assert read_with(cookie_app, cookie) == "None|None"


def test_changeable_values_are_never_shared_between_requests(
    cookie_app: Flask,
) -> None:
    interface = cookie_app.session_interface
    cookie = issued_cookie(cookie_app, "/test/session/flash")
    assert read_with(cookie_app, cookie) == "None|['first']"
    assert not any(cookie in key for key in interface._verified)
