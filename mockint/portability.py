"""Your data is yours: export everything as JSON (attempts as CSV), import it back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from mockint.localtime import is_valid_zone
from mockint.models import (
    RATING_LABELS,
    AnswerOutline,
    Attempt,
    Field,
    Question,
    ReviewCard,
    Round,
    RoundItem,
    User,
    utcnow,
)
from mockint.outlines import MAX_OUTLINE_LENGTH
from mockint.rounds import MAX_ELAPSED_SECONDS, MAX_NOTE_LENGTH
from mockint.scheduling import rebuild_cards

EXPORT_FORMAT = "mockint-export"
EXPORT_VERSION = 1
NO_ROUND = (None, None)  # an attempt outside any exported round


class ImportProblem(Exception):
    """The file cannot be imported; nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def export_profile(session: Session, user: User) -> dict[str, Any]:
    """Everything of one profile as plain JSON-ready data."""
    rounds = list(
        session.scalars(
            sa.select(Round)
            .where(Round.user_id == user.id)
            .options(selectinload(Round.items).selectinload(RoundItem.question))
            .order_by(Round.created_at, Round.id)
        )
    )
    field_slugs = dict(session.execute(sa.select(Field.id, Field.slug)).all())
    item_refs = {
        item.id: (number, item.position)
        for number, round_ in enumerate(rounds, start=1)
        for item in round_.items
    }
    attempts = session.execute(
        sa.select(Attempt, Question.key)
        .join(Question, Question.id == Attempt.question_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.answered_at, Attempt.id)
    ).all()
    cards = session.execute(
        sa.select(ReviewCard, Question.key)
        .join(Question, Question.id == ReviewCard.question_id)
        .where(ReviewCard.user_id == user.id)
        .order_by(Question.key)
    ).all()
    outlines = session.execute(
        sa.select(AnswerOutline, Question.key)
        .join(Question, Question.id == AnswerOutline.question_id)
        .where(AnswerOutline.user_id == user.id)
        .order_by(Question.key)
    ).all()
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": utcnow().isoformat(),
        "profile": {"timezone": user.timezone},
        "rounds": [
            {
                "ref": number,
                "field": field_slugs.get(round_.field_id),
                "created_at": _iso(round_.created_at),
                "questions": [item.question.key for item in round_.items],
            }
            for number, round_ in enumerate(rounds, start=1)
        ],
        "attempts": [
            {
                "question": key,
                "round": item_refs.get(attempt.round_item_id, NO_ROUND)[0],
                "position": item_refs.get(attempt.round_item_id, NO_ROUND)[1],
                "rating": attempt.rating,
                "elapsed_seconds": attempt.elapsed_seconds,
                "timed_by": attempt.timed_by,
                "shown_at": _iso(attempt.shown_at),
                "answered_at": _iso(attempt.answered_at),
                "note": attempt.note,
            }
            for attempt, key in attempts
        ],
        "cards": [
            {
                "question": key,
                "state": card.state,
                "step": card.step,
                "stability": card.stability,
                "difficulty": card.difficulty,
                "due": _iso(card.due),
                "last_review": _iso(card.last_review),
                "reps": card.reps,
                "lapses": card.lapses,
                "last_rating": card.last_rating,
                "recent_ratings": list(card.recent_ratings),
                "total_elapsed_seconds": card.total_elapsed_seconds,
                "recovered_at": _iso(card.recovered_at),
            }
            for card, key in cards
        ],
        "outlines": [
            {
                "question": key,
                "text": outline.text,
                "updated_at": _iso(outline.updated_at),
            }
            for outline, key in outlines
        ],
    }


CSV_COLUMNS = (
    "answered_at",
    "field",
    "question_id",
    "question",
    "rating",
    "rating_label",
    "elapsed_seconds",
    "target_seconds",
    "timed_by",
    "shown_at",
    "note",
)


