"""Mock interviews with a friend: set-up, the live screens, and what comes after."""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.interviews.conduct import STALE_MESSAGE
from mockint.models import (
    Attempt,
    Interview,
    InterviewItem,
    InterviewLink,
    Question,
    RoundItem,
    User,
    utcnow,
)
from mockint.own_questions import QuestionDraft, add_question
from mockint.progress import ranked_questions
from mockint.scheduling import rebuild_cards

from support import Interviewer, Interviews, Practice, card_rows, make_app, post

UTC = ZoneInfo("UTC")
ENTRY_QUESTIONS = {
    "Tell me about yourself.",
    "Why do you want to work here?",
    "Walk me through your CV.",
}


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.get_data(as_text=True))


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _texts(app: Flask, keys: list[str]) -> list[str]:
    with app.app_context():
        by_key = dict(db.session.execute(sa.select(Question.key, Question.text)).all())
    return [by_key[key] for key in keys]


def _bank_texts(app: Flask, slug_prefix: str) -> set[str]:
    with app.app_context():
        return set(
            db.session.scalars(
                sa.select(Question.text).where(Question.key.startswith(slug_prefix))
            )
        )


def _rate_round(app: Flask, practice: Practice, ratings: list[int]) -> list[str]:
    """Practise an alpha-field round with the ratings; return its questions' texts."""
    round_id = practice.start_round("alpha-field", len(ratings))
    for position, rating in enumerate(ratings, start=1):
        assert practice.answer(round_id, position, rating).status_code == 302
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Question.text)
                .join(RoundItem, RoundItem.question_id == Question.id)
                .where(RoundItem.round_id == round_id)
                .order_by(RoundItem.position)
            )
        )


def _interview_questions(app: Flask) -> list[str]:
    """The questions of the only interview, in the order they will be asked."""
    with app.app_context():
        return list(
            db.session.scalars(
                sa.select(Question.text)
                .join(InterviewItem, InterviewItem.question_id == Question.id)
                .order_by(InterviewItem.position)
            )
        )


def _only_user_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(sa.select(User.id)).one()


# Setting it up ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fields": []}, "Choose at least one field."),
        ({"count": "2"}, "Choose between 3 and 15 questions."),
        ({"count": "16"}, "Choose between 3 and 15 questions."),
        ({"candidate_name": ""}, "Type the name your interviewer should call you."),
        ({"candidate_name": "   "}, "Type the name your interviewer should call you."),
        (
            {"candidate_name": "\u200b\u200b"},
            "Type the name your interviewer should call you.",
        ),
        (
            {"fields": ["beta-field"], "level": "manager"},
            "No questions to ask in these fields at that level",
        ),
    ],
)
def test_a_bad_set_up_shows_its_error_and_creates_nothing(
    app: Flask, client: FlaskClient, overrides: dict, message: str
) -> None:
    form = Interviews.setup_form(**overrides)
    response = post(client, "/interviews/new", form)
    assert response.status_code == 400
    page = _text(response)
    assert message in page
    assert "Your interviewer's link" not in page
    assert _count(app, Interview) == 0
    assert _count(app, InterviewLink) == 0


def test_a_refused_set_up_keeps_what_was_typed(client: FlaskClient) -> None:
    form = Interviews.setup_form(candidate_name="Samira", count="99")
    page = _text(post(client, "/interviews/new", form))
    assert 'value="Samira"' in page
    assert 'value="99"' in page


def test_the_share_page_shows_the_link_once(app: Flask, client: FlaskClient) -> None:
    interviews = Interviews(client)
    public_id, link = interviews.create(candidate_name="  Sam  ")
    assert len(link) > len("/i/") + 40  # 256 random bits, URL-safe
    screen = _text(client.get(f"/interviews/{public_id}"))
    assert link not in screen
    assert "Active" in screen
    friend = Interviewer(app, link)
    conduct = _text(friend.client.get(f"/interviews/{public_id}/conduct"))
    assert "You are interviewing Sam" in conduct  # the name as typed, trimmed


