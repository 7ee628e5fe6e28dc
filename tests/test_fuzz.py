"""Property-based fuzzing: no input, however odd, makes any POST endpoint fail.

Every POST endpoint of the app gets random form fields, random JSON bodies of
every shape (with a valid CSRF header) and, for the import, random documents.
Whatever comes in, the answer is never a 5xx, and a refused request (4xx)
writes nothing. FUZZ_EXAMPLES sets the examples per endpoint and kind of body
(150 by default: 300 requests per endpoint, the CI figure; raise it locally).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockint.debriefing import start_debrief
from mockint.extensions import db
from mockint.login_sessions import start_session
from mockint.models import FailedLogin, RateEvent, User, utcnow
from mockint.own_questions import QuestionDraft, add_question
from mockint.upcoming import create_plan

from support import Auth, Practice, make_app, make_user

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    # One app per endpoint, shared by its examples, is the point: state left by
    # one example (a rated question, a new account) is input for the next.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
# Counting refusals is how throttling works: these tables may change on a 4xx.
WRITTEN_ON_REFUSAL = {FailedLogin.__tablename__, RateEvent.__tablename__}
FIELD_NAMES = [
    "level",
    "day",
    "time",
    "company",
    "role",
    "focus",
    "done",
    "added",
    "items-0-text",
    "items-0-remove",
    "zone",
    "interview_on",
    "stumpers_text",
    "what_happened",
    "guidance",
    "follow_ups",
    "add_anyway",
    "target_seconds",
    "difficulty",
    "keep",
    "action",
    "interview",
    "csrf_token",
    "size",
    "rating",
    "elapsed_seconds",
    "note",
    "shown_token",
    "text",
    "field",
    "kind",
    "username",
    "password",
    "confirm",
    "current",
    "next",
    "choice",
    "timezone",
    "file",
]

# Text a person could send from a browser form: any Unicode scalar value (the
# test client cannot encode lone surrogates; browsers send U+FFFD for them).
any_text = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
numbers_as_text = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["1", "2", "3", "4", "5", "10", "-1", "0", "1e309", "0x10"]),
)
field_values = st.one_of(any_text, numbers_as_text)
form_bodies = st.dictionaries(
    st.one_of(st.sampled_from(FIELD_NAMES), any_text), field_values, max_size=8
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**80), 2**80)
    | st.floats(allow_nan=False)
    | any_text,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), any_text), inner)
    ),
    max_leaves=30,
)
iso_dates = st.one_of(
    st.datetimes().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "9999-12-31T23:00-05:00",
            "0001-01-01T00:00+05:00",
            "2026-02-30T10:00:00+00:00",
            "2026-03-01T10:00:00",
            "2026-03-01T10:00:00+00:00",
        ]
    ),
    any_text,
)
export_documents = st.fixed_dictionaries(
    {
        "format": st.sampled_from(["mockint-export", "other", 1]),
        "version": st.sampled_from([1, 2, "1", None]),
        "profile": st.one_of(
            json_values, st.fixed_dictionaries({"timezone": any_text})
        ),
        "rounds": st.one_of(
            json_values,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "ref": json_values,
                        "field": st.one_of(st.just("alpha-field"), json_values),
                        "created_at": iso_dates,
                        "questions": st.one_of(
                            st.lists(st.sampled_from(["al-one", "al-two", "nope"])),
                            json_values,
                        ),
                    }
                ),
                max_size=4,
            ),
        ),
        "attempts": st.one_of(
            json_values,
            st.lists(
                st.fixed_dictionaries(
                    {
                        "question": st.sampled_from(["al-one", "al-two", 5]),
                        "round": json_values,
                        "position": json_values,
                        "rating": json_values,
                        "elapsed_seconds": json_values,
                        "shown_at": iso_dates,
                        "answered_at": iso_dates,
                        "note": json_values,
                    }
                ),
                max_size=4,
            ),
        ),
        "outlines": json_values,
    }
)


def _rows_per_table(app: Flask) -> dict[str, int]:
    with app.app_context():
        return {
            table.name: db.session.scalar(db.select(db.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name not in WRITTEN_ON_REFUSAL
        }


class Fuzzer:
    """A user with history, and a fresh signed-in browser for each example."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        make_user(app)
        client = app.test_client()
        Auth(client).login()
        practice = Practice(client)
        self.round_id = practice.start_round()
        practice.answer(self.round_id, 1, 2, note="first answer")
        with app.app_context():
            self.user_id = db.session.scalar(
                db.select(User.id).where(User.username == "ada")
            )
            user = db.session.get(User, self.user_id)
            self.own_key = add_question(
                db.session,
                self.user_id,
                QuestionDraft("A question of mine?", "technical", 2, 120),
            ).key
            debrief = start_debrief(db.session, user.id, utcnow().date(), "technical")
            debrief.stumpers_text = "What is a race condition?"
            self.debrief_id = debrief.id
            self.plan_id = create_plan(
                db.session,
                self.user_id,
                utcnow() + timedelta(days=5),
                "Acme",
                "",
                ["alpha-field"],
            ).id
            db.session.commit()

    def browser(self) -> tuple[FlaskClient, str]:
        """A client signed in as the user, and its CSRF token."""
        with self.app.app_context(), self.app.test_request_context():
            user = db.session.get(User, self.user_id)
            _record, token = start_session(db.session, user, "fuzz", utcnow())
            db.session.commit()
        client = self.app.test_client()
        client.set_cookie("remember_token", _remember_cookie(self.app, token))
        page = client.get("/").get_data(as_text=True)
        csrf = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert csrf
        return client, csrf.group(1)

    def paths(self) -> dict[str, str]:
        """A concrete path for every POST endpoint."""
        with self.app.app_context():
            from mockint.models import LoginSession

            session_id = db.session.scalar(db.select(db.func.min(LoginSession.id)))
        return {
            "practice.start_field_round_view": "/fields/alpha-field/rounds",
            "practice.practise_one": "/questions/al-one/practice",
            "practice.round_question": f"/rounds/{self.round_id}/2",
            "practice.retry_shaky": f"/rounds/{self.round_id}/retry",
            "practice.save_outline_view": "/questions/al-one/outline",
            "review.drill": "/review/drill",
            "accounts.signup": "/account/save",
            "accounts.login": "/account/login",
            "accounts.merge": "/account/merge",
            "accounts.logout": "/account/logout",
            "accounts.end_session_view": f"/account/sessions/{session_id}/end",
            "accounts.end_other_sessions_view": "/account/sessions/end-others",
            "accounts.change_password": "/account/password",
            "settings.set_timezone": "/account/timezone",
            "settings.set_level": "/account/level",
            "settings.import_json": "/account/import",
            "prepare.add_own_question": "/my-questions/new",
            "prepare.edit_own_question": f"/my-questions/{self.own_key}/edit",
            "prepare.archive_own_question": f"/my-questions/{self.own_key}/archive",
            "prepare.restore_own_question": f"/my-questions/{self.own_key}/restore",
            "prepare.new_debrief": "/debriefs/new",
            "prepare.edit_debrief": f"/debriefs/{self.debrief_id}/edit",
            "prepare.finish_debrief": f"/debriefs/{self.debrief_id}/finish",
            "prepare.practise_stumpers": f"/debriefs/{self.debrief_id}/practise",
            "prepare.delete_debrief": f"/debriefs/{self.debrief_id}/delete",
            "prepare.new_plan": "/plans/new",
            "prepare.edit_plan": f"/plans/{self.plan_id}/edit",
            "prepare.delete_plan": f"/plans/{self.plan_id}/delete",
            "prepare.start_plan_practice": f"/plans/{self.plan_id}/practice",
            "prepare.tick_checklist": f"/plans/{self.plan_id}/checklist/done",
            "prepare.edit_checklist": f"/plans/{self.plan_id}/checklist",
        }


