"""Server-side sessions: logout ends them, each login is new, any can be revoked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.login_sessions import describe_browser
from mockint.models import Attempt, LoginSession, User

from support import Auth, Practice, make_user, post

FIREFOX = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


def _browser(app: Flask, user_agent: str = FIREFOX) -> FlaskClient:
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def _signed_in(client: FlaskClient) -> bool:
    return "Log out" in client.get("/").get_data(as_text=True)


def _with_cookie(app: Flask, name: str, value: str) -> FlaskClient:
    client = app.test_client()
    client.set_cookie(name, value)
    return client


def _session_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(LoginSession.id)))


def test_logout_kills_both_old_cookies(app: Flask, practice: Practice) -> None:
    make_user(app)
    client = practice.client
    Auth(client).login()
    practice.answer(practice.start_round(), 1, 3, note="private note")
    session_cookie = client.get_cookie("session").value
    remember_cookie = client.get_cookie("remember_token").value
    assert "private note" in client.get("/account/export.json").get_data(as_text=True)

    Auth(client).logout()

    for name, value in (
        ("session", session_cookie),
        ("remember_token", remember_cookie),
    ):
        replay = _with_cookie(app, name, value)
        assert not _signed_in(replay), name
        export = replay.get("/account/export.json").get_data(as_text=True)
        assert "private note" not in export, name
    assert _session_count(app) == 0


def test_each_login_gets_a_new_session(app: Flask) -> None:
    make_user(app)
    first, second = _browser(app), _browser(app, SAFARI_IPHONE)
    Auth(first).login()
    Auth(second).login()
    assert (
        first.get_cookie("remember_token").value
        != second.get_cookie("remember_token").value
    )
    assert _session_count(app) == 2
    Auth(first).logout()
    assert _signed_in(second)  # logging out one browser leaves the other alone


def test_tokens_are_stored_only_as_hashes(app: Flask) -> None:
    make_user(app)
    client = _browser(app)
    Auth(client).login()
    with app.app_context():
        stored = db.session.scalar(db.select(LoginSession))
    session_data = client.get_cookie("remember_token").value
    token = session_data.split("|")[0]
    assert len(token) >= 43  # 256 random bits, URL-safe base64
    assert token not in stored.token_hash
    assert len(stored.token_hash) == 64


def test_settings_lists_browsers_and_signs_out_one(app: Flask) -> None:
    make_user(app)
    laptop, phone = _browser(app), _browser(app, SAFARI_IPHONE)
    Auth(laptop).login()
    Auth(phone).login()
    page = laptop.get("/account/settings").get_data(as_text=True)
    assert "Firefox on Windows" in page and "this browser" in page
    assert "Safari on iPhone" in page
    with app.app_context():
        phone_session = db.session.scalar(
            db.select(LoginSession).where(LoginSession.browser == "Safari on iPhone")
        )
    response = post(laptop, f"/account/sessions/{phone_session.id}/end")
    assert response.status_code == 302
    assert not _signed_in(phone)
    assert _signed_in(laptop)


def test_sign_out_everywhere_else(app: Flask) -> None:
    make_user(app)
    browsers = [_browser(app) for _ in range(3)]
    for browser in browsers:
        Auth(browser).login()
    post(browsers[0], "/account/sessions/end-others")
    assert _signed_in(browsers[0])
    assert not any(_signed_in(b) for b in browsers[1:])
    assert _session_count(app) == 1


def test_cannot_end_someone_elses_session(app: Flask) -> None:
    make_user(app)
    make_user(app, "grace")
    ada, grace = _browser(app), _browser(app)
    Auth(ada).login()
    Auth(grace).login("grace")
    with app.app_context():
        graces = db.session.scalar(
            db.select(LoginSession.id).join(User).where(User.username == "grace")
        )
    assert post(ada, f"/account/sessions/{graces}/end").status_code == 404
    assert _signed_in(grace)


def test_password_change_needs_the_current_one_and_signs_out_the_rest(
    app: Flask,
) -> None:
    make_user(app)
    here, elsewhere = _browser(app), _browser(app)
    Auth(here).login()
    Auth(elsewhere).login()
    new = {"password": "a brand new phrase", "confirm": "a brand new phrase"}

    wrong = post(here, "/account/password", {"current": "not it at all", **new})
    assert wrong.status_code == 400
    assert "not your current password" in wrong.get_data(as_text=True)
    assert _signed_in(elsewhere)

    weak = {"current": "correct horse battery", "password": "password1"}
    refused = post(here, "/account/password", {**weak, "confirm": "password1"})
    assert refused.status_code == 400
    assert "most common" in refused.get_data(as_text=True)

    changed = post(
        here, "/account/password", {"current": "correct horse battery", **new}
    )
    assert changed.status_code == 302
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    assert Auth(_browser(app)).login("ada", "correct horse battery").status_code == 400
    assert Auth(_browser(app)).login("ada", "a brand new phrase").status_code == 302


def test_sessions_end_after_thirty_days_unused(app: Flask) -> None:
    make_user(app)
    client = _browser(app)
    Auth(client).login()
    with app.app_context():
        record = db.session.scalar(db.select(LoginSession))
        record.last_seen_at -= timedelta(days=29)
        db.session.commit()
    assert _signed_in(client)  # 29 days: still in, and the clock restarts
    with app.app_context():
        record = db.session.scalar(db.select(LoginSession))
        assert record.last_seen_at > record.created_at
        record.last_seen_at -= timedelta(days=31)
        db.session.commit()
    assert not _signed_in(client)


def test_a_posting_request_records_the_use_in_its_own_transaction(
    app: Flask, practice: Practice
) -> None:
    """An answer sent after two hours away marks the session used, with the answer."""
    round_id = practice.start_round()
    with app.app_context():
        record = db.session.scalar(db.select(LoginSession))
        record.last_seen_at -= timedelta(hours=2)
        db.session.commit()
        before = record.last_seen_at
    practice.answer(round_id, 1, 3)
    with app.app_context():
        record = db.session.scalar(db.select(LoginSession))
        assert record.last_seen_at > before + timedelta(hours=1)
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1


def test_the_remember_cookie_lasts_thirty_days(app: Flask) -> None:
    make_user(app)
    client = _browser(app)
    response = Auth(client).login()
    cookie = next(
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith("remember_token=")
    )
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=")[1].split(";")[0])
    assert timedelta(days=29) < expires - datetime.now(UTC) <= timedelta(days=30)


def test_a_guest_keeps_working_across_browser_restarts(
    app: Flask, practice: Practice
) -> None:
    round_id = practice.start_round()
    practice.answer(round_id, 1, 2, note="guest note")
    remember = practice.client.get_cookie("remember_token").value
    restarted = _with_cookie(app, "remember_token", remember)  # session cookie gone
    assert "guest note" in restarted.get(f"/rounds/{round_id}/summary").get_data(
        as_text=True
    )


def test_guests_are_told_cookies_hold_their_progress(practice: Practice) -> None:
    practice.start_round()
    page = practice.client.get("/account/settings").get_data(as_text=True)
    assert "Clearing them" in page and "Save my progress" in page


def test_export_after_logout_holds_nothing(app: Flask, practice: Practice) -> None:
    make_user(app)
    Auth(practice.client).login()
    practice.answer(practice.start_round(), 1, 4)
    Auth(practice.client).logout()
    data = json.loads(practice.client.get("/account/export.json").get_data())
    assert data == {}


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX, "Firefox on Windows"),
        (SAFARI_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        ("curl/8.5.0", "An unknown browser"),
        ("", "An unknown browser"),
    ],
)
def test_browser_descriptions(user_agent: str, described: str) -> None:
    assert describe_browser(user_agent) == described


def test_guessing_the_current_password_is_throttled_like_logins(app: Flask) -> None:
    make_user(app)
    thief = _browser(app)
    Auth(thief).login()
    new = {"password": "a brand new phrase", "confirm": "a brand new phrase"}
    for _ in range(5):
        guess = post(thief, "/account/password", {"current": "wrong guess!", **new})
        assert guess.status_code == 400
    blocked = post(
        thief, "/account/password", {"current": "correct horse battery", **new}
    )
    assert blocked.status_code == 429
    assert "Too many wrong passwords" in blocked.get_data(as_text=True)
    owner = _browser(app)
    owner.environ_base["REMOTE_ADDR"] = "198.51.100.20"
    assert Auth(owner).login().status_code == 302  # the account is not locked
