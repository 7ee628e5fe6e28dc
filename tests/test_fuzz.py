"""Property-based fuzzing: no input, however odd, makes any POST endpoint fail.

Every POST endpoint of the app gets random form fields, random JSON bodies of
every shape (with a valid CSRF header) and, for the import, random documents.
Whatever comes in, the answer is never a 5xx, and a refused request (4xx)
writes nothing. FUZZ_EXAMPLES sets the examples per endpoint and kind of body
(150 by default: 300 requests per endpoint; CI runs 80 on SQLite and 40 on
PostgreSQL to keep within its time, see .ci/run).
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
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockint.debriefing import start_debrief
from mockint.extensions import db
from mockint.interviewing.links import create_link, grant, usable_link
from mockint.interviewing.live import Score, begin, end, save_score
from mockint.interviewing.questions import METHODS, create_interview
from mockint.interviews.forms import ACTIONS
from mockint.login_sessions import start_session
from mockint.models import FailedLogin, Field, Question, RateEvent, User, utcnow
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
    "version",
    "position",
    "covered",
    "asked",
    "feedback",
    "self-1",
    "keep-1",
    "candidate_name",
    "count",
    "method",
    "link_days",
    "fields",
    "show_text",
    "key",
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


def _mostly(plausible: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Four times in five a plausible value, else anything a form could send."""
    return st.integers(0, 4).flatmap(lambda n: plausible if n else field_values)


def _or_anything(values: list[str]) -> st.SearchStrategy[str]:
    return _mostly(st.sampled_from(values))


small_numbers = _mostly(st.integers(2, 16).map(str))
# Interview forms whose fields must all fit before any code behind them runs:
# plausible values, mixed with anything, so most examples get past the form.
INTERVIEW_FORMS = {
    "interviews.create": st.fixed_dictionaries(
        {
            "fields": st.lists(
                _or_anything(["alpha-field", "beta-field"]), min_size=1, max_size=3
            ),
            "count": small_numbers,
            "method": _or_anything(sorted(METHODS)),
            "candidate_name": _mostly(st.just("Ada")),
            "link_days": _or_anything(["1", "7", "30"]),
        },
        optional={
            "level": _or_anything(["", "entry", "experienced", "manager"]),
            "show_text": _or_anything(["y"]),
        },
    ),
    "interviews.change_questions": st.fixed_dictionaries(
        {"action": _or_anything(["add", "remove", "up", "down"])},
        optional={
            "key": _or_anything(["al-one", "al-two", "al-four", "be-one", "my-x"]),
            "position": small_numbers,
        },
    ),
    "interviews.control": st.fixed_dictionaries(
        {
            "action": _or_anything(sorted(ACTIONS)),
            "version": _mostly(st.integers(1, 6).map(str)),
            "position": _mostly(st.integers(1, 3).map(str)),
        },
        optional={
            "covered": st.lists(_or_anything(["0", "1", "2"]), max_size=2),
            "asked": st.lists(_or_anything(["0", "1", "2"]), max_size=2),
            "rating": _or_anything(["1", "2", "3", "4"]),
            "feedback": any_text,
        },
    ),
    "interviews.save_self_ratings_view": st.dictionaries(
        _or_anything(["self-1", "self-2", "self-3", "keep-1", "keep-2", "keep-3"]),
        _or_anything(["", "1", "2", "3", "4", "y"]),
        max_size=6,
    ),
}


