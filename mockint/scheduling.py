"""Spaced repetition with FSRS: review cards derived from the attempt log.

Settings chosen for spoken answers rather than flashcards:
- no learning or relearning steps: fsrs's default 1- and 10-minute steps would
  bring a stumped question back within the same sitting; without steps a stumped
  question is due the next day (the round summary offers "practise the shaky ones
  again" for the end of the round);
- desired retention 0.9 (fsrs's default);
- a maximum interval of 180 days: interview preparation has a horizon;
- no fuzzing, so that replaying the attempt log always yields the same cards.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from fsrs import Card, Rating, Scheduler, State
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from mockint.models import SHAKY_AT_MOST, Attempt, ReviewCard
from mockint.practice_days import add_answer, rebuild_practice_days

SCHEDULER = Scheduler(
    desired_retention=0.9,
    learning_steps=(),
    relearning_steps=(),
    maximum_interval=180,
    enable_fuzzing=False,
)
RECENT_RATINGS_KEPT = 8
SOLID_STABILITY_DAYS = 7.0  # recall expected to hold for a week or more
DUE_AT_ONCE = "debrief"  # Attempt.timed_by of stumpers recorded by a debrief
RECALL_WEIGHT = 0.45  # of the weakness score; ratings and lapses make the rest


def _as_fsrs_card(card: ReviewCard) -> Card:
    # A fixed card_id: fsrs would otherwise derive one from the clock (and sleep).
    return Card(
        card_id=1,
        state=State(card.state),
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )


def apply_attempt(card: ReviewCard | None, attempt: Attempt) -> ReviewCard:
    """Return the card after one more rated attempt (a new card if None)."""
    if card is None:
        memory = Card(card_id=1)
        card = ReviewCard(
            user_id=attempt.user_id,
            question_id=attempt.question_id,
            reps=0,
            lapses=0,
            recent_ratings=[],
            total_elapsed_seconds=0.0,
        )
    else:
        memory = _as_fsrs_card(card)
        if attempt.rating == Rating.Again:
            card.lapses += 1
    reviewed_at = attempt.answered_at.astimezone(UTC)
    if card.last_review is not None and reviewed_at < card.last_review:
        reviewed_at = card.last_review  # fsrs needs time to move forward
    memory, _log = SCHEDULER.review_card(
        memory, Rating(attempt.rating), review_datetime=reviewed_at
    )
    was_shaky = card.last_rating is not None and card.last_rating <= SHAKY_AT_MOST
    if attempt.rating > SHAKY_AT_MOST and was_shaky:
        card.recovered_at = reviewed_at
    elif attempt.rating <= SHAKY_AT_MOST:
        card.recovered_at = None
    card.state = memory.state.value
    card.step = memory.step
    card.stability = memory.stability
    card.difficulty = memory.difficulty
    # A question that stumped you in a real interview (a debrief) is due at once,
    # whatever FSRS's day-long interval says; replaying the log does the same.
    card.due = reviewed_at if attempt.timed_by == DUE_AT_ONCE else memory.due
    card.last_review = memory.last_review
    card.reps += 1
    card.last_rating = attempt.rating
    card.recent_ratings = [*card.recent_ratings, attempt.rating][-RECENT_RATINGS_KEPT:]
    card.total_elapsed_seconds += attempt.elapsed_seconds
    card.rating_weakness = rating_weakness(
        card.recent_ratings, card.last_rating, card.lapses
    )
    return card


# The card columns apply_attempt computes (everything but the key and id).
_CARD_STATE = (
    "state",
    "step",
    "stability",
    "difficulty",
    "due",
    "last_review",
    "reps",
    "lapses",
    "last_rating",
    "recent_ratings",
    "total_elapsed_seconds",
    "rating_weakness",
    "recovered_at",
)


def _insert_ignoring_conflict(session: Session, card: ReviewCard) -> int | None:
    """Insert the card unless the (user, question) has one; return its new id."""
    dialect = session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    values = {name: getattr(card, name) for name in _CARD_STATE}
    statement = (
        insert(ReviewCard)
        .values(user_id=card.user_id, question_id=card.question_id, **values)
        .on_conflict_do_nothing(index_elements=["user_id", "question_id"])
        .returning(ReviewCard.id)
    )
    return session.execute(statement).scalar()


def _replayed_card(session: Session, user_id: int, question_id: int) -> ReviewCard:
    """The card as the whole attempt log for one question says it should be."""
    attempts = session.scalars(
        sa.select(Attempt)
        .where(Attempt.user_id == user_id, Attempt.question_id == question_id)
        .order_by(Attempt.answered_at, Attempt.id)
    )
    return replay(attempts)[(user_id, question_id)]


def record_review(session: Session, attempt: Attempt) -> ReviewCard:
    """Update (or create) the user's card for the attempt's question, race-free.

    The card row is locked (FOR UPDATE on PostgreSQL; SQLite's writers already
    hold the database's write lock), so concurrent answers queue instead of
    overwriting each other; the first card is inserted with ON CONFLICT DO
    NOTHING, so two first answers cannot both create one. An answer older than
    the card's last review (a slower concurrent request) replays the question's
    log, so the card always equals `rebuild_cards`. The answer is also counted in
    its day's practice sums, the progress page's input.
    """
    add_answer(session, attempt)
    locked = (
        sa.select(ReviewCard)
        .where(
            ReviewCard.user_id == attempt.user_id,
            ReviewCard.question_id == attempt.question_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    card = session.scalar(locked)
    if card is None:
        created = _insert_ignoring_conflict(session, apply_attempt(None, attempt))
        card = session.scalar(locked)  # ours, or the one another request made
        if created is not None:
            return card
    if attempt.answered_at > card.last_review:
        return apply_attempt(card, attempt)
    replayed = _replayed_card(session, attempt.user_id, attempt.question_id)
    for name in _CARD_STATE:
        setattr(card, name, getattr(replayed, name))
    return card


def replay(attempts: Iterable[Attempt]) -> dict[tuple[int, int], ReviewCard]:
    """Compute cards from attempts given oldest first, keyed by (user, question)."""
    cards: dict[tuple[int, int], ReviewCard] = {}
    for attempt in attempts:
        key = (attempt.user_id, attempt.question_id)
        cards[key] = apply_attempt(cards.get(key), attempt)
    return cards


def rebuild_cards(session: Session, user_id: int | None = None) -> int:
    """Recompute every card and practice day (of one user, or all) from the log."""
    delete = sa.delete(ReviewCard)
    query = sa.select(Attempt).order_by(
        Attempt.user_id, Attempt.answered_at, Attempt.id
    )
    if user_id is not None:
        delete = delete.where(ReviewCard.user_id == user_id)
        query = query.where(Attempt.user_id == user_id)
    session.execute(delete)
    cards = replay(session.scalars(query.execution_options(yield_per=2000)))
    session.add_all(cards.values())
    session.flush()
    rebuild_practice_days(session, user_id)
    return len(cards)


def retrievability(card: ReviewCard, now: datetime) -> float:
    """FSRS's probability of recalling the answer well now."""
    return SCHEDULER.get_card_retrievability(_as_fsrs_card(card), now)


def category(card: ReviewCard | None) -> str:
    """new, shaky, learning or solid: how well a question is known."""
    if card is None:
        return "new"
    return category_of(card.last_rating, card.stability)


def weakness(card: ReviewCard, now: datetime) -> float:
    """A score from 0 (mastered) to 1 (trips you up): recall, ratings, lapses."""
    return weakness_of(
        retrievability(card, now), card.recent_ratings, card.last_rating, card.lapses
    )


def is_due(card: ReviewCard, moment: datetime) -> bool:
    """True when the card is due at or before the moment."""
    return card.due <= moment


# The same measures from a card's plain values or in SQL, for pages that read cards
# as rows (or let the database rank them) rather than hydrating hundreds of
# ReviewCard objects.


class elapsed_whole_days(FunctionElement[int]):  # noqa: N801 (an SQL function)
    """SQL: whole days from a stored moment to a later one, never negative, as
    fsrs counts them for recall (`timedelta.days`, floored at 0)."""

    type = sa.Integer()
    inherit_cache = True
    name = "elapsed_whole_days"


@compiles(elapsed_whole_days, "sqlite")
def _elapsed_whole_days_sqlite(
    element: elapsed_whole_days, compiler: SQLCompiler, **kw: Any
) -> str:
    now, since = (compiler.process(clause, **kw) for clause in element.clauses)
    # Stored as UTC text; julianday is exact to the millisecond.
    return f"max(0, CAST(floor(julianday({now}) - julianday({since})) AS INTEGER))"


@compiles(elapsed_whole_days, "postgresql")
def _elapsed_whole_days_postgresql(
    element: elapsed_whole_days, compiler: SQLCompiler, **kw: Any
) -> str:
    now, since = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"greatest(0, floor(extract(epoch from ({now} - {since})) / 86400))::int"


# fsrs's forgetting curve, R = (1 + FACTOR * days / stability) ** DECAY, with its
# constants derived from the scheduler's parameters as fsrs derives them.
_DECAY = -SCHEDULER.parameters[20]
_FACTOR = 0.9 ** (1 / _DECAY) - 1


def recall_sql(
    now: sa.ColumnElement[datetime],
    stability: sa.ColumnElement[float],
    last_review: sa.ColumnElement[datetime],
) -> sa.ColumnElement[float]:
    """SQL for fsrs's recall (`retrievability`): the same curve, so that the
    database can rank cards (tests hold it equal to `get_card_retrievability`)."""
    days = elapsed_whole_days(now, last_review)
    return sa.func.power(1 + _FACTOR * days / stability, _DECAY, type_=sa.Float)


def category_of(last_rating: int, stability: float) -> str:
    """shaky, learning or solid, from a practised card's last rating and stability."""
    if last_rating <= SHAKY_AT_MOST:
        return "shaky"
    return "solid" if stability >= SOLID_STABILITY_DAYS else "learning"


def category_conditions(
    last_rating: sa.ColumnElement[int], stability: sa.ColumnElement[float]
) -> dict[str, sa.ColumnElement[bool]]:
    """SQL for `category_of`: each practised state's condition, by its name."""
    shaky = last_rating <= SHAKY_AT_MOST
    solid_enough = stability >= SOLID_STABILITY_DAYS
    return {
        "shaky": shaky,
        "learning": ~shaky & ~solid_enough,
        "solid": ~shaky & solid_enough,
    }


def weakness_of(
    recall: float, recent_ratings: list[int], last_rating: int, lapses: int
) -> float:
    """The weakness score (see `weakness`) from recall now and the card's ratings."""
    return RECALL_WEIGHT * (1 - recall) + rating_weakness(
        recent_ratings, last_rating, lapses
    )


def rating_weakness(recent_ratings: list[int], last_rating: int, lapses: int) -> float:
    """The weakness score's part that time does not change: low recent ratings
    (up to 0.45) and lapses (up to 0.1)."""
    recent = recent_ratings[-3:] or [last_rating]
    rating_gap = (4 - sum(recent) / len(recent)) / 3
    lapse_share = min(lapses, 4) / 4
    return 0.45 * rating_gap + 0.1 * lapse_share
