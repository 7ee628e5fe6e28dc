"""The review and progress pages: ranking, counts, drills, bounded queries."""

from __future__ import annotations

import random
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from mockint.extensions import db
from mockint.interviewing.questions import create_interview
from mockint.models import Attempt, Question, ReviewCard, RoundItem, User, utcnow
from mockint.progress import recovered_questions
from mockint.scheduling import rebuild_cards, weakness
from mockint.upcoming import create_plan

from support import Practice, counted_statements, post


def rate_round(app: Flask, practice: Practice, ratings: dict[str, int]) -> None:
    """Start a round of the alpha field and rate each question by its key."""
    round_id = practice.start_round(size=len(ratings) if len(ratings) in (3, 5) else 3)
    with app.app_context():
        keys = list(
            db.session.scalars(
                db.select(Question.key)
                .join(RoundItem, RoundItem.question_id == Question.id)
                .where(RoundItem.round_id == round_id)
                .order_by(RoundItem.position)
            )
        )
    for position, key in enumerate(keys, start=1):
        practice.answer(round_id, position, ratings.get(key, 3))


def weak_order(page: str) -> list[str]:
    """Question texts in the 'still tripping you up' list, in order."""
    return re.findall(
        r'<li class="weak-item">\s*<p class="question-text"><a [^>]+>([^<]+)</a>', page
    )


def test_visitor_sees_an_invitation(client: FlaskClient) -> None:
    page = client.get("/review").get_data(as_text=True)
    assert "Nothing to review yet" in page


def test_low_rated_questions_lead_the_list(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 4)
    practice.answer(round_id, 2, 1)
    practice.answer(round_id, 3, 3)
    with app.app_context():
        texts = [
            db.session.scalar(
                db.select(Question.text)
                .join(RoundItem, RoundItem.question_id == Question.id)
                .where(RoundItem.round_id == round_id, RoundItem.position == position)
            )
            for position in (1, 2, 3)
        ]
    page = client.get("/review").get_data(as_text=True)
    order = weak_order(page)
    assert order[0] == texts[1]  # stumped
    assert order[-1] == texts[0]  # nailed
    assert "Stumped" in page
    assert "tomorrow" in page  # next due of the stumped one


def test_counts_by_state(client: FlaskClient, practice: Practice) -> None:
    round_id = practice.start_round(size=3)
    for position, rating in enumerate([1, 2, 4], start=1):
        practice.answer(round_id, position, rating)
    page = client.get("/review").get_data(as_text=True)
    counts = dict(
        (label, int(n))
        for n, label in re.findall(
            r"<strong>(\d+)</strong><span>([a-z ]+)</span>", page
        )
    )
    assert counts["shaky"] == 2
    assert counts["learning"] + counts["solid"] == 1
    assert counts["new"] == 8 - 3
    assert counts["due today"] == 0


def test_filters_by_field_and_kind(client: FlaskClient, practice: Practice) -> None:
    rate = practice.start_round(size=3)
    for position in (1, 2, 3):
        practice.answer(rate, position, 1)
    other = practice.start_round(slug="beta-field", size=3)
    practice.answer(other, 1, 1)
    practice.answer(other, 2, 1)
    alpha_only = client.get("/review?field=alpha-field").get_data(as_text=True)
    assert len(weak_order(alpha_only)) == 3
    beta_technical = client.get("/review?field=beta-field&kind=technical").get_data(
        as_text=True
    )
    assert weak_order(beta_technical) == [
        "What is the difference between a process and a thread?"
    ]


def test_drill_starts_a_round_of_the_weakest(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=5)
    for position, rating in enumerate([4, 1, 4, 2, 4], start=1):
        practice.answer(round_id, position, rating)
    response = post(client, "/review/drill", {"size": 5})
    assert response.status_code == 302
    drill_id = int(re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1))
    with app.app_context():
        ratings = {
            a.question_id: a.rating for a in db.session.scalars(db.select(Attempt))
        }
        drilled = list(
            db.session.scalars(
                db.select(RoundItem.question_id)
                .where(RoundItem.round_id == drill_id)
                .order_by(RoundItem.position)
            )
        )
    assert [ratings[q] for q in drilled[:2]] == [1, 2]


