"""A user's private questions: the personal "My questions" field and its rules.

Private questions are ordinary Question rows with an owner, so rounds, review
cards, drills, history and outlines work on them unchanged; every query that
lists questions adds `Question.visible_to(user_id)`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, joinedload

from mockint.bank_similarity import NEAR_DUPLICATE_RATIO, normalise_text, similarity
from mockint.banks import PERSONAL_FIELD_SLUG, PERSONAL_ID_PREFIX
from mockint.catalogue import count_bank_change
from mockint.models import Field, Question, utcnow

PERSONAL_SLUG = PERSONAL_FIELD_SLUG
PERSONAL_NAME = "My questions"
# Bank question ids start with their field's prefix; this one is kept for
# private questions (the bank checker refuses it in a bank).
PERSONAL_PREFIX = PERSONAL_ID_PREFIX
MAX_TEXT_LENGTH = 1000
MAX_POINTS = 8
MAX_POINT_LENGTH = 300


@dataclass(frozen=True)
class QuestionDraft:
    """What a user typed for a private question, already checked by the form."""

    text: str
    kind: str
    difficulty: int
    target_seconds: int
    guidance_points: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()
    level: str = "experienced"


def personal_field(session: Session) -> Field:
    """The shared "My questions" field, created the first time it is needed."""
    field = session.scalar(sa.select(Field).where(Field.slug == PERSONAL_SLUG))
    if field is not None:
        return field
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        session.get_bind().dialect.name
    ]
    created = session.execute(
        insert(Field)
        .values(
            slug=PERSONAL_SLUG,
            name=PERSONAL_NAME,
            description="Questions you added yourself: only you see them.",
            id_prefix=PERSONAL_PREFIX,
            personal=True,
        )
        .on_conflict_do_nothing(index_elements=["slug"])
    )
    if created.rowcount:  # processes keep the field list: tell them it changed
        count_bank_change(session)
    return session.scalars(sa.select(Field).where(Field.slug == PERSONAL_SLUG)).one()


def lines_of(text: str, limit: int = MAX_POINTS) -> tuple[str, ...]:
    """Non-empty lines of a textarea, stripped of list markers."""
    points = []
    for line in text.splitlines():
        cleaned = line.strip().lstrip("-•*").strip()
        if cleaned:
            points.append(cleaned[:MAX_POINT_LENGTH])
    return tuple(points[:limit])


def _guidance_text(points: tuple[str, ...]) -> str:
    return "\n".join(f"- {point}" for point in points)


def fresh_key() -> str:
    """A new private question id: the reserved prefix and 48 random bits."""
    return f"{PERSONAL_PREFIX}-{secrets.token_hex(6)}"


def add_question(
    session: Session, user_id: int, draft: QuestionDraft, key: str | None = None
) -> Question:
    """Create a private question in the user's My questions (a new id if none)."""
    field = personal_field(session)
    question = Question(
        key=key or fresh_key(),
        field_id=field.id,
        owner_id=user_id,
        position=0,
        text=draft.text.strip(),
        kind=draft.kind,
        level=draft.level,
        difficulty=draft.difficulty,
        target_seconds=draft.target_seconds,
        guidance=_guidance_text(draft.guidance_points),
        follow_ups=list(draft.follow_ups),
    )
    session.add(question)
    session.flush()
    return question


def update_question(question: Question, draft: QuestionDraft) -> None:
    """Change a private question's text, settings, guidance and follow-ups."""
    question.text = draft.text.strip()
    question.kind = draft.kind
    question.level = draft.level
    question.difficulty = draft.difficulty
    question.target_seconds = draft.target_seconds
    question.guidance = _guidance_text(draft.guidance_points)
    question.follow_ups = list(draft.follow_ups)


def set_archived(question: Question, archived: bool) -> None:
    """Archive a private question (it leaves rounds and the review) or restore it."""
    question.archived_at = utcnow() if archived else None


def own_question(session: Session, user_id: int | None, key: str) -> Question | None:
    """The user's private question with that key, or None."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(Question).where(Question.key == key, Question.owner_id == user_id)
    )


def own_questions(session: Session, user_id: int) -> list[Question]:
    """All the user's private questions, newest first, archived ones last."""
    return list(
        session.scalars(
            sa.select(Question)
            .where(Question.owner_id == user_id)
            .order_by(Question.archived_at.is_not(None), Question.id.desc())
        )
    )


@dataclass(frozen=True)
class Similar:
    """An existing question that reads almost the same as a new one."""

    question: Question
    ratio: float


def similar_questions(
    session: Session,
    user_id: int | None,
    text: str,
    field_id: int | None = None,
    exclude_id: int | None = None,
) -> list[Similar]:
    """Near-duplicates of the text among the user's own questions and the banks.

    The banks searched are the given field's, or all of them; the rule is the
    bank checker's (difflib ratio of the normalised texts).
    """
    wanted = normalise_text(text)
    if not wanted:
        return []
    bank = Question.owner_id.is_(None)
    if field_id is not None:
        bank = sa.and_(bank, Question.field_id == field_id)
    candidates = session.scalars(
        sa.select(Question)
        .where(
            Question.archived_at.is_(None),
            sa.or_(Question.owner_id == user_id, bank),
            Question.id != (exclude_id or 0),
        )
        .options(joinedload(Question.field))
    )
    found = []
    for candidate in candidates:
        text = normalise_text(candidate.text)
        if ratio := similarity(wanted, text, NEAR_DUPLICATE_RATIO):
            found.append(Similar(candidate, round(ratio, 2)))
    return sorted(found, key=lambda similar: -similar.ratio)
