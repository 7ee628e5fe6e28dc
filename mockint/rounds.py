"""Practice rounds: choosing questions, recording attempts, summing up."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, joinedload

from mockint.catalogue import FieldEntry, QuestionEntry, current_catalogue
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
from mockint.progress import StateCounts
from mockint.scheduling import (
    category_conditions,
    is_due,
    record_review,
    weakness,
)

ROUND_SIZES = (3, 5, 10)
MAX_ELAPSED_SECONDS = 4 * 60 * 60
MAX_NOTE_LENGTH = 5000


@cache
def _last_ratings_statement(in_field: bool) -> sa.Select:
    """The user's cards (question, last rating), optionally of one field; built
    once with parameters (user_id, field_id)."""
    query = sa.select(ReviewCard.question_id, ReviewCard.last_rating).where(
        ReviewCard.user_id == sa.bindparam("user_id")
    )
    if in_field:
        query = query.join(Question, Question.id == ReviewCard.question_id).where(
            Question.field_id == sa.bindparam("field_id")
        )
    return query


def last_ratings(
    session: Session, user_id: int | None, field_id: int | None = None
) -> dict[int, int]:
    """Map question id to the user's latest rating, optionally within a field."""
    if user_id is None:
        return {}
    rows = session.connection().execute(
        _last_ratings_statement(field_id is not None),
        {"user_id": user_id, "field_id": field_id},
    )
    return {question_id: rating for question_id, rating in rows}


@dataclass(frozen=True)
class FieldSummary:
    """A field as the home page lists it."""

    field: FieldEntry
    question_count: int
    shaky_count: int
    practised_count: int


@dataclass(frozen=True)
class PracticeOverview:
    """The home page's fields with the user's counts, and the user's totals."""

    summaries: list[FieldSummary]
    counts: StateCounts | None  # None for a visitor


@cache
def _per_field_statement() -> sa.CompoundSelect:
    """The user's cards on active questions counted by field and state, then the
    user's own active questions counted by field: one statement, a row per field.

    Built once with parameters (user_id, day_end): building a statement and its
    cache key afresh costs more than SQLite takes to answer it.
    """
    user_id = sa.bindparam("user_id")
    states = category_conditions(ReviewCard.last_rating, ReviewCard.stability)
    none = sa.literal(0)
    cards = (
        sa.select(
            Question.field_id,
            sa.func.count().label("practised"),
            *(
                sa.func.count().filter(states[name]).label(name)
                for name in ("shaky", "learning", "solid")
            ),
            sa.func.count()
            .filter(ReviewCard.due < sa.bindparam("day_end"))
            .label("due"),
            none.label("own"),
        )
        .join_from(ReviewCard, Question, Question.id == ReviewCard.question_id)
        .where(ReviewCard.user_id == user_id, Question.archived_at.is_(None))
        .group_by(Question.field_id)
    )
    own = (
        sa.select(Question.field_id, none, none, none, none, none, sa.func.count())
        .where(Question.owner_id == user_id, Question.archived_at.is_(None))
        .group_by(Question.field_id)
    )
    return sa.union_all(cards, own)


def practice_overview(
    session: Session, user_id: int | None, day_end: datetime
) -> PracticeOverview:
    """Active fields with question counts and the user's practised and shaky
    counts, and the user's questions by state (due by `day_end`)."""
    catalogue = current_catalogue(session)
    if user_id is None:
        return PracticeOverview(
            [
                FieldSummary(field, catalogue.question_count(field.id), 0, 0)
                for field in catalogue.fields
                if catalogue.question_count(field.id)
            ],
            None,
        )
    per_field: dict[int, sa.Row] = {}
    own: dict[int, int] = {}
    parameters = {"user_id": user_id, "day_end": day_end}
    # On the session's connection: plain rows, without the ORM's handling.
    for row in session.connection().execute(_per_field_statement(), parameters):
        if row.own:
            own[row.field_id] = row.own
        else:
            per_field[row.field_id] = row

    def summary(field: FieldEntry, question_count: int) -> FieldSummary:
        row = per_field.get(field.id)
        return FieldSummary(
            field, question_count, row.shaky if row else 0, row.practised if row else 0
        )

    summaries = [
        summary(field, catalogue.question_count(field.id))
        for field in catalogue.fields
        if catalogue.question_count(field.id)
    ]
    personal = catalogue.personal_field
    if personal is not None and own.get(personal.id):
        summaries.append(summary(personal, own[personal.id]))
        summaries.sort(key=lambda item: item.field.name)
    rows = per_field.values()
    practised = sum(row.practised for row in rows)
    counts = StateCounts(
        new=catalogue.active_question_count + sum(own.values()) - practised,
        learning=sum(row.learning for row in rows),
        shaky=sum(row.shaky for row in rows),
        solid=sum(row.solid for row in rows),
        due_today=sum(row.due for row in rows),
    )
    return PracticeOverview(summaries, counts)


