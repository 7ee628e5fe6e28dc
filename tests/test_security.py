"""Security headers, cookies and safe configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint import create_app
from mockint.config import ConfigError

from support import Practice


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_carry_security_headers(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Content-Security-Policy" in response.headers


@pytest.mark.parametrize(
    "path", ["/", "/fields/alpha-field", "/account/login", "/account/save"]
)
def test_pages_have_no_inline_script_or_foreign_origin(
    client: FlaskClient, path: str
) -> None:
    page = client.get(path).get_data(as_text=True)
    assert "<script>" not in page
    assert " on" + "click=" not in page
    assert "http://" not in page and "https://" not in page
    assert "style=" not in page  # CSP forbids inline styles too


def test_cookies_are_httponly_and_samesite(
    client: FlaskClient, practice: Practice
) -> None:
    practice.start_round()
    for name in ("session", "remember_token"):
        cookie = client.get_cookie(name)
        assert cookie is not None, name
        assert cookie.http_only
        assert cookie.same_site == "Lax"
        assert not cookie.secure  # development over plain HTTP


def test_escapes_user_text(client: FlaskClient, practice: Practice) -> None:
    round_id = practice.start_round()
    practice.answer(round_id, 1, 2, note="<script>alert(1)</script>")
    page = client.get(f"/rounds/{round_id}/summary").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_production_refuses_to_start_without_secret(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MOCKINT_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY must be set"):
        create_app()


def test_production_cookies_are_secure(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MOCKINT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'prod.db'}")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.app_context():
        from mockint.extensions import db

        db.create_all()
    response = app.test_client().get("/healthz")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_development_secret_is_generated_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mockint.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("MOCKINT_ENV", raising=False)
    first = load_config(tmp_path)["SECRET_KEY"]
    second = load_config(tmp_path)["SECRET_KEY"]
    assert first == second and len(first) >= 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_unhandled_error_is_a_page_not_a_trace(app: Flask) -> None:
    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "kaboom" not in page


def test_a_failed_flush_still_gets_the_sites_error_page(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    from mockint.extensions import db
    from mockint.models import User

    @app.post("/clash")
    def clash() -> str:
        db.session.add_all([User(username="twin"), User(username="twin")])
        db.session.flush()  # IntegrityError: the session now needs a rollback
        return "unreachable"

    app.config["PROPAGATE_EXCEPTIONS"] = False
    practice.start_round()  # a profile, which the layout will load and greet
    from support import csrf_token

    response = client.post("/clash", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert 'aria-label="Main"' in page  # the site's layout, not a bare page
    assert client.get("/").status_code == 200


def test_an_error_page_that_cannot_render_falls_back_to_plain_html(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mockint.errors

    def broken(*_args: object, **_kwargs: object) -> str:
        raise RuntimeError("database unreachable")

    monkeypatch.setattr(mockint.errors, "render_template", broken)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


@pytest.mark.parametrize("secret", ["xyz", "x" * 31])
def test_production_refuses_a_short_secret(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("MOCKINT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="at least 32"):
        create_app()


def test_production_cookies_use_the_host_prefix(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from support import make_app

    monkeypatch.setenv("MOCKINT_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 64)
    app = make_app(tmp_path, PRODUCTION=True)
    assert app.config["SESSION_COOKIE_NAME"] == "__Host-session"
    client = app.test_client()
    response = client.post(
        "/fields/alpha-field/rounds",
        data={"size": 3, "csrf_token": _token(client)},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/"},  # CSRF checks it over HTTPS
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("__Host-session=", "__Host-remember="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "Secure" in cookie and "Path=/" in cookie and "Domain" not in cookie


def _token(client: FlaskClient) -> str:
    import re

    page = client.get("/", base_url="https://localhost").get_data(as_text=True)
    match = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert match
    return match.group(1)
