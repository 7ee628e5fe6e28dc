"""Debriefs: drafts that lose nothing, stumpers that become due practice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mockint.debriefing import interview_moment
from mockint.extensions import db
from mockint.models import (
    Attempt,
    Debrief,
    DebriefStumper,
    Question,
    ReviewCard,
    UpcomingInterview,
    User,
    utcnow,
)

from support import Auth, Practice, make_user, post

YESTERDAY = (utcnow() - timedelta(days=1)).date().isoformat()
STUMPERS = "How would you shard a growing table?\nTell me about yourself"


def start(client: FlaskClient, **overrides: object) -> str:
    """Start a debrief; return its edit path."""
    data = {
        "interview_on": YESTERDAY,
        "kind": "technical",
        "company": "Acme",
        **overrides,
    }
    response = post(client, "/debriefs/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def fill(client: FlaskClient, path: str, action: str = "save", **fields: object):  # noqa: ANN201
    """Submit the whole debrief form."""
    data = {
        "interview_on": YESTERDAY,
        "kind": "technical",
        "company": "Acme",
        "role": "Backend engineer",
        "what_happened": "Two engineers, forty minutes, a whiteboard.",
        "stumpers_text": STUMPERS,
        "learned": "They care about trade-offs.",
        "feedback": "Ask the recruiter.",
        "went_well": "The opening story landed.",
        "action": action,
        **fields,
    }
    return post(client, path, data)


def debrief_id(path: str) -> int:
    return int(path.split("/")[2])


def test_a_draft_keeps_everything_and_autosaves(
    app: Flask, client: FlaskClient
) -> None:
    path = start(client)
    assert fill(client, path).status_code == 302
    page = client.get(path).get_data(as_text=True)
    assert (
        "Two engineers, forty minutes" in page and "The opening story landed." in page
    )
    autosave = post(
        client,
        path,
        {"interview_on": YESTERDAY, "kind": "technical", "learned": "typed later"},
        headers={"Accept": "application/json"},
    )
    assert autosave.status_code == 200 and autosave.get_json()["saved"] is True
    with app.app_context():
        stored = db.session.get(Debrief, debrief_id(path))
        assert stored.learned == "typed later" and stored.finished_at is None


def test_a_bad_date_keeps_the_text_and_saves_nothing_wrong(
    app: Flask, client: FlaskClient
) -> None:
    path = start(client)
    response = fill(client, path, interview_on="not a date", went_well="kept text")
    assert response.status_code == 400
    assert "kept text" in response.get_data(as_text=True)
    autosave = post(
        client,
        path,
        {"interview_on": "", "kind": "technical"},
        headers={"Accept": "application/json"},
    )
    assert autosave.status_code == 400
    assert "interview_on" in autosave.get_json()["errors"]
    with app.app_context():
        assert db.session.get(Debrief, debrief_id(path)).interview_on.isoformat() == (
            YESTERDAY
        )


def test_a_future_interview_cannot_be_debriefed(
    app: Flask, client: FlaskClient
) -> None:
    tomorrow = (utcnow() + timedelta(days=2)).date().isoformat()
    response = post(
        client, "/debriefs/new", {"interview_on": tomorrow, "kind": "panel"}
    )
    assert response.status_code == 400
    assert "once it has happened" in response.get_data(as_text=True)


def test_finishing_turns_stumpers_into_due_practice(
    app: Flask, client: FlaskClient
) -> None:
    path = start(client)
    fill(client, path, action="finish")
    # "Tell me about yourself" is in the bank: it is offered instead.
    offer = client.get(f"/debriefs/{debrief_id(path)}/finish")
    assert offer.status_code == 200
    page = offer.get_data(as_text=True)
    assert "Some of these are already here" in page
    with app.app_context():
        bank_id = db.session.scalar(
            db.select(Question.id).where(Question.key == "al-one")
        )
    done = post(client, f"/debriefs/{debrief_id(path)}/finish", {"line-1": bank_id})
    assert done.status_code == 302
    with app.app_context():
        stumpers = db.session.scalars(
            db.select(DebriefStumper).order_by(DebriefStumper.position)
        ).all()
        assert [s.question.text for s in stumpers] == [
            "How would you shard a growing table?",
            "Tell me about yourself.",
        ]
        assert stumpers[0].question.owner_id is not None
        assert stumpers[0].question.kind == "technical"
        assert stumpers[1].question.key == "al-one"  # no duplicate made
        attempts = db.session.scalars(db.select(Attempt)).all()
        assert [a.rating for a in attempts] == [1, 1]
        assert {a.answered_at.date().isoformat() for a in attempts} == {YESTERDAY}
        cards = db.session.scalars(db.select(ReviewCard)).all()
        # A real interview's stumper is due at once, not in FSRS's one day.
        assert all(card.due <= utcnow() for card in cards)
    summary = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Practise these now" in summary
    review = client.get("/review").get_data(as_text=True)
    assert "How would you shard a growing table?" in review


def test_finishing_twice_adds_only_new_lines(app: Flask, client: FlaskClient) -> None:
    path = start(client)
    fill(client, path, stumpers_text="Design a rate limiter", action="finish")
    post(client, f"/debriefs/{debrief_id(path)}/finish")
    fill(client, path, stumpers_text="Design a rate limiter\nWhat is idempotency?")
    post(client, f"/debriefs/{debrief_id(path)}/finish")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(DebriefStumper.id))) == 2
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 2


def test_the_list_shows_how_stumpers_moved(app: Flask, practice: Practice) -> None:
    client = practice.client
    path = start(client)
    fill(client, path, stumpers_text="Design a rate limiter\nWhat is idempotency?")
    post(client, f"/debriefs/{debrief_id(path)}/finish")
    before = client.get("/debriefs").get_data(as_text=True)
    assert "2 still stumped" in before
    practise = post(client, f"/debriefs/{debrief_id(path)}/practise")
    round_id = int(practise.headers["Location"].split("/")[2])
    practice.answer(round_id, 1, 4)
    after = client.get("/debriefs").get_data(as_text=True)
    assert "1 still stumped" in after and "1 learning" in after


def test_deleting_asks_which_questions_to_keep(app: Flask, client: FlaskClient) -> None:
    path = start(client)
    fill(client, path, stumpers_text="Design a rate limiter\nWhat is idempotency?")
    post(client, f"/debriefs/{debrief_id(path)}/finish")
    with app.app_context():
        keep = db.session.scalar(
            db.select(Question.id).where(Question.text == "What is idempotency?")
        )
    confirm = client.get(f"/debriefs/{debrief_id(path)}/delete").get_data(as_text=True)
    assert "Design a rate limiter" in confirm and "What is idempotency?" in confirm
    response = post(client, f"/debriefs/{debrief_id(path)}/delete", {"keep": keep})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Debrief.id))) == 0
        texts = db.session.scalars(
            db.select(Question.text).where(Question.owner_id.is_not(None))
        ).all()
        assert texts == ["What is idempotency?"]
        assert db.session.scalar(db.select(db.func.count(Attempt.id))) == 1


@pytest.mark.parametrize("who", ["account", "guest", "visitor"])
def test_debriefs_are_private(app: Flask, client: FlaskClient, who: str) -> None:
    path = start(client)
    fill(client, path, action="finish")
    number = debrief_id(path)
    other = app.test_client()
    if who == "account":
        make_user(app, "grace")
        Auth(other).login("grace")
    elif who == "guest":
        Practice(other).start_round()
    assert "Acme" not in other.get("/debriefs").get_data(as_text=True)
    for suffix in ("", "/edit", "/finish", "/delete"):
        assert other.get(f"/debriefs/{number}{suffix}").status_code == 404, suffix
    for suffix in ("/edit", "/finish", "/practise", "/delete"):
        response = post(
            other, f"/debriefs/{number}{suffix}", {"interview_on": YESTERDAY}
        )
        assert response.status_code == 404, suffix
    with app.app_context():
        assert db.session.get(Debrief, number).company == "Acme"


def test_a_planned_interview_prefills_its_debrief(
    app: Flask, practice: Practice
) -> None:
    practice.start_round()
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id))
        interview = UpcomingInterview(
            user_id=user_id,
            starts_at=utcnow() - timedelta(days=1),
            company="Globex",
            role="Analyst",
            field_slugs=["alpha-field"],
            checklist=[],
        )
        db.session.add(interview)
        db.session.commit()
        interview_id = interview.id
    page = practice.client.get(f"/debriefs/new?interview={interview_id}")
    assert 'value="Globex"' in page.get_data(as_text=True)
    path = start(
        practice.client, company="Globex", role="Analyst", interview=interview_id
    )
    with app.app_context():
        linked = db.session.get(UpcomingInterview, interview_id)
        assert linked.debrief_id == debrief_id(path)


@pytest.mark.parametrize(
    ("zone", "expected_hour_utc"),
    # New York is on summer time (UTC-4) from 8 March 2026.
    [("UTC", 12), ("Asia/Tokyo", 3), ("America/New_York", 16)],
)
def test_a_stumper_is_dated_noon_of_the_interview_day(
    zone: str, expected_hour_utc: int
) -> None:
    now = datetime(2026, 3, 10, 23, 0, tzinfo=UTC)
    moment = interview_moment(date(2026, 3, 9), ZoneInfo(zone), now)
    assert moment.hour == expected_hour_utc and moment.tzinfo is not None
    today = interview_moment(date(2026, 3, 10), ZoneInfo("UTC"), now.replace(hour=8))
    assert today == now.replace(hour=8)  # never in the future


def test_a_stumper_debriefed_the_same_day_is_due_at_once(
    app: Flask, client: FlaskClient
) -> None:
    path = start(client, interview_on=utcnow().date().isoformat())
    fill(
        client,
        path,
        interview_on=utcnow().date().isoformat(),
        stumpers_text="Design a rate limiter",
    )
    post(client, f"/debriefs/{debrief_id(path)}/finish")
    with app.app_context():
        card = db.session.scalar(db.select(ReviewCard))
        assert card.due <= utcnow()
    result = app.test_cli_runner().invoke(args=["review", "rebuild"])
    assert result.exit_code == 0
    with app.app_context():
        assert db.session.scalar(db.select(ReviewCard)).due == card.due
