"""Finding fields and questions by words, for the home page's search box."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from mockint.banks import GROUPS
from mockint.models import Field, Question
from mockint.rounds import FieldSummary

MAX_QUERY_LENGTH = 100
MAX_QUESTIONS_FOUND = 40
# The personal field comes first, under its own heading.
YOURS = "Your own"


@dataclass(frozen=True)
class FieldGroup:
    """A heading on the home page and the fields under it."""

    name: str
    summaries: list[FieldSummary]


def grouped(summaries: list[FieldSummary]) -> list[FieldGroup]:
    """Fields under their group's heading, in a fixed order of groups."""
    order = {name: index for index, name in enumerate((YOURS, *GROUPS))}

    def group_of(summary: FieldSummary) -> str:
        return YOURS if summary.field.personal else summary.field.group

    ordered = sorted(
        summaries, key=lambda s: (order.get(group_of(s), 99), s.field.name)
    )
    return [
        FieldGroup(name, list(items)) for name, items in groupby(ordered, key=group_of)
    ]


@dataclass(frozen=True)
class SearchResults:
    """What a search found."""

    query: str
    fields: list[Field]
    questions: list[Question]
    more: bool


def search(session: Session, user_id: int | None, query: str) -> SearchResults:
    """Active fields and the questions the user may see whose words match."""
    words = query.strip()[:MAX_QUERY_LENGTH].lower()
    if not words:
        return SearchResults("", [], [], more=False)
    fields = list(
        session.scalars(
            sa.select(Field)
            .where(
                Field.archived_at.is_(None),
                ~Field.personal,
                sa.or_(
                    sa.func.lower(Field.name).contains(words, autoescape=True),
                    sa.func.lower(Field.description).contains(words, autoescape=True),
                ),
            )
            .order_by(Field.name)
        )
    )
    found = list(
        session.scalars(
            sa.select(Question)
            .join(Field, Field.id == Question.field_id)
            .where(
                Question.archived_at.is_(None),
                Field.archived_at.is_(None),
                Question.visible_to(user_id),
                sa.func.lower(Question.text).contains(words, autoescape=True),
            )
            .options(joinedload(Question.field))
            .order_by(Field.name, Question.position, Question.id)
            .limit(MAX_QUESTIONS_FOUND + 1)
        )
    )
    return SearchResults(
        words,
        fields,
        found[:MAX_QUESTIONS_FOUND],
        more=len(found) > MAX_QUESTIONS_FOUND,
    )
