"""Your data is yours: export everything as JSON (attempts as CSV), or as a ZIP
with the recordings' audio too, and import either back.

An import runs in two steps: `prepare_import` reads, checks and replays the file
without the database (see import_schema and export_archive), then
`import_profile` writes it in one short transaction of bulk inserts.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload, undefer

from mockint.export_archive import is_archive, read_archive, write_archive
from mockint.extensions import db
from mockint.import_schema import (
    DEBRIEF_TEXTS,
    EXPORT_FORMAT,
    EXPORT_VERSION,
    AttemptEntry,
    ExportDocument,
    ExportedRecording,
    ImportProblem,
    parse_export,
)
from mockint.interviewing.questions import new_public_id
from mockint.models import (
    RATING_LABELS,
    AnswerOutline,
    Attempt,
    Debrief,
    DebriefStumper,
    Field,
    Interview,
    InterviewItem,
    Question,
    Recording,
    ReviewCard,
    Round,
    RoundItem,
    UpcomingInterview,
    User,
    utcnow,
)
from mockint.own_questions import QuestionDraft, add_question
from mockint.practice_days import add_answers
from mockint.recordings import recording_filename
from mockint.scheduling import replay

NO_ROUND = (None, None)  # an attempt outside any exported round


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
    # The recording's figures come along, its audio (deferred) does not.
    attempts = session.execute(
        sa.select(Attempt, Question.key, Recording)
        .join(Question, Question.id == Attempt.question_id)
        .outerjoin(Recording, Recording.attempt_id == Attempt.id)
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
        **_export_core(user, rounds, field_slugs, item_refs, attempts, cards, outlines),
        **export_preparation(session, user),
        **export_mock_interviews(session, user),
    }


def _export_core(
    user: User,
    rounds: list[Round],
    field_slugs: dict[int, str],
    item_refs: dict[int, tuple[int, int]],
    attempts: list[Any],
    cards: list[Any],
    outlines: list[Any],
) -> dict[str, Any]:
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
                "rated_by": attempt.rated_by,
                "shown_at": _iso(attempt.shown_at),
                "answered_at": _iso(attempt.answered_at),
                "note": attempt.note,
                **({"recording": _recording(key, recording)} if recording else {}),
            }
            for attempt, key, recording in attempts
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


# The delivery figures a recording carries in an export, named as in the model.
RECORDING_FIGURES = (
    "duration",
    "first_word",
    "speaking",
    "silence_share",
    "pauses",
    "words_per_minute",
    "outline",
)


def _figures(recording: Recording | ExportedRecording) -> dict[str, Any]:
    """A recording's figures as plain values (lists, not tuples)."""
    values = {name: getattr(recording, name) for name in RECORDING_FIGURES}
    return {
        name: list(value) if isinstance(value, tuple | list) else value
        for name, value in values.items()
    }


def _recording(question_key: str, recording: Recording) -> dict[str, Any]:
    """A recording's figures, and the name its audio has in the ZIP export."""
    return {
        "file": recording_filename(question_key, recording),
        "mime_type": recording.mime_type,
        "size": recording.size,
        "created_at": _iso(recording.created_at),
        **_figures(recording),
    }


def export_text(data: dict[str, Any]) -> str:
    """An export as the JSON file holds it."""
    return json.dumps(data, indent=2, ensure_ascii=False)


def write_profile_archive(session: Session, user: User, out: IO[bytes]) -> None:
    """Write everything of one profile as a ZIP into `out`: the JSON export and
    each recording's audio, loaded one at a time."""
    text = export_text(export_profile(session, user))
    recordings = session.execute(
        sa.select(Recording, Question.key)
        .join(Attempt, Attempt.id == Recording.attempt_id)
        .join(Question, Question.id == Attempt.question_id)
        .where(Attempt.user_id == user.id)
        .options(undefer(Recording.data))
        .order_by(Recording.id)
        .execution_options(yield_per=1)
    )
    write_archive(
        out,
        text,
        (
            (recording_filename(key, recording), recording.data)
            for recording, key in recordings
        ),
    )


