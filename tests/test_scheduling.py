"""Scheduling with fsrs: settings for spoken answers, cards derived from attempts."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from fsrs import Card

from mockint.extensions import db
from mockint.models import Attempt, ReviewCard, UTCDateTime
from mockint.scheduling import (
    SCHEDULER,
    apply_attempt,
    category,
    recall_sql,
    replay,
    weakness,
)

from support import Practice, card_rows

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt(rating: int, at: datetime, question_id: int = 1) -> Attempt:
    """A transient attempt for the pure scheduling functions."""
    return Attempt(
        user_id=1,
        question_id=question_id,
        rating=rating,
        elapsed_seconds=60.0,
        answered_at=at,
    )


def test_settings_suit_spoken_answers() -> None:
    assert SCHEDULER.learning_steps == ()
    assert SCHEDULER.relearning_steps == ()
    assert SCHEDULER.enable_fuzzing is False


def test_stumped_question_returns_the_next_day_not_the_same_round() -> None:
    card = apply_attempt(None, attempt(1, START))
    assert card.due - START == timedelta(days=1)
    relapsed = apply_attempt(
        apply_attempt(None, attempt(3, START)), attempt(1, START + timedelta(days=3))
    )
    assert relapsed.due - (START + timedelta(days=3)) >= timedelta(days=1)
    assert relapsed.lapses == 1


def test_good_answers_space_out() -> None:
    card = apply_attempt(None, attempt(3, START))
    first_gap = card.due - START
    second = apply_attempt(card, attempt(3, card.due))
    assert second.due - card.last_review > first_gap


def test_categories_and_recovery() -> None:
    card = apply_attempt(None, attempt(2, START))
    assert category(card) == "shaky"
    assert card.recovered_at is None
    later = START + timedelta(days=1)
    card = apply_attempt(card, attempt(3, later))
    assert category(card) in {"learning", "solid"}
    assert card.recovered_at == later
    card = apply_attempt(card, attempt(1, later + timedelta(days=2)))
    assert card.recovered_at is None
    assert category(None) == "new"


def test_weakness_orders_stumped_before_nailed() -> None:
    now = START + timedelta(days=2)
    stumped = apply_attempt(None, attempt(1, START))
    nailed = apply_attempt(None, attempt(4, START, question_id=2))
    assert weakness(stumped, now) > weakness(nailed, now)
    assert 0 <= weakness(nailed, now) <= weakness(stumped, now) <= 1


def test_replay_is_order_sensitive_and_deterministic() -> None:
    attempts = [attempt(r, START + timedelta(days=i)) for i, r in enumerate([1, 3, 4])]
    first = replay(attempts)[(1, 1)]
    second = replay(attempts)[(1, 1)]
    assert (first.stability, first.due, first.reps) == (second.stability, second.due, 3)
    assert first.recent_ratings == [1, 3, 4]


def test_rebuilt_cards_equal_the_stored_ones(app: Flask, practice: Practice) -> None:
    for ratings in ([1, 3, 2], [4, 2, 1], [3, 3, 3]):
        round_id = practice.start_round(size=3)
        for position, rating in enumerate(ratings, start=1):
            practice.answer(round_id, position, rating)
    other_user = Practice(app.test_client())
    other_user.answer(other_user.start_round(), 1, 2)
    stored = card_rows(app)
    assert len(stored) >= 6
    result = app.test_cli_runner().invoke(args=["review", "rebuild"])
    assert result.exit_code == 0, result.output
    assert "Rebuilt" in result.output
    assert card_rows(app) == stored


def test_each_attempt_updates_its_card(app: Flask, practice: Practice) -> None:
    round_id = practice.start_round(size=3)
    practice.answer(round_id, 1, 1, elapsed=30)
    with app.app_context():
        card = db.session.scalar(db.select(ReviewCard))
        assert card.reps == 1
        assert card.last_rating == 1
        assert card.due.tzinfo is not None
        assert timedelta(hours=23) < card.due - card.last_review <= timedelta(days=1)


def test_recall_in_sql_is_fsrs_own_recall(app: Flask) -> None:
    """The review ranking's SQL curve gives fsrs's number for any card and moment,
    whole-day boundaries and a review in the future included."""
    rng = random.Random(11)
    now = datetime(2026, 11, 26, 17, 30, 12, 345678, tzinfo=UTC)
    gaps = [timedelta(0), timedelta(seconds=-90), timedelta(days=-2)]
    for days in (1, 2, 7, 30, 179):
        gaps += [timedelta(days=days), timedelta(days=days, seconds=-1)]
        gaps += [timedelta(days=days, milliseconds=5)]
    gaps += [timedelta(seconds=rng.uniform(0, 200 * 86400)) for _ in range(80)]
    cases = [(rng.choice([0.05, 0.4, 2.3, 11.0, 95.5]), now - gap) for gap in gaps]
    moment = sa.literal(now, UTCDateTime())
    statement = sa.select(
        *(
            recall_sql(moment, sa.literal(stability), sa.literal(at, UTCDateTime()))
            for stability, at in cases
        )
    )
    with app.app_context():
        in_sql = db.session.execute(statement).one()
    for (stability, at), recall in zip(cases, in_sql, strict=True):
        card = Card(card_id=1, stability=stability, due=at, last_review=at)
        assert recall == pytest.approx(
            SCHEDULER.get_card_retrievability(card, now), rel=1e-12
        ), (stability, now - at)
