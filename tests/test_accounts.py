"""Identity: guests, saving progress as an account, login, merge, isolation."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.config import PRODUCTION_PASSWORD_METHOD
from mockint.extensions import db
from mockint.models import Attempt, Interview, User

from support import Auth, Practice, csrf_token, make_user, post


def count(app: Flask, model: type) -> int:
    """Rows of a model."""
    with app.app_context():
        return db.session.scalar(db.select(db.func.count()).select_from(model))


def signup(
    client: FlaskClient, username: str = "grace", password: str = "a long passphrase"
):  # noqa: ANN201
    """Submit the save-my-progress form."""
    return post(
        client,
        "/account/save",
        {"username": username, "password": password, "confirm": password},
    )


def test_first_practice_creates_a_guest_that_survives_a_restart(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round()
    practice.answer(round_id, 1, 2)
    assert count(app, User) == 1
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.expires is not None
    # A browser restart drops the session cookie but keeps the remember cookie.
    client.delete_cookie("session")
    page = client.get("/").get_data(as_text=True)
    assert "1 still shaky" in page


def test_guest_saves_progress_and_keeps_attempts(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round()
    practice.answer(round_id, 1, 2, note="guest note")
    response = signup(client)
    assert response.status_code == 302
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.username == "grace"
        assert db.session.scalar(db.select(Attempt)).user_id == user.id
    # From a second browser, logging in shows the same history.
    other = app.test_client()
    assert Auth(other).login("grace", "a long passphrase").status_code == 302
    history = other.get(f"/rounds/{round_id}/summary").get_data(as_text=True)
    assert "guest note" in history


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("", "a long passphrase", "a long passphrase", "Choose a username."),
        ("x", "a long passphrase", "a long passphrase", "3 to 32 characters"),
        ("bad name!", "a long passphrase", "a long passphrase", "Use letters, digits"),
        ("grace", "short", "short", "Use at least 8 characters."),
        ("grace", "p" * 129, "p" * 129, "Use at most 128 characters."),
        ("grace", "password", "password", "among the 30,000 most common"),
        ("grace", "12345678", "12345678", "among the 30,000 most common"),
        ("grace", "qwertyuiop", "qwertyuiop", "among the 30,000 most common"),
        ("grace", "Password1", "Password1", "among the 30,000 most common"),
        ("grace", " " * 8, " " * 8, "not mostly spaces"),
        ("grace", "aaaaaaaaaa", "aaaaaaaaaa", "one repeated character"),
        ("gracehopper", "GraceHopper", "GraceHopper", "must not be your username"),
        ("grace", "a long passphrase", "another phrase", "The two passwords differ."),
    ],
)
def test_bad_signup_rerenders_with_400(
    app: Flask,
    client: FlaskClient,
    username: str,
    password: str,
    confirm: str,
    message: str,
) -> None:
    response = post(
        client,
        "/account/save",
        {"username": username, "password": password, "confirm": confirm},
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(app, User) == 0


def test_username_taken_is_refused_case_insensitively(
    app: Flask, client: FlaskClient
) -> None:
    make_user(app, "grace")
    response = signup(client, "Grace")
    assert response.status_code == 400
    assert "That username is taken" in response.get_data(as_text=True)


def test_unknown_user_and_wrong_password_get_the_same_answer(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    make_user(app)
    wrong = auth.login("ada", "wrong password!")
    unknown = auth.login("nobody", "wrong password!")
    assert wrong.status_code == unknown.status_code == 400
    message = "Unknown username or wrong password."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_login_renews_the_session(app: Flask, client: FlaskClient, auth: Auth) -> None:
    make_user(app)
    client.get("/")
    before = client.get_cookie("session").value
    auth.login()
    after = client.get_cookie("session").value
    assert before != after


def test_logout(client: FlaskClient, auth: Auth, signed_in: User) -> None:
    assert "Log out ada" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert client.get_cookie("remember_token") is None
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_login_with_guest_history_offers_merge(
    app: Flask, client: FlaskClient, practice: Practice, auth: Auth
) -> None:
    make_user(app)
    round_id = practice.start_round()
    practice.answer(round_id, 1, 1)
    response = auth.login()
    assert response.headers["Location"].endswith("/account/merge")
    offer = client.get("/account/merge").get_data(as_text=True)
    assert "answered 1 question as a guest" in offer
    post(client, "/account/merge", {"choice": "merge"})
    with app.app_context():
        account = db.session.scalar(db.select(User).where(User.username == "ada"))
        assert [a.user_id for a in db.session.scalars(db.select(Attempt))] == [
            account.id
        ]
    assert count(app, User) == 1  # the guest profile is gone
    assert client.get(f"/rounds/{round_id}/summary").status_code == 200


def test_merging_a_guest_keeps_its_mock_interviews(
    app: Flask, client: FlaskClient, practice: Practice, auth: Auth
) -> None:
    make_user(app)
    round_id = practice.start_round()
    practice.answer(round_id, 1, 1)
    set_up = {
        "fields": "alpha-field",
        "count": 3,
        "method": "random",
        "candidate_name": "Ada",
        "show_text": "y",
        "link_days": "7",
    }
    assert post(client, "/interviews/new", set_up).status_code == 200
    with app.app_context():
        public_id = db.session.scalar(db.select(Interview.public_id))
    auth.login()
    post(client, "/account/merge", {"choice": "merge"})
    assert client.get(f"/interviews/{public_id}").status_code == 200
    assert public_id in client.get("/interviews").get_data(as_text=True)


def test_declining_merge_keeps_guest_data_apart(
    app: Flask, client: FlaskClient, practice: Practice, auth: Auth
) -> None:
    make_user(app)
    round_id = practice.start_round()
    practice.answer(round_id, 1, 1)
    auth.login()
    post(client, "/account/merge", {"choice": "keep"})
    assert count(app, Attempt) == 1
    assert client.get(f"/rounds/{round_id}/summary").status_code == 404


def test_users_cannot_see_or_change_each_others_practice(app: Flask) -> None:
    alice, bob = app.test_client(), app.test_client()
    alice_practice = Practice(alice)
    round_id = alice_practice.start_round()
    alice_practice.answer(round_id, 1, 2, note="alice's secret")
    Practice(bob).start_round()  # bob becomes a guest too
    for path in (
        f"/rounds/{round_id}",
        f"/rounds/{round_id}/1",
        f"/rounds/{round_id}/2",
        f"/rounds/{round_id}/summary",
    ):
        response = bob.get(path)
        assert response.status_code == 404, path
        assert "alice's secret" not in response.get_data(as_text=True)
    changed = post(bob, f"/rounds/{round_id}/2", {"rating": 4})
    assert changed.status_code == 404
    assert post(bob, f"/rounds/{round_id}/retry").status_code == 404
    with app.app_context():
        key = db.session.scalar(db.select(Attempt)).question.key
    assert "alice's secret" not in bob.get(f"/questions/{key}").get_data(as_text=True)
    assert count(app, Attempt) == 1


def test_login_next_only_follows_local_paths(app: Flask, client: FlaskClient) -> None:
    make_user(app)
    token = csrf_token(client)
    response = client.post(
        "/account/login",
        data={
            "csrf_token": token,
            "username": "ada",
            "password": "correct horse battery",
            "next": "//evil.example/x",
        },
    )
    assert response.headers["Location"] == "/"


def test_production_hash_cost_meets_owasp(app: Flask) -> None:
    from werkzeug.security import check_password_hash, generate_password_hash

    assert PRODUCTION_PASSWORD_METHOD == "pbkdf2:sha256:1000000"
    digest = generate_password_hash(
        "a long passphrase", method=PRODUCTION_PASSWORD_METHOD
    )
    assert digest.startswith("pbkdf2:sha256:1000000$")
    assert check_password_hash(digest, "a long passphrase")


def test_default_config_uses_production_hash_cost(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from mockint.config import load_config

    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = load_config(tmp_path)
    assert config["PASSWORD_HASH_METHOD"] == PRODUCTION_PASSWORD_METHOD


def test_becoming_a_guest_keeps_other_tabs_forms_valid(
    app: Flask, client: FlaskClient
) -> None:
    token = csrf_token(client, "/fields/alpha-field")  # a tab opened earlier
    post(client, "/fields/alpha-field/rounds", {"size": 3})  # creates the guest
    response = client.post(
        "/fields/beta-field/rounds", data={"csrf_token": token, "size": 3}
    )
    assert response.status_code == 302


def _backdate_failures(app: Flask, minutes: int) -> None:
    from datetime import timedelta

    from mockint.models import FailedLogin

    with app.app_context():
        for failure in db.session.scalars(db.select(FailedLogin)):
            failure.at -= timedelta(minutes=minutes)
        db.session.commit()


def test_repeated_failed_logins_slow_down_only_that_address(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    make_user(app)
    for _ in range(5):
        assert auth.login("ada", "wrong password!").status_code == 400
    blocked = auth.login()  # this address, this name: it waits, right or wrong
    assert blocked.status_code == 429
    assert "Try again in 15 minutes." in blocked.get_data(as_text=True)
    # The owner, elsewhere, is never locked out by someone else's guessing.
    owner = app.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    assert Auth(owner).login().status_code == 302
    _backdate_failures(app, 16)
    assert auth.login().status_code == 302  # the window has passed


def test_a_busy_shared_address_blocks_no_account_it_has_not_failed_for(
    app: Flask, client: FlaskClient, auth: Auth
) -> None:
    make_user(app)
    for number in range(25):  # a classroom mistyping, or an attacker spraying
        assert auth.login(f"user{number}", "wrong password!").status_code == 400
    # A name this address has not failed for: still answered normally.
    assert auth.login("someone", "wrong password!").status_code == 400
    assert Auth(app.test_client()).login().status_code == 302  # ada, right password
    # A name it already got wrong: no more guesses from here for now.
    assert auth.login("user3", "wrong password!").status_code == 429


def test_sign_ups_are_limited_per_address(app: Flask) -> None:
    for number in range(10):
        response = signup(app.test_client(), f"person{number}")
        assert response.status_code == 302, number
    refused = signup(app.test_client(), "person10")
    assert refused.status_code == 429
    assert "Too many accounts were made from your network" in refused.get_data(
        as_text=True
    )
    assert count(app, User) == 10
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert signup(elsewhere, "person11").status_code == 302