def export_preparation(session: Session, user: User) -> dict[str, Any]:
    """My questions, debriefs and planned interviews as JSON-ready data."""
    questions = session.scalars(
        sa.select(Question).where(Question.owner_id == user.id).order_by(Question.id)
    )
    debriefs = list(
        session.scalars(
            sa.select(Debrief)
            .where(Debrief.user_id == user.id)
            .options(
                selectinload(Debrief.stumpers).selectinload(DebriefStumper.question)
            )
            .order_by(Debrief.interview_on, Debrief.id)
        )
    )
    debrief_refs = {debrief.id: number for number, debrief in enumerate(debriefs, 1)}
    interviews = session.scalars(
        sa.select(UpcomingInterview)
        .where(UpcomingInterview.user_id == user.id)
        .order_by(UpcomingInterview.starts_at, UpcomingInterview.id)
    )
    return {
        "questions": [
            {
                "id": question.key,
                "text": question.text,
                "kind": question.kind,
                "level": question.level,
                "difficulty": question.difficulty,
                "target_seconds": question.target_seconds,
                "guidance": question.guidance_points,
                "follow_ups": list(question.follow_ups),
                "archived_at": _iso(question.archived_at),
            }
            for question in questions
        ],
        "debriefs": [
            {
                "ref": debrief_refs[debrief.id],
                "interview_on": debrief.interview_on.isoformat(),
                "kind": debrief.kind,
                "company": debrief.company,
                "role": debrief.role,
                **{name: getattr(debrief, name) for name in DEBRIEF_TEXTS},
                "next_interview_on": debrief.next_interview_on.isoformat()
                if debrief.next_interview_on
                else None,
                "created_at": _iso(debrief.created_at),
                "finished_at": _iso(debrief.finished_at),
                "stumpers": [stumper.question.key for stumper in debrief.stumpers],
            }
            for debrief in debriefs
        ],
        "interviews": [
            {
                "starts_at": _iso(interview.starts_at),
                "company": interview.company,
                "role": interview.role,
                "fields": list(interview.field_slugs),
                "checklist": [
                    {"text": item["text"], "done": bool(item["done"])}
                    for item in interview.checklist
                ],
                "debrief": debrief_refs.get(interview.debrief_id),
                "created_at": _iso(interview.created_at),
            }
            for interview in interviews
        ],
    }


def export_mock_interviews(session: Session, user: User) -> dict[str, Any]:
    """Mock interviews with their scored questions, never their links or grants."""
    interviews = list(
        session.scalars(
            sa.select(Interview)
            .where(Interview.user_id == user.id)
            .options(selectinload(Interview.items).selectinload(InterviewItem.question))
            .order_by(Interview.created_at, Interview.id)
        )
    )
    # Flat like rounds and attempts: each question names its interview by ref.
    return {
        "mock_interviews": [
            {
                "ref": number,
                "candidate_name": interview.candidate_name,
                "show_text": interview.show_text,
                "fields": list(interview.field_slugs),
                "method": interview.method,
                "level": interview.level,
                "status": interview.status,
                "position": interview.position,
                "link_days": interview.link_days,
                "created_at": _iso(interview.created_at),
                "started_at": _iso(interview.started_at),
                "ended_at": _iso(interview.ended_at),
            }
            for number, interview in enumerate(interviews, start=1)
        ],
        "mock_interview_questions": [
            {
                "interview": number,
                "position": item.position,
                "question": item.question.key,
                "elapsed_seconds": item.elapsed_seconds,
                "shown_at": _iso(item.shown_at),
                "revealed": item.revealed,
                "rating": item.rating,
                "rated_at": _iso(item.rated_at),
                "covered": list(item.covered),
                "follow_ups_asked": list(item.follow_ups_asked),
                "feedback": item.feedback,
                "self_rating": item.self_rating,
            }
            for number, interview in enumerate(interviews, start=1)
            for item in interview.items
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
    "rated_by",
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
                attempt.rated_by,
                _iso(attempt.shown_at),
                _csv_safe(attempt.note),
            ]
        )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    # Spreadsheets run cells that start with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@dataclass(frozen=True)
class PreparedImport:
    """A checked export with its review cards computed, ready to write."""

    document: ExportDocument
    cards: dict[str, ReviewCard]  # by question key, not attached to any session
    audio: dict[str, bytes] = field(default_factory=dict)  # by recording file

    @property
    def attempt_count(self) -> int:
        """How many answers the import adds."""
        return len(self.document.attempts)

    @property
    def recording_count(self) -> int:
        """How many recordings the import adds (only a ZIP brings their audio)."""
        return len(self.audio)

    @property
    def recordings_left_out(self) -> int:
        """Recordings the file names but whose audio it does not hold (a JSON)."""
        return len(self.document.recordings()) - len(self.audio)


