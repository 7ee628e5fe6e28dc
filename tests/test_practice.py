"""Practising alone through the test client: happy paths and bad input."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.models import Attempt, Question, RoundItem, User

from support import Practice, post


def attempts(app: Flask) -> list[Attempt]:
    """Every attempt in the database."""
    with app.app_context():
        return list(db.session.scalars(db.select(Attempt).order_by(Attempt.id)))


def test_home_lists_fields_with_counts(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "Alpha Field" in page
    assert "6 questions" in page
    assert "Beta Field" in page
    assert "still shaky" not in page  # a visitor has no history yet


def test_visiting_does_not_create_a_profile(app: Flask, client: FlaskClient) -> None:
    client.get("/")
    client.get("/fields/alpha-field")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_field_page_filters_by_kind_and_difficulty(client: FlaskClient) -> None:
    page = client.get("/fields/alpha-field?kind=situational").get_data(as_text=True)
    assert "What would you do if a deadline could not be met?" in page
    assert "Tell me about yourself." not in page
    page = client.get("/fields/alpha-field?difficulty=3").get_data(as_text=True)
    assert "Explain how an index speeds up a database query." in page
    assert "Why do you want to work here?" not in page
    page = client.get("/fields/alpha-field?kind=bogus&difficulty=9").get_data(
        as_text=True
    )
    assert page.count('class="question-text"') == 6


def test_solo_round_end_to_end(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    first = practice.question_page(round_id, 1)
    assert "Question 1 of 3" in first
    assert "What a strong answer covers" not in first  # never before rating
    response = practice.answer(
        round_id, 1, 2, elapsed=75.4, note="Lead with the result"
    )
    assert response.status_code == 302
    rated = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "What a strong answer covers" in rated
    assert "Shaky" in rated
    assert "1:15" in rated
    practice.answer(round_id, 2, 4, elapsed=30)
    practice.answer(round_id, 3, 1, elapsed=200)
    summary = client.get(f"/rounds/{round_id}/summary").get_data(as_text=True)
    assert summary.count("<tr>") == 4  # header and three questions
    assert "Lead with the result" in summary
    assert "Practise the 2 shaky ones again" in summary
    stored = attempts(app)
    assert [a.rating for a in stored] == [2, 4, 1]
    assert stored[0].elapsed_seconds == 75.4
    assert stored[0].timed_by == "browser"
    assert stored[0].shown_at <= stored[0].answered_at
    assert stored[0].answered_at.tzinfo is not None


def round_question_keys(app: Flask, round_id: int) -> list[str]:
    """The keys of a round's questions, in order."""
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Question.key)
                .join(RoundItem, RoundItem.question_id == Question.id)
                .where(RoundItem.round_id == round_id)
                .order_by(RoundItem.position)
            )
        )


def test_round_puts_unseen_and_shaky_first(app: Flask, practice: Practice) -> None:
    # Two rounds of three cover all six alpha questions (unseen ones come first):
    # rate four Solid and two Shaky. The next round must open with the shaky two.
    ratings = iter([3, 3, 3, 2, 2, 3])
    shaky: set[str] = set()
    for _ in range(2):
        round_id = practice.start_round(size=3)
        keys = round_question_keys(app, round_id)
        for position, key in enumerate(keys, start=1):
            rating = next(ratings)
            practice.answer(round_id, position, rating)
            if rating == 2:
                shaky.add(key)
    assert len(shaky) == 2
    next_round = round_question_keys(app, practice.start_round(size=3))
    assert set(next_round[:2]) == shaky


def test_first_rounds_cover_unseen_questions(app: Flask, practice: Practice) -> None:
    first = practice.start_round(size=3)
    for position in (1, 2, 3):
        practice.answer(first, position, 4)
    second = practice.start_round(size=3)
    assert not set(round_question_keys(app, first)) & set(
        round_question_keys(app, second)
    )


def test_without_javascript_server_time_is_stored(
    app: Flask, practice: Practice
) -> None:
    round_id = practice.start_round()
    response = practice.answer(round_id, 1, 3, elapsed=None)
    assert response.status_code == 302
    [attempt] = attempts(app)
    assert attempt.timed_by == "server"
    assert 0 <= attempt.elapsed_seconds < 60


