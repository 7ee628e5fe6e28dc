"""Practice rounds: choosing questions, recording attempts, summing up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from mockint.models import (
    SHAKY_AT_MOST,
    Attempt,
    Field,
    Question,
    ReviewCard,
    Round,
    RoundItem,
    utcnow,
)
from mockint.scheduling import is_due, record_review, weakness

ROUND_SIZES = (3, 5, 10)
MAX_ELAPSED_SECONDS = 4 * 60 * 60
MAX_NOTE_LENGTH = 5000


@dataclass(frozen=True)
class LastRating:
    """A user's most recent rating of one question."""

    rating: int
    answered_at: datetime

    @property
    def shaky(self) -> bool:
        """True when the last answer was rated Stumped or Shaky."""
        return self.rating <= SHAKY_AT_MOST


def last_ratings(
    session: Session, user_id: int | None, field_id: int | None = None
) -> dict[int, LastRating]:
    """Map question id to the user's latest rating, optionally within a field."""
    if user_id is None:
        return {}
    query = sa.select(
        ReviewCard.question_id, ReviewCard.last_rating, ReviewCard.last_review
    ).where(ReviewCard.user_id == user_id)
    if field_id is not None:
        query = query.join(Question, Question.id == ReviewCard.question_id).where(
            Question.field_id == field_id
        )
    return {
        question_id: LastRating(rating, answered_at)
        for question_id, rating, answered_at in session.execute(query)
    }


@dataclass(frozen=True)
class FieldSummary:
    """A field as the home page lists it."""

    field: Field
    question_count: int
    shaky_count: int
    practised_count: int


def field_summaries(session: Session, user_id: int | None) -> list[FieldSummary]:
    """List active fields with question counts and the user's shaky counts."""
    # The personal field counts only this user's questions, so it is listed
    # only for a user who has some.
    counts = (
        sa.select(Question.field_id, sa.func.count().label("n"))
        .where(Question.archived_at.is_(None), Question.visible_to(user_id))
        .group_by(Question.field_id)
        .subquery()
    )
    query = (
        sa.select(Field, counts.c.n)
        .join(counts, counts.c.field_id == Field.id)
        .where(Field.archived_at.is_(None))
        .order_by(Field.name)
    )
    if user_id is None:
        return [
            FieldSummary(field, count, 0, 0) for field, count in session.execute(query)
        ]
    # The user's cards per field join in, so the page takes one statement.
    practised = (
        sa.select(
            Question.field_id,
            sa.func.count().label("seen"),
            sa.func.count()
            .filter(ReviewCard.last_rating <= SHAKY_AT_MOST)
            .label("weak"),
        )
        .join(ReviewCard, ReviewCard.question_id == Question.id)
        .where(ReviewCard.user_id == user_id, Question.archived_at.is_(None))
        .group_by(Question.field_id)
        .subquery()
    )
    rows = session.execute(
        query.add_columns(practised.c.seen, practised.c.weak).outerjoin(
            practised, practised.c.field_id == Field.id
        )
    )
    return [
        FieldSummary(field, count, weak or 0, seen or 0)
        for field, count, seen, weak in rows
    ]


def field_questions(
    session: Session,
    field_id: int,
    user_id: int | None,
    kind: str | None = None,
    difficulty: int | None = None,
    level: str | None = None,
) -> list[Question]:
    """Return a field's active questions the user may see, in order, filtered."""
    query = sa.select(Question).where(
        Question.field_id == field_id,
        Question.archived_at.is_(None),
        Question.visible_to(user_id),
    )
    if kind:
        query = query.where(Question.kind == kind)
    if difficulty:
        query = query.where(Question.difficulty == difficulty)
    if level:
        query = query.where(Question.level == level)
    return list(session.scalars(query.order_by(Question.position, Question.id)))


def order_for_practice(
    questions: list[Question],
    cards: dict[int, ReviewCard],
    now: datetime,
    rng: random.Random,
) -> list[Question]:
    """Due and weak questions first (weakest leading), then unseen, then the rest."""
    due_or_weak = [
        q
        for q in questions
        if q.id in cards
        and (is_due(cards[q.id], now) or cards[q.id].last_rating <= SHAKY_AT_MOST)
    ]
    due_or_weak.sort(key=lambda q: weakness(cards[q.id], now), reverse=True)
    unseen = [q for q in questions if q.id not in cards]
    rng.shuffle(unseen)
    chosen = {q.id for q in due_or_weak} | {q.id for q in unseen}
    rest = sorted(
        (q for q in questions if q.id not in chosen), key=lambda q: cards[q.id].due
    )
    return due_or_weak + unseen + rest