def test_sending_the_set_up_again_makes_no_second_interview(
    app: Flask, client: FlaskClient
) -> None:
    """Reloading the share page resubmits the set-up form: the interview it made
    gets a new link instead of a twin."""
    page = _text(client.get("/interviews/new"))
    setup_id = re.search(r'name="setup_id"[^>]*value="([^"]+)"', page)
    assert setup_id and len(setup_id.group(1)) >= 20
    form = Interviews.setup_form(setup_id=setup_id.group(1))
    first = post(client, "/interviews/new", form)
    public_id, first_link = Interviews.shared(_text(first))
    again = post(client, "/interviews/new", form)
    assert again.status_code == 200
    same_id, second_link = Interviews.shared(_text(again))
    assert same_id == public_id and second_link != first_link
    assert "already set up" in _text(again)
    assert _count(app, Interview) == 1
    assert _count(app, InterviewLink) == 2
    # Both links open it; a new form (a new set-up id) makes a new interview.
    for link in (first_link, second_link):
        assert (
            Interviewer(app, link)
            .client.get(f"/interviews/{public_id}/conduct")
            .status_code
            == 200
        )
    fresh = _text(client.get("/interviews/new"))
    other_id = re.search(r'name="setup_id"[^>]*value="([^"]+)"', fresh).group(1)
    assert other_id != setup_id.group(1)
    post(client, "/interviews/new", Interviews.setup_form(setup_id=other_id))
    assert _count(app, Interview) == 2


def test_sending_a_hand_picked_set_up_again_returns_to_its_picker(
    app: Flask, client: FlaskClient
) -> None:
    page = _text(client.get("/interviews/new"))
    setup_id = re.search(r'name="setup_id"[^>]*value="([^"]+)"', page).group(1)
    form = Interviews.setup_form(method="hand-picked", setup_id=setup_id)
    first = post(client, "/interviews/new", form)
    again = post(client, "/interviews/new", form)
    assert first.status_code == again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Location"].endswith("/questions")
    assert _count(app, Interview) == 1


