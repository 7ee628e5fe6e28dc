"""Debriefs: notes on a real interview whose stumpers become practice.

Each stumper becomes a question to practise (a new private one, or a bank or
own question that reads the same, if the user picks it) with a Stumped attempt
dated the day of the interview, so the review schedules it at once.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from mockint.bank_similarity import normalise_text
from mockint.models import (
    AnswerOutline,
    Attempt,
    Debrief,
    DebriefStumper,
    Question,
    ReviewCard,
    Round,
    RoundItem,
    UpcomingInterview,
    utcnow,
)
from mockint.own_questions import QuestionDraft, add_question, lines_of
from mockint.practice_days import remove_answers
from mockint.scheduling import DUE_AT_ONCE, category, record_review

MAX_STUMPERS = 20
TEXT_FIELDS = ("what_happened", "stumpers_text", "learned", "feedback", "went_well")
# The kind of question a stumper most likely was, from the kind of interview.
STUMPER_KIND = {"technical": "technical", "case": "situational"}
STUMPED = 1
STUMPER_DIFFICULTY = 2
STUMPER_TARGET_SECONDS = 120


def stumper_lines(debrief: Debrief) -> list[str]:
    """The stumpers the user typed, one per line, at most MAX_STUMPERS."""
    return list(lines_of(debrief.stumpers_text, limit=MAX_STUMPERS))


def user_debrief(
    session: Session, user_id: int | None, debrief_id: int
) -> Debrief | None:
    """The user's debrief with its stumpers and their questions, or None."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(Debrief)
        .where(Debrief.id == debrief_id, Debrief.user_id == user_id)
        .options(selectinload(Debrief.stumpers).selectinload(DebriefStumper.question))
    )


def start_debrief(
    session: Session,
    user_id: int,
    interview_on: date,
    kind: str,
    company: str = "",
    role: str = "",
    interview: UpcomingInterview | None = None,
) -> Debrief:
    """Create a draft debrief, linked to the planned interview it is about."""
    debrief = Debrief(
        user_id=user_id,
        interview_on=interview_on,
        kind=kind,
        company=company.strip(),
        role=role.strip(),
    )
    session.add(debrief)
    session.flush()
    if interview is not None:
        interview.debrief_id = debrief.id
    return debrief


def interview_moment(day: date, zone: ZoneInfo, now: datetime) -> datetime:
    """Noon of the interview's day in the user's zone (never later than now)."""
    noon = datetime.combine(day, time(12), tzinfo=zone).astimezone(UTC)
    return min(noon, now)


def _record_stumped(
    session: Session, user_id: int, question: Question, moment: datetime
) -> None:
    attempt = Attempt(
        user_id=user_id,
        question_id=question.id,
        round_item_id=None,
        rating=STUMPED,
        elapsed_seconds=0.0,
        timed_by=DUE_AT_ONCE,
        shown_at=moment,
        answered_at=moment,
        note="Stumped me in a real interview.",
    )
    session.add(attempt)
    session.flush()
    record_review(session, attempt)


def apply_stumpers(
    session: Session,
    debrief: Debrief,
    choices: dict[int, int],
    zone: ZoneInfo,
) -> list[Question]:
    """Turn the typed stumpers into questions with a Stumped attempt each.

    `choices` maps a line's index to an existing question id the user chose
    instead of a new private question. Lines already turned into stumpers are
    left alone, so finishing again after an edit adds only the new lines.
    """
    known = {normalise_text(s.question.text) for s in debrief.stumpers}
    taken = {s.question_id for s in debrief.stumpers}
    moment = interview_moment(debrief.interview_on, zone, utcnow())
    kind = STUMPER_KIND.get(debrief.kind, "behavioral")
    added: list[Question] = []
    for index, line in enumerate(stumper_lines(debrief)):
        if normalise_text(line) in known:
            continue
        question = None
        if index in choices:
            question = session.scalar(
                sa.select(Question).where(
                    Question.id == choices[index],
                    Question.visible_to(debrief.user_id),
                    Question.archived_at.is_(None),
                )
            )
        if question is None:
            question = add_question(
                session,
                debrief.user_id,
                QuestionDraft(
                    text=line,
                    kind=kind,
                    difficulty=STUMPER_DIFFICULTY,
                    target_seconds=STUMPER_TARGET_SECONDS,
                ),
            )
        if question.id in taken:
            continue
        taken.add(question.id)
        known.add(normalise_text(line))
        debrief.stumpers.append(
            DebriefStumper(question_id=question.id, position=len(debrief.stumpers) + 1)
        )
        _record_stumped(session, debrief.user_id, question, moment)
        added.append(question)
    session.flush()
    return added


