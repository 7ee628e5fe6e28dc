"""Loading checked question banks into the database: upsert by id, archive the rest."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from mockint.banks import Bank, BankQuestion
from mockint.models import Field, Question, utcnow


@dataclass
class SyncReport:
    """What a sync changed."""

    fields_added: int = 0
    fields_updated: int = 0
    fields_archived: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    archived: int = 0
    restored: int = 0
    renamed: int = 0

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"questions: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.archived} archived, "
            f"{self.restored} restored, {self.renamed} moved under a new id; "
            f"fields: {self.fields_added} added, "
            f"{self.fields_updated} updated, {self.fields_archived} archived"
        )


def sync_banks(session: Session, banks: list[Bank]) -> SyncReport:
    """Upsert fields and questions by their stable ids; archive what is gone."""
    report = SyncReport()
    now = utcnow()
    # Users' private questions and their personal field are not the banks' to
    # update or archive.
    fields = {
        f.slug: f for f in session.scalars(sa.select(Field).where(~Field.personal))
    }
    questions = {
        q.key: q
        for q in session.scalars(sa.select(Question).where(Question.owner_id.is_(None)))
    }
    for bank in banks:
        record = fields.get(bank.slug)
        values = {
            "name": bank.name,
            "description": bank.description,
            "id_prefix": bank.id_prefix,
            "group": bank.group,
            "archived_at": None,
        }
        if record is None:
            record = Field(slug=bank.slug, **values)
            session.add(record)
            fields[bank.slug] = record
            report.fields_added += 1
        elif _apply(record, values):
            report.fields_updated += 1
        session.flush()
        for position, item in enumerate(bank.questions):
            _follow_aliases(questions, item, report)
            _sync_question(session, questions, record, position, item, report)
    wanted_fields = {bank.slug for bank in banks}
    for slug, record in fields.items():
        if slug not in wanted_fields and record.archived_at is None:
            record.archived_at = now
            report.fields_archived += 1
    wanted = {item.key for bank in banks for item in bank.questions}
    for key, question in questions.items():
        if key not in wanted and question.archived_at is None:
            question.archived_at = now
            report.archived += 1
    session.flush()
    return report


def _follow_aliases(
    existing: dict[str, Question], item: BankQuestion, report: SyncReport
) -> None:
    """A question that moved fields under a new id keeps its row, so its history."""
    if item.key in existing:
        return
    for alias in item.aliases:
        moved = existing.pop(alias, None)
        if moved is not None:
            moved.key = item.key
            existing[item.key] = moved
            report.renamed += 1
            return


def _sync_question(
    session: Session,
    existing: dict[str, Question],
    field_record: Field,
    position: int,
    item: BankQuestion,
    report: SyncReport,
) -> None:
    values = {
        "field_id": field_record.id,
        "position": position,
        "text": item.text,
        "kind": item.kind,
        "level": item.level,
        "difficulty": item.difficulty,
        "target_seconds": item.target_seconds,
        "guidance": item.guidance,
        "follow_ups": list(item.follow_ups),
        "aliases": list(item.aliases),
    }
    question = existing.get(item.key)
    if question is None:
        session.add(Question(key=item.key, **values))
        report.added += 1
        return
    was_archived = question.archived_at is not None
    changed = _apply(question, {**values, "archived_at": None})
    if was_archived:
        report.restored += 1
    elif changed:
        report.updated += 1
    else:
        report.unchanged += 1


def _apply(record: object, values: dict[str, object]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed = True
    return changed