def test_drill_rejects_a_tampered_size(client: FlaskClient, practice: Practice) -> None:
    practice.answer(practice.start_round(), 1, 1)
    response = post(client, "/review/drill", {"size": 999})
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(
        as_text=True
    ) or "Choose" in response.get_data(as_text=True)


def test_rounds_put_due_and_weak_first(app: Flask, practice: Practice) -> None:
    round_id = practice.start_round(size=3)
    for position, rating in enumerate([4, 1, 4], start=1):
        practice.answer(round_id, position, rating)
    with app.app_context():
        stumped = db.session.scalar(
            db.select(Attempt.question_id).where(Attempt.rating == 1)
        )
    next_round = practice.start_round(size=3)
    with app.app_context():
        first = db.session.scalar(
            db.select(RoundItem.question_id).where(
                RoundItem.round_id == next_round, RoundItem.position == 1
            )
        )
    assert first == stumped


def seed_attempts(app: Flask, user_id: int, count: int) -> None:
    """Give a user many attempts spread over the last weeks, then rebuild cards."""
    with app.app_context():
        questions = list(db.session.scalars(db.select(Question.id)))
        now = datetime.now(UTC)
        db.session.add_all(
            Attempt(
                user_id=user_id,
                question_id=questions[i % len(questions)],
                rating=1 + (i * 7) % 4,
                elapsed_seconds=30 + i % 90,
                shown_at=now - timedelta(hours=count - i, minutes=2),
                answered_at=now - timedelta(hours=count - i),
                note="",
            )
            for i in range(count)
        )
        db.session.flush()
        rebuild_cards(db.session, user_id)
        db.session.commit()


def seed_plans_and_interviews(app: Flask, user_id: int) -> None:
    """Give a user upcoming plans, one to debrief and a scored mock interview."""
    with app.app_context():
        now = datetime.now(UTC)
        for company, days in (("Acme", 5), ("Beta", 9), ("Gamma", -1)):
            starts_at = now + timedelta(days=days)
            create_plan(db.session, user_id, starts_at, company, "", ["alpha-field"])
        questions = list(
            db.session.scalars(db.select(Question).order_by(Question.id).limit(2))
        )
        interview = create_interview(
            db.session, user_id, "Sam", [], None, "hand-picked", questions, True, 7
        )
        interview.status = "ended"
        for item in interview.items:
            item.rating, item.self_rating, item.covered = 2, 3, [0]
        db.session.commit()


PAGE_STATEMENTS_AT_MOST = 5


@pytest.mark.parametrize(
    ("path", "signed_in", "shows"),
    [
        ("/", False, "Find a field or a question"),
        ("/", True, "Interview with Acme"),
        ("/fields/alpha-field", False, "Practise this one"),
        ("/fields/alpha-field", True, "Last: "),
        ("/rounds/{round}/2", True, "Submit rating"),
        ("/questions/al-one", True, "Practise this question"),
        ("/review", False, "Nothing to review yet"),
        ("/review", True, "What your interviewers saw"),
        ("/review?all=1", True, "weakest first"),
        ("/review?field=alpha-field&kind=behavioral", True, "Points you most"),
        ("/review/progress", True, "Practice days"),
        ("/search?q=conflict", True, "Describe a conflict"),
        ("/account/login", False, "Log in"),
        ("/healthz", True, "ok"),
    ],
)
def test_pages_take_few_statements_whatever_the_history(
    app: Flask,
    client: FlaskClient,
    practice: Practice,
    path: str,
    signed_in: bool,
    shows: str,
) -> None:
    round_id = practice.start_round()
    practice.answer(round_id, 1, 2)
    path = path.format(round=round_id)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id))
    seed_plans_and_interviews(app, user_id)
    visitor = client if signed_in else app.test_client()
    counts = []
    for attempts in (20, 400):
        seed_attempts(app, user_id, attempts)
        with counted_statements(app) as statements:
            response = visitor.get(path)
        assert response.status_code == 200
        assert shows in response.get_data(as_text=True)
        assert len(statements) <= PAGE_STATEMENTS_AT_MOST, statements
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_progress_statements_do_not_grow_with_history(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    practice.answer(practice.start_round(), 1, 2)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id))
    seed_attempts(app, user_id, 20)
    with counted_statements(app) as small:
        assert client.get("/review/progress").status_code == 200
    seed_attempts(app, user_id, 400)
    with counted_statements(app) as large:
        assert client.get("/review/progress").status_code == 200
    assert len(large) == len(small)
    assert len(large) <= PAGE_STATEMENTS_AT_MOST


