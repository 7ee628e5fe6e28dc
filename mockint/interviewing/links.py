"""Interviewer links, stored only as hashes, and the grants opening one gives."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, selectinload

from mockint.models import (
    Interview,
    InterviewGrant,
    InterviewItem,
    InterviewLink,
)

LINK_LIFETIMES_DAYS = (1, 7, 30)
TOKEN_BYTES = 32  # 256 random bits, well over the 128 required
MAX_TOKEN_LENGTH = 100


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a link's token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


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


def grant_condition(
    interview_id: sa.ColumnElement[int],
    session_id: sa.ColumnElement[int],
    now: datetime | sa.BindParameter[datetime],
) -> sa.Exists:
    """SQL condition: the browser session holds a live grant for the interview."""
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
            grant_condition(Interview.id, sa.literal(session_id), now),
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