def finish(
    session: Session, debrief: Debrief, choices: dict[int, int], zone: ZoneInfo
) -> list[Question]:
    """Mark the debrief finished and turn its stumpers into practice."""
    added = apply_stumpers(session, debrief, choices, zone)
    debrief.finished_at = debrief.finished_at or utcnow()
    return added


@dataclass
class Movement:
    """Where a debrief's stumpers stand now, by their review cards."""

    counts: Counter[str] = field(default_factory=Counter)

    @property
    def total(self) -> int:
        """How many stumpers the debrief has."""
        return sum(self.counts.values())


def movement_by_debrief(session: Session, user_id: int) -> dict[int, Movement]:
    """For each of the user's debriefs, its stumpers counted by state, one query."""
    rows = session.execute(
        sa.select(DebriefStumper.debrief_id, ReviewCard)
        .join(Debrief, Debrief.id == DebriefStumper.debrief_id)
        .outerjoin(
            ReviewCard,
            sa.and_(
                ReviewCard.question_id == DebriefStumper.question_id,
                ReviewCard.user_id == user_id,
            ),
        )
        .where(Debrief.user_id == user_id)
    ).all()
    movement: dict[int, Movement] = {}
    for debrief_id, card in rows:
        state = category(card)
        if card is not None and card.last_rating == STUMPED:
            state = "stumped"
        movement.setdefault(debrief_id, Movement()).counts[state] += 1
    return movement


def user_debriefs(session: Session, user_id: int) -> list[Debrief]:
    """The user's debriefs, the latest interview first."""
    return list(
        session.scalars(
            sa.select(Debrief)
            .where(Debrief.user_id == user_id)
            .order_by(Debrief.interview_on.desc(), Debrief.id.desc())
        )
    )


def private_stumpers(debrief: Debrief) -> list[Question]:
    """The debrief's stumpers that are the user's own private questions."""
    return [
        s.question for s in debrief.stumpers if s.question.owner_id == debrief.user_id
    ]


def delete_debrief(session: Session, debrief: Debrief, keep_ids: set[int]) -> int:
    """Delete a debrief and those of its private questions not kept; return how many.

    A private question still used by another debrief is always kept.
    """
    doomed = {q.id for q in private_stumpers(debrief)} - keep_ids
    if doomed:
        elsewhere = session.scalars(
            sa.select(DebriefStumper.question_id).where(
                DebriefStumper.question_id.in_(doomed),
                DebriefStumper.debrief_id != debrief.id,
            )
        )
        doomed -= set(elsewhere)
    session.delete(debrief)
    session.flush()
    if doomed:
        _delete_questions(session, debrief.user_id, doomed)
    return len(doomed)


def _delete_questions(session: Session, user_id: int, question_ids: set[int]) -> None:
    """Remove private questions with everything that refers to them."""
    owned = sa.and_(Question.id.in_(question_ids), Question.owner_id == user_id)
    ids = list(session.scalars(sa.select(Question.id).where(owned)))
    if not ids:
        return
    touched_rounds = set(
        session.scalars(
            sa.select(RoundItem.round_id).where(RoundItem.question_id.in_(ids))
        )
    )
    remove_answers(session, Attempt.question_id.in_(ids))
    for model in (Attempt, ReviewCard, AnswerOutline):
        session.execute(sa.delete(model).where(model.question_id.in_(ids)))
    session.execute(sa.delete(RoundItem).where(RoundItem.question_id.in_(ids)))
    session.execute(sa.delete(Question).where(Question.id.in_(ids)))
    if touched_rounds:
        # A round that held only these questions has nothing left to show.
        session.execute(
            sa.delete(Round).where(
                Round.id.in_(touched_rounds),
                ~sa.exists().where(RoundItem.round_id == Round.id),
            )
        )
    session.flush()
