"""Who is practising: guest profiles bound to a long-lived cookie, and accounts."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, current_app, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.security import check_password_hash, generate_password_hash

from mockint.database import transaction_wants_write_lock
from mockint.extensions import db, login_manager
from mockint.interviewing.links import move_grants
from mockint.localtime import zone_named
from mockint.login_sessions import (
    FoundSession,
    end_session,
    find_session,
    needs_touch,
    start_session,
)
from mockint.models import (
    AnswerOutline,
    Attempt,
    Debrief,
    Interview,
    LoginSession,
    Question,
    ReviewCard,
    Round,
    UpcomingInterview,
    User,
    utcnow,
)
from mockint.scheduling import rebuild_cards

# Checked against when the username is unknown, so that an unknown user and a
# wrong password take the same time to refuse.
_DUMMY_HASH_BY_METHOD: dict[str, str] = {}


def init_app(app: Flask) -> None:
    """Configure Flask-Login."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Log in to see that page."
    # "strong" would drop the remember cookie when the IP changes (a phone
    # moving networks); each login gets its own revocable session instead.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(token: str) -> User | None:
    now = utcnow()
    record = find_session(db.session, token, now)
    if record is None:
        return None
    if needs_touch(record, now):
        _touch(record, now)
        session["_remember"] = "set"  # renew the remember cookie's lifetime too
    user = record.user
    user.session_token = token
    user.login_session = record
    return user


def _touch(record: FoundSession, now: datetime) -> None:
    """Write down that the session was used, without making a GET take locks."""
    touch = (
        sa.update(LoginSession)
        .where(LoginSession.id == record.id)
        .values(last_seen_at=now)
    )
    if transaction_wants_write_lock():
        db.session.execute(touch)  # saved with this request's own transaction
        return
    # A reading request's transaction must not turn into a writing one (on
    # SQLite that fails under contention), so a short one of its own does it.
    try:
        with db.engine.begin() as connection:
            connection.execute(touch)
    except SQLAlchemyError:
        current_app.logger.warning("could not record a session's use", exc_info=True)


def current_profile() -> User | None:
    """Return the signed-in profile (guest or account), or None."""
    if not current_user.is_authenticated:
        return None
    # The proxy would follow a later login_user(); callers keep the real object.
    return current_user._get_current_object()


def current_profile_id() -> int | None:
    """Return the signed-in profile's id, or None for a visitor."""
    profile = current_profile()
    return profile.id if profile else None


def ensure_profile() -> User:
    """Return the current profile, creating and signing in a guest if needed."""
    profile = current_profile()
    if profile is not None:
        return profile
    guest = User()
    db.session.add(guest)
    db.session.flush()
    # No session renewal here: a new guest gains no privilege, and keeping the
    # session keeps the CSRF token that forms in other open tabs carry.
    _log_in(guest)
    return guest


def _log_in(user: User) -> None:
    record, token = start_session(
        db.session, user, request.user_agent.string or "", utcnow()
    )
    user.session_token = token
    user.login_session = record
    login_user(user, remember=True)


def sign_in(user: User) -> None:
    """Start a fresh, revocable session for the user, ending this browser's last."""
    previous = current_profile()
    previous_session = previous.login_session if previous is not None else None
    session.clear()  # renew the session so no earlier state carries over
    _log_in(user)
    if previous_session is not None:
        # A friend who logs in mid-interview keeps the interviews they were running.
        move_grants(db.session, previous_session.id, user.login_session.id)
        end_session(db.session, previous_session.id)


def sign_out() -> None:
    """End this browser's session: its cookies stop working at once."""
    profile = current_profile()
    if profile is not None and profile.login_session is not None:
        end_session(db.session, profile.login_session.id)
    session.clear()
    logout_user()  # after clear(): it leaves the flag that deletes the remember cookie


def current_session_id() -> int | None:
    """The id of this browser's login session, if signed in."""
    profile = current_profile()
    return profile.login_session.id if profile and profile.login_session else None


def hash_password(password: str) -> str:
    """Hash a password at the configured (OWASP-level) cost."""
    return generate_password_hash(
        password, method=current_app.config["PASSWORD_HASH_METHOD"]
    )


def authenticate(username: str, password: str) -> User | None:
    """Return the account if the password matches, else None, in similar time."""
    user = db.session.scalar(
        db.select(User).where(User.username == username.strip().lower())
    )
    if user is None or user.password_hash is None:
        method = current_app.config["PASSWORD_HASH_METHOD"]
        if method not in _DUMMY_HASH_BY_METHOD:
            _DUMMY_HASH_BY_METHOD[method] = generate_password_hash(
                "not a real password", method=method
            )
        check_password_hash(_DUMMY_HASH_BY_METHOD[method], password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


def username_taken(username: str) -> bool:
    """True when an account already uses the (lowercased) username."""
    return (
        db.session.scalar(db.select(User.id).where(User.username == username))
        is not None
    )


def guest_attempt_count(guest_id: int) -> int:
    """How many answers a guest profile holds."""
    return db.session.scalar(
        db.select(db.func.count(Attempt.id)).where(Attempt.user_id == guest_id)
    )


def merge_guest_into(guest_id: int, account_id: int) -> int:
    """Move a guest's rounds and attempts into an account; return attempts moved."""
    guest = db.session.get(User, guest_id)
    if guest is None or not guest.is_guest:
        return 0
    moved = guest_attempt_count(guest_id)
    db.session.execute(db.delete(ReviewCard).where(ReviewCard.user_id == guest_id))
    for model in (Round, Attempt, Debrief, UpcomingInterview, Interview):
        db.session.execute(
            db.update(model).where(model.user_id == guest_id).values(user_id=account_id)
        )
    db.session.execute(
        db.update(Question)
        .where(Question.owner_id == guest_id)
        .values(owner_id=account_id)
    )
    # Outlines move too, except where the account already has its own.
    account_outlines = db.select(AnswerOutline.question_id).where(
        AnswerOutline.user_id == account_id
    )
    db.session.execute(
        db.update(AnswerOutline)
        .where(
            AnswerOutline.user_id == guest_id,
            AnswerOutline.question_id.not_in(account_outlines),
        )
        .values(user_id=account_id)
    )
    # Recordings belong to their attempts and so have moved; the choice to record
    # moves with them if the guest had made it.
    if guest.records_answers:
        db.session.execute(
            db.update(User).where(User.id == account_id).values(records_answers=True)
        )
    db.session.delete(guest)
    db.session.flush()
    rebuild_cards(db.session, account_id)  # the two histories interleave in time
    return moved


def client_address() -> str:
    """The client's address as throttling counts it (after trusted proxies)."""
    return (request.remote_addr or "unknown")[:64]


def current_zone() -> ZoneInfo:
    """The signed-in profile's time zone (UTC for visitors)."""
    profile = current_profile()
    return zone_named(profile.timezone if profile else None)
