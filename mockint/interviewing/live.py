"""The live state of an interview, and the compare-and-set changes made to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.interviewing import NotAllowedNow, StaleVersion
from mockint.interviewing.links import grant_condition
from mockint.login_sessions import IDLE_LIFETIME
from mockint.models import (
    Attempt,
    Interview,
    InterviewItem,
    LoginSession,
    Question,
    UTCDateTime,
)
from mockint.rounds import MAX_ELAPSED_SECONDS, MAX_NOTE_LENGTH
from mockint.scheduling import record_review

MAX_FEEDBACK_LENGTH = MAX_NOTE_LENGTH


@dataclass(frozen=True)
class LiveState:
    """What a screen needs to follow the interview, from one query."""

    version: int
    is_candidate: bool
    is_interviewer: bool
    status: str
    position: int
    question_count: int
    show_text: bool
    revealed: bool
    question_text: str | None
    target_seconds: int | None
    elapsed_seconds: float
    timer_started_at: datetime | None

    def as_json(self, now: datetime) -> dict[str, object]:
        """The state for the viewer: the question text only where it may be seen."""
        visible = self.is_interviewer or self.show_text or self.revealed
        running = self.timer_started_at is not None
        elapsed = self.elapsed_seconds
        if self.timer_started_at is not None:
            elapsed += max((now - self.timer_started_at).total_seconds(), 0.0)
        return {
            "version": self.version,
            "status": self.status,
            "position": self.position,
            "count": self.question_count,
            "text": self.question_text if visible and self.position else None,
            "spoken_only": not visible,
            "target_seconds": self.target_seconds,
            "timer": {"running": running, "elapsed": round(elapsed, 2)},
        }


def state_of(
    interview: Interview, is_candidate: bool, is_interviewer: bool
) -> LiveState:
    """The live state of an interview already loaded with its items."""
    item = current_item(interview)
    return LiveState(
        version=interview.version,
        is_candidate=is_candidate,
        is_interviewer=is_interviewer,
        status=interview.status,
        position=interview.position,
        question_count=interview.question_count,
        show_text=interview.show_text,
        revealed=bool(item and item.revealed),
        question_text=item.question.text if item else None,
        target_seconds=item.question.target_seconds if item else None,
        elapsed_seconds=item.elapsed_seconds if item else 0.0,
        timer_started_at=interview.timer_started_at,
    )


def _live_state_query() -> sa.Select:
    """The poll's one statement, built once: bound parameters carry the values."""
    now = sa.bindparam("now", type_=UTCDateTime)
    viewer = (
        sa.select(LoginSession.id, LoginSession.user_id)
        .where(
            LoginSession.token_hash == sa.bindparam("token_hash"),
            LoginSession.last_seen_at >= sa.bindparam("idle_since", type_=UTCDateTime),
        )
        .subquery()
    )
    is_candidate = Interview.user_id == viewer.c.user_id
    is_interviewer = grant_condition(Interview.id, viewer.c.id, now)
    return (
        sa.select(
            Interview.version,
            is_candidate,
            is_interviewer,
            Interview.status,
            Interview.position,
            Interview.question_count,
            Interview.show_text,
            InterviewItem.revealed,
            Question.text,
            Question.target_seconds,
            InterviewItem.elapsed_seconds,
            Interview.timer_started_at,
        )
        .select_from(Interview)
        .join(viewer, sa.true())
        .outerjoin(
            InterviewItem,
            sa.and_(
                InterviewItem.interview_id == Interview.id,
                InterviewItem.position == Interview.position,
            ),
        )
        .outerjoin(Question, Question.id == InterviewItem.question_id)
        .where(
            Interview.public_id == sa.bindparam("public_id"),
            sa.or_(is_candidate, is_interviewer),
        )
    )


# Building the statement costs more than running it: the poll reuses this one.
_LIVE_STATE = _live_state_query()


