"""Server-side login sessions: one row per signed-in browser, revocable.

The session and remember cookies carry a random token; the database keeps only
its SHA-256, so every login gets a new token and deleting a row ends that
browser's session at its next request.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.instrumentation import manager_of_class
from sqlalchemy.orm.util import identity_key

from mockint.catalogue import BANK_VERSION_COLUMN, note_bank_version
from mockint.config import REMEMBER_FOR
from mockint.models import LoginSession, User

# A session not used for this long is over (sliding: each use renews it), the
# same span as the remember cookie's.
IDLE_LIFETIME = REMEMBER_FOR
# last_seen_at is written at most this often, so reading pages rarely writes.
TOUCH_EVERY = timedelta(hours=1)
TOKEN_BYTES = 32  # 256 random bits
MAX_TOKEN_LENGTH = 100


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a session token is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def start_session(
    session: Session, user: User, user_agent: str, now: datetime
) -> tuple[LoginSession, str]:
    """Create a session for the user; return it with its raw token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.execute(
        sa.delete(LoginSession).where(
            LoginSession.user_id == user.id,
            LoginSession.last_seen_at < now - IDLE_LIFETIME,
        )
    )
    record = LoginSession(
        token_hash=hash_token(token),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        browser=describe_browser(user_agent),
    )
    session.add(record)
    session.flush()
    return record, token


@dataclass(frozen=True, slots=True)
class FoundSession:
    """A live login session as each request reads it: enough to name and touch it."""

    id: int
    last_seen_at: datetime
    user: User


_SESSIONS = LoginSession.__table__
_USER_COLUMNS = tuple(
    (attribute.key, attribute.columns[0]) for attribute in sa.inspect(User).column_attrs
)
_USER_KEYS = tuple(key for key, _column in _USER_COLUMNS)
_USER_MANAGER = manager_of_class(User)
# Every signed-in request runs this first: built once, since building a statement
# and its cache key costs more than SQLite takes to answer it. It reads the bank
# version along, which the request's catalogue would otherwise ask for alone.
_SESSION_BY_HASH = (
    sa.select(
        _SESSIONS.c.id,
        _SESSIONS.c.last_seen_at,
        BANK_VERSION_COLUMN,
        *(column for _key, column in _USER_COLUMNS),
    )
    .join(User.__table__, User.__table__.c.id == _SESSIONS.c.user_id)
    .where(_SESSIONS.c.token_hash == sa.bindparam("token_hash"))
)


def find_session(session: Session, token: object, now: datetime) -> FoundSession | None:
    """The live session (with its user) the token belongs to, or None."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_TOKEN_LENGTH:
        return None
    # Core, then the user attached by hand: the ORM's handling of this one-row
    # read cost more than the rest of a small page's queries.
    found = session.connection().execute(
        _SESSION_BY_HASH, {"token_hash": hash_token(token)}
    )
    row = found.first()
    if row is None:
        return None
    session_id, last_seen_at, version, *user_values = row
    note_bank_version(version)
    if last_seen_at < now - IDLE_LIFETIME:
        return None
    user = _attached_user(session, dict(zip(_USER_KEYS, user_values, strict=True)))
    return FoundSession(session_id, last_seen_at, user)


def _attached_user(session: Session, values: dict[str, object]) -> User:
    """The user of a row read by Core, persistent in the session as if the ORM had
    loaded it: every column loaded, nothing pending, in the identity map (whose
    copy wins, as with a query)."""
    known = session.identity_map.get(identity_key(User, values["id"]))
    if known is not None:
        return known  # type: ignore[return-value]
    user: User = _USER_MANAGER.new_instance()
    user.__dict__.update(values)  # loaded state, as the ORM's loader sets it
    make_transient_to_detached(user)
    session.add(user)
    return user


def needs_touch(record: FoundSession, now: datetime) -> bool:
    """True when the session's last use is worth writing down again."""
    return record.last_seen_at <= now - TOUCH_EVERY


def end_session(session: Session, session_id: int) -> None:
    """Delete one session: that browser is signed out at its next request."""
    session.execute(sa.delete(LoginSession).where(LoginSession.id == session_id))


def end_user_session(session: Session, user_id: int, session_id: int) -> bool:
    """Delete one of the user's sessions; False when it is not theirs."""
    result = session.execute(
        sa.delete(LoginSession).where(
            LoginSession.id == session_id, LoginSession.user_id == user_id
        )
    )
    return bool(result.rowcount)


def end_other_sessions(session: Session, user_id: int, keep_id: int | None) -> int:
    """Sign out every browser of the user but one; return how many."""
    query = sa.delete(LoginSession).where(LoginSession.user_id == user_id)
    if keep_id is not None:
        query = query.where(LoginSession.id != keep_id)
    return session.execute(query).rowcount


def sessions_of(session: Session, user_id: int, now: datetime) -> list[LoginSession]:
    """The user's live sessions, most recently used first."""
    return list(
        session.scalars(
            sa.select(LoginSession)
            .where(
                LoginSession.user_id == user_id,
                LoginSession.last_seen_at >= now - IDLE_LIFETIME,
            )
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (
    ("Edge", re.compile(r"Edg(e|A|iOS)?/")),
    ("Opera", re.compile(r"OPR/|Opera")),
    ("Firefox", re.compile(r"Firefox/|FxiOS/")),
    ("Chrome", re.compile(r"Chrome/|CriOS/|Chromium/")),
    ("Safari", re.compile(r"Safari/")),
)
_SYSTEMS = (
    ("Android", re.compile(r"Android")),
    ("iPhone", re.compile(r"iPhone")),
    ("iPad", re.compile(r"iPad")),
    ("Windows", re.compile(r"Windows")),
    ("macOS", re.compile(r"Mac OS X|Macintosh")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("Linux", re.compile(r"Linux")),
)


def describe_browser(user_agent: str) -> str:
    """A short, human description of a User-Agent, e.g. "Firefox on Windows"."""
    browser = next((name for name, rx in _BROWSERS if rx.search(user_agent)), None)
    system = next((name for name, rx in _SYSTEMS if rx.search(user_agent)), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or (f"A browser on {system}" if system else "An unknown browser")
