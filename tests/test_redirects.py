"""`next` after login: only plain paths on this site, whatever the encoding."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.redirects import local_path

from support import csrf_token, make_user

# Known open-redirect bypasses: schemes, protocol-relative URLs, backslashes
# (browsers read them as slashes), tabs and newlines (browsers drop them),
# encoded slashes and controls, userinfo tricks and header injection.
BYPASSES = [
    "//evil.example/",
    "///evil.example/",
    "////evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example/",
    "/%09/evil.example/",
    "/\n/evil.example",
    "/%0a/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "/\r\nLocation: https://evil.example",
    "/%2F/evil.example",
    "/%2f%2fevil.example",
    "/%5Cevil.example",
    "/%5c%5cevil.example",
    "https://evil.example",
    "http:evil.example",
    "http:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example",
    " //evil.example",
    "\x00//evil.example",
    "/\x00evil",
    "/%00evil",
    "/.//evil.example",
    "/a//evil.example",
    "https:/\\evil.example",
    "/\u2028/evil.example",
    "/\u200b/evil.example",
    "",
    "/" + "a" * 3000,
]
SAFE = [
    "/",
    "/review",
    "/review?field=alpha-field&kind=technical",
    "/fields/alpha-field#questions",
    "/questions/al-q1",
    "/account/settings",
]


@pytest.mark.parametrize("target", BYPASSES)
def test_bypasses_are_refused(target: str) -> None:
    assert local_path(target) is None


@pytest.mark.parametrize("target", SAFE)
def test_local_paths_are_kept(target: str) -> None:
    assert local_path(target) == target


@pytest.mark.parametrize("target", [None, 42, ["/"], {"a": "/"}])
def test_non_strings_are_refused(target: object) -> None:
    assert local_path(target) is None


def _login_with_next(client: FlaskClient, target: str):  # noqa: ANN202
    return client.post(
        "/account/login",
        data={
            "csrf_token": csrf_token(client),
            "username": "ada",
            "password": "correct horse battery",
            "next": target,
        },
    )


@pytest.mark.parametrize("target", BYPASSES)
def test_login_never_redirects_off_site(app: Flask, target: str) -> None:
    make_user(app)
    response = _login_with_next(app.test_client(), target)
    # A NUL anywhere in a form is refused outright (400); otherwise: home.
    assert response.status_code in (302, 400)
    assert response.headers.get("Location", "/") == "/"


def test_login_follows_a_local_next(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    response = _login_with_next(client, "/review?field=alpha-field")
    assert response.headers["Location"] == "/review?field=alpha-field"


def test_next_in_the_query_string_with_controls_is_not_a_500(
    app: Flask, client: FlaskClient
) -> None:
    for query in ("next=/%09/evil.example/", "next=/%0d%0aX:1", "next=%2F%2Fevil"):
        response = client.get(f"/account/login?{query}")
        assert response.status_code == 200, query
        assert "evil.example" not in response.headers.get("Location", "")