def field_summaries(session: Session, user_id: int | None) -> list[FieldSummary]:
    """List active fields with question counts and the user's shaky counts."""
    return practice_overview(session, user_id, utcnow()).summaries


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


def listed_field(session: Session, slug: str) -> FieldEntry | None:
    """The active field with this slug, as lists show it, or None."""
    catalogue = current_catalogue(session)
    personal = catalogue.personal_field
    if personal is not None and slug == personal.slug:
        return personal
    return catalogue.fields_by_slug.get(slug)


def listed_questions(
    session: Session,
    field: Field | FieldEntry,
    user_id: int | None,
    kind: str | None = None,
    difficulty: int | None = None,
    level: str | None = None,
) -> Sequence[Question | QuestionEntry]:
    """A field's active questions the user may see, in order, filtered: a bank
    field's from the catalogue, the personal field's from the database."""
    if field.personal:
        return field_questions(session, field.id, user_id, kind, difficulty, level)
    return [
        question
        for question in current_catalogue(session).active_by_field.get(field.id, ())
        if (not kind or question.kind == kind)
        and (not difficulty or question.difficulty == difficulty)
        and (not level or question.level == level)
    ]


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


# The question screen loads its round on every visit: built once, with parameters.
_ROUND_WITH_ITEMS = (
    sa.select(Round)
    .where(
        Round.id == sa.bindparam("round_id"),
        Round.user_id == sa.bindparam("user_id"),
    )
    # One statement: a round has at most 15 items, so joining them in is cheaper
    # than a second round trip (and its statement's cost in Python).
    .options(
        joinedload(Round.field),
        joinedload(Round.items).joinedload(RoundItem.question),
        joinedload(Round.items).joinedload(RoundItem.attempt),
    )
)


def get_round(session: Session, user_id: int | None, round_id: int) -> Round | None:
    """Return the user's round with its items, questions and attempts loaded."""
    if user_id is None:
        return None
    parameters = {"round_id": round_id, "user_id": user_id}
    return session.scalars(_ROUND_WITH_ITEMS, parameters).unique().one_or_none()


@dataclass(frozen=True, slots=True)
class QuestionScreen:
    """What the question screen shows of one round item: a value, read in one
    statement on every visit."""

    round_id: int
    field_name: str | None  # None for a round across fields (a drill)
    item_count: int
    item_id: int
    position: int
    question: Question | QuestionEntry
    answered: bool

    @classmethod
    def of(cls, round_: Round, item: RoundItem) -> QuestionScreen:
        """The screen of a round and item already loaded as objects."""
        return cls(
            round_.id,
            round_.field.name if round_.field else None,
            len(round_.items),
            item.id,
            item.position,
            item.question,
            item.attempt is not None,
        )


_ITEMS_OF_ROUND = aliased(RoundItem)
_SCREEN = (
    sa.select(
        Field.name,
        sa.select(sa.func.count())
        .where(_ITEMS_OF_ROUND.round_id == Round.id)
        .scalar_subquery(),
        RoundItem.id,
        RoundItem.question_id,
        sa.exists().where(Attempt.round_item_id == RoundItem.id),
    )
    .join(Round, Round.id == RoundItem.round_id)
    .outerjoin(Field, Field.id == Round.field_id)
    .where(
        Round.id == sa.bindparam("round_id"),
        Round.user_id == sa.bindparam("user_id"),
        RoundItem.position == sa.bindparam("position"),
    )
)


def question_screen(
    session: Session, user_id: int | None, round_id: int, position: int
) -> QuestionScreen | None:
    """The user's round item at `position` as the question screen shows it, or
    None: plain columns, and a bank question from the catalogue."""
    if user_id is None:
        return None
    parameters = {"round_id": round_id, "user_id": user_id, "position": position}
    row = session.connection().execute(_SCREEN, parameters).first()
    if row is None:
        return None
    field_name, item_count, item_id, question_id, answered = row
    question: Question | QuestionEntry | None
    question = current_catalogue(session).questions.get(question_id)
    if question is None:  # the user's own question
        question = session.get(Question, question_id)
    assert question is not None  # round items keep their questions (RESTRICT)
    return QuestionScreen(
        round_id, field_name, item_count, item_id, position, question, answered
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
            .options(joinedload(Attempt.question), joinedload(Attempt.recording))
            .order_by(Attempt.answered_at, Attempt.id)
        )
    )
