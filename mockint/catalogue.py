"""The banks' fields and questions as plain values, read once per process.

Bank fields and questions change only when `banks sync` runs, yet nearly every
page shows some of them. Each process keeps them in memory under the bank
version (`BankVersion`), a counter that any flush touching a bank field or
question increments in the same transaction. A request reads the counter with
one small query and reloads the banks only when it has moved.

Users' private questions and their personal field are not here: they belong to
one user and are read from the database with that user's other data.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock
from typing import Any

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from flask import session as browser_session
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from mockint.models import BankVersion, Field, Question

EXTENSION_KEY = "mockint.catalogue"
NOTED_VERSION_KEY = "mockint.bank_version"


@dataclass(frozen=True, slots=True)
class FieldEntry:
    """A bank field as pages show it (the attributes templates read of a Field)."""

    id: int
    slug: str
    name: str
    description: str
    group: str
    personal: bool = False


@dataclass(frozen=True, slots=True)
class QuestionEntry:
    """A bank question as lists show it (the attributes templates read of a
    Question); the question screen still loads the whole Question."""

    id: int
    key: str
    field: FieldEntry
    position: int
    text: str
    kind: str
    level: str
    difficulty: int
    target_seconds: int
    active: bool


@dataclass(frozen=True)
class Catalogue:
    """Every bank field and question of one bank version."""

    version: int
    personal_field: FieldEntry | None  # "My questions", shared, once someone has one
    fields: tuple[FieldEntry, ...]  # active bank fields, by name
    fields_by_slug: dict[str, FieldEntry]  # active fields
    questions: dict[int, QuestionEntry]  # every bank question, archived too
    active_by_field: dict[int, tuple[QuestionEntry, ...]]  # in bank order

    def question_count(self, field_id: int) -> int:
        """How many active questions the field has."""
        return len(self.active_by_field.get(field_id, ()))

    @property
    def active_question_count(self) -> int:
        """How many active bank questions there are in all."""
        return sum(len(questions) for questions in self.active_by_field.values())


_VERSION_TABLE = BankVersion.__table__
# Core, on the session's connection: the ORM's own handling of a select costs
# more than this one-row read does.
_READ_VERSION = sa.select(_VERSION_TABLE.c.version).where(_VERSION_TABLE.c.id == 1)


# The version as a column of another statement: a signed-in request's first
# statement reads it along (`note_bank_version`), saving a round trip per page.
BANK_VERSION_COLUMN = _READ_VERSION.scalar_subquery().label("bank_version")


def bank_version(session: Session) -> int:
    """The current bank version (0 before anything was counted)."""
    return session.connection().scalar(_READ_VERSION) or 0


def note_bank_version(version: int | None) -> None:
    """Keep a bank version read along with another statement (`BANK_VERSION_COLUMN`)
    for this request's catalogue, which then needs no query of its own."""
    if has_app_context() and EXTENSION_KEY not in g:
        g.setdefault(NOTED_VERSION_KEY, version or 0)


def count_bank_change(session: Session) -> None:
    """Increment the bank version within the session's transaction."""
    if has_app_context():  # this context's catalogue is out of date from here on
        g.pop(EXTENSION_KEY, None)
        g.pop(NOTED_VERSION_KEY, None)
    bumped = session.execute(
        sa.update(BankVersion)
        .where(BankVersion.id == 1)
        .values(version=BankVersion.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # a schema made by create_all has no row yet
        session.execute(sa.insert(BankVersion).values(id=1, version=1))


def load_catalogue(session: Session, version: int) -> Catalogue:
    """Read every bank field and question; label them with the version read before."""
    fields: dict[int, FieldEntry] = {}
    archived_fields: dict[int, FieldEntry] = {}
    personal_field = None
    for row in session.execute(
        sa.select(
            Field.id,
            Field.slug,
            Field.name,
            Field.description,
            Field.group,
            Field.personal,
            Field.archived_at,
        )
    ):
        entry = FieldEntry(
            row.id, row.slug, row.name, row.description, row.group, row.personal
        )
        if row.personal:
            personal_field = entry
        elif row.archived_at is None:
            fields[row.id] = entry
        else:
            archived_fields[row.id] = entry
    questions: dict[int, QuestionEntry] = {}
    active: dict[int, list[QuestionEntry]] = {}
    rows = session.execute(
        sa.select(
            Question.id,
            Question.key,
            Question.field_id,
            Question.position,
            Question.text,
            Question.kind,
            Question.level,
            Question.difficulty,
            Question.target_seconds,
            Question.archived_at,
        )
        .where(Question.owner_id.is_(None))
        .order_by(Question.position, Question.id)
    )
    for row in rows:
        field = fields.get(row.field_id) or archived_fields[row.field_id]
        entry = QuestionEntry(
            row.id,
            row.key,
            field,
            row.position,
            row.text,
            row.kind,
            row.level,
            row.difficulty,
            row.target_seconds,
            active=row.archived_at is None and field.id in fields,
        )
        questions[row.id] = entry
        if entry.active:
            active.setdefault(field.id, []).append(entry)
    ordered = tuple(sorted(fields.values(), key=lambda field: field.name))
    return Catalogue(
        version=version,
        personal_field=personal_field,
        fields=ordered,
        fields_by_slug={field.slug: field for field in ordered},
        questions=questions,
        active_by_field={key: tuple(value) for key, value in active.items()},
    )


class _Held:
    """One application's catalogue, replaced whole when the version moves."""

    def __init__(self) -> None:
        self.catalogue: Catalogue | None = None
        self.lock = Lock()


def _login_not_loaded_yet() -> bool:
    return (
        has_request_context()
        and "_login_user" not in g
        and "_user_id" in browser_session
    )


def current_catalogue(session: Session) -> Catalogue:
    """The banks as of now: this process's copy, reloaded if the version moved.

    The version is read once per request (or app context), or taken from the
    login's statement: a page asking twice gets the same catalogue without a
    second query.
    """
    if has_app_context() and EXTENSION_KEY in g:
        return g.get(EXTENSION_KEY)
    held: _Held = current_app.extensions.setdefault(EXTENSION_KEY, _Held())
    if _login_not_loaded_yet():
        # The page will show who is signed in: load the login now, as its
        # statement reads the version along.
        current_user._get_current_object()
    version = g.pop(NOTED_VERSION_KEY, None) if has_app_context() else None
    if version is None:
        version = bank_version(session)
    catalogue = held.catalogue
    if catalogue is None or catalogue.version != version:
        with held.lock:  # threaded servers: one reload, the others wait for it
            catalogue = held.catalogue
            if catalogue is None or catalogue.version != version:
                catalogue = load_catalogue(session, version)
                held.catalogue = catalogue
    if has_app_context():
        g.setdefault(EXTENSION_KEY, catalogue)
    return catalogue


def listed_fields(session: Session) -> list[FieldEntry]:
    """Every active field by name, "My questions" among them once it exists."""
    catalogue = current_catalogue(session)
    personal = catalogue.personal_field
    if personal is None:
        return list(catalogue.fields)
    return sorted((*catalogue.fields, personal), key=lambda field: field.name)


def _touches_banks(item: Any) -> bool:
    if isinstance(item, Field):
        return not item.personal
    if isinstance(item, Question):
        return item.owner_id is None
    return False


@event.listens_for(Session, "before_flush")
def _count_bank_changes(session: Session, _context: object, _instances: object) -> None:
    """Any flush that adds, changes or deletes a bank field or question moves the
    version, whoever made it (sync, a migration script, a test fixture)."""
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(_touches_banks(item) for item in changed):
        count_bank_change(session)