def cards_by_question(
    session: Session, user_id: int, question_ids: list[int]
) -> dict[int, ReviewCard]:
    """The user's review cards for the given questions, by question id."""
    if not question_ids:
        return {}
    return {
        card.question_id: card
        for card in session.scalars(
            sa.select(ReviewCard).where(
                ReviewCard.user_id == user_id,
                ReviewCard.question_id.in_(question_ids),
            )
        )
    }


def start_round(
    session: Session,
    user_id: int,
    field: Field | None,
    questions: list[Question],
) -> Round:
    """Create a round holding the questions in the given order."""
    round_ = Round(user_id=user_id, field_id=field.id if field else None)
    round_.items = [
        RoundItem(position=position, question_id=question.id)
        for position, question in enumerate(questions, start=1)
    ]
    session.add(round_)
    session.flush()
    return round_


def start_field_round(
    session: Session,
    user_id: int,
    field: Field,
    size: int,
    rng: random.Random,
    level: str | None = None,
) -> Round:
    """Start a round of `size` questions from a field, weakest and unseen first."""
    questions = field_questions(session, field.id, user_id, level=level)
    cards = cards_by_question(session, user_id, [q.id for q in questions])
    ordered = order_for_practice(questions, cards, utcnow(), rng)
    return start_round(session, user_id, field, ordered[:size])


def get_round(session: Session, user_id: int | None, round_id: int) -> Round | None:
    """Return the user's round with its items, questions and attempts loaded."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(Round)
        .where(Round.id == round_id, Round.user_id == user_id)
        .options(
            joinedload(Round.field),
            selectinload(Round.items).joinedload(RoundItem.question),
            selectinload(Round.items).joinedload(RoundItem.attempt),
        )
    )


def next_unanswered(round_: Round) -> RoundItem | None:
    """Return the first item of the round still waiting for an answer."""
    return next((item for item in round_.items if item.attempt is None), None)


class AlreadyAnswered(Exception):
    """The round item was rated meanwhile (another tab); nothing was stored."""


def record_attempt(
    session: Session,
    user_id: int,
    item: RoundItem,
    rating: int,
    elapsed_seconds: float | None,
    shown_at: datetime,
    answered_at: datetime,
    note: str,
) -> Attempt:
    """Store a rated answer and update its review card.

    Without a browser timing, the server's is used. Raises AlreadyAnswered when
    another request rated the same round item first.
    """
    timed_by = "browser"
    if elapsed_seconds is None:
        timed_by = "server"
        elapsed_seconds = min(
            max((answered_at - shown_at).total_seconds(), 0.0), MAX_ELAPSED_SECONDS
        )
    attempt = Attempt(
        user_id=user_id,
        question_id=item.question_id,
        round_item_id=item.id,
        rating=rating,
        elapsed_seconds=round(elapsed_seconds, 1),
        timed_by=timed_by,
        shown_at=shown_at,
        answered_at=answered_at,
        note=note.strip(),
    )
    # On PostgreSQL the second of two simultaneous submissions waits on the
    # unique round_item_id, then fails: a savepoint keeps the transaction usable.
    try:
        with session.begin_nested():
            session.add(attempt)
    except IntegrityError:
        raise AlreadyAnswered() from None
    record_review(session, attempt)
    session.flush()
    return attempt


def shaky_questions_of(round_: Round) -> list[Question]:
    """The round's questions that were rated Stumped or Shaky, in order."""
    return [
        item.question
        for item in round_.items
        if item.attempt is not None and item.attempt.rating <= SHAKY_AT_MOST
    ]


def question_history(
    session: Session, user_id: int | None, question_id: int
) -> list[Attempt]:
    """All of the user's attempts at a question, oldest first."""
    if user_id is None:
        return []
    return list(
        session.scalars(
            sa.select(Attempt)
            .where(Attempt.user_id == user_id, Attempt.question_id == question_id)
            .options(joinedload(Attempt.question))
            .order_by(Attempt.answered_at, Attempt.id)
        )
    )