def live_state(
    connection: sa.Connection | Session,
    public_id: str,
    session_token_hash: str,
    now: datetime,
) -> LiveState | None:
    """The interview's state for the browser session, in one indexed query.

    None when the session is unknown or neither owns the interview nor holds a
    live grant for it.
    """
    row = connection.execute(
        _LIVE_STATE, _live_state_parameters(public_id, session_token_hash, now)
    ).first()
    return _as_live_state(row) if row is not None else None


def _live_state_parameters(
    public_id: str, session_token_hash: str, now: datetime
) -> dict[str, object]:
    return {
        "public_id": public_id,
        "token_hash": session_token_hash,
        "idle_since": now - IDLE_LIFETIME,
        "now": now,
    }


def _as_live_state(row: Sequence[Any]) -> LiveState:
    return LiveState(
        version=row[0],
        is_candidate=bool(row[1]),
        is_interviewer=bool(row[2]),
        status=row[3],
        position=row[4],
        question_count=row[5],
        show_text=bool(row[6]),
        revealed=bool(row[7]),
        question_text=row[8],
        target_seconds=row[9],
        elapsed_seconds=row[10] or 0.0,
        timer_started_at=row[11],
    )


class RawLiveState:
    """The same query on a bare DB-API connection, for the poll's fast path.

    Compiled once per database dialect; SQLAlchemy's per-execution work (cache
    lookup, events, result objects) would cost ten times the query itself.
    """

    def __init__(self, dialect: sa.Dialect) -> None:
        compiled = _LIVE_STATE.compile(dialect=dialect)
        self.sql = str(compiled)
        # qmark/format styles take a sequence in this order; pyformat a mapping.
        self.order = tuple(compiled.positiontup or ())
        # The column type as this dialect runs it (SQLite stores text, say).
        time_type = UTCDateTime().dialect_impl(dialect)
        self.bind_time = time_type.bind_processor(dialect) or (lambda v: v)
        self.read_time = time_type.result_processor(dialect, None) or (lambda v: v)

    def fetch(
        self, dbapi_connection: Any, public_id: str, token_hash: str, now: datetime
    ) -> LiveState | None:
        """Run the query; None when the viewer may not see the interview."""
        values = _live_state_parameters(public_id, token_hash, now)
        values["now"] = self.bind_time(values["now"])
        values["idle_since"] = self.bind_time(values["idle_since"])
        parameters = [values[name] for name in self.order] if self.order else values
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(self.sql, parameters)
            row = cursor.fetchone()
        finally:
            cursor.close()
        if row is None:
            return None
        return _as_live_state([*row[:11], self.read_time(row[11])])


# Changing the live interview ---------------------------------------------------


