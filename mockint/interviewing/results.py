"""After the interview: self-ratings, calibration and what interviewers saw."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.banks import guidance_points, strong_points
from mockint.interviewing import NotAllowedNow
from mockint.models import (
    Interview,
    InterviewItem,
    Question,
)


def save_self_ratings(
    interview: Interview,
    self_ratings: dict[int, int | None],
    keep_feedback: set[int],
) -> None:
    """Store the candidate's own ratings and keep chosen feedback as notes."""
    if interview.status != "ended":
        raise NotAllowedNow("Rate yourself once the interview has ended.")
    for item in interview.items:
        if item.position in self_ratings:
            item.self_rating = self_ratings[item.position]
        if item.attempt is None:
            continue
        if item.position in keep_feedback:
            item.attempt.note = item.feedback
        elif item.attempt.note == item.feedback:
            item.attempt.note = ""  # no longer kept; a note written elsewhere stays


@dataclass(frozen=True)
class Calibration:
    """How the candidate's own ratings compare with the interviewer's."""

    compared: int
    mean_difference: float  # self minus interviewer: negative = harder on oneself

    def sentence(self) -> str:
        """ "On average you rate yourself 0.6 lower than your interviewer"."""
        if abs(self.mean_difference) < 0.05:
            return "On average you rate yourself the same as your interviewer."
        direction = "lower" if self.mean_difference < 0 else "higher"
        return (
            f"On average you rate yourself {abs(self.mean_difference):.1f} {direction}"
            " than your interviewer."
        )


def calibration_of(items: Sequence[InterviewItem]) -> Calibration | None:
    """Calibration over the items with both ratings, or None if there are none."""
    pairs = [
        (item.self_rating, item.rating)
        for item in items
        if item.self_rating is not None and item.rating is not None
    ]
    if not pairs:
        return None
    return Calibration(len(pairs), sum(s - r for s, r in pairs) / len(pairs))


@dataclass(frozen=True, slots=True)
class MissedQuestion:
    """The question of a missed point, as the review page links it."""

    key: str
    text: str


@dataclass(frozen=True)
class MissedPoint:
    """A guidance point interviewers marked as not covered, and how often."""

    question: MissedQuestion
    point: str
    missed: int
    asked: int


RECENT_SCORED_ITEMS = 300


@dataclass(frozen=True)
class InterviewerFindings:
    """What mock interviewers saw: calibration and the points most often missed."""

    calibration: Calibration | None
    missed_points: list[MissedPoint]


@cache
def _findings_statement() -> sa.Select:
    """Calibration across the user's interviews, then the recent scored items with
    their questions; built once with the parameter user_id (the review page runs it
    on every visit, and building it cost more than running it)."""
    user_id = sa.bindparam("user_id")
    calibration = (
        sa.select(
            sa.func.count().label("compared"),
            sa.func.avg(InterviewItem.self_rating - InterviewItem.rating).label("mean"),
        )
        .join(Interview, Interview.id == InterviewItem.interview_id)
        .where(
            Interview.user_id == user_id,
            InterviewItem.self_rating.is_not(None),
            InterviewItem.rating.is_not(None),
        )
        .subquery()
    )
    recent = (
        sa.select(InterviewItem.question_id, InterviewItem.covered)
        .join(Interview, Interview.id == InterviewItem.interview_id)
        .where(
            Interview.user_id == user_id,
            Interview.status == "ended",
            InterviewItem.rating.is_not(None),
        )
        .order_by(InterviewItem.id.desc())
        .limit(RECENT_SCORED_ITEMS)
        .subquery()
    )
    # The calibration aggregate is exactly one row and the recent items join onto
    # it, so the calibration arrives even when no item has been scored.
    return (
        sa.select(
            calibration.c.compared,
            calibration.c.mean,
            recent.c.covered,
            Question.id,
            Question.key,
            Question.text,
            Question.guidance,
        )
        .select_from(calibration)
        .outerjoin(recent, sa.true())
        .outerjoin(Question, Question.id == recent.c.question_id)
    )


def interviewer_findings(
    session: Session, user_id: int, limit: int = 5
) -> InterviewerFindings:
    """Calibration across all of the user's interviews and the guidance points most
    often missed in the recent scored ones, in one statement."""
    # Plain rows on the connection: without interviews this is one empty-handed
    # aggregate on every visit to the review page, not worth the ORM's handling.
    rows = (
        session.connection().execute(_findings_statement(), {"user_id": user_id}).all()
    )
    compared, mean = rows[0].compared, rows[0].mean
    missed: Counter[tuple[int, int]] = Counter()
    asked: Counter[int] = Counter()
    questions: dict[int, tuple[MissedQuestion, list[str]]] = {}
    for row in rows:
        if row.id is None:
            continue
        if row.id not in questions:
            points = guidance_points(row.guidance)
            questions[row.id] = (MissedQuestion(row.key, row.text), points)
        asked[row.id] += 1
        covered = set(row.covered)
        for index, _point in strong_points(questions[row.id][1]):
            if index not in covered:
                missed[(row.id, index)] += 1
    ranked = sorted(
        missed.items(), key=lambda pair: (-pair[1], -asked[pair[0][0]], pair[0])
    )
    return InterviewerFindings(
        calibration=Calibration(compared, float(mean)) if compared else None,
        missed_points=[
            MissedPoint(
                question=questions[question_id][0],
                point=questions[question_id][1][index],
                missed=count,
                asked=asked[question_id],
            )
            for (question_id, index), count in ranked[:limit]
        ],
    )
