"""Upgrading a database that holds data, from the first migration to head.

Rows are written with the schema of the first revision, then `upgrade` runs every
migration there is, so each new migration is covered without touching this file.
Migrations only go forward: nothing here downgrades, and a failed upgrade is
undone by restoring the backup taken before it (README, "Backups and upgrades").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import upgrade

from mockint.extensions import db
from mockint.models import ReviewCard
from mockint.scheduling import rebuild_cards

AT = sa.DateTime(timezone=True)

# The tables as the first revision created them, with the columns whose values
# must survive every later migration (users.login_id is not one of them).
FIRST_SCHEMA = {
    "users": sa.table(
        "users",
        sa.column("id"),
        sa.column("username"),
        sa.column("password_hash"),
        sa.column("created_at", AT),
    ),
    "fields": sa.table(
        "fields",
        sa.column("id"),
        sa.column("slug"),
        sa.column("name"),
        sa.column("description"),
        sa.column("id_prefix"),
        sa.column("archived_at", AT),
    ),
    "questions": sa.table(
        "questions",
        sa.column("id"),
        sa.column("key"),
        sa.column("field_id"),
        sa.column("position"),
        sa.column("text"),
        sa.column("kind"),
        sa.column("difficulty"),
        sa.column("target_seconds"),
        sa.column("guidance"),
        sa.column("follow_ups", sa.JSON()),
        sa.column("archived_at", AT),
    ),
    "rounds": sa.table(
        "rounds",
        sa.column("id"),
        sa.column("user_id"),
        sa.column("field_id"),
        sa.column("created_at", AT),
    ),
    "round_items": sa.table(
        "round_items",
        sa.column("id"),
        sa.column("round_id"),
        sa.column("position"),
        sa.column("question_id"),
    ),
    "attempts": sa.table(
        "attempts",
        sa.column("id"),
        sa.column("user_id"),
        sa.column("question_id"),
        sa.column("round_item_id"),
        sa.column("rating"),
        sa.column("elapsed_seconds"),
        sa.column("timed_by"),
        sa.column("shown_at", AT),
        sa.column("answered_at", AT),
        sa.column("note"),
    ),
}


def at(day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A UTC moment in January 2026."""
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


def attempt(
    id: int, user: int, question: int, item: int | None, rating: int, day: int
) -> dict[str, Any]:
    """An attempt row answered on the given day."""
    return {
        "id": id,
        "user_id": user,
        "question_id": question,
        "round_item_id": item,
        "rating": rating,
        "elapsed_seconds": 40.0 + id + 0.25,
        "timed_by": "server" if id == 4 else "browser",
        "shown_at": at(day, 9, 0),
        "answered_at": at(day, 9, 3),
        "note": f"note {id}: naïve ✓" if id % 2 else "",
    }


OLD_ROWS: dict[str, list[dict[str, Any]]] = {
    "users": [
        {
            "id": 1,
            "username": "ada",
            "password_hash": "pbkdf2:sha256:1000$salt$hash",
            "created_at": at(1),
        },
        {"id": 2, "username": None, "password_hash": None, "created_at": at(2)},
    ],
    "fields": [
        {
            "id": 1,
            "slug": "alpha-field",
            "name": "Alpha",
            "description": "The first field.",
            "id_prefix": "al",
            "archived_at": None,
        },
        {
            "id": 2,
            "slug": "beta-field",
            "name": "Beta",
            "description": "An archived field.",
            "id_prefix": "be",
            "archived_at": at(20),
        },
    ],
    "questions": [
        {
            "id": 1,
            "key": "al-one",
            "field_id": 1,
            "position": 0,
            "text": "Tell me about a project you are proud of.",
            "kind": "behavioral",
            "difficulty": 2,
            "target_seconds": 120,
            "guidance": "- Names the goal.\n- Ends with a result.",
            "follow_ups": ["What would you do differently?"],
            "archived_at": None,
        },
        {
            "id": 2,
            "key": "al-two",
            "field_id": 1,
            "position": 1,
            "text": "How does an index speed up a query?",
            "kind": "technical",
            "difficulty": 3,
            "target_seconds": 300,
            "guidance": "- B-trees.",
            "follow_ups": [],
            "archived_at": None,
        },
        {
            "id": 3,
            "key": "be-one",
            "field_id": 2,
            "position": 0,
            "text": "The build broke before a release: what now?",
            "kind": "situational",
            "difficulty": 1,
            "target_seconds": 90,
            "guidance": "- Stops the line.",
            "follow_ups": ["And then?", "Who do you tell?"],
            "archived_at": at(20),
        },
    ],
    "rounds": [
        {"id": 1, "user_id": 1, "field_id": 1, "created_at": at(3)},
        {"id": 2, "user_id": 2, "field_id": None, "created_at": at(4)},
    ],
    "round_items": [
        {"id": 1, "round_id": 1, "position": 1, "question_id": 1},
        {"id": 2, "round_id": 1, "position": 2, "question_id": 2},
        {"id": 3, "round_id": 2, "position": 1, "question_id": 3},
    ],
    "attempts": [
        attempt(1, user=1, question=1, item=1, rating=1, day=3),
        attempt(2, user=1, question=2, item=2, rating=3, day=3),
        attempt(3, user=1, question=1, item=None, rating=2, day=5),
        attempt(4, user=1, question=1, item=None, rating=4, day=9),
        attempt(5, user=2, question=3, item=3, rating=2, day=4),
    ],
}


