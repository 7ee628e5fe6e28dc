"""Mock interviews with a friend: choosing questions, links, grants, live state.

The state of a running interview lives in its database row, so every app
process serves both screens the same state. Each change increments the row's
`version` with a compare-and-set, which both orders concurrent changes (two
interviewer tabs) and tells polling screens whether anything moved.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from mockint.login_sessions import IDLE_LIFETIME
from mockint.models import (
    SHAKY_AT_MOST,
    Attempt,
    Field,
    Interview,
    InterviewGrant,
    InterviewItem,
    InterviewLink,
    LoginSession,
    Question,
    ReviewCard,
    UTCDateTime,
)
from mockint.progress import ranked_questions
from mockint.rounds import MAX_ELAPSED_SECONDS, MAX_NOTE_LENGTH
from mockint.scheduling import record_review, weakness

MIN_QUESTIONS = 3
MAX_QUESTIONS = 15
LINK_LIFETIMES_DAYS = (1, 7, 30)
TOKEN_BYTES = 32  # 256 random bits, well over the 128 required
MAX_TOKEN_LENGTH = 100
MAX_FEEDBACK_LENGTH = MAX_NOTE_LENGTH
METHODS = {
    "weakest": "My weakest first",
    "unseen-shaky": "Unseen and shaky first",
    "random": "Random",
    "hand-picked": "Hand-picked",
}


class StaleVersion(Exception):
    """The interview changed since the screen making this change last saw it."""


class NotAllowedNow(Exception):
    """The change does not fit the interview's current status."""


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a link's token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


# Choosing questions ------------------------------------------------------------


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
    fields: Sequence[Field],
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


# Links and grants --------------------------------------------------------------


def create_link(
    session: Session, interview: Interview, days: int, now: datetime
) -> str:
    """Make a new interviewer link; return its raw token (shown once, never kept)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(
        InterviewLink(
            interview_id=interview.id,
            token_hash=hash_token(token),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    session.flush()
    return token


def revoke_link(
    session: Session, interview: Interview, link_id: int, now: datetime
) -> bool:
    """Revoke one of the interview's links; False when it is not one of them."""
    link = session.scalar(
        sa.select(InterviewLink).where(
            InterviewLink.id == link_id, InterviewLink.interview_id == interview.id
        )
    )
    if link is None:
        return False
    if link.revoked_at is None:
        link.revoked_at = now
    return True


def usable_link(session: Session, token: str, now: datetime) -> InterviewLink | None:
    """The live link the token opens, or None (unknown, expired or revoked)."""
    if not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return None
    link = session.scalar(
        sa.select(InterviewLink)
        .where(InterviewLink.token_hash == hash_token(token))
        .options(joinedload(InterviewLink.interview))
    )
    return link if link is not None and link.usable_at(now) else None


def grant(
    session: Session, link: InterviewLink, session_id: int, now: datetime
) -> None:
    """Let the browser session run the link's interview (idempotent)."""
    exists = session.scalar(
        sa.select(InterviewGrant.id).where(
            InterviewGrant.link_id == link.id, InterviewGrant.session_id == session_id
        )
    )
    if exists is None:
        session.add(
            InterviewGrant(link_id=link.id, session_id=session_id, created_at=now)
        )
        session.flush()


def _grant_condition(
    interview_id: sa.ColumnElement[int],
    session_id: sa.ColumnElement[int],
    now: datetime,
) -> sa.Exists:
    return sa.exists().where(
        InterviewGrant.session_id == session_id,
        InterviewGrant.link_id == InterviewLink.id,
        InterviewLink.interview_id == interview_id,
        InterviewLink.revoked_at.is_(None),
        InterviewLink.expires_at > now,
    )


def granted_interview(
    session: Session, session_id: int | None, public_id: str, now: datetime
) -> Interview | None:
    """The interview if this browser session holds a live grant for it."""
    if session_id is None:
        return None
    return session.scalar(
        sa.select(Interview)
        .where(
            Interview.public_id == public_id,
            _grant_condition(Interview.id, sa.literal(session_id), now),
        )
        .options(selectinload(Interview.items).joinedload(InterviewItem.question))
    )


def move_grants(session: Session, from_session_id: int, to_session_id: int) -> None:
    """Carry a browser's grants over to its new session (after logging in)."""
    session.execute(
        sa.update(InterviewGrant)
        .where(InterviewGrant.session_id == from_session_id)
        .values(session_id=to_session_id)
    )


@dataclass(frozen=True)
class LinkSummary:
    """A link as the candidate's page lists it."""

    link: InterviewLink
    opened_by: int


def links_of(session: Session, interview: Interview) -> list[LinkSummary]:
    """The interview's links, newest first, with how many browsers opened each."""
    opened = (
        sa.select(sa.func.count())
        .where(InterviewGrant.link_id == InterviewLink.id)
        .scalar_subquery()
    )
    rows = session.execute(
        sa.select(InterviewLink, opened)
        .where(InterviewLink.interview_id == interview.id)
        .order_by(InterviewLink.created_at.desc(), InterviewLink.id.desc())
    )
    return [LinkSummary(link, count) for link, count in rows]


# The live state, as the poll endpoint reads it ---------------------------------


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
    is_interviewer = _grant_condition(Interview.id, viewer.c.id, now)
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


# After the interview -----------------------------------------------------------


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


@dataclass(frozen=True)
class MissedPoint:
    """A guidance point interviewers marked as not covered, and how often."""

    question: Question
    point: str
    missed: int
    asked: int


RECENT_SCORED_ITEMS = 300


@dataclass(frozen=True)
class InterviewerFindings:
    """What mock interviewers saw: calibration and the points most often missed."""

    calibration: Calibration | None
    missed_points: list[MissedPoint]


def interviewer_findings(
    session: Session, user_id: int, limit: int = 5
) -> InterviewerFindings:
    """Calibration across all of the user's interviews and the guidance points most
    often missed in the recent scored ones, in one statement."""
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
    rows = session.execute(
        sa.select(
            calibration.c.compared, calibration.c.mean, recent.c.covered, Question
        )
        .select_from(calibration)
        .outerjoin(recent, sa.true())
        .outerjoin(Question, Question.id == recent.c.question_id)
    ).all()
    compared, mean = rows[0].compared, rows[0].mean
    missed: Counter[tuple[int, int]] = Counter()
    asked: Counter[int] = Counter()
    questions: dict[int, Question] = {}
    for _compared, _mean, covered_points, question in rows:
        if question is None:
            continue
        questions[question.id] = question
        asked[question.id] += 1
        covered = set(covered_points)
        for index, _ in question.strong_points:
            if index not in covered:
                missed[(question.id, index)] += 1
    ranked = sorted(
        missed.items(), key=lambda pair: (-pair[1], -asked[pair[0][0]], pair[0])
    )
    return InterviewerFindings(
        calibration=Calibration(compared, float(mean)) if compared else None,
        missed_points=[
            MissedPoint(
                question=questions[question_id],
                point=questions[question_id].guidance_points[index],
                missed=count,
                asked=asked[question_id],
            )
            for (question_id, index), count in ranked[:limit]
        ],
    )
