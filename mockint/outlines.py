"""'My answer': a user's persistent talking points for a question."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.models import AnswerOutline

MAX_OUTLINE_LENGTH = 10_000


def outline_for(
    session: Session, user_id: int | None, question_id: int
) -> AnswerOutline | None:
    """The user's outline for a question, if any."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(AnswerOutline).where(
            AnswerOutline.user_id == user_id,
            AnswerOutline.question_id == question_id,
        )
    )


def save_outline(
    session: Session, user_id: int, question_id: int, text: str
) -> AnswerOutline:
    """Create or replace the user's outline for a question."""
    outline = outline_for(session, user_id, question_id)
    if outline is None:
        outline = AnswerOutline(user_id=user_id, question_id=question_id)
        session.add(outline)
    outline.text = text.strip()
    session.flush()
    return outline