def table_then(name: str) -> sa.TableClause:
    """A table to insert into at the first revision."""
    columns = [sa.column(c.name, c.type) for c in FIRST_SCHEMA[name].columns]
    if name == "users":
        columns.append(sa.column("login_id"))  # required then; maybe gone at head
    return sa.table(name, *columns)


def then(name: str, row: dict[str, Any]) -> dict[str, Any]:
    """A row as the first revision needed it."""
    return row | {"login_id": f"login-{row['id']}"} if name == "users" else row


def as_utc(value: object) -> object:
    """Datetimes compared as aware UTC (SQLite gives them back naive)."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def stored_rows(conn: sa.Connection, name: str) -> list[dict[str, Any]]:
    """The first schema's columns of a table, in id order."""
    table = FIRST_SCHEMA[name]
    rows = conn.execute(sa.select(table).order_by(table.c.id)).mappings()
    return [{key: as_utc(value) for key, value in row.items()} for row in rows]


def card_values(cards: list[ReviewCard]) -> list[tuple[object, ...]]:
    """Everything a card holds but its row id, in a stable order."""
    columns = [c.key for c in ReviewCard.__table__.columns if c.key != "id"]
    values = [tuple(as_utc(getattr(card, key)) for key in columns) for card in cards]
    return sorted(values)


def test_upgrading_from_the_first_revision_keeps_every_row(empty_app: Flask) -> None:
    """Data written at the first revision is all there at head, with its cards."""
    migrations = ScriptDirectory(empty_app.extensions["migrate"].directory)
    first = migrations.get_base()
    upgrade(revision=first)
    with db.engine.begin() as conn:
        for name, rows in OLD_ROWS.items():
            conn.execute(sa.insert(table_then(name)), [then(name, row) for row in rows])

    upgrade()  # to head, through every migration there is

    with db.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == (
            migrations.get_current_head()
        )
        for name, rows in OLD_ROWS.items():
            assert stored_rows(conn, name) == rows, name
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []

    # The cards were derived from the attempts that predate them...
    derived = list(db.session.scalars(sa.select(ReviewCard)))
    by_pair = {(card.user_id, card.question_id): card for card in derived}
    assert set(by_pair) == {(1, 1), (1, 2), (2, 3)}
    ada_q1 = by_pair[(1, 1)]
    assert (ada_q1.reps, ada_q1.lapses, ada_q1.last_rating) == (3, 0, 4)
    assert ada_q1.recent_ratings == [1, 2, 4]
    assert ada_q1.last_review == at(9, 9, 3)
    assert ada_q1.total_elapsed_seconds == pytest.approx(41.25 + 43.25 + 44.25)
    assert by_pair[(2, 3)].last_rating == 2
    # ...exactly as `flask review rebuild` computes them from the attempt log.
    migrated = card_values(derived)
    db.session.expunge_all()
    rebuild_cards(db.session)
    db.session.commit()
    assert card_values(list(db.session.scalars(sa.select(ReviewCard)))) == migrated
