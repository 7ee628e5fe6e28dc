"""My questions: private questions that work like bank questions, for their owner."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.bank_sync import sync_banks
from mockint.banks import BankError, load_banks
from mockint.extensions import db
from mockint.models import Attempt, Question, ReviewCard

from support import FIELD, Auth, Practice, make_user, post, question, write_bank

NEW = {
    "text": "How would you explain our product to a sceptical nurse?",
    "kind": "situational",
    "difficulty": 3,
    "target_seconds": 150,
    "guidance": "- Starts from the nurse's day\n- One concrete benefit\n\n",
    "follow_ups": "What if they still say no?",
}


def add(client: FlaskClient, **overrides: object):  # noqa: ANN201
    """Post the add-a-question form."""
    return post(client, "/my-questions/new", {**NEW, **overrides})


def key_of(app: Flask, text: str = NEW["text"]) -> str:
    with app.app_context():
        return db.session.scalar(db.select(Question.key).where(Question.text == text))


def test_add_edit_archive_and_restore(app: Flask, practice: Practice) -> None:
    client = practice.client
    response = add(client)
    assert response.status_code == 302
    key = key_of(app)
    assert key.startswith("my-")
    page = client.get("/my-questions").get_data(as_text=True)
    assert NEW["text"] in page and "Starts from the nurse" in page
    with app.app_context():
        stored = db.session.scalar(db.select(Question).where(Question.key == key))
        assert stored.guidance_points == [
            "Starts from the nurse's day",
            "One concrete benefit",
        ]
        assert stored.follow_ups == ["What if they still say no?"]
        assert stored.field.personal

    edited = post(
        client, f"/my-questions/{key}/edit", {**NEW, "text": "Pitch it to a nurse."}
    )
    assert edited.status_code == 302
    assert "Pitch it to a nurse." in client.get("/fields/my-questions").get_data(
        as_text=True
    )

    post(client, f"/my-questions/{key}/archive")
    assert "Pitch it to a nurse." not in client.get("/fields/my-questions").get_data(
        as_text=True
    )
    post(client, f"/my-questions/{key}/restore")
    assert "Pitch it to a nurse." in client.get("/fields/my-questions").get_data(
        as_text=True
    )


def test_a_bad_question_form_rerenders_with_400_and_keeps_the_text(
    app: Flask, client: FlaskClient
) -> None:
    response = add(client, text="", guidance="- my careful point")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write the question as the interviewer asked it." in page
    assert "my careful point" in page
    with app.app_context():
        assert (
            db.session.scalar(db.select(db.func.count(Question.id))) == 8
        )  # banks only


def test_a_private_question_works_like_a_bank_question(
    app: Flask, practice: Practice
) -> None:
    add(practice.client)
    key = key_of(app)
    home = practice.client.get("/").get_data(as_text=True)
    assert "My questions" in home
    round_id = practice.start_round("my-questions", size=3)
    page = practice.question_page(round_id, 1)
    assert NEW["text"] in page
    practice.answer(round_id, 1, 2)
    with app.app_context():
        card = db.session.scalar(
            db.select(ReviewCard).join(Question).where(Question.key == key)
        )
        assert card is not None and card.last_rating == 2
    assert NEW["text"] in practice.client.get("/review").get_data(as_text=True)
    history = practice.client.get(f"/questions/{key}")
    assert history.status_code == 200
    outline = post(
        practice.client, f"/questions/{key}/outline", {"text": "Start from her shift."}
    )
    assert outline.status_code == 302


@pytest.mark.parametrize("who", ["account", "guest", "visitor"])
def test_private_questions_are_invisible_to_everyone_else(
    app: Flask, practice: Practice, who: str
) -> None:
    add(practice.client)
    key = key_of(app)
    practice.answer(practice.start_round("my-questions", size=3), 1, 1)
    other = app.test_client()
    if who == "account":
        make_user(app, "grace")
        Auth(other).login("grace")
    elif who == "guest":
        Practice(other).start_round()
    for path in (
        "/",
        "/fields/my-questions",
        "/review",
        "/review?show=all",
        "/my-questions",
    ):
        page = other.get(path).get_data(as_text=True)
        assert NEW["text"] not in page, path
    for path in (f"/questions/{key}", f"/my-questions/{key}/edit"):
        assert other.get(path).status_code == 404, path
    for path in (
        f"/questions/{key}/practice",
        f"/questions/{key}/outline",
        f"/my-questions/{key}/edit",
        f"/my-questions/{key}/archive",
    ):
        assert post(other, path, {**NEW, "text": "stolen"}).status_code == 404, path
    started = post(other, "/fields/my-questions/rounds", {"size": 3})
    assert started.status_code == 302
    landing = other.get(started.headers["Location"], follow_redirects=True)
    assert "No questions to practise here yet" in landing.get_data(as_text=True)
    assert NEW["text"] not in landing.get_data(as_text=True)
    with app.app_context():
        assert (
            db.session.scalar(db.select(Question.text).where(Question.key == key))
            == (NEW["text"])
        )


def test_near_duplicates_are_offered_instead(app: Flask, practice: Practice) -> None:
    response = add(practice.client, text="Tell me about yourself!")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "This looks like a question you can already practise" in page
    assert "Practise this one instead" in page
    assert key_of(app, "Tell me about yourself!") is None
    added = add(practice.client, text="Tell me about yourself!", add_anyway="y")
    assert added.status_code == 302
    assert key_of(app, "Tell me about yourself!") is not None
    # Mine count too: the same again is offered mine.
    again = add(practice.client, text="tell me about yourself")
    assert again.get_data(as_text=True).count("Practise this one instead") == 2


def test_bank_sync_leaves_private_questions_alone(
    app: Flask, practice: Practice
) -> None:
    add(practice.client)
    with app.app_context():
        report = sync_banks(db.session, load_banks(Path(app.config["QUESTIONS_DIR"])))
        db.session.commit()
        assert report.archived == 0 and report.fields_archived == 0
        mine = db.session.scalar(
            db.select(Question).where(Question.owner_id.is_not(None))
        )
        assert mine.archived_at is None and mine.field.archived_at is None


def test_banks_may_not_use_the_personal_prefix(tmp_path: Path) -> None:
    body = FIELD.replace('slug = "test-field"', 'slug = "my-questions"').replace(
        'id_prefix = "tt"', 'id_prefix = "my"'
    ) + question(id='"my-q"')
    write_bank(tmp_path, "mine.toml", body)
    with pytest.raises(BankError) as raised:
        load_banks(tmp_path)
    assert any("reserved for users' own questions" in p for p in raised.value.problems)


def test_a_guests_questions_move_into_the_account_on_merge(
    app: Flask, practice: Practice
) -> None:
    make_user(app)
    add(practice.client)
    practice.answer(practice.start_round("my-questions", size=3), 1, 2)
    Auth(practice.client).login()
    post(practice.client, "/account/merge", {"choice": "merge"})
    page = practice.client.get("/my-questions").get_data(as_text=True)
    assert NEW["text"] in page
    with app.app_context():
        attempt = db.session.scalar(db.select(Attempt))
        assert attempt.question.owner_id == attempt.user_id


def test_my_questions_page_offers_the_first_step(client: FlaskClient) -> None:
    page = client.get("/my-questions").get_data(as_text=True)
    assert "You have not added any questions yet" in page
    assert re.search(r'href="/my-questions/new"', page)
