"""The database layer: SQLite settings, concurrent writers, migrations."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from sqlalchemy.dialects import postgresql, sqlite

from mockint import create_app
from mockint.database import install_sqlite_behaviour
from mockint.extensions import db

from support import Practice, database_url


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(
    tmp_path: Path,
) -> None:
    """Runs on SQLite even when the suite runs on PostgreSQL: it is the default."""
    url = f"sqlite:///{tmp_path / 'pragmas.db'}"
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"}
    )
    with app.app_context():
        assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert db.session.execute(sa.text("PRAGMA busy_timeout")).scalar() >= 5000
        db.engine.dispose()


def test_two_processes_writing_after_reading_do_not_fail(tmp_path: Path) -> None:
    """Two connections each read, then write: with BEGIN IMMEDIATE neither fails."""
    install_sqlite_behaviour()
    url = f"sqlite:///{tmp_path / 'race.db'}"
    setup = sa.create_engine(url)
    with setup.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counter (n INTEGER)")
        conn.exec_driver_sql("INSERT INTO counter VALUES (0)")
    engines = [sa.create_engine(url, poolclass=sa.NullPool) for _ in range(2)]
    both_read = threading.Barrier(2, timeout=5)
    errors: list[BaseException] = []

    def read_then_write(engine: sa.Engine) -> None:
        try:
            with engine.begin() as conn:
                value = conn.exec_driver_sql("SELECT n FROM counter").scalar()
                # The other thread may be waiting for our lock: that is the point.
                with contextlib.suppress(threading.BrokenBarrierError):
                    both_read.wait(timeout=1)
                conn.exec_driver_sql("UPDATE counter SET n = ?", (value + 1,))
        except BaseException as error:  # noqa: BLE001 - collected for the assert
            errors.append(error)

    threads = [threading.Thread(target=read_then_write, args=(e,)) for e in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    with setup.connect() as conn:
        assert conn.exec_driver_sql("SELECT n FROM counter").scalar() == 2


def test_migrations_match_the_models(tmp_path: Path) -> None:
    """`db upgrade` on an empty database builds exactly what the models declare."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_migrate import upgrade

    url = database_url(tmp_path)
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"}
    )
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        db.drop_all()
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        db.engine.dispose()


def test_datetimes_come_back_in_datetime_utc(app: Flask, practice: Practice) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from mockint.models import ReviewCard, UTCDateTime

    practice.answer(practice.start_round(), 1, 3)
    with app.app_context():
        card = db.session.scalar(db.select(ReviewCard))
        # psycopg hands back ZoneInfo("Etc/UTC"), which fsrs refuses.
        assert card.last_review.tzinfo is UTC and card.due.tzinfo is UTC
    column = UTCDateTime()
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        zoned = datetime(2026, 3, 1, 12, tzinfo=ZoneInfo("Etc/UTC"))
        assert column.process_result_value(zoned, dialect).tzinfo is UTC
        naive = datetime(2026, 3, 1, 12)
        assert column.process_result_value(naive, dialect).tzinfo is UTC


def test_sqlite_dates_read_back_exactly_as_written() -> None:
    from datetime import UTC, datetime, timedelta, timezone

    from mockint.models import UTCDateTime

    table = sa.table("dates", sa.column("at", UTCDateTime()))
    moments = [
        datetime(2026, 3, 1, 12, tzinfo=UTC),
        datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        datetime(2026, 7, 1, 9, 30, tzinfo=timezone(timedelta(hours=-7))),
    ]
    engine = sa.create_engine("sqlite://")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE dates (at DATETIME)")
        connection.execute(sa.insert(table), [{"at": moment} for moment in moments])
        # Text written by hand, without microseconds, reads back too.
        connection.exec_driver_sql("INSERT INTO dates VALUES ('2026-01-02 03:04:05')")
        read = connection.execute(sa.select(table.c.at)).scalars().all()
    assert read[:4] == moments
    assert read[4] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert all(value.tzinfo is UTC for value in read)