@pytest.mark.parametrize(
    ("rating", "elapsed", "note", "message"),
    [
        ("", 10, "", "Rate your answer"),
        ("7", 10, "", "Rate your answer from 1 (Stumped) to 4 (Nailed it)."),
        ("abc", 10, "", "Rate your answer from 1 (Stumped) to 4 (Nailed it)."),
        ("3", -5, "", "The time must be between 0 seconds and 4 hours."),
        ("3", 999999, "", "The time must be between 0 seconds and 4 hours."),
        ("3", "soon", "", "Not a valid float value."),
        ("3", 10, "x" * 5001, "Keep the note under 5,000 characters."),
    ],
)
def test_bad_answer_rerenders_with_400_and_keeps_note(
    app: Flask,
    practice: Practice,
    rating: str,
    elapsed: object,
    note: str,
    message: str,
) -> None:
    round_id = practice.start_round()
    note = note or "my precious note"
    response = practice.answer(round_id, 1, rating, elapsed=elapsed, note=note)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert note[:100] in page  # nothing the user wrote is lost
    assert attempts(app) == []


def test_forged_shown_token_is_refused(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round()
    response = post(
        client,
        f"/rounds/{round_id}/1",
        {"rating": 3, "shown_token": "forged", "note": "keep me"},
    )
    assert response.status_code == 400
    assert "keep me" in response.get_data(as_text=True)
    assert attempts(app) == []


def test_post_without_csrf_is_refused_and_writes_nothing(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round()
    page = practice.question_page(round_id, 1)
    token = re.search(r'name="shown_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(
        f"/rounds/{round_id}/1",
        data={"rating": 3, "shown_token": token, "note": "my long reflection"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "security token was missing" in page
    assert "my long reflection" in page  # nothing the user wrote is lost
    assert attempts(app) == []
    stranger = app.test_client()
    refused = stranger.post("/fields/alpha-field/rounds", data={"size": 3})
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 1


def test_answering_twice_keeps_the_first(app: Flask, practice: Practice) -> None:
    round_id = practice.start_round()
    practice.answer(round_id, 1, 3)
    second = post(
        practice.client, f"/rounds/{round_id}/1", {"rating": 1, "note": "my 2nd try"}
    )
    assert second.status_code == 409
    page = second.get_data(as_text=True)
    assert "already rated in another tab" in page
    assert "what you entered here was not saved" in page
    assert "my 2nd try" in page  # kept on the page to copy
    assert [a.rating for a in attempts(app)] == [3]


@pytest.mark.parametrize(
    "path",
    [
        "/fields/nope",
        "/questions/al-nope",
        "/rounds/999",
        "/rounds/999/1",
        "/rounds/999/summary",
        "/nope",
    ],
)
def test_unknown_things_are_404_pages(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<nav" in page and "Back to the fields" in page
    assert "Traceback" not in page


def test_unknown_position_is_404(practice: Practice) -> None:
    round_id = practice.start_round(size=3)
    assert practice.client.get(f"/rounds/{round_id}/4").status_code == 404


def test_practise_one_question_and_history(
    client: FlaskClient, practice: Practice
) -> None:
    response = post(client, "/questions/al-four/practice")
    assert response.status_code == 302
    round_id = int(re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1))
    page = practice.question_page(round_id, 1)
    assert "Explain how an index speeds up a database query." in page
    assert "Question 1 of 1" in page
    practice.answer(round_id, 1, 1, elapsed=100, note="forgot B-trees")
    response = post(client, "/questions/al-four/practice")
    second = int(re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1))
    practice.answer(second, 1, 3, elapsed=150, note="better")
    history = client.get("/questions/al-four").get_data(as_text=True)
    assert history.index("forgot B-trees") < history.index("better")
    assert "What a strong answer covers" in history


def test_retry_shaky_starts_round_of_shaky_ones(
    client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 1)
    practice.answer(round_id, 2, 4)
    practice.answer(round_id, 3, 2)
    response = post(client, f"/rounds/{round_id}/retry")
    assert response.status_code == 302
    new_round = int(
        re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1)
    )
    summary = client.get(f"/rounds/{new_round}/summary").get_data(as_text=True)
    assert summary.count("Not answered") == 2


def test_home_shows_shaky_count_for_returning_user(
    client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 1)
    practice.answer(round_id, 2, 2)
    practice.answer(round_id, 3, 4)
    page = client.get("/").get_data(as_text=True)
    assert "3 practised" in page
    assert "2 still shaky" in page


def test_healthz(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok"}


def test_home_points_a_returning_user_to_review(
    client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 1)
    page = client.get("/").get_data(as_text=True)
    assert "<strong>1</strong> still shaky" in page
    assert 'href="/review">Review them</a>' in page


def test_bad_round_size_rerenders_field_with_400(
    app: Flask, client: FlaskClient
) -> None:
    response = post(client, "/fields/alpha-field/rounds", {"size": 7})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Start a practice round" in page
    assert page.count('class="question-text"') == 6
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0
