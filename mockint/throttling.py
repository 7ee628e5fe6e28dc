"""Slowing down guessing without letting anyone lock an account.

Refused logins are counted per (username, address) pair and per address, so an
attacker's failures never stop the owner logging in from elsewhere, and a busy
shared address (a school, an office) never blocks accounts it has not been
failing for. Other actions (sign-ups, imports) are counted per address. Counts
live in the database, so every worker process sees the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.models import FailedLogin, RateEvent

WINDOW = timedelta(minutes=15)
# Failures of one username from one address before that pair must wait.
MAX_PER_PAIR = 5
# Failures from one address (any usernames) after which it may not retry any
# username it has already got wrong in the window.
MAX_PER_ADDRESS = 20
KEPT_FOR = timedelta(days=1)


@dataclass(frozen=True)
class Limit:
    """At most `count` events of one action per address within `window`."""

    action: str
    count: int
    window: timedelta


HOUR = timedelta(hours=1)


def signup_limit(per_hour: int) -> Limit:
    """Accounts made from one address per hour."""
    return Limit("signup", per_hour, HOUR)


def import_limit(per_hour: int) -> Limit:
    """Import files sent from one address per hour (parsing them costs)."""
    return Limit("import", per_hour, HOUR)


def link_guess_limit() -> Limit:
    """Unknown, expired or revoked interview links opened from one address."""
    return Limit("interview-link", MAX_PER_ADDRESS, WINDOW)


def login_blocked_until(
    session: Session, username: str, address: str, now: datetime
) -> datetime | None:
    """When this address may try this username again, if it must wait.

    A correct password from an address that has not been failing for this
    username is never refused: only the failing pair waits.
    """
    since = now - WINDOW
    pair_count, pair_oldest = session.execute(
        sa.select(sa.func.count(), sa.func.min(FailedLogin.at)).where(
            FailedLogin.username == username,
            FailedLogin.address == address,
            FailedLogin.at >= since,
        )
    ).one()
    if pair_count == 0:
        return None
    if pair_count >= MAX_PER_PAIR:
        return pair_oldest + WINDOW
    address_count = session.scalar(
        sa.select(sa.func.count()).where(
            FailedLogin.address == address, FailedLogin.at >= since
        )
    )
    if address_count >= MAX_PER_ADDRESS:
        return pair_oldest + WINDOW
    return None


def record_failed_login(
    session: Session, username: str, address: str, now: datetime
) -> None:
    """Remember a refused login and forget those older than a day."""
    session.execute(sa.delete(FailedLogin).where(FailedLogin.at < now - KEPT_FOR))
    session.add(FailedLogin(username=username, address=address, at=now))
    session.flush()


def rate_limited_until(
    session: Session, limit: Limit, address: str, now: datetime
) -> datetime | None:
    """When the address may do the action again, if it has used up its limit."""
    count, oldest = session.execute(
        sa.select(sa.func.count(), sa.func.min(RateEvent.at)).where(
            RateEvent.action == limit.action,
            RateEvent.address == address,
            RateEvent.at >= now - limit.window,
        )
    ).one()
    return oldest + limit.window if count >= limit.count else None


def record_event(session: Session, limit: Limit, address: str, now: datetime) -> None:
    """Count one use of the action by the address; forget day-old events."""
    session.execute(
        sa.delete(RateEvent).where(
            RateEvent.action == limit.action, RateEvent.at < now - KEPT_FOR
        )
    )
    session.add(RateEvent(action=limit.action, address=address, at=now))
    session.flush()


def minutes_until(moment: datetime, now: datetime) -> str:
    """ "3 minutes": how long until the moment, rounded up, for messages."""
    minutes = max(1, -int(-(moment - now).total_seconds() // 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