def _remember_cookie(app: Flask, token: str) -> str:
    from flask_login.utils import encode_cookie

    with app.test_request_context():
        return encode_cookie(token)


def _post_endpoints(app: Flask) -> set[str]:
    return {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or set())
    }


@pytest.fixture
def fuzzer(tmp_path: Path) -> Iterator[Fuzzer]:
    """An app holding a user with some history."""
    # Limits high enough that every example reaches the checks behind them.
    app = make_app(tmp_path, IMPORTS_PER_HOUR=10**6, SIGNUPS_PER_HOUR=10**6)
    yield Fuzzer(app)
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_every_post_endpoint_is_fuzzed(fuzzer: Fuzzer) -> None:
    assert _post_endpoints(fuzzer.app) == set(fuzzer.paths())


def _check(fuzzer: Fuzzer, send: object) -> None:
    before = _rows_per_table(fuzzer.app)
    response = send()  # type: ignore[operator]
    assert response.status_code < 500, response.get_data(as_text=True)[:2000]
    if response.status_code >= 400:
        assert _rows_per_table(fuzzer.app) == before, response.status_code


ENDPOINTS = sorted(
    [
        "prepare.add_own_question",
        "prepare.edit_own_question",
        "prepare.archive_own_question",
        "prepare.restore_own_question",
        "prepare.new_debrief",
        "prepare.edit_debrief",
        "prepare.finish_debrief",
        "prepare.practise_stumpers",
        "prepare.delete_debrief",
        "prepare.new_plan",
        "prepare.edit_plan",
        "prepare.delete_plan",
        "prepare.start_plan_practice",
        "prepare.tick_checklist",
        "prepare.edit_checklist",
        "practice.start_field_round_view",
        "practice.practise_one",
        "practice.round_question",
        "practice.retry_shaky",
        "practice.save_outline_view",
        "review.drill",
        "accounts.signup",
        "accounts.login",
        "accounts.merge",
        "accounts.logout",
        "accounts.end_session_view",
        "accounts.end_other_sessions_view",
        "accounts.change_password",
        "settings.set_timezone",
        "settings.set_level",
        "settings.import_json",
    ]
)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(body=form_bodies, keep_token=st.booleans())
def test_random_forms_never_fail(
    fuzzer: Fuzzer, endpoint: str, body: dict[str, str], keep_token: bool
) -> None:
    client, token = fuzzer.browser()
    if keep_token:
        body = {**body, "csrf_token": token}
    path = fuzzer.paths()[endpoint]
    _check(fuzzer, lambda: client.post(path, data=body))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@FUZZ
@given(body=json_values)
def test_random_json_bodies_never_fail(
    fuzzer: Fuzzer, endpoint: str, body: object
) -> None:
    client, token = fuzzer.browser()
    path = fuzzer.paths()[endpoint]
    _check(
        fuzzer,
        lambda: client.post(path, json=body, headers={"X-CSRFToken": token}),
    )


@FUZZ
@given(document=st.one_of(export_documents, json_values))
def test_random_import_documents_never_fail(fuzzer: Fuzzer, document: object) -> None:
    client, token = fuzzer.browser()
    upload = io.BytesIO(json.dumps(document).encode())
    _check(
        fuzzer,
        lambda: client.post(
            "/account/import",
            data={"csrf_token": token, "file": (upload, "export.json")},
            content_type="multipart/form-data",
        ),
    )


def test_deeply_nested_import_is_refused_cleanly(fuzzer: Fuzzer) -> None:
    client, token = fuzzer.browser()
    nested = b"[" * 5000 + b"]" * 5000
    _check(
        fuzzer,
        lambda: client.post(
            "/account/import",
            data={"csrf_token": token, "file": (io.BytesIO(nested), "deep.json")},
            content_type="multipart/form-data",
        ),
    )