def attempts_csv(session: Session, user: User) -> str:
    """The profile's attempts as CSV, oldest first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows = session.execute(
        sa.select(Attempt, Question, Field.name)
        .join(Question, Question.id == Attempt.question_id)
        .join(Field, Field.id == Question.field_id)
        .where(Attempt.user_id == user.id)
        .order_by(Attempt.answered_at, Attempt.id)
    )
    for attempt, question, field_name in rows:
        writer.writerow(
            [
                _iso(attempt.answered_at),
                field_name,
                question.key,
                question.text,
                attempt.rating,
                RATING_LABELS[attempt.rating],
                attempt.elapsed_seconds,
                question.target_seconds,
                attempt.timed_by,
                _iso(attempt.shown_at),
                _csv_safe(attempt.note),
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    # Spreadsheets run cells that start with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass
class _Reader:
    problems: list[str]

    def moment(self, value: object, where: str) -> datetime | None:
        if not isinstance(value, str):
            self.problems.append(f"{where}: expected a date and time")
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.problems.append(f"{where}: '{value[:40]}' is not a date and time")
            return None
        if parsed.tzinfo is None:
            self.problems.append(f"{where}: the time has no time zone")
            return None
        return parsed


def import_profile(session: Session, user: User, data: object) -> int:
    """Restore an export into an empty profile; return the attempts imported."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise ImportProblem(["This is not a mockint export file."])
    if data.get("version") != EXPORT_VERSION:
        raise ImportProblem(
            [f"Export version {data.get('version')!r} is not supported."]
        )
    has_history = session.scalar(
        sa.select(sa.func.count(Attempt.id)).where(Attempt.user_id == user.id)
    )
    if has_history:
        raise ImportProblem(
            ["Import only into a profile with no answers yet, so nothing is mixed up."]
        )
    reader = _Reader([])
    rounds_data = data.get("rounds", [])
    attempts_data = data.get("attempts", [])
    outlines_data = data.get("outlines", [])
    for name, value in (
        ("rounds", rounds_data),
        ("attempts", attempts_data),
        ("outlines", outlines_data),
    ):
        if not isinstance(value, list):
            reader.problems.append(f"'{name}' must be a list")
    if reader.problems:
        raise ImportProblem(reader.problems)
    keys = {
        str(entry.get("question"))
        for entry in [*attempts_data, *outlines_data]
        if isinstance(entry, dict)
    } | {
        str(key)
        for entry in rounds_data
        if isinstance(entry, dict)
        for key in (entry.get("questions") or [])
    }
    questions = {
        q.key: q
        for q in session.scalars(sa.select(Question).where(Question.key.in_(keys)))
    }
    unknown = sorted(keys - questions.keys())
    if unknown:
        raise ImportProblem(
            [f"Unknown questions (not in this site's banks): {', '.join(unknown[:10])}"]
        )
    fields = dict(session.execute(sa.select(Field.slug, Field.id)).all())

    zone = (data.get("profile") or {}).get("timezone")
    if isinstance(zone, str) and zone and is_valid_zone(zone):
        user.timezone = zone

    items: dict[tuple[int, int], RoundItem] = {}
    for index, entry in enumerate(rounds_data, start=1):
        where = f"round {index}"
        if not isinstance(entry, dict) or not isinstance(entry.get("questions"), list):
            reader.problems.append(f"{where}: malformed")
            continue
        created = reader.moment(entry.get("created_at"), where)
        round_ = Round(
            user_id=user.id,
            field_id=fields.get(entry.get("field")),
            created_at=created or utcnow(),
        )
        for position, key in enumerate(entry["questions"], start=1):
            item = RoundItem(position=position, question_id=questions[key].id)
            round_.items.append(item)
            items[(entry.get("ref"), position)] = item
        session.add(round_)
    session.flush()

    for index, entry in enumerate(attempts_data, start=1):
        where = f"attempt {index}"
        if not isinstance(entry, dict):
            reader.problems.append(f"{where}: malformed")
            continue
        rating = entry.get("rating")
        elapsed = entry.get("elapsed_seconds")
        note = entry.get("note") or ""
        if rating not in (1, 2, 3, 4) or isinstance(rating, bool):
            reader.problems.append(f"{where}: rating must be 1 to 4")
        if (
            not isinstance(elapsed, int | float)
            or not 0 <= elapsed <= MAX_ELAPSED_SECONDS
        ):
            reader.problems.append(f"{where}: elapsed_seconds out of range")
        if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
            reader.problems.append(f"{where}: note too long")
        shown = reader.moment(entry.get("shown_at"), where)
        answered = reader.moment(entry.get("answered_at"), where)
        if reader.problems:
            continue
        item = items.get((entry.get("round"), entry.get("position")))
        session.add(
            Attempt(
                user_id=user.id,
                question_id=questions[entry["question"]].id,
                round_item_id=item.id if item else None,
                rating=rating,
                elapsed_seconds=float(elapsed),
                timed_by="server" if entry.get("timed_by") == "server" else "browser",
                shown_at=shown,
                answered_at=answered,
                note=note,
            )
        )
    for index, entry in enumerate(outlines_data, start=1):
        where = f"outline {index}"
        text = entry.get("text") if isinstance(entry, dict) else None
        if not isinstance(text, str) or len(text) > MAX_OUTLINE_LENGTH:
            reader.problems.append(f"{where}: text missing or too long")
            continue
        updated = reader.moment(entry.get("updated_at"), where)
        session.add(
            AnswerOutline(
                user_id=user.id,
                question_id=questions[entry["question"]].id,
                text=text,
                updated_at=updated or utcnow(),
            )
        )
    if reader.problems:
        raise ImportProblem(reader.problems[:20])
    session.flush()
    rebuild_cards(session, user.id)
    return len(attempts_data)