def test_progress_page_has_charts_with_text_alternatives(
    client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    for position, rating in enumerate([1, 3, 4], start=1):
        practice.answer(round_id, position, rating)
    page = client.get("/review/progress").get_data(as_text=True)
    assert '<svg class="chart"' in page
    assert "<polyline" in page or "<circle" in page
    assert "Alpha Field" in page
    assert "The same as a table" in page
    assert "Current streak: <strong>1 day</strong>" in page
    assert 'class="level-2"' in page  # three answers today


def test_progress_drawings_are_kept_per_history_and_redrawn_when_it_changes(
    client: FlaskClient, practice: Practice
) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 1)
    first = client.get("/review/progress").get_data(as_text=True)
    assert client.get("/review/progress").get_data(as_text=True) == first
    assert 'class="level-1"><title>' in first and 'class="level-2"' not in first
    assert "1.0 (1)" in first  # the weekly table: mean (answers)

    practice.answer(round_id, 2, 4)
    practice.answer(round_id, 3, 4)
    after = client.get("/review/progress").get_data(as_text=True)
    assert 'class="level-2"' in after  # today's square: three answers now
    assert "3.0 (3)" in after
    assert "1.0 (1)" not in after


def practise_one(
    client: FlaskClient, practice: Practice, key: str, rating: int
) -> None:
    """Practise one chosen question and rate it."""
    response = post(client, f"/questions/{key}/practice")
    round_id = int(re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1))
    practice.answer(round_id, 1, rating)


def test_recovered_questions_listed(client: FlaskClient, practice: Practice) -> None:
    practise_one(client, practice, "al-one", 1)
    practise_one(client, practice, "al-two", 3)
    section = client.get("/review/progress").get_data(as_text=True)
    assert "None yet" in section.split("Turned around")[1]
    practise_one(client, practice, "al-one", 3)
    section = (
        client.get("/review/progress").get_data(as_text=True).split("Turned around")[1]
    )
    assert "Tell me about yourself." in section
    assert "Describe a conflict" not in section  # never shaky


def test_recovered_questions_newest_first_and_counted(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    for key in ("al-one", "al-two", "al-one", "al-two"):
        practise_one(client, practice, key, 1 if practice_count(app) < 2 else 3)
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id))
        recovered = recovered_questions(db.session, user_id, utcnow(), shown=1)
        assert recovered.total == 2
        assert [item.key for item in recovered.shown] == ["al-two"]


