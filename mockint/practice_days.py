"""Answers per user, local day and field: the sums the progress page reads.

One `PracticeDay` row holds how many answers a user gave in a field on a day and
the sum of their ratings; `PracticeWeek` rolls them up by week and field (the
weekly chart) and `PracticeDayTotal` by day (the calendar), so the progress page
reads a few hundred small rows however long the history is. Like review cards,
the rows are derived from the attempt log: `add_answer` counts each stored
attempt (from `record_review`), `rebuild_practice_days` recomputes them (`flask
review rebuild`, a guest merge, a time-zone change) and `remove_answers` takes
out attempts about to be deleted.

The day is the answer's date in the user's time zone. A zone change rebuilds the
user's rows in the new zone, so every row uses the zone the page shows, and the
page buckets exactly as it did when it grouped the attempts at read time. (The
other reading, each answer's day in the zone the user had when answering, would
need the zone history, which nothing records.)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from mockint.localtime import zone_named
from mockint.models import (
    Attempt,
    PracticeDay,
    PracticeDayTotal,
    PracticeWeek,
    Question,
    User,
)

BATCH = 5000  # attempts read, and rows written, per round trip

# (user id, local day, field id) -> [answers, rating sum]
Sums = dict[tuple[int, date, int], list[int]]


@dataclass(frozen=True)
class _Rollup:
    """A table of sums and how a practice day's key maps onto its key."""

    table: sa.Table
    key_columns: tuple[str, ...]
    key_of: Callable[[tuple[int, date, int]], tuple[Any, ...]]


def week_of(day: date) -> date:
    """The Monday that starts the day's week."""
    return day - timedelta(days=day.weekday())


# Every table the sums are kept in: by day and field, then the same rolled up by
# week and field (the weekly chart) and by day (the calendar), so the progress
# page reads a few hundred rows for any history.
ROLLUPS = (
    _Rollup(PracticeDay.__table__, ("user_id", "day", "field_id"), lambda key: key),
    _Rollup(
        PracticeWeek.__table__,
        ("user_id", "week", "field_id"),
        lambda key: (key[0], week_of(key[1]), key[2]),
    ),
    _Rollup(PracticeDayTotal.__table__, ("user_id", "day"), lambda key: key[:2]),
)


def _rolled_up(rollup: _Rollup, sums: Sums) -> dict[tuple[Any, ...], list[int]]:
    rolled: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0])
    for key, (answers, rating_sum) in sums.items():
        total = rolled[rollup.key_of(key)]
        total[0] += answers
        total[1] += rating_sum
    return rolled


def _upsert(session: Session, sums: Sums) -> None:
    """Add the sums to their rows in every rollup, creating missing rows (ON
    CONFLICT DO UPDATE)."""
    if not sums:
        return
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        session.get_bind().dialect.name
    ]
    for rollup in ROLLUPS:
        table = rollup.table
        statement = insert(table)
        # The increment happens in the database, under the row's lock, so two
        # requests adding to the same day both count.
        statement = statement.on_conflict_do_update(
            index_elements=list(rollup.key_columns),
            set_={
                "answers": table.c.answers + statement.excluded.answers,
                "rating_sum": table.c.rating_sum + statement.excluded.rating_sum,
            },
        )
        rows = [
            {
                **dict(zip(rollup.key_columns, key, strict=True)),
                "answers": answers,
                "rating_sum": rating_sum,
            }
            for key, (answers, rating_sum) in sorted(_rolled_up(rollup, sums).items())
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
    users = {user_id for user_id, _day, _field in sums}
    for rollup in ROLLUPS:
        table = rollup.table
        session.execute(
            sa.update(table)
            .where(
                *(
                    table.c[column] == sa.bindparam(f"b_{column}")
                    for column in rollup.key_columns
                )
            )
            .values(
                answers=table.c.answers - sa.bindparam("b_answers"),
                rating_sum=table.c.rating_sum - sa.bindparam("b_rating_sum"),
            ),
            [
                {
                    **{
                        f"b_{column}": value
                        for column, value in zip(rollup.key_columns, key, strict=True)
                    },
                    "b_answers": answers,
                    "b_rating_sum": rating_sum,
                }
                for key, (answers, rating_sum) in sorted(
                    _rolled_up(rollup, sums).items()
                )
            ],
        )
        session.execute(
            sa.delete(table).where(table.c.user_id.in_(users), table.c.answers <= 0)
        )


def rebuild_practice_days(session: Session, user_id: int | None = None) -> int:
    """Recompute the rows (of one user, or all) from the attempts; return how many."""
    condition: sa.ColumnElement[bool] = sa.true()
    if user_id is not None:
        condition = Attempt.user_id == user_id
    for rollup in ROLLUPS:
        delete = sa.delete(rollup.table)
        if user_id is not None:
            delete = delete.where(rollup.table.c.user_id == user_id)
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
