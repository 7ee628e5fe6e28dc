"""The database after a load run, checked against what the clients were told.

Each answer a client sends carries a unique marker in its note. An answer the
server acknowledged (302, or a 409 page after a re-send that shows this very
answer as the one that counts) must be stored exactly once, on its round and
position with its rating; an answer refused by a 409 must not be stored; no
stored answer may lack a marker the clients sent; every review card must equal
what `flask review rebuild` computes from the attempt log (`replay`); and SQLite
must pass `PRAGMA integrity_check`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.config import normalise_database_url
from mockint.models import Attempt, ReviewCard, RoundItem, User
from mockint.scheduling import replay

MARKER = re.compile(r"^answer ([0-9a-f]{32})$")
KEPT = ("stored", "stored before a re-send")
# Every card column the attempt log determines: all but the row's own id.
CARD_COLUMNS = tuple(c.key for c in ReviewCard.__table__.columns if c.key != "id")


@dataclass
class Sent:
    """An answer a client submitted, and what the server's last reply said."""

    person: int
    round_id: int
    position: int
    rating: int
    marker: str
    tries: int = 0
    outcome: str = "not answered yet"
    shown: str = ""  # the marker of the answer a 409 page showed as the one kept

    @property
    def kept(self) -> bool:
        """True when the server acknowledged this answer."""
        return self.outcome in KEPT


@dataclass(frozen=True)
class Findings:
    """What the database says about the run's answers and cards."""

    stored: int
    missing: int
    duplicated: int
    never_sent: int
    refused_but_stored: int
    misplaced: int
    split_profiles: int
    cards: int
    cards_differing: int
    integrity: str

    def problems(self) -> int:
        """How many of the counted findings are errors."""
        return (
            self.missing
            + self.duplicated
            + self.never_sent
            + self.refused_but_stored
            + self.misplaced
            + self.split_profiles
            + self.cards_differing
            + (self.integrity not in ("ok", "n/a"))
        )


def _engine(database_url: str) -> sa.Engine:
    return sa.create_engine(normalise_database_url(database_url))


def users_before(database_url: str) -> int:
    """The highest user id before the run: later ids are the run's profiles."""
    engine = _engine(database_url)
    try:
        with Session(engine) as session:
            return session.scalar(sa.select(sa.func.max(User.id))) or 0
    finally:
        engine.dispose()


def _cards_differing(session: Session, first_user: int) -> tuple[int, int]:
    """Stored cards of the run's profiles against a replay of their attempts."""
    attempts = session.scalars(
        sa.select(Attempt)
        .where(Attempt.user_id > first_user)
        .order_by(Attempt.user_id, Attempt.answered_at, Attempt.id)
    )
    expected = {
        key: tuple(getattr(card, c) for c in CARD_COLUMNS)
        for key, card in replay(attempts).items()
    }
    columns = [getattr(ReviewCard, c) for c in CARD_COLUMNS]
    stored = {
        (row.user_id, row.question_id): tuple(row)
        for row in session.execute(
            sa.select(*columns).where(ReviewCard.user_id > first_user)
        )
    }
    differing = sum(
        1
        for key in expected.keys() | stored.keys()
        if expected.get(key) != stored.get(key)
    )
    return len(stored), differing


def audit(database_url: str, first_user: int, sent: dict[str, Sent]) -> Findings:
    """Check the run's profiles (ids above first_user) against the sent answers."""
    engine = _engine(database_url)
    try:
        with Session(engine) as session:
            rows = session.execute(
                sa.select(
                    Attempt.user_id,
                    Attempt.note,
                    Attempt.rating,
                    RoundItem.round_id,
                    RoundItem.position,
                )
                .outerjoin(RoundItem, RoundItem.id == Attempt.round_item_id)
                .where(Attempt.user_id > first_user)
            ).all()
            cards, cards_differing = _cards_differing(session, first_user)
            integrity = "n/a"
            if engine.dialect.name == "sqlite":
                integrity = session.scalar(sa.text("PRAGMA integrity_check"))
    finally:
        engine.dispose()
    copies: Counter[str] = Counter()
    never_sent = misplaced = 0
    profiles: defaultdict[int, set[int]] = defaultdict(set)
    for user_id, note, rating, round_id, position in rows:
        match = MARKER.match(note)
        answer = sent.get(match.group(1)) if match else None
        if answer is None:
            never_sent += 1
            continue
        copies[answer.marker] += 1
        profiles[answer.person].add(user_id)
        if (round_id, position, rating) != (
            answer.round_id,
            answer.position,
            answer.rating,
        ):
            misplaced += 1
    kept = [a for a in sent.values() if a.kept]
    return Findings(
        stored=len(rows),
        missing=sum(1 for a in kept if copies[a.marker] == 0),
        duplicated=sum(1 for n in copies.values() if n > 1),
        never_sent=never_sent,
        refused_but_stored=sum(
            1 for a in sent.values() if a.outcome == "refused" and copies[a.marker]
        ),
        misplaced=misplaced,
        # One person, one browser: all their answers belong to one profile.
        split_profiles=sum(1 for users in profiles.values() if len(users) > 1),
        cards=cards,
        cards_differing=cards_differing,
        integrity=integrity,
    )