def practice_count(app: Flask) -> int:
    """Answers recorded so far."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Attempt.id)))


def test_history_page_has_charts_and_outline(
    client: FlaskClient, practice: Practice
) -> None:
    response = post(client, "/questions/al-four/practice")
    round_id = int(re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1))
    question_page = practice.question_page(round_id, 1)
    practice.answer(round_id, 1, 2, elapsed=200)
    page = client.get("/questions/al-four").get_data(as_text=True)
    assert 'aria-labelledby="rating-chart-title"' in page
    assert 'class="bar over"' in page  # 200 s against a 180 s target
    saved = post(client, "/questions/al-four/outline", {"text": "B-tree; seek vs scan"})
    assert saved.status_code == 302
    assert "B-tree; seek vs scan" in client.get("/questions/al-four").get_data(
        as_text=True
    )
    # Shown after rating, never while answering.
    assert "B-tree; seek vs scan" not in question_page
    response = post(client, "/questions/al-four/practice")
    again = int(re.search(r"/rounds/(\d+)/1", response.headers["Location"]).group(1))
    assert "B-tree; seek vs scan" not in practice.question_page(again, 1)
    rated = practice.answer(again, 1, 3)
    assert "B-tree; seek vs scan" in client.get(rated.headers["Location"]).get_data(
        as_text=True
    )


def test_outline_too_long_is_refused(client: FlaskClient) -> None:
    response = post(client, "/questions/al-four/outline", {"text": "x" * 10_001})
    assert response.status_code == 400
    assert "Keep the outline under 10,000 characters." in response.get_data(
        as_text=True
    )


def test_timezone_is_stored_and_used_for_due_today(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    practice.answer(practice.start_round(), 1, 1)
    bad = client.post(
        "/account/timezone",
        data={"timezone": "Mars/Olympus"},
        headers={"X-CSRFToken": _token(client), "Accept": "application/json"},
    )
    assert bad.status_code == 400
    good = client.post(
        "/account/timezone",
        data={"timezone": "Pacific/Kiritimati"},
        headers={"X-CSRFToken": _token(client), "Accept": "application/json"},
    )
    assert good.json == {"ok": True, "timezone": "Pacific/Kiritimati"}
    with app.app_context():
        user = db.session.scalar(db.select(User))
        assert user.timezone == "Pacific/Kiritimati"
        # Make the card due a minute before local midnight (UTC+14) tonight.
        from mockint.localtime import end_of_local_day, zone_named
        from mockint.models import ReviewCard, utcnow

        card = db.session.scalar(db.select(ReviewCard))
        card.due = end_of_local_day(utcnow(), zone_named(user.timezone)) - timedelta(
            minutes=1
        )
        db.session.commit()
    page = client.get("/review").get_data(as_text=True)
    assert re.search(r"<strong>1</strong><span>due today</span>", page)


def _token(client: FlaskClient) -> str:
    from support import csrf_token

    return csrf_token(client)


def test_outline_without_csrf_keeps_the_text(app: Flask, client: FlaskClient) -> None:
    response = client.post("/questions/al-four/outline", data={"text": "my points"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "security token was missing" in page
    assert "my points" in page
    with app.app_context():
        from mockint.models import AnswerOutline

        assert db.session.scalar(db.select(db.func.count(AnswerOutline.id))) == 0


def test_review_shows_25_then_all(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    practice.answer(practice.start_round(), 1, 2)
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id))
    seed_attempts(app, user_id, 8)  # every test question practised
    page = client.get("/review").get_data(as_text=True)
    assert "All 8 practised questions, weakest first." in page
    assert len(weak_order(page)) == 8


def test_drill_for_a_visitor_creates_nothing(app: Flask, client: FlaskClient) -> None:
    response = post(client, "/review/drill", {"size": 5})
    assert response.status_code == 302
    assert "practise a few questions first" in client.get("/review").get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 0


def test_review_ranks_as_the_weakness_score_does(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    """The database's ranking is the one `scheduling.weakness` defines."""
    practice.answer(practice.start_round(), 1, 2)
    rng = random.Random(5)
    now = utcnow()
    with app.app_context():
        user_id = db.session.scalar(db.select(User.id))
        questions = list(db.session.scalars(db.select(Question.id)))
        db.session.add_all(
            Attempt(
                user_id=user_id,
                question_id=rng.choice(questions),
                rating=rng.randint(1, 4),
                elapsed_seconds=60,
                shown_at=now - timedelta(hours=hours, minutes=2),
                answered_at=now - timedelta(hours=hours),
                note="",
            )
            for hours in sorted(rng.sample(range(1, 90 * 24), 40), reverse=True)
        )
        db.session.flush()
        rebuild_cards(db.session, user_id)
        db.session.commit()
        cards = db.session.scalars(
            db.select(ReviewCard).where(ReviewCard.user_id == user_id)
        ).all()
        page = client.get("/review?all=1").get_data(as_text=True)
        expected = [
            card.question.text
            for card in sorted(
                cards,
                key=lambda card: (
                    -weakness(card, utcnow()),
                    card.due,
                    card.question_id,
                ),
            )
        ]
    assert weak_order(page) == expected