def prepare_import(raw: bytes, recording_quota: int) -> PreparedImport:
    """Parse and check an export, JSON or ZIP, and compute its cards, with no
    database; a ZIP's recordings must fit in `recording_quota` bytes."""
    if is_archive(raw):
        document, audio = read_archive(raw, recording_quota)
    else:
        document, audio = parse_export(raw), {}
    return PreparedImport(document, _replayed_cards(document.attempts), audio)


def _replayed_cards(attempts: tuple[AttemptEntry, ...]) -> dict[str, ReviewCard]:
    # The scheduler keys cards by question id, which only the database knows:
    # stand-in numbers let the (slow) replay run before the write lock is taken.
    keys = sorted({attempt.question for attempt in attempts})
    stand_in = {key: number for number, key in enumerate(keys)}
    cards = replay(
        Attempt(
            user_id=0,
            question_id=stand_in[attempt.question],
            rating=attempt.rating,
            elapsed_seconds=attempt.elapsed_seconds,
            answered_at=attempt.answered_at,
            timed_by=attempt.timed_by,
        )
        for attempt in attempts  # oldest first, as rebuild_cards replays them
    )
    return {keys[question_id]: card for (_, question_id), card in cards.items()}


CARD_COLUMNS = tuple(
    column.key
    for column in ReviewCard.__table__.columns
    if column.key not in ("id", "user_id", "question_id")
)


def import_profile(session: Session, user: User, prepared: PreparedImport) -> int:
    """Write a prepared import into an empty profile; return the answers added.

    Bulk inserts only, so that the transaction (and SQLite's write lock) is short.
    """
    document = prepared.document
    if _has_history(session, user.id):
        raise ImportProblem(
            [
                "Import only into a profile with nothing in it yet (no answers, "
                '"My answer" outlines, own questions, debriefs, planned '
                "interviews or mock interviews), so nothing is mixed up."
            ]
        )
    keys = document.question_keys() - document.own_keys()
    question_ids = dict(
        session.execute(
            sa.select(Question.key, Question.id).where(
                Question.key.in_(keys), Question.owner_id.is_(None)
            )
        ).all()
    )
    question_ids |= _moved_questions(session, keys - question_ids.keys())
    question_ids |= _insert_own_questions(session, user.id, document)
    unknown = sorted(keys - question_ids.keys())
    if unknown:
        raise ImportProblem(
            [f"Unknown questions (not in this site's banks): {', '.join(unknown[:10])}"]
        )
    field_ids = dict(session.execute(sa.select(Field.slug, Field.id)).all())
    unknown = sorted(document.field_slugs() - field_ids.keys())
    if unknown:
        raise ImportProblem(
            [f"Unknown fields (not on this site): {', '.join(unknown[:10])}"]
        )
    if document.timezone:
        user.timezone = document.timezone

    round_ids = _new_ids(session, Round, len(document.rounds))
    items = [
        (entry.ref, position, round_id, key)
        for entry, round_id in zip(document.rounds, round_ids, strict=True)
        for position, key in enumerate(entry.questions, start=1)
    ]
    item_ids = _new_ids(session, RoundItem, len(items))
    item_id_of = {
        (ref, position): item_id
        for (ref, position, _, _), item_id in zip(items, item_ids, strict=True)
    }
    _insert(
        session,
        Round,
        [
            {
                "id": round_id,
                "user_id": user.id,
                "field_id": field_ids[entry.field] if entry.field else None,
                "created_at": entry.created_at,
            }
            for entry, round_id in zip(document.rounds, round_ids, strict=True)
        ],
    )
    _insert(
        session,
        RoundItem,
        [
            {
                "id": item_id,
                "round_id": round_id,
                "position": position,
                "question_id": question_ids[key],
            }
            for (_, position, round_id, key), item_id in zip(
                items, item_ids, strict=True
            )
        ],
    )
    attempt_ids = _new_ids(session, Attempt, len(document.attempts))
    _insert(
        session,
        Attempt,
        [
            {
                "id": attempt_id,
                "user_id": user.id,
                "question_id": question_ids[entry.question],
                "round_item_id": item_id_of.get((entry.round, entry.position)),
                "rating": entry.rating,
                "elapsed_seconds": entry.elapsed_seconds,
                "timed_by": entry.timed_by,
                "rated_by": entry.rated_by,
                "shown_at": entry.shown_at,
                "answered_at": entry.answered_at,
                "note": entry.note,
            }
            # oldest first: ids follow time
            for entry, attempt_id in zip(document.attempts, attempt_ids, strict=True)
        ],
    )
    _insert(session, Recording, _recording_rows(prepared, attempt_ids))
    _count_practice_days(session, user, document, question_ids)
    _insert(
        session,
        ReviewCard,
        [
            {
                **{column: getattr(card, column) for column in CARD_COLUMNS},
                "user_id": user.id,
                "question_id": question_ids[key],
            }
            for key, card in prepared.cards.items()
        ],
    )
    _insert(
        session,
        AnswerOutline,
        [
            {
                "user_id": user.id,
                "question_id": question_ids[entry.question],
                "text": entry.text,
                "updated_at": entry.updated_at,
            }
            for entry in document.outlines
        ],
    )
    _insert_preparation(session, user.id, document, question_ids)
    _insert_mock_interviews(session, user.id, document, question_ids)
    return prepared.attempt_count


