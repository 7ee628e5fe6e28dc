"""SQLite connection settings: WAL, foreign keys, write locks taken up front, and
the math functions the review ranking uses."""

from __future__ import annotations

import math
import sqlite3
from typing import Any

from flask import has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

BUSY_TIMEOUT_MS = 10_000
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # pysqlite's own transaction handling would BEGIN lazily (deferred); we issue
    # BEGIN ourselves in _on_begin so that writers take the lock first.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        cursor.execute("SELECT power(2, 1), floor(1.5)")
    except sqlite3.OperationalError:
        # An SQLite built without its math functions: the review ranking needs two.
        dbapi_connection.create_function("power", 2, math.pow, deterministic=True)
        dbapi_connection.create_function("floor", 1, math.floor, deterministic=True)
    cursor.close()


def transaction_wants_write_lock() -> bool:
    """True unless this transaction runs in a read-only (GET/HEAD) request."""
    return not (has_request_context() and request.method in READ_ONLY_METHODS)


def _on_begin(connection: Connection) -> None:
    if connection.dialect.name != "sqlite":
        return
    # A deferred transaction that reads and then writes fails at once with
    # "database is locked" when another process holds the write lock, whatever
    # the busy timeout; BEGIN IMMEDIATE waits for the lock instead.
    # On the driver's connection: SQLAlchemy's statement machinery costs more
    # than the BEGIN, and every request runs one.
    driver = connection.connection.dbapi_connection
    driver.execute("BEGIN IMMEDIATE" if transaction_wants_write_lock() else "BEGIN")


def install_sqlite_behaviour() -> None:
    """Register the connection and transaction hooks on every engine, once."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)
