"""Choosing an interview's questions, creating it, and hand-picking them."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from mockint.catalogue import FieldEntry
from mockint.interviewing import NotAllowedNow
from mockint.models import (
    SHAKY_AT_MOST,
    Field,
    Interview,
    InterviewItem,
    Question,
    ReviewCard,
)
from mockint.progress import ranked_questions
from mockint.scheduling import weakness

MIN_QUESTIONS = 3
MAX_QUESTIONS = 15
METHODS = {
    "weakest": "My weakest first",
    "unseen-shaky": "Unseen and shaky first",
    "random": "Random",
    "hand-picked": "Hand-picked",
}


def _candidate_questions(
    session: Session, user_id: int, field_ids: Sequence[int], level: str | None
) -> list[Question]:
    query = sa.select(Question).where(
        Question.field_id.in_(field_ids),
        Question.archived_at.is_(None),
        Question.visible_to(user_id),
    )
    if level:
        query = query.where(Question.level == level)
    return list(session.scalars(query.order_by(Question.id)))


def choose_questions(
    session: Session,
    user_id: int,
    field_ids: Sequence[int],
    level: str | None,
    method: str,
    count: int,
    now: datetime,
    zone: ZoneInfo,
    rng: random.Random,
) -> list[Question]:
    """Pick `count` questions from the fields by the method (none if hand-picked)."""
    if method == "hand-picked":
        return []
    pool = _candidate_questions(session, user_id, field_ids, level)
    if method == "random":
        return rng.sample(pool, min(count, len(pool)))
    in_pool = {q.id for q in pool}
    if method == "weakest":
        ranked = [
            weak.question
            for weak in ranked_questions(session, user_id, now, zone, level=level)
            if weak.question.id in in_pool
        ]
        seen = {q.id for q in ranked}
        unseen = [q for q in pool if q.id not in seen]
        rng.shuffle(unseen)
        return (ranked + unseen)[:count]
    cards = {
        card.question_id: card
        for card in session.scalars(
            sa.select(ReviewCard).where(
                ReviewCard.user_id == user_id, ReviewCard.question_id.in_(in_pool)
            )
        )
    }
    unseen = [q for q in pool if q.id not in cards]
    shaky = [
        q for q in pool if q.id in cards and cards[q.id].last_rating <= SHAKY_AT_MOST
    ]
    rest = [q for q in pool if q.id in cards and q not in shaky]
    rng.shuffle(unseen)
    shaky.sort(key=lambda q: weakness(cards[q.id], now), reverse=True)
    rest.sort(key=lambda q: weakness(cards[q.id], now), reverse=True)
    # Alternate shaky and unseen so a short interview gets some of each.
    mixed: list[Question] = []
    for pair in zip(shaky, unseen, strict=False):
        mixed.extend(pair)
    longer = shaky if len(shaky) > len(unseen) else unseen
    mixed.extend(longer[min(len(shaky), len(unseen)) :])
    return (mixed + rest)[:count]


def new_public_id() -> str:
    """A random id for token-free interview addresses."""
    return secrets.token_urlsafe(12)


def create_interview(
    session: Session,
    user_id: int,
    candidate_name: str,
    fields: Sequence[Field | FieldEntry],
    level: str | None,
    method: str,
    questions: Sequence[Question],
    show_text: bool,
    link_days: int,
) -> Interview:
    """Store a new interview (not yet begun) holding the questions in order."""
    interview = Interview(
        public_id=new_public_id(),
        user_id=user_id,
        candidate_name=candidate_name.strip(),
        show_text=show_text,
        field_slugs=[field.slug for field in fields],
        method=method,
        level=level or None,
        link_days=link_days,
        status="ready",
        position=0,
        version=1,
    )
    interview.items = [
        InterviewItem(position=position, question_id=question.id)
        for position, question in enumerate(questions, start=1)
    ]
    interview.question_count = len(interview.items)
    session.add(interview)
    session.flush()
    return interview


def owned_interview(
    session: Session, user_id: int | None, public_id: str
) -> Interview | None:
    """The user's interview with its items and questions, or None."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(Interview)
        .where(Interview.public_id == public_id, Interview.user_id == user_id)
        .options(selectinload(Interview.items).joinedload(InterviewItem.question))
    )


def interviews_of(session: Session, user_id: int | None) -> list[Interview]:
    """The user's interviews, newest first."""
    if user_id is None:
        return []
    return list(
        session.scalars(
            sa.select(Interview)
            .where(Interview.user_id == user_id)
            .order_by(Interview.created_at.desc(), Interview.id.desc())
        )
    )


# Editing the question list before the interview begins -----------------------


def _require_ready(interview: Interview) -> None:
    if interview.status != "ready":
        raise NotAllowedNow("The questions cannot change once the interview began.")


def _renumber(
    session: Session, interview: Interview, items: list[InterviewItem]
) -> None:
    # Positions are unique per interview: park them out of the way first so the
    # constraint holds at every flush.
    for offset, item in enumerate(items, start=1):
        item.position = -offset
    session.flush()
    for position, item in enumerate(items, start=1):
        item.position = position
    interview.items = items
    interview.question_count = len(items)
    session.flush()


def add_question(session: Session, interview: Interview, question: Question) -> bool:
    """Append a question; False when it is already in or the interview is full."""
    _require_ready(interview)
    if len(interview.items) >= MAX_QUESTIONS or any(
        item.question_id == question.id for item in interview.items
    ):
        return False
    interview.items.append(
        InterviewItem(
            position=len(interview.items) + 1,
            question_id=question.id,
            question=question,
        )
    )
    interview.question_count = len(interview.items)
    session.flush()
    return True


def remove_question(session: Session, interview: Interview, position: int) -> None:
    """Take the question at the position out of the list."""
    _require_ready(interview)
    kept = [item for item in interview.items if item.position != position]
    removed = [item for item in interview.items if item.position == position]
    for item in removed:
        interview.items.remove(item)
    session.flush()
    _renumber(session, interview, kept)


def move_question(
    session: Session, interview: Interview, position: int, step: int
) -> None:
    """Move the question at the position up (-1) or down (+1)."""
    _require_ready(interview)
    items = list(interview.items)
    index = position - 1
    target = index + step
    if not (0 <= index < len(items) and 0 <= target < len(items)):
        return
    items[index], items[target] = items[target], items[index]
    _renumber(session, interview, items)