def _rows_per_table(app: Flask) -> dict[str, int]:
    # One statement for every table: this runs twice per example, thousands of times.
    counts = sa.union_all(
        *(
            sa.select(sa.literal(table.name), sa.func.count()).select_from(table)
            for table in db.metadata.sorted_tables
            if table.name not in WRITTEN_ON_REFUSAL
        )
    )
    with app.app_context():
        return {name: count for name, count in db.session.execute(counts)}


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
            self._add_interviews(user)
            db.session.commit()

    def _add_interviews(self, user: User) -> None:
        """A live interview (this browser runs it), one not begun, one ended."""
        now = utcnow()
        field = db.session.scalar(db.select(Field).where(Field.slug == "alpha-field"))
        questions = list(
            db.session.scalars(
                db.select(Question)
                .where(Question.key.in_(["al-one", "al-two", "al-three"]))
                .order_by(Question.key)
            )
        )

        def interview(method: str, chosen: list[Question]):  # noqa: ANN202
            return create_interview(
                db.session, user.id, "Ada", [field], None, method, chosen, False, 7
            )

        live = interview("random", questions)
        self.live_id = live.public_id
        self.link_token = create_link(db.session, live, 7, now)
        create_link(db.session, live, 7, now)  # a second link, for revoking
        begin(db.session, live, live.version, now)
        self.picked_id = interview("hand-picked", questions[:1]).public_id
        ended = interview("random", questions)
        self.ended_id = ended.public_id
        begin(db.session, ended, ended.version, now)
        score = Score(covered=(0,), follow_ups_asked=(), rating=3, feedback="Fine")
        save_score(db.session, ended, ended.version, 1, score, now)
        end(db.session, ended, ended.version, now)

    def browser(self) -> tuple[FlaskClient, str]:
        """A client signed in as the user, and its CSRF token."""
        with self.app.app_context(), self.app.test_request_context():
            user = db.session.get(User, self.user_id)
            record, token = start_session(db.session, user, "fuzz", utcnow())
            # Each browser also holds the live interview's link, as a friend
            # would, so the interviewer's actions reach the code behind the grant.
            link = usable_link(db.session, self.link_token, utcnow())
            assert link is not None
            grant(db.session, link, record.id, utcnow())
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
            from mockint.models import Interview, InterviewLink, LoginSession

            session_id = db.session.scalar(db.select(db.func.min(LoginSession.id)))
            # Not the browser's own link: revoking it would end every grant.
            link_id = db.session.scalar(
                db.select(db.func.max(InterviewLink.id)).where(
                    InterviewLink.interview_id == Interview.id,
                    Interview.public_id == self.live_id,
                )
            )
        return {
            "practice.start_field_round_view": "/fields/alpha-field/rounds",
            "practice.practise_one": "/questions/al-one/practice",
            "practice.round_question": f"/rounds/{self.round_id}/2",
            "practice.retry_shaky": f"/rounds/{self.round_id}/retry",
            "practice.save_outline_view": "/questions/al-one/outline",
            "practice.set_recording_choice": "/recordings/choice",
            "practice.delete_recording_view": "/recordings/1/delete",
            "practice.delete_all_recordings_view": "/recordings/delete-all",
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
            "interviews.create": "/interviews/new",
            "interviews.new_link": f"/interviews/{self.live_id}/links",
            "interviews.revoke": f"/interviews/{self.live_id}/links/{link_id}/revoke",
            "interviews.delete": f"/interviews/{self.picked_id}/delete",
            "interviews.change_questions": f"/interviews/{self.picked_id}/questions",
            "interviews.control": f"/interviews/{self.live_id}/conduct",
            "interviews.save_self_ratings_view": (
                f"/interviews/{self.ended_id}/self-ratings"
            ),
            "interviews.keep_recording": f"/interviews/{self.ended_id}/recordings",
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
        "practice.set_recording_choice",
        "practice.delete_recording_view",
        "practice.delete_all_recordings_view",
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
        "interviews.create",
        "interviews.new_link",
        "interviews.revoke",
        "interviews.delete",
        "interviews.change_questions",
        "interviews.control",
        "interviews.save_self_ratings_view",
        "interviews.keep_recording",
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


@pytest.mark.parametrize("endpoint", sorted(INTERVIEW_FORMS))
@FUZZ
@given(data=st.data(), as_json=st.booleans())
def test_plausible_interview_forms_never_fail(
    fuzzer: Fuzzer, endpoint: str, data: st.DataObject, as_json: bool
) -> None:
    client, token = fuzzer.browser()
    body = {**data.draw(INTERVIEW_FORMS[endpoint]), "csrf_token": token}
    path = fuzzer.paths()[endpoint]
    # The interviewer's script asks for JSON; a page without it posts the form.
    headers = {"X-CSRFToken": token, "Accept": "application/json"} if as_json else {}
    _check(fuzzer, lambda: client.post(path, data=body, headers=headers))


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