def _recording_rows(prepared: PreparedImport, attempt_ids: list[int]) -> list[dict]:
    """The recordings whose audio came with the file, as they were exported."""
    rows = []
    for entry, attempt_id in zip(prepared.document.attempts, attempt_ids, strict=True):
        recording = entry.recording
        if recording is None or recording.file not in prepared.audio:
            continue
        rows.append(
            {
                "attempt_id": attempt_id,
                "mime_type": recording.mime_type,
                "size": recording.size,
                "created_at": recording.created_at,
                "data": prepared.audio[recording.file],
                **_figures(recording),
            }
        )
    return rows


def _count_practice_days(
    session: Session, user: User, document: ExportDocument, question_ids: dict[str, int]
) -> None:
    """Count the imported answers by day and field (bulk inserts skip record_review)."""
    field_of = dict(
        session.execute(
            sa.select(Question.id, Question.field_id).where(
                Question.id.in_(set(question_ids.values()))
            )
        ).all()
    )
    add_answers(
        session,
        user.id,
        user.timezone,
        (
            (entry.answered_at, field_of[question_ids[entry.question]], entry.rating)
            for entry in document.attempts
        ),
    )


def _moved_questions(session: Session, keys: set[str]) -> dict[str, int]:
    """Ids of bank questions that moved fields, by the old ids a file may hold."""
    if not keys:
        return {}
    found = {}
    rows = session.execute(
        sa.select(Question.id, Question.aliases).where(Question.owner_id.is_(None))
    )
    for question_id, aliases in rows:
        for alias in aliases or ():
            if alias in keys:
                found[alias] = question_id
    return found


def _insert_own_questions(
    session: Session, user_id: int, document: ExportDocument
) -> dict[str, int]:
    """Create the file's private questions; return their ids by the file's keys.

    A key already used on this server (the same file imported twice) gets a
    new one: only the file's own references need to agree.
    """
    if not document.questions:
        return {}
    taken = set(
        session.scalars(
            sa.select(Question.key).where(Question.key.in_(document.own_keys()))
        )
    )
    ids = {}
    for entry in document.questions:
        draft = QuestionDraft(
            text=entry.text,
            kind=entry.kind,
            difficulty=entry.difficulty,
            target_seconds=entry.target_seconds,
            guidance_points=entry.guidance,
            follow_ups=entry.follow_ups,
            level=entry.level,
        )
        key = entry.key if entry.key not in taken else None
        question = add_question(session, user_id, draft, key)
        question.archived_at = entry.archived_at
        ids[entry.key] = question.id
    return ids


def _insert_preparation(
    session: Session,
    user_id: int,
    document: ExportDocument,
    question_ids: dict[str, int],
) -> None:
    """Write the file's debriefs and planned interviews."""
    debrief_ids = {}
    for entry in document.debriefs:
        debrief = Debrief(
            user_id=user_id,
            interview_on=entry.interview_on,
            kind=entry.kind,
            company=entry.company,
            role=entry.role,
            next_interview_on=entry.next_interview_on,
            created_at=entry.created_at,
            finished_at=entry.finished_at,
            **entry.texts,
        )
        debrief.stumpers = [
            DebriefStumper(question_id=question_ids[key], position=position)
            for position, key in enumerate(entry.stumpers, start=1)
        ]
        session.add(debrief)
        session.flush()
        debrief_ids[entry.ref] = debrief.id
    for entry in document.interviews:
        session.add(
            UpcomingInterview(
                user_id=user_id,
                starts_at=entry.starts_at,
                company=entry.company,
                role=entry.role,
                field_slugs=list(entry.fields),
                checklist=[
                    {"text": text, "done": done} for text, done in entry.checklist
                ],
                debrief_id=debrief_ids.get(entry.debrief),
                created_at=entry.created_at,
            )
        )
    session.flush()


