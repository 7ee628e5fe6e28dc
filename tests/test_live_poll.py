"""The poll's fast path answers exactly as the Flask view does, and never locks."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.interviewing.links import create_link
from mockint.interviewing.questions import create_interview
from mockint.models import Interview, Question, User, utcnow

from support import csrf_token, make_app

COMPARED_HEADERS = (
    "ETag",
    "Cache-Control",
    "X-Robots-Tag",
    "Content-Type",
    "Content-Security-Policy",
    "Referrer-Policy",
    "X-Content-Type-Options",
    "X-Frame-Options",
)


def live_interview(app: Flask) -> tuple[str, str]:
    """A spoken-only interview with a link; return (public id, link token)."""
    with app.app_context():
        candidate = User(username="sam")
        db.session.add(candidate)
        db.session.flush()
        questions = list(db.session.scalars(db.select(Question).limit(3)))
        interview = create_interview(
            db.session, candidate.id, "Sam", [], None, "random", questions, False, 7
        )
        token = create_link(db.session, interview, 7, utcnow())
        db.session.commit()
        return interview.public_id, token


def friend_of(app: Flask, token: str) -> FlaskClient:
    """A client that opened the link, holding the grant."""
    client = app.test_client()
    assert client.get(f"/i/{token}").status_code == 303
    return client


def act(client: FlaskClient, public_id: str, action: str) -> None:
    """Post one interviewer action with the current version."""
    conduct = f"/interviews/{public_id}/conduct"
    page = client.get(conduct).get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    response = client.post(
        conduct,
        data={
            "csrf_token": csrf_token(client, conduct),
            "action": action,
            "version": version,
        },
    )
    assert response.status_code == 303


def answers(client: FlaskClient, path: str, etag: str | None) -> list[tuple]:
    """What a poll gets: status, body and the headers that matter."""
    response = client.get(path, headers={"If-None-Match": etag} if etag else {})
    headers = tuple(response.headers.get(name) for name in COMPARED_HEADERS)
    return [response.status_code, response.get_data(), headers]


@pytest.fixture
def two_apps(tmp_path: Path) -> tuple[Flask, Flask]:
    """The same database served with and without the fast path."""
    fast = make_app(tmp_path)
    slow = make_app(tmp_path, LIVE_POLL_FAST_PATH=False)  # same database, reset
    return fast, slow


def test_fast_path_and_view_answer_the_same(two_apps: tuple[Flask, Flask]) -> None:
    fast, slow = two_apps
    public_id, token = live_interview(fast)
    friend = friend_of(fast, token)
    act(friend, public_id, "begin")
    act(friend, public_id, "timer")
    path = f"/interviews/{public_id}/state"
    # The view's app shares the database and the secret: the same cookies work.
    twin = slow.test_client()
    for cookie in ("session", "remember_token"):
        value = friend.get_cookie(cookie)
        twin.set_cookie(cookie, value.value)
    outsider = fast.test_client()
    outsider_twin = slow.test_client()
    for etag in (None, '"v1"', '"v3"', '"v1", "v3"'):
        fast_answer = answers(friend, path, etag)
        slow_answer = answers(twin, path, etag)
        # The clock runs between the two requests: compare it separately.
        clock = re.compile(rb'"elapsed":[\d.]+')
        assert clock.sub(b"", fast_answer[1]) == clock.sub(b"", slow_answer[1])
        assert [fast_answer[0], fast_answer[2]] == [slow_answer[0], slow_answer[2]]
    assert answers(friend, path, '"v3"')[0] == 304
    assert answers(friend, path, '"v2"')[0] == 200
    assert (
        answers(outsider, path, None)[0] == answers(outsider_twin, path, None)[0] == 404
    )
    unknown = f"/interviews/{'x' * 16}/state"
    assert answers(friend, unknown, None)[0] == answers(twin, unknown, None)[0] == 404


def test_the_spoken_only_question_stays_hidden_from_the_candidate(
    two_apps: tuple[Flask, Flask],
) -> None:
    fast, _ = two_apps
    public_id, token = live_interview(fast)
    friend = friend_of(fast, token)
    act(friend, public_id, "begin")
    candidate = fast.test_client()
    with fast.app_context():
        owner = db.session.scalar(db.select(Interview.user_id))
    from mockint.login_sessions import start_session

    with fast.app_context(), fast.test_request_context():
        user = db.session.get(User, owner)
        _, session_token = start_session(db.session, user, "", utcnow())
        db.session.commit()
    with candidate.session_transaction() as session:
        session["_user_id"] = session_token
    path = f"/interviews/{public_id}/state"
    assert candidate.get(path).get_json()["text"] is None
    assert friend.get(path).get_json()["text"]
    act(friend, public_id, "reveal")
    assert candidate.get(path).get_json()["text"] == friend.get(path).get_json()["text"]


def test_the_poll_never_waits_for_a_writer(tmp_path: Path) -> None:
    # SQLite's single write lock is what this is about, whatever the test run uses.
    database = tmp_path / "locked.db"
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}")
    public_id, token = live_interview(app)
    friend = friend_of(app, token)
    act(friend, public_id, "begin")
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        with app.app_context():
            db.engine.dispose()
        response = friend.get(f"/interviews/{public_id}/state")
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200
    assert response.get_json()["position"] == 1