def test_weakest_first_follows_the_review_ranking(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    rated = _rate_round(app, practice, [4, 1, 2])
    interviews = Interviews(client)
    public_id, _ = interviews.create(method="weakest", count="5")
    asked = interviews.questions(public_id)
    with app.app_context():
        ranking = [
            weak.question.text
            for weak in ranked_questions(db.session, _only_user_id(app), utcnow(), UTC)
        ]
    assert asked[:3] == ranking
    assert asked[0] == rated[1]  # the one the candidate was stumped by
    unseen = _bank_texts(app, "al-") - set(rated)
    assert len(asked) == 5
    assert set(asked[3:]) <= unseen


def test_unseen_and_shaky_alternate_and_leave_out_the_solid(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    rated = _rate_round(app, practice, [1, 2, 4])
    interviews = Interviews(client)
    public_id, _ = interviews.create(method="unseen-shaky", count="5")
    asked = interviews.questions(public_id)
    unseen = _bank_texts(app, "al-") - set(rated)
    assert len(asked) == 5
    assert {asked[0], asked[2]} == set(rated[:2])
    assert {asked[1], asked[3], asked[4]} == unseen
    assert rated[2] not in asked


def test_random_gives_the_count_from_the_chosen_fields(
    app: Flask, client: FlaskClient
) -> None:
    interviews = Interviews(client)
    public_id, _ = interviews.create(fields=["alpha-field", "beta-field"], count="4")
    asked = interviews.questions(public_id)
    assert len(asked) == len(set(asked)) == 4
    assert set(asked) <= _bank_texts(app, "al-") | _bank_texts(app, "be-")
    public_id, _ = interviews.create(fields=["beta-field"], count="3")
    assert set(interviews.questions(public_id)) == _bank_texts(app, "be-")


@pytest.mark.parametrize("method", ["random", "weakest", "unseen-shaky"])
def test_every_method_keeps_to_the_level(client: FlaskClient, method: str) -> None:
    interviews = Interviews(client)
    public_id, _ = interviews.create(
        fields=["alpha-field", "beta-field"], level="entry", count="5", method=method
    )
    assert set(interviews.questions(public_id)) == ENTRY_QUESTIONS


def test_hand_picking_keeps_the_candidates_order(
    app: Flask, client: FlaskClient
) -> None:
    interviews = Interviews(client)
    public_id = interviews.create_hand_picked(fields=["alpha-field", "beta-field"])
    assert interviews.chosen(public_id) == []
    for key in ["al-three", "al-one", "be-two"]:
        assert interviews.change(public_id, "add", key=key).status_code == 303
    three, one, two = _texts(app, ["al-three", "al-one", "be-two"])
    assert interviews.chosen(public_id) == [three, one, two]
    interviews.change(public_id, "up", position="3")
    assert interviews.chosen(public_id) == [three, two, one]
    interviews.change(public_id, "down", position="1")
    assert interviews.chosen(public_id) == [two, three, one]
    interviews.change(public_id, "remove", position="2")
    assert interviews.chosen(public_id) == [two, one]

    refused = interviews.change(public_id, "add", key="al-one", follow_redirects=True)
    assert "at most 15 questions, each once" in _text(refused)
    assert interviews.chosen(public_id) == [two, one]

    # The order survives into the interview the friend runs.
    link = interviews.new_link(public_id)
    assert interviews.questions(public_id) == [two, one]
    friend = Interviewer(app, link)
    friend.act("begin")
    assert friend.state()["text"] == two


def test_hand_picking_refuses_a_sixteenth_question(
    app: Flask, client: FlaskClient
) -> None:
    interviews = Interviews(client)
    public_id = interviews.create_hand_picked(fields=["alpha-field", "beta-field"])
    user_id = _only_user_id(app)
    with app.app_context():
        own = [
            add_question(
                db.session,
                user_id,
                QuestionDraft(f"My own question number {n}?", "technical", 2, 90),
            ).key
            for n in range(8)
        ]
        db.session.commit()
        bank = list(
            db.session.scalars(
                sa.select(Question.key).where(Question.owner_id.is_(None))
            )
        )
    keys = bank + own
    assert len(keys) == 16
    for key in keys[:15]:
        interviews.change(public_id, "add", key=key)
    assert len(interviews.chosen(public_id)) == 15
    refused = interviews.change(public_id, "add", key=keys[15], follow_redirects=True)
    assert "at most 15 questions" in _text(refused)
    assert len(interviews.chosen(public_id)) == 15
    assert _texts(app, [keys[15]])[0] not in interviews.chosen(public_id)


def test_someone_elses_private_question_cannot_be_picked(
    app: Flask, client: FlaskClient
) -> None:
    other = app.test_client()
    Practice(other).start_round()  # a guest of its own
    with app.app_context():
        other_id = db.session.scalar(sa.select(sa.func.min(User.id)))
        key = add_question(
            db.session,
            other_id,
            QuestionDraft("Someone else's secret question?", "technical", 2, 90),
        ).key
        db.session.commit()
    interviews = Interviews(client)
    public_id = interviews.create_hand_picked()
    assert interviews.change(public_id, "add", key=key).status_code == 404
    assert interviews.chosen(public_id) == []


def test_the_questions_cannot_change_once_begun(
    app: Flask, client: FlaskClient
) -> None:
    interviews = Interviews(client)
    public_id = interviews.create_hand_picked()
    for key in ["al-one", "al-two", "al-three"]:
        interviews.change(public_id, "add", key=key)
    before = interviews.chosen(public_id)
    assert before == _texts(app, ["al-one", "al-two", "al-three"])
    friend = Interviewer(app, interviews.new_link(public_id))
    friend.act("begin")
    for action, fields in [
        ("add", {"key": "al-four"}),
        ("remove", {"position": "1"}),
        ("up", {"position": "2"}),
        ("down", {"position": "1"}),
    ]:
        response = interviews.change(public_id, action, follow_redirects=True, **fields)
        assert "cannot change once the interview began" in _text(response)
        assert _interview_questions(app) == before
    # The picker itself sends the candidate back to their screen.
    assert client.get(f"/interviews/{public_id}/questions").status_code == 303


# The live screens ---------------------------------------------------------------


def test_the_poll_answers_304_until_something_changes(app: Flask) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create()
    friend = Interviewer(app, link)
    path = f"/interviews/{public_id}/state"
    first = friend.client.get(path)
    etag = first.headers["ETag"]
    assert friend.client.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert candidate.get(path, headers={"If-None-Match": etag}).status_code == 304
    friend.act("begin")
    for client in (friend.client, candidate):
        changed = client.get(path, headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.headers["ETag"] != etag
        assert changed.get_json()["status"] == "live"
        assert changed.get_json()["position"] == 1


def test_spoken_only_hides_the_text_from_the_candidate_until_revealed(
    app: Flask,
) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create(show_text="")
    friend = Interviewer(app, link)
    path = f"/interviews/{public_id}/state"
    friend.act("begin")
    question = friend.state()["text"]
    assert question
    hidden = candidate.get(path).get_json()
    assert hidden["text"] is None and hidden["spoken_only"] is True
    page = _text(candidate.get(f"/interviews/{public_id}"))
    assert "Listen to your interviewer." in page
    assert question not in page

    friend.act("reveal")
    shown = candidate.get(path).get_json()
    assert shown["text"] == question and shown["spoken_only"] is False
    assert question in _text(candidate.get(f"/interviews/{public_id}"))

    friend.score(1, 3)  # the next question starts spoken only again
    assert candidate.get(path).get_json()["text"] is None


def test_the_candidates_live_screen_never_shows_guidance_or_feedback(
    app: Flask,
) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create()
    friend = Interviewer(app, link)
    friend.act("begin")
    friend.score(1, 2, then="save", covered="0", feedback="Rambled a bit at the start")
    with app.app_context():
        guidance = [
            point
            for item in db.session.scalars(sa.select(InterviewItem))
            for point in item.question.guidance_points + item.question.follow_ups
        ]
    for client in (candidate, friend.client):
        body = json.dumps(client.get(f"/interviews/{public_id}/state").get_json())
        assert "Rambled" not in body
        assert not [point for point in guidance if point in body]
    page = _text(candidate.get(f"/interviews/{public_id}"))
    assert "Rambled" not in page
    assert not [point for point in guidance if point in page]
    assert "Stumped" not in page and "Shaky" not in page


TRANSACTION_CONTROL = {"BEGIN", "COMMIT", "ROLLBACK"}


@contextmanager
def _statements_sent(engine: sa.Engine) -> Iterator[list[str]]:
    """Every SQL statement sent to the database meanwhile, however it was sent.

    The poll's fast path runs its query on a bare DB-API connection, below
    SQLAlchemy's events, so the count is taken in the driver. Transaction
    control is left out: SQLite's BEGIN is issued by hand (mockint.database),
    PostgreSQL's is implicit in the driver; neither is a query.
    """
    sent: list[str] = []
    hooked: list[object] = []

    def note(statement: str) -> None:
        if statement.split(None, 1)[0].upper() not in TRANSACTION_CONTROL:
            sent.append(statement)

    def hook(dbapi_connection, _record, _proxy) -> None:  # noqa: ANN001
        hooked.append(dbapi_connection)
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(note)
            return

        class CountingCursor(psycopg.Cursor):
            def execute(self, query, params=None, **options):  # noqa: ANN001, ANN201
                note(str(query))
                return super().execute(query, params, **options)

        dbapi_connection.cursor_factory = CountingCursor

    sa.event.listen(engine, "checkout", hook)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "checkout", hook)
        for connection in hooked:
            if isinstance(connection, sqlite3.Connection):
                connection.set_trace_callback(None)
            else:
                connection.cursor_factory = psycopg.Cursor


@pytest.mark.parametrize("fast_path", [True, False], ids=["fast-path", "flask-view"])
def test_the_poll_runs_one_sql_statement(tmp_path: Path, fast_path: bool) -> None:
    app = make_app(tmp_path, LIVE_POLL_FAST_PATH=fast_path)
    try:
        candidate = app.test_client()
        public_id, link = Interviews(candidate).create()
        friend = Interviewer(app, link)
        path = f"/interviews/{public_id}/state"
        etag = friend.client.get(path).headers["ETag"]
        with app.app_context():
            engine = db.engine
        for client in (friend.client, candidate):
            with _statements_sent(engine) as sent:
                unchanged = client.get(path, headers={"If-None-Match": etag})
            assert unchanged.status_code == 304
            assert len(sent) == 1, sent
        friend.act("begin")
        for client in (friend.client, candidate):
            with _statements_sent(engine) as sent:
                changed = client.get(path, headers={"If-None-Match": etag})
            assert changed.status_code == 200
            assert changed.get_json()["position"] == 1
            assert len(sent) == 1, sent
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def test_a_stale_change_from_a_second_tab_gets_409_and_the_fresh_state(
    app: Flask,
) -> None:
    public_id, link = Interviews(app.test_client()).create()
    first, second = Interviewer(app, link), Interviewer(app, link)
    first.act("begin")
    refused = second.act("timer")
    assert refused.status_code == 409
    body = refused.get_json()
    assert "changed in another window" in body["error"]
    assert body["state"]["status"] == "live"
    assert body["state"]["version"] == first.version
    assert body["state"]["timer"]["running"] is False
    # From the fresh state the same change goes through.
    assert second.act("timer", version=body["state"]["version"]).status_code == 200
    assert first.state()["timer"]["running"] is True


def test_a_stale_form_post_keeps_the_typed_feedback(app: Flask) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create()
    first, second = Interviewer(app, link), Interviewer(app, link)
    first.act("begin")
    stale = first.version
    first.act("timer")
    refused = second.submit(
        "save", version=stale, position="1", rating="3", feedback="Clear and calm"
    )
    assert refused.status_code == 409
    page = _text(refused)
    assert STALE_MESSAGE in page
    assert re.search(r"<textarea[^>]*>\s*Clear and calm</textarea>", page)
    assert f'name="version" value="{first.version}"' in page
    # The page's next save, from the version it now shows, goes through.
    saved = second.submit(
        "save", version=first.version, position="1", rating="3", feedback="Calm"
    )
    assert saved.status_code == 303

    # When the other tab moved on, the notes for the earlier question stay too.
    moved_from = first.version = first.state()["version"]
    first.score(1, 3)
    refused = second.submit(
        "save", version=moved_from, position="1", rating="4", feedback="Even better"
    )
    assert refused.status_code == 409
    page = _text(refused)
    assert "Not saved: your notes on question 1" in page
    assert "Even better" in page
    assert first.state()["position"] == 2


def test_an_earlier_score_can_change_until_the_end(app: Flask) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create()
    friend = Interviewer(app, link)
    friend.act("begin")
    friend.score(1, 2, feedback="Too short")
    friend.score(2, 3)
    friend.score(1, 4, then="save", feedback="Actually excellent")
    assert friend.state()["position"] == 3  # editing did not move the screen
    friend.score(3, 3, then="end")
    summary = _text(candidate.get(f"/interviews/{public_id}/summary"))
    assert "Actually excellent" in summary and "Too short" not in summary
    assert "Nailed it" in summary

    refused = friend.act("save", position="1", rating="1", feedback="Changed again")
    assert refused.status_code == 409
    assert refused.get_json()["error"] == "The interview has ended."
    summary = _text(candidate.get(f"/interviews/{public_id}/summary"))
    assert "Changed again" not in summary and "Actually excellent" in summary


def test_the_interviewer_page_without_javascript_runs_the_interview(
    app: Flask,
) -> None:
    candidate = app.test_client()
    public_id, link = Interviews(candidate).create()
    friend = Interviewer(app, link)
    conduct = f"/interviews/{public_id}/conduct"
    assert friend.submit("begin").headers["Location"] == conduct
    page = _text(friend.client.get(conduct))
    assert "Question 1 of 3" in page
    version = int(page.split('name="version" value="', 1)[1].split('"', 1)[0])
    moved = friend.submit("next", version=version, position="1", rating="3")
    assert moved.status_code == 303
    assert "Question 2 of 3" in _text(friend.client.get(conduct))


# After the interview ------------------------------------------------------------


def _run_interview(
    app: Flask, candidate: FlaskClient, ratings: list[int | None], **setup: object
) -> tuple[str, Interviewer]:
    """Run an interview with the ratings (None: not rated), 42 s on each clock."""
    public_id, link = Interviews(candidate).create(count=str(len(ratings)), **setup)
    friend = Interviewer(app, link)
    friend.act("begin")
    for position, rating in enumerate(ratings, start=1):
        friend.act("timer")
        with app.app_context():
            # Back-date the clock's start rather than wait: 42 s of answer.
            interview = db.session.scalars(sa.select(Interview)).one()
            interview.timer_started_at = interview.timer_started_at - timedelta(
                seconds=42
            )
            db.session.commit()
        friend.act("timer")
        last = position == len(ratings)
        friend.score(
            position,
            rating,
            then="end" if last else "next",
            covered="0",
            feedback=f"Feedback on answer {position}",
        )
    return public_id, friend


def test_ending_turns_rated_questions_into_attempts_and_cards(
    app: Flask, client: FlaskClient
) -> None:
    public_id, _friend = _run_interview(app, client, [3, None, 1])
    with app.app_context():
        items = list(
            db.session.scalars(
                sa.select(InterviewItem).order_by(InterviewItem.position)
            )
        )
        attempts = {a.question_id: a for a in db.session.scalars(sa.select(Attempt))}
        assert set(attempts) == {items[0].question_id, items[2].question_id}
        for item in (items[0], items[2]):
            attempt = attempts[item.question_id]
            assert attempt.rated_by == "interviewer"
            assert attempt.rating == item.rating
            assert 42 <= attempt.elapsed_seconds < 43
            assert attempt.elapsed_seconds == item.elapsed_seconds
    cards = card_rows(app)
    assert [(row[1], row[9]) for row in cards] == sorted(
        [(items[0].question_id, 3), (items[2].question_id, 1)]
    )
    with app.app_context():
        rebuild_cards(db.session)
        db.session.commit()
    assert card_rows(app) == cards
    summary = _text(client.get(f"/interviews/{public_id}/summary"))
    assert summary.count("Not rated") == 1
    assert "Solid" in summary and "Stumped" in summary


def test_self_ratings_give_the_calibration_sentence(
    app: Flask, client: FlaskClient
) -> None:
    public_id, _friend = _run_interview(app, client, [3, 2, 4])
    path = f"/interviews/{public_id}/summary"
    empty = _text(client.get(path))
    assert "Rate your own answers above" in empty
    # Self minus interviewer: 2-3 = -1 and 2-2 = 0 (the third is left out).
    saved = post(
        client, f"/interviews/{public_id}/self-ratings", {"self-1": "2", "self-2": "2"}
    )
    assert saved.status_code == 303
    summary = _text(client.get(path))
    assert "On average you rate yourself 0.5 lower than your interviewer." in summary
    assert "(2 questions compared)" in summary
    assert "You rated yourself 1 lower than your interviewer." in summary
    assert "You and your interviewer agree." in summary

    post(
        client,
        f"/interviews/{public_id}/self-ratings",
        {"self-1": "4", "self-2": "3", "self-3": "4"},
    )
    summary = _text(client.get(path))
    # +1, +1, 0: two thirds higher on average.
    assert "On average you rate yourself 0.7 higher than your interviewer." in summary


def test_a_malformed_self_rating_saves_nothing(app: Flask, client: FlaskClient) -> None:
    public_id, _friend = _run_interview(app, client, [3, 2, 4])
    refused = post(
        client, f"/interviews/{public_id}/self-ratings", {"self-1": "2", "self-2": "9"}
    )
    assert refused.status_code == 400
    assert "Choose one of the four ratings." in _text(refused)
    with app.app_context():
        assert not db.session.scalars(
            sa.select(InterviewItem).where(InterviewItem.self_rating.is_not(None))
        ).all()


def test_feedback_kept_as_a_note_and_unticked_again(
    app: Flask, client: FlaskClient
) -> None:
    public_id, _friend = _run_interview(app, client, [3, 2, 4])

    def notes() -> dict[int, str]:
        with app.app_context():
            return {
                item.position: item.attempt.note
                for item in db.session.scalars(sa.select(InterviewItem))
            }

    path = f"/interviews/{public_id}/self-ratings"
    post(client, path, {"keep-1": "y", "keep-3": "y"})
    assert notes() == {1: "Feedback on answer 1", 2: "", 3: "Feedback on answer 3"}
    summary = _text(client.get(f"/interviews/{public_id}/summary"))
    assert 'name="keep-1" value="y" checked' in summary
    assert 'name="keep-2" value="y">' in summary
    post(client, path, {"keep-3": "y"})
    assert notes() == {1: "", 2: "", 3: "Feedback on answer 3"}


@pytest.mark.parametrize("ending", ["revoked", "expired"])
def test_the_friends_summary_ends_with_the_link(
    app: Flask, client: FlaskClient, ending: str
) -> None:
    public_id, friend = _run_interview(app, client, [3, 2, 4])
    path = f"/interviews/{public_id}/summary"
    page = _text(friend.client.get(path))
    assert "Thank you for interviewing Sam" in page
    assert "Feedback on answer 2" in page
    assert 'name="self-1"' not in page  # self-rating is the candidate's alone
    with app.app_context():
        link = db.session.scalars(sa.select(InterviewLink)).one()
        if ending == "expired":
            link.expires_at = utcnow() - timedelta(minutes=1)
            db.session.commit()
        link_id = link.id
    if ending == "revoked":
        revoke = f"/interviews/{public_id}/links/{link_id}/revoke"
        assert post(client, revoke).status_code == 303
    assert friend.client.get(path).status_code == 404
    assert friend.client.get(f"/interviews/{public_id}/sheet").status_code == 404
    page = _text(client.get(path))
    assert "How your interview went" in page
    assert "Feedback on answer 2" in page


def test_the_friend_cannot_rate_for_the_candidate(
    app: Flask, client: FlaskClient
) -> None:
    public_id, friend = _run_interview(app, client, [3, 2, 4])
    refused = friend.client.post(
        f"/interviews/{public_id}/self-ratings",
        data={"csrf_token": friend.csrf, "self-1": "1", "keep-1": "y"},
    )
    assert refused.status_code == 404
    with app.app_context():
        assert all(
            item.self_rating is None and item.attempt.note == ""
            for item in db.session.scalars(sa.select(InterviewItem))
        )


def test_red_flags_are_to_watch_for_not_to_tick(
    app: Flask, client: FlaskClient
) -> None:
    with app.app_context():
        for question in db.session.scalars(sa.select(Question)):
            question.guidance = (
                "- States the goal first\n- Red flag: blames the team for everything"
            )
        db.session.commit()
    public_id, link = Interviews(client).create()
    friend = Interviewer(app, link)
    friend.act("begin")
    conduct = _text(friend.client.get(f"/interviews/{public_id}/conduct"))
    watch_for = conduct.split('id="watch-heading"', 1)[1].split("</section>", 1)[0]
    assert "Red flag: blames the team" in watch_for
    assert conduct.count('name="covered"') == 1  # only the point worth covering
    # A forged tick of the red flag is refused: it is not a point to cover.
    assert friend.act("save", position=1, covered=["0", "1"]).status_code == 400
    friend.score(1, 2, then="end", covered="0")
    with app.app_context():
        item = db.session.scalars(
            sa.select(InterviewItem).where(InterviewItem.position == 1)
        ).one()
        assert item.covered == [0]
    summary = _text(client.get(f"/interviews/{public_id}/summary"))
    assert "States the goal first" in summary
    assert "blames the team" not in summary.split("Missed", 1)[1]
