"""Slowing down password guessing: limits on refused logins per name and address.

Counts live in the database, so every worker process sees the same numbers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.models import FailedLogin

WINDOW = timedelta(minutes=15)
MAX_PER_USERNAME = 5
MAX_PER_ADDRESS = 20
KEPT_FOR = timedelta(days=1)


def login_blocked_until(
    session: Session, username: str, address: str, now: datetime
) -> datetime | None:
    """When logins for this name or from this address may resume, if blocked."""
    since = now - WINDOW
    for column, value, limit in (
        (FailedLogin.username, username, MAX_PER_USERNAME),
        (FailedLogin.address, address, MAX_PER_ADDRESS),
    ):
        recent = session.execute(
            sa.select(sa.func.count(), sa.func.min(FailedLogin.at)).where(
                column == value, FailedLogin.at >= since
            )
        ).one()
        count, oldest = recent
        if count >= limit:
            return oldest + WINDOW
    return None


def record_failed_login(
    session: Session, username: str, address: str, now: datetime
) -> None:
    """Remember a refused login and forget those older than a day."""
    session.execute(sa.delete(FailedLogin).where(FailedLogin.at < now - KEPT_FOR))
    session.add(FailedLogin(username=username, address=address, at=now))
    session.flush()