def _insert_mock_interviews(
    session: Session,
    user_id: int,
    document: ExportDocument,
    question_ids: dict[str, int],
) -> None:
    """Write the file's mock interviews, each rated question tied to its attempt."""
    if not document.mock_interviews:
        return
    # An interview's end turned each rated question into an interviewer-rated
    # attempt answered at the moment of the rating: that pair finds it again.
    attempt_of = {
        (question_id, answered_at): attempt_id
        for attempt_id, question_id, answered_at in session.execute(
            sa.select(Attempt.id, Attempt.question_id, Attempt.answered_at).where(
                Attempt.user_id == user_id, Attempt.rated_by == "interviewer"
            )
        )
    }
    questions_of: dict[int, list[Any]] = {}
    for entry in document.mock_questions:
        questions_of.setdefault(entry.interview, []).append(entry)
    for entry in document.mock_interviews:
        items = [
            InterviewItem(
                position=item.position,
                question_id=question_ids[item.question],
                elapsed_seconds=item.elapsed_seconds,
                shown_at=item.shown_at,
                revealed=item.revealed,
                rating=item.rating,
                rated_at=item.rated_at,
                covered=list(item.covered),
                follow_ups_asked=list(item.follow_ups_asked),
                feedback=item.feedback,
                self_rating=item.self_rating,
                attempt_id=attempt_of.pop(
                    (question_ids[item.question], item.rated_at), None
                )
                if item.rating is not None
                else None,
            )
            for item in questions_of.get(entry.ref, [])
        ]
        session.add(
            Interview(
                public_id=new_public_id(),
                user_id=user_id,
                candidate_name=entry.candidate_name,
                show_text=entry.show_text,
                field_slugs=list(entry.fields),
                method=entry.method,
                level=entry.level,
                link_days=entry.link_days,
                status=entry.status,
                position=min(entry.position, len(items)),
                question_count=len(items),
                version=1,
                created_at=entry.created_at,
                started_at=entry.started_at,
                ended_at=entry.ended_at,
                items=items,
            )
        )
    session.flush()


def _has_history(session: Session, user_id: int) -> bool:
    # Review cards follow from attempts; anything else a user writes counts.
    return bool(
        session.scalar(
            sa.select(
                sa.exists().where(Attempt.user_id == user_id)
                | sa.exists().where(AnswerOutline.user_id == user_id)
                | sa.exists().where(Question.owner_id == user_id)
                | sa.exists().where(Debrief.user_id == user_id)
                | sa.exists().where(UpcomingInterview.user_id == user_id)
                | sa.exists().where(Interview.user_id == user_id)
            )
        )
    )


def _insert(session: Session, model: type[db.Model], rows: list[dict]) -> None:
    # A Core insert (one executemany) skips the ORM's bookkeeping per row, which
    # cost a quarter of the write time with 75,000 answers.
    if rows:  # an empty list would insert one row of defaults
        session.execute(sa.insert(model.__table__), rows)


def _new_ids(session: Session, model: type[db.Model], count: int) -> list[int]:
    """Ids for new rows that no concurrent writer can take."""
    # Known ids let rounds, their items, the attempts pointing at the items and
    # the recordings pointing at the attempts go in as plain bulk inserts:
    # RETURNING in parameter order made SQLite insert one row per statement.
    if count == 0:
        return []
    table = model.__table__
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        series = sa.func.generate_series(1, count).table_valued("n")
        return list(
            session.scalars(sa.select(sa.func.nextval(sequence)).select_from(series))
        )
    if dialect == "sqlite":
        # Safe because a writing transaction holds SQLite's write lock from its
        # start (BEGIN IMMEDIATE, see database.py): nobody else inserts meanwhile.
        highest = session.scalar(sa.select(sa.func.max(table.c.id))) or 0
        return list(range(highest + 1, highest + count + 1))
    raise NotImplementedError(f"imports support SQLite and PostgreSQL, not {dialect}")