def _claim_version(session: Session, interview: Interview, seen_version: int) -> None:
    """Compare-and-set the version: the change goes ahead only from fresh state."""
    result = session.execute(
        sa.update(Interview)
        .where(Interview.id == interview.id, Interview.version == seen_version)
        .values(version=Interview.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StaleVersion()
    # The row is now locked by this transaction: reload what others may have
    # written before it.
    session.refresh(interview)
    for item in interview.items:
        session.refresh(item)


def current_item(interview: Interview) -> InterviewItem | None:
    """The item on screen, if the interview has begun."""
    return next(
        (item for item in interview.items if item.position == interview.position), None
    )


def running_seconds(interview: Interview, item: InterviewItem, now: datetime) -> float:
    """The item's time on the clock, including a run in progress."""
    elapsed = item.elapsed_seconds
    if interview.timer_started_at is not None and item.position == interview.position:
        elapsed += max((now - interview.timer_started_at).total_seconds(), 0.0)
    return min(elapsed, MAX_ELAPSED_SECONDS)


def _stop_clock(interview: Interview, now: datetime) -> None:
    item = current_item(interview)
    if item is not None and interview.timer_started_at is not None:
        item.elapsed_seconds = round(running_seconds(interview, item, now), 1)
    interview.timer_started_at = None


def _show(interview: Interview, position: int, now: datetime) -> None:
    interview.position = position
    item = current_item(interview)
    if item is not None and item.shown_at is None:
        item.shown_at = now


def _require_live(interview: Interview) -> None:
    if interview.status != "live":
        raise NotAllowedNow(
            "The interview has not begun."
            if interview.status == "ready"
            else "The interview has ended."
        )


def begin(
    session: Session, interview: Interview, seen_version: int, now: datetime
) -> None:
    """Start the interview at its first question."""
    _claim_version(session, interview, seen_version)
    if interview.status != "ready":
        raise NotAllowedNow("The interview has already begun.")
    if not interview.items:
        raise NotAllowedNow("The interview has no questions yet.")
    interview.status = "live"
    interview.started_at = now
    _show(interview, 1, now)


def toggle_timer(
    session: Session, interview: Interview, seen_version: int, now: datetime
) -> None:
    """Start the clock if stopped, stop it if running."""
    _claim_version(session, interview, seen_version)
    _require_live(interview)
    if interview.timer_started_at is None:
        interview.timer_started_at = now
    else:
        _stop_clock(interview, now)


def reveal(session: Session, interview: Interview, seen_version: int) -> None:
    """Show the current question's text on the candidate's screen."""
    _claim_version(session, interview, seen_version)
    _require_live(interview)
    item = current_item(interview)
    if item is not None:
        item.revealed = True


@dataclass(frozen=True)
class Score:
    """The interviewer's scoring of one question."""

    covered: tuple[int, ...]
    follow_ups_asked: tuple[int, ...]
    rating: int | None
    feedback: str


def save_score(
    session: Session,
    interview: Interview,
    seen_version: int,
    position: int,
    score: Score,
    now: datetime,
) -> None:
    """Store the scoring of the question at the position (editable until the end)."""
    _claim_version(session, interview, seen_version)
    _require_live(interview)
    item = next((i for i in interview.items if i.position == position), None)
    if item is None or item.shown_at is None:
        raise NotAllowedNow("That question has not been asked yet.")
    coverable = {index for index, _ in item.question.strong_points}
    follow_ups = len(item.question.follow_ups)
    item.covered = sorted(coverable.intersection(score.covered))
    item.follow_ups_asked = sorted(
        {i for i in score.follow_ups_asked if 0 <= i < follow_ups}
    )
    if score.rating != item.rating:
        item.rated_at = now if score.rating is not None else None
    item.rating = score.rating
    item.feedback = score.feedback.strip()[:MAX_FEEDBACK_LENGTH]


def go_to(
    session: Session,
    interview: Interview,
    seen_version: int,
    position: int,
    now: datetime,
) -> None:
    """Put another question on screen, stopping the clock of the one left."""
    _claim_version(session, interview, seen_version)
    _require_live(interview)
    if not 1 <= position <= len(interview.items):
        raise NotAllowedNow("There is no such question.")
    if position != interview.position:
        _stop_clock(interview, now)
        _show(interview, position, now)


def end(
    session: Session, interview: Interview, seen_version: int, now: datetime
) -> list[Attempt]:
    """End the interview: each rated question becomes an attempt in the history."""
    _claim_version(session, interview, seen_version)
    _require_live(interview)
    _stop_clock(interview, now)
    interview.status = "ended"
    interview.ended_at = now
    attempts = []
    rated = sorted(
        (item for item in interview.items if item.rating is not None),
        key=lambda item: (item.rated_at or now, item.position),
    )
    for item in rated:
        attempt = Attempt(
            user_id=interview.user_id,
            question_id=item.question_id,
            rating=item.rating,
            elapsed_seconds=item.elapsed_seconds,
            timed_by="server",
            rated_by="interviewer",
            shown_at=item.shown_at or interview.started_at or now,
            answered_at=item.rated_at or now,
            note="",
        )
        session.add(attempt)
        session.flush()
        record_review(session, attempt)
        item.attempt_id = attempt.id
        item.attempt = attempt
        attempts.append(attempt)
    session.flush()
    return attempts
