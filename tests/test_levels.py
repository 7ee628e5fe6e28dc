"""Levels: entry, experienced and manager questions, chosen per round or profile."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.models import Question, Round

from support import Practice, post

ENTRY = {"Tell me about yourself.", "Why do you want to work here?"}


def questions_on(page: str) -> set[str]:
    return set(re.findall(r'<p class="question-text">(?:<a [^>]*>)?([^<]+)<', page))


def round_questions(app: Flask, round_id: int) -> set[str]:
    with app.app_context():
        round_ = db.session.get(Round, round_id)
        return {item.question.text for item in round_.items}


def test_the_field_page_filters_by_level(client: FlaskClient) -> None:
    page = client.get("/fields/alpha-field?level=entry").get_data(as_text=True)
    assert questions_on(page) == ENTRY
    assert "2 questions match these filters" in page
    everything = client.get("/fields/alpha-field?level=nonsense").get_data(as_text=True)
    assert len(questions_on(everything)) == 6  # an unknown level is ignored


def test_a_round_can_be_of_one_level(app: Flask, client: FlaskClient) -> None:
    response = post(client, "/fields/alpha-field/rounds", {"size": 5, "level": "entry"})
    round_id = int(response.headers["Location"].split("/")[2])
    assert round_questions(app, round_id) == ENTRY
    nothing = post(client, "/fields/beta-field/rounds", {"size": 3, "level": "manager"})
    assert "No questions to practise here yet at that level." in client.get(
        nothing.headers["Location"]
    ).get_data(as_text=True)


def test_my_level_is_the_rounds_default(app: Flask, practice: Practice) -> None:
    practice.start_round()  # a profile
    saved = post(practice.client, "/account/level", {"level": "manager"})
    assert saved.status_code == 302
    page = practice.client.get("/fields/alpha-field").get_data(as_text=True)
    [checked] = re.findall(r'<input[^>]*name="level"[^>]*>', page)[3:4]
    assert "checked" in checked and 'value="manager"' in checked
    refused = post(practice.client, "/account/level", {"level": "boss"})
    assert refused.status_code == 400
    assert "Choose a level from the list." in refused.get_data(as_text=True)


def test_the_review_filters_by_level(app: Flask, practice: Practice) -> None:
    round_id = practice.start_round(size=10)
    for position in range(1, 7):
        practice.answer(round_id, position, 2)
    page = practice.client.get("/review?level=entry").get_data(as_text=True)
    assert questions_on(page) == ENTRY
    drill = post(practice.client, "/review/drill", {"size": 5, "level": "entry"})
    drilled = int(drill.headers["Location"].split("/")[2])
    assert round_questions(app, drilled) == ENTRY


def test_private_questions_have_a_level(app: Flask, client: FlaskClient) -> None:
    post(
        client,
        "/my-questions/new",
        {
            "text": "How would you run your first team meeting?",
            "kind": "situational",
            "level": "manager",
            "difficulty": 2,
            "target_seconds": 120,
        },
    )
    with app.app_context():
        level = db.session.scalar(
            db.select(Question.level).where(Question.owner_id.is_not(None))
        )
    assert level == "manager"
