"""Who is practising: guest profiles bound to a long-lived cookie, and accounts."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import Flask, current_app, session
from flask_login import current_user, login_user
from werkzeug.security import check_password_hash, generate_password_hash

from mockint.extensions import db, login_manager
from mockint.localtime import zone_named
from mockint.models import Attempt, ReviewCard, Round, User
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
    # moving networks); the cookie is signed and rotated with login_id instead.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def _load_user(login_id: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.login_id == login_id))


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
    login_user(guest, remember=True)
    return guest


def sign_in(user: User) -> None:
    """Start a fresh session for the user, with a long-lived remember cookie."""
    session.clear()  # renew the session so no earlier state carries over
    login_user(user, remember=True)


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
    for model in (Round, Attempt):
        db.session.execute(
            db.update(model).where(model.user_id == guest_id).values(user_id=account_id)
        )
    db.session.delete(guest)
    db.session.flush()
    rebuild_cards(db.session, account_id)  # the two histories interleave in time
    return moved


def current_zone() -> ZoneInfo:
    """The signed-in profile's time zone (UTC for visitors)."""
    profile = current_profile()
    return zone_named(profile.timezone if profile else None)
