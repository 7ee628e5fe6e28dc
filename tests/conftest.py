"""Shared fixtures: an app on a fresh database, clients and a signed-in user."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner

from mockint import create_app
from mockint.extensions import db
from mockint.models import User

from sounds import answer, encoded
from support import Auth, Practice, database_url, make_app, make_user


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """An app on a fresh database holding the test banks."""
    app = make_app(tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def drop_everything(engine: sa.Engine) -> None:
    """Drop every table the database has, whichever code created it."""
    with engine.begin() as conn:
        tables = sa.MetaData()
        tables.reflect(bind=conn)
        tables.drop_all(bind=conn)


@pytest.fixture
def empty_app(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database for migrations to build: SQLite, or
    TEST_DATABASE_URL emptied."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
        }
    )
    with app.app_context():
        drop_everything(db.engine)
        yield app
        db.session.remove()
        drop_everything(db.engine)
        db.engine.dispose()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[None]:
    """An application context for tests that use the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A browser-like test client (cookies kept between requests)."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's command-line commands."""
    return app.test_cli_runner()


@pytest.fixture
def practice(client: FlaskClient) -> Practice:
    """The practice journey helper on the default client."""
    return Practice(client)


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Login helper on the default client."""
    return Auth(client)


@pytest.fixture
def signed_in(app: Flask, auth: Auth) -> User:
    """An account, signed in on the default client."""
    user = make_user(app)
    assert auth.login().status_code == 302
    return user


@pytest.fixture(scope="session")
def webm() -> bytes:
    """A spoken answer (1.5 s before the first word, a 3 s pause) as Opus in
    WebM, as Chromium and Firefox record it."""
    return encoded(answer(), "webm", "libopus")


@pytest.fixture(scope="session")
def mp4() -> bytes:
    """The same answer as AAC in MP4, as Safari records it."""
    return encoded(answer(), "mp4", "aac")
