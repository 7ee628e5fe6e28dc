"""Odd input is refused with a 4xx before any view or query can choke on it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.models import Attempt, Round, User

from support import Practice, csrf_token, post


def _rows(app: Flask) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(db.select(db.func.count()).select_from(model))
            for model in (User, Round, Attempt)
        )


@pytest.mark.parametrize(
    "path",
    [
        "/rounds/99999999999999999999999",
        "/rounds/2147483648",
        "/rounds/0",
        "/rounds/99999999999999999999999/1",
        "/rounds/1/99999999999999999999999",
        "/rounds/99999999999999999999999/summary",
        "/account/sessions/99999999999999999999999/end",
    ],
)
def test_ids_beyond_the_database_range_are_404(client: FlaskClient, path: str) -> None:
    assert client.get(path).status_code in (404, 405)  # 405: a POST-only route
    assert post(client, path).status_code in (404, 405)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/account/timezone", '{"timezone": "Europe/Paris"}'),
        ("/account/timezone", "[1, 2, 3]"),
        ("/account/login", '"just a string"'),
        ("/account/save", '{"username": {"a": [1]}, "password": 5}'),
        ("/fields/alpha-field/rounds", "42"),
        ("/review/drill", "[[[[[]]]]]"),
        ("/account/logout", "null"),
    ],
)
def test_json_bodies_to_form_endpoints_are_400(
    app: Flask, practice: Practice, path: str, body: str
) -> None:
    practice.start_round()
    before = _rows(app)
    token = csrf_token(practice.client)
    for mimetype in ("application/json", "text/plain", "application/xml"):
        response = practice.client.post(
            path, data=body, content_type=mimetype, headers={"X-CSRFToken": token}
        )
        assert response.status_code == 400, (path, mimetype)
    assert _rows(app) == before


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/account/login", {"username": "ada\x00", "password": "x\x00y"}),
        ("/account/save", {"username": "a\x00b", "password": "p", "confirm": "p"}),
        ("/fields/alpha-field/rounds", {"size": "3\x00"}),
        ("/account/timezone", {"timezone": "UTC\x00"}),
    ],
)
def test_nul_characters_in_forms_are_400(
    app: Flask, client: FlaskClient, path: str, data: dict[str, str]
) -> None:
    before = _rows(app)
    assert post(client, path, data).status_code == 400
    assert _rows(app) == before


def test_nul_characters_in_paths_and_queries(client: FlaskClient) -> None:
    assert client.get("/fields/alpha%00field").status_code == 404
    assert client.get("/questions/al%00q").status_code == 404
    assert client.get("/review?field=%00").status_code == 400


def test_the_server_header_names_no_version(client: FlaskClient) -> None:
    for path in ("/", "/static/css/mockint.css", "/no-such-page"):
        server = client.get(path).headers.get("Server", "")
        assert server == "mockint", path
