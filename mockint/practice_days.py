"""Answers per user, local day and field: the sums the progress page reads.

One `PracticeDay` row holds how many answers a user gave in a field on a day and
the sum of their ratings, so the progress page reads a few hundred small rows
however long the history is. Like review cards, the rows are derived from the
attempt log: `add_answer` counts each stored attempt (from `record_review`),
`rebuild_practice_days` recomputes them (`flask review rebuild`, a guest merge,
a time-zone change) and `remove_answers` takes out attempts about to be deleted.

The day is the answer's date in the user's time zone. A zone change rebuilds the
user's rows in the new zone, so every row uses the zone the page shows, and the
page buckets exactly as it did when it grouped the attempts at read time. (The
other reading, each answer's day in the zone the user had when answering, would
need the zone history, which nothing records.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mockint.localtime import zone_named
from mockint.models import Attempt, PracticeDay, Question, User

BATCH = 5000  # attempts read, and rows written, per round trip

# (user id, local day, field id) -> [answers, rating sum]
Sums = dict[tuple[int, date, int], list[int]]


def _upsert(session: Session, sums: Sums) -> None:
    """Add the sums to their rows, creating missing rows (ON CONFLICT DO UPDATE)."""
    if not sums:
        return
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        session.get_bind().dialect.name
    ]
    statement = insert(PracticeDay.__table__)
    # The increment happens in the database, under the row's lock, so two
    # requests adding to the same day both count.
    statement = statement.on_conflict_do_update(
        index_elements=["user_id", "day", "field_id"],
        set_={
            "answers": PracticeDay.answers + statement.excluded.answers,
            "rating_sum": PracticeDay.rating_sum + statement.excluded.rating_sum,
        },
    )
    rows = [
        {
            "user_id": user_id,
            "day": day,
            "field_id": field_id,
            "answers": answers,
            "rating_sum": rating_sum,
        }
        for (user_id, day, field_id), (answers, rating_sum) in sorted(sums.items())
    ]
    # Sorted keys: concurrent upserts take row locks in one order (no deadlock).
    for start in range(0, len(rows), BATCH):
        session.execute(statement, rows[start : start + BATCH])


def _summed(
    rows: Iterable[tuple[int, datetime, int, int]], zones: dict[int, str]
) -> Sums:
    """Sum (user, answered at, field, rating) rows by user, local day and field."""
    zone_of = {user_id: zone_named(name) for user_id, name in zones.items()}
    sums: Sums = defaultdict(lambda: [0, 0])
    for user_id, answered_at, field_id, rating in rows:
        day = answered_at.astimezone(zone_of[user_id]).date()
        total = sums[(user_id, day, field_id)]
        total[0] += 1
        total[1] += rating
    return sums


def add_answer(session: Session, attempt: Attempt) -> None:
    """Count one stored attempt in its user's day and field."""
    # Both are usually in the session already (the request loaded them).
    user = session.get(User, attempt.user_id)
    question = session.get(Question, attempt.question_id)
    rows = [(user.id, attempt.answered_at, question.field_id, attempt.rating)]
    _upsert(session, _summed(rows, {user.id: user.timezone}))


def add_answers(
    session: Session,
    user_id: int,
    zone_name: str,
    answers: Iterable[tuple[datetime, int, int]],
) -> None:
    """Count many new answers (answered at, field id, rating) of one user."""
    rows = ((user_id, *answer) for answer in answers)
    _upsert(session, _summed(rows, {user_id: zone_name}))


def _attempt_rows(session: Session, condition: sa.ColumnElement[bool]) -> Sums:
    """The matching attempts summed by user, local day and field."""
    zones = dict(
        session.execute(
            sa.select(User.id, User.timezone).where(
                User.id.in_(sa.select(Attempt.user_id).where(condition))
            )
        ).all()
    )
    rows = session.execute(
        sa.select(Attempt.user_id, Attempt.answered_at, Question.field_id)
        .add_columns(Attempt.rating)
        .join(Question, Question.id == Attempt.question_id)
        .where(condition)
        .execution_options(yield_per=BATCH)
    )
    return _summed(rows, zones)


def remove_answers(session: Session, condition: sa.ColumnElement[bool]) -> None:
    """Take the matching attempts out of their sums (call before deleting them)."""
    sums = _attempt_rows(session, condition)
    if not sums:
        return
    table = PracticeDay.__table__
    session.execute(
        sa.update(table)
        .where(
            table.c.user_id == sa.bindparam("b_user"),
            table.c.day == sa.bindparam("b_day"),
            table.c.field_id == sa.bindparam("b_field"),
        )
        .values(
            answers=table.c.answers - sa.bindparam("b_answers"),
            rating_sum=table.c.rating_sum - sa.bindparam("b_rating_sum"),
        ),
        [
            {
                "b_user": user_id,
                "b_day": day,
                "b_field": field_id,
                "b_answers": answers,
                "b_rating_sum": rating_sum,
            }
            for (user_id, day, field_id), (answers, rating_sum) in sorted(sums.items())
        ],
    )
    users = {user_id for user_id, _day, _field in sums}
    session.execute(
        sa.delete(table).where(table.c.user_id.in_(users), table.c.answers <= 0)
    )


def rebuild_practice_days(session: Session, user_id: int | None = None) -> int:
    """Recompute the rows (of one user, or all) from the attempts; return how many."""
    delete = sa.delete(PracticeDay)
    condition: sa.ColumnElement[bool] = sa.true()
    if user_id is not None:
        delete = delete.where(PracticeDay.user_id == user_id)
        condition = Attempt.user_id == user_id
    session.execute(delete)
    sums = _attempt_rows(session, condition)
    _upsert(session, sums)
    return len(sums)


def change_zone(session: Session, user: User, zone_name: str) -> None:
    """Store the user's time zone and re-sum their practice days in it."""
    if user.timezone == zone_name:
        return
    user.timezone = zone_name
    session.flush()
    rebuild_practice_days(session, user.id)
