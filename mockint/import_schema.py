"""The export file's schema, checked in full before an import touches the database.

`parse_export` turns an uploaded file into typed entries or raises ImportProblem
naming the first problems found. It takes no database session on purpose: on
SQLite a writing request holds the write lock from its first query, so nothing
slow may happen after that.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mockint.banks import (
    DIFFICULTIES,
    KINDS,
    LEVELS,
    PERSONAL_ID_PREFIX,
    SLUG_PATTERN,
)
from mockint.delivery import MIN_PAUSE_SECONDS
from mockint.interviewing.links import LINK_LIFETIMES_DAYS
from mockint.interviewing.questions import MAX_QUESTIONS, METHODS
from mockint.localtime import is_valid_zone
from mockint.outlines import MAX_OUTLINE_LENGTH
from mockint.own_questions import MAX_TEXT_LENGTH as MAX_QUESTION_LENGTH
from mockint.recordings import (
    MAX_RECORDING_BYTES,
    MAX_RECORDING_SECONDS,
    MUXERS,
    OUTLINE_POINTS,
)
from mockint.rounds import MAX_ELAPSED_SECONDS, MAX_NOTE_LENGTH

EXPORT_FORMAT = "mockint-export"
# Version 2 added the recordings' figures to attempts; version 1 files import
# as they always did.
EXPORT_VERSION = 2
SUPPORTED_VERSIONS = (1, 2)

# Sized for a heavy real user: 50 answers a day for five years is about 91,000
# answers. An export takes 379 bytes per answer with its share of rounds, or 413
# when a third of the answers carry a note (bench/import_lock.py), so 100,000
# answers make about 40 MB; 50 MB leaves room for longer notes.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_ATTEMPTS = 100_000
# Practising one chosen question is a round of one, so rounds can be as many as
# answers; round items beyond the answers are questions left unanswered.
MAX_ROUNDS = 100_000
MAX_ROUND_ITEMS = 120_000
MAX_ROUND_QUESTIONS = 50  # rounds hold 10 at most today
MAX_OUTLINES = 5_000  # one per question: far more than the banks hold
MAX_QUESTIONS_NAMED = 5_000  # distinct question ids in one file
MAX_PROBLEMS = 20
MAX_OWN_QUESTIONS = 5_000
MAX_DEBRIEFS = 2_000
MAX_INTERVIEWS = 2_000
MAX_MOCK_INTERVIEWS = 2_000
MAX_MOCK_QUESTIONS = MAX_MOCK_INTERVIEWS * MAX_QUESTIONS
MAX_CANDIDATE_NAME = 60  # interviews.candidate_name
MOCK_STATUSES = ("ready", "live", "ended")
MAX_LINES = 20  # guidance points, follow-ups, stumpers, checklist items
MAX_LINE_LENGTH = 1_000
MAX_TEXT = 10_000  # a debrief's prompts
DEBRIEF_KIND_PATTERN = re.compile(r"[a-z-]{1,24}")
OWN_KEY_PATTERN = re.compile(rf"{PERSONAL_ID_PREFIX}-[a-z0-9]{{1,40}}")
MAX_KEY_LENGTH = 80  # questions.key
MAX_SLUG_LENGTH = 64  # fields.slug
MAX_ZONE_LENGTH = 64  # users.timezone
# document, list of entries, entry, list inside an entry (a round's questions),
# and an object in such a list (a checklist item)
MAX_DEPTH = 5
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
CLOCK_SKEW = timedelta(days=1)  # a clock a little ahead is not an error
# "debrief": a stumper recorded by a debrief (due at once, see scheduling.py).
TIMED_BY = ("browser", "server", "debrief")
# "interviewer": rated by a friend in a mock interview; files before it say nothing.
RATED_BY = ("self", "interviewer")
MAX_REF = 10**9
NO_PLACE: tuple[None, None] = (None, None)  # an attempt outside any round
# A recording's audio file inside the ZIP export: a plain name, never a path.
RECORDING_FILE_PATTERN = re.compile(r"[\w-]{1,150}\.(?:webm|m4a)")
MAX_PAUSES = int(MAX_RECORDING_SECONDS / MIN_PAUSE_SECONDS)
MAX_WORDS_PER_MINUTE = 1_000

# Lone surrogates cannot be encoded as UTF-8, and PostgreSQL refuses NUL.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class ImportProblem(Exception):
    """The file cannot be imported; nothing was changed."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class RoundEntry:
    """A round as the file lists it."""

    ref: int
    field: str | None
    created_at: datetime
    questions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ExportedRecording:
    """A recorded answer's figures as the file lists them; its audio, when the
    file came in a ZIP, is the archive's `recordings/<file>`."""

    file: str
    mime_type: str
    size: int
    created_at: datetime
    duration: float
    first_word: float | None
    speaking: float
    silence_share: float
    pauses: tuple[float, ...]
    words_per_minute: float
    outline: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class AttemptEntry:
    """An answer as the file lists it; round and position are both set or None."""

    question: str
    round: int | None
    position: int | None
    rating: int
    elapsed_seconds: float
    timed_by: str
    shown_at: datetime
    answered_at: datetime
    note: str
    rated_by: str = "self"
    recording: ExportedRecording | None = None


@dataclass(frozen=True, slots=True)
class OutlineEntry:
    """A "My answer" outline as the file lists it."""

    question: str
    text: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class OwnQuestionEntry:
    """One of the user's private questions (My questions)."""

    key: str
    text: str
    kind: str
    difficulty: int
    target_seconds: int
    guidance: tuple[str, ...]
    follow_ups: tuple[str, ...]
    archived_at: datetime | None
    level: str = "experienced"


@dataclass(frozen=True, slots=True)
class DebriefEntry:
    """A debrief of a real interview, with the questions that stumped the user."""

    ref: int
    interview_on: date
    kind: str
    company: str
    role: str
    texts: dict[str, str]  # what_happened, stumpers_text, learned, ...
    next_interview_on: date | None
    created_at: datetime
    finished_at: datetime | None
    stumpers: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class InterviewEntry:
    """An upcoming (or past) interview with its plan's focus and checklist."""

    starts_at: datetime
    company: str
    role: str
    fields: tuple[str, ...]
    checklist: tuple[tuple[str, bool], ...]
    debrief: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class MockInterviewEntry:
    """A mock interview with a friend (its links and grants are never exported)."""

    ref: int
    candidate_name: str
    show_text: bool
    fields: tuple[str, ...]
    method: str
    level: str | None
    status: str
    position: int
    link_days: int
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class MockQuestionEntry:
    """One question of a mock interview with the interviewer's scoring."""

    interview: int
    position: int
    question: str
    elapsed_seconds: float
    shown_at: datetime | None
    revealed: bool
    rating: int | None
    rated_at: datetime | None
    covered: tuple[int, ...]
    follow_ups_asked: tuple[int, ...]
    feedback: str
    self_rating: int | None


DEBRIEF_TEXTS = ("what_happened", "stumpers_text", "learned", "feedback", "went_well")


@dataclass(frozen=True)
class ExportDocument:
    """A whole export file, checked; datetimes are UTC, attempts oldest first."""

    timezone: str | None
    rounds: tuple[RoundEntry, ...]
    attempts: tuple[AttemptEntry, ...]
    outlines: tuple[OutlineEntry, ...]
    questions: tuple[OwnQuestionEntry, ...] = ()
    debriefs: tuple[DebriefEntry, ...] = ()
    interviews: tuple[InterviewEntry, ...] = ()
    mock_interviews: tuple[MockInterviewEntry, ...] = ()
    mock_questions: tuple[MockQuestionEntry, ...] = ()

    def question_keys(self) -> set[str]:
        """Every question id the file names."""
        return (
            {key for entry in self.rounds for key in entry.questions}
            | {entry.question for entry in self.mock_questions}
            | {entry.question for entry in self.attempts}
            | {entry.question for entry in self.outlines}
            | {key for entry in self.debriefs for key in entry.stumpers}
            | {entry.key for entry in self.questions}
        )

    def own_keys(self) -> set[str]:
        """The ids of the private questions the file carries."""
        return {entry.key for entry in self.questions}

    def field_slugs(self) -> set[str]:
        """Every field slug the file's rounds name."""
        return {entry.field for entry in self.rounds if entry.field is not None}

    def recordings(self) -> list[ExportedRecording]:
        """The recordings the file's answers carry, oldest answer first."""
        return [entry.recording for entry in self.attempts if entry.recording]


def parse_export(raw: bytes, now: datetime | None = None) -> ExportDocument:
    """Decode, parse and check an uploaded export file."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportProblem(
            ["The file is not valid JSON: it is not UTF-8 text."]
        ) from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise ImportProblem([_TOO_DEEP]) from None
    except ValueError as error:  # JSONDecodeError, and numbers of 4,300+ digits
        raise ImportProblem([f"The file is not valid JSON: {error}"]) from None
    return validate_export(data, now)


def validate_export(data: object, now: datetime | None = None) -> ExportDocument:
    """Check parsed JSON against the export schema and return typed entries."""
    if type(data) is not dict or data.get("format") != EXPORT_FORMAT:
        raise ImportProblem(["This is not a mockint export file."])
    if _deeper_than(data, MAX_DEPTH):
        raise ImportProblem([_TOO_DEEP])
    version = data.get("version")
    if type(version) is not int or version not in SUPPORTED_VERSIONS:
        raise ImportProblem([f"Export version {_shown(version)} is not supported."])
    checker = _Checker(latest=(now or datetime.now(UTC)) + CLOCK_SKEW)
    lists = {
        name: checker.entries(data, name, limit)
        for name, limit in (
            ("rounds", MAX_ROUNDS),
            ("attempts", MAX_ATTEMPTS),
            ("outlines", MAX_OUTLINES),
            ("cards", None),  # recomputed from the attempts, so not read
            ("questions", MAX_OWN_QUESTIONS),
            ("debriefs", MAX_DEBRIEFS),
            ("interviews", MAX_INTERVIEWS),
            ("mock_interviews", MAX_MOCK_INTERVIEWS),
            ("mock_interview_questions", MAX_MOCK_QUESTIONS),
        )
    }
    checker.raise_if_any()
    timezone = checker.profile(data.get("profile"))
    rounds = checker.rounds(lists["rounds"])
    attempts = checker.attempts(lists["attempts"])
    outlines = checker.outlines(lists["outlines"])
    questions = checker.own_questions(lists["questions"])
    debriefs = checker.debriefs(lists["debriefs"])
    interviews = checker.interviews(lists["interviews"])
    mock_interviews = checker.mock_interviews(lists["mock_interviews"])
    mock_questions = checker.mock_questions(lists["mock_interview_questions"])
    checker.raise_if_any()
    document = ExportDocument(
        timezone=timezone,
        rounds=tuple(rounds),
        # Stable sort: equal times keep the file's order, as ids do on export.
        attempts=tuple(sorted(attempts, key=lambda entry: entry.answered_at)),
        outlines=tuple(outlines),
        questions=tuple(questions),
        debriefs=tuple(debriefs),
        interviews=tuple(interviews),
        mock_interviews=tuple(mock_interviews),
        mock_questions=tuple(mock_questions),
    )
    checker.private_keys_defined(document)
    if len(document.question_keys()) > MAX_QUESTIONS_NAMED:
        raise ImportProblem(
            [f"The file names more than {MAX_QUESTIONS_NAMED:,} different questions."]
        )
    return document


_TOO_DEEP = (
    f"The file nests lists or objects deeper than an export does "
    f"(at most {MAX_DEPTH} levels)."
)


def _deeper_than(data: object, limit: int) -> bool:
    # Level by level rather than recursively, so no nesting can exhaust the stack.
    level: list[Any] = [data]
    for _ in range(limit):
        below: list[Any] = []
        for value in level:
            children = value.values() if type(value) is dict else value
            below += [child for child in children if type(child) in _CONTAINERS]
        if not below:
            return False
        level = below
    return True


_CONTAINERS = (dict, list)


def _is_figure(value: object, most: float) -> bool:
    """A finite number from 0 to `most` (JSON true is not 1)."""
    return (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and 0 <= value <= most
    )


def _shown(value: object) -> str:
    """A value fit to quote in a message: short and always encodable."""
    if type(value) in (dict, list):
        return _type_name(value)
    text = f"'{value}'" if isinstance(value, str) else repr(value)
    if len(text) > 42:
        text = text[:40] + "..."
    return _UNSTORABLE.sub("\ufffd", text)


def _type_name(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a text", bool: "true/false"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


class _Checker:
    """Collects problems with where they are; stops after MAX_PROBLEMS."""

    def __init__(self, latest: datetime) -> None:
        self.latest = latest
        self.problems: list[str] = []
        self.refs: set[int] = set()  # every round ref seen, even of a bad round
        self.rounds_by_ref: dict[int, RoundEntry] = {}
        self.taken: set[tuple[int, int]] = set()  # (round, position) answered
        self.mock_refs: set[int] = set()
        self.recording_files: set[str] = set()

    def add(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(f"(stopped after {MAX_PROBLEMS} problems)")
            raise ImportProblem(self.problems)

    def raise_if_any(self) -> None:
        if self.problems:
            raise ImportProblem(self.problems)

    def entries(self, data: dict, name: str, limit: int | None) -> list[Any]:
        value = data.get(name, [])
        if type(value) is not list:
            self.add(f"'{name}'", f"must be a list, not {_type_name(value)}")
            return []
        if limit is not None and len(value) > limit:
            self.add(
                f"'{name}'",
                f"{len(value):,} entries; an import takes at most {limit:,}",
            )
            return []
        return value

    def object(self, value: object, where: str) -> dict | None:
        if type(value) is not dict:
            self.add(where, f"must be an object, not {_type_name(value)}")
            return None
        return value

    def text(
        self,
        value: object,
        where: str,
        name: str,
        max_length: int,
        pattern: re.Pattern[str] | None = None,
    ) -> str | None:
        if type(value) is not str:
            self.add(where, f"{name} must be a text, not {_type_name(value)}")
            return None
        if len(value) > max_length:
            self.add(where, f"{name} is longer than {max_length:,} characters")
            return None
        if _UNSTORABLE.search(value):
            self.add(where, f"{name} holds a NUL or an unpaired surrogate character")
            return None
        if pattern is not None and not pattern.fullmatch(value):
            self.add(where, f"{name} {_shown(value)} is not in the expected form")
            return None
        return value

    def whole(
        self, value: object, where: str, name: str, low: int, high: int
    ) -> int | None:
        # type() and not isinstance(): JSON true must not pass for 1.
        if type(value) is not int or not low <= value <= high:
            self.add(where, f"{name} must be a whole number from {low} to {high:,}")
            return None
        return value

    def moment(self, value: object, where: str, name: str) -> datetime | None:
        if type(value) is not str:
            self.add(where, f"{name} must be a date and time, not {_type_name(value)}")
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.add(where, f"{name} {_shown(value)} is not a date and time")
            return None
        if parsed.utcoffset() is None:
            self.add(where, f"{name} {_shown(value)} has no time zone")
            return None
        try:
            moment = parsed.astimezone(UTC)
        except OverflowError:  # 9999-12-31T23:00-05:00 is past year 9999 in UTC
            moment = None
        if moment is None or not EARLIEST <= moment <= self.latest:
            self.add(where, f"{name} {_shown(value)} is not between 2000 and today")
            return None
        return moment

    def profile(self, value: object) -> str | None:
        if value is None:
            return None
        profile = self.object(value, "profile")
        if profile is None or profile.get("timezone") is None:
            return None
        zone = self.text(profile["timezone"], "profile", "timezone", MAX_ZONE_LENGTH)
        # A zone this server does not know keeps the profile's own, as before.
        return zone if zone and is_valid_zone(zone) else None

    def rounds(self, values: list[Any]) -> list[RoundEntry]:
        rounds = self.rounds_by_ref
        items = 0
        for number, value in enumerate(values, start=1):
            where = f"round {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            count = len(self.problems)
            ref = self.whole(entry.get("ref"), where, "ref", 1, MAX_REF)
            if ref is not None and ref in self.refs:
                self.add(where, f"ref {ref} is used by an earlier round")
            elif ref is not None:
                self.refs.add(ref)
            field = entry.get("field")
            if field is not None:
                field = self.text(
                    field, where, "field", MAX_SLUG_LENGTH, pattern=SLUG_PATTERN
                )
            created_at = self.moment(entry.get("created_at"), where, "created_at")
            questions = self.keys(entry.get("questions"), where)
            items += len(questions or ())
            if items > MAX_ROUND_ITEMS:
                self.add(where, f"the rounds hold over {MAX_ROUND_ITEMS:,} questions")
                self.raise_if_any()
            if (
                len(self.problems) == count
                and ref is not None
                and created_at is not None
                and questions is not None
            ):
                rounds[ref] = RoundEntry(ref, field, created_at, questions)
        return list(rounds.values())

    def keys(self, value: object, where: str) -> tuple[str, ...] | None:
        if type(value) is not list:
            self.add(where, f"questions must be a list, not {_type_name(value)}")
            return None
        if len(value) > MAX_ROUND_QUESTIONS:
            self.add(where, f"more than {MAX_ROUND_QUESTIONS} questions")
            return None
        keys = []
        for position, key in enumerate(value, start=1):
            checked = self.text(
                key, f"{where}, question {position}", "id", MAX_KEY_LENGTH
            )
            if checked is None:
                return None
            keys.append(checked)
        return tuple(keys)

    def attempts(self, values: list[Any]) -> list[AttemptEntry]:
        checked: list[AttemptEntry] = []
        for number, value in enumerate(values, start=1):
            where = f"attempt {number}"
            entry = self.object(value, where)
            attempt = self.attempt(entry, where) if entry is not None else None
            if attempt is not None:
                checked.append(attempt)
        return checked

    def attempt(self, entry: dict, where: str) -> AttemptEntry | None:
        count = len(self.problems)
        question = self.text(entry.get("question"), where, "question", MAX_KEY_LENGTH)
        rating = self.whole(entry.get("rating"), where, "rating", 1, 4)
        elapsed = self.seconds(entry.get("elapsed_seconds"), where)
        timed_by = entry.get("timed_by")
        if type(timed_by) is not str or timed_by not in TIMED_BY:
            self.add(where, "timed_by must be 'browser' or 'server'")
        rated_by = entry.get("rated_by", "self")
        if type(rated_by) is not str or rated_by not in RATED_BY:
            self.add(
                where,
                f"rated_by {_shown(rated_by)} must be 'self' or 'interviewer'",
            )
        shown_at = self.moment(entry.get("shown_at"), where, "shown_at")
        answered_at = self.moment(entry.get("answered_at"), where, "answered_at")
        note = self.text(entry.get("note", ""), where, "note", MAX_NOTE_LENGTH)
        place = self.place(entry.get("round"), entry.get("position"), where, question)
        recording = entry.get("recording")
        if recording is not None:
            recording = self.recording(recording, f"{where}, recording")
        if (
            len(self.problems) > count
            or question is None
            or rating is None
            or elapsed is None
            or type(timed_by) is not str
            or type(rated_by) is not str
            or shown_at is None
            or answered_at is None
            or note is None
            or place is None
        ):
            return None
        return AttemptEntry(
            question=question,
            round=place[0],
            position=place[1],
            rating=rating,
            elapsed_seconds=elapsed,
            timed_by=timed_by,
            shown_at=shown_at,
            answered_at=answered_at,
            note=note,
            rated_by=rated_by,
            recording=recording,
        )

    def seconds(self, value: object, where: str) -> float | None:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not (math.isfinite(value) and 0 <= value <= MAX_ELAPSED_SECONDS)
        ):
            self.add(
                where,
                "elapsed_seconds must be a number of seconds from 0 to "
                f"{MAX_ELAPSED_SECONDS:,}",
            )
            return None
        return float(value)

    def recording(self, value: object, where: str) -> ExportedRecording | None:
        """A recording's figures, and the name of its audio in the ZIP."""
        entry = self.object(value, where)
        if entry is None:
            return None
        count = len(self.problems)
        file = self.text(
            entry.get("file"), where, "file", 160, pattern=RECORDING_FILE_PATTERN
        )
        if file is not None and file in self.recording_files:
            self.add(where, f"file {file} is named by an earlier recording")
        elif file is not None:
            self.recording_files.add(file)
        mime_type = entry.get("mime_type")
        if type(mime_type) is not str or mime_type not in MUXERS:
            self.add(
                where,
                f"mime_type {_shown(mime_type)} must be one of {', '.join(MUXERS)}",
            )
        size = self.whole(entry.get("size"), where, "size", 1, MAX_RECORDING_BYTES)
        created_at = self.moment(entry.get("created_at"), where, "created_at")
        seconds = MAX_RECORDING_SECONDS
        first_word = entry.get("first_word")  # None: no speech was heard
        if first_word is not None:
            first_word = self.figure(first_word, where, "first_word", seconds)
        figures = {
            name: self.figure(entry.get(name), where, name, most)
            for name, most in (
                ("duration", seconds),
                ("speaking", seconds),
                ("silence_share", 1),
                ("words_per_minute", MAX_WORDS_PER_MINUTE),
            )
        }
        pauses = self.figures(entry.get("pauses"), where, "pauses", seconds, MAX_PAUSES)
        outline = self.figures(
            entry.get("outline"), where, "outline", 1, OUTLINE_POINTS
        )
        if len(self.problems) > count:
            return None
        return ExportedRecording(
            file=file,
            mime_type=mime_type,
            size=size,
            created_at=created_at,
            first_word=first_word,
            pauses=pauses,
            outline=outline,
            **figures,
        )

    def figure(self, value: object, where: str, name: str, most: float) -> float:
        if not _is_figure(value, most):
            self.add(where, f"{name} must be a number from 0 to {most:,}")
            return 0.0
        return float(value)  # type: ignore[arg-type]

    def figures(
        self, value: object, where: str, name: str, most: float, count: int
    ) -> tuple[float, ...]:
        if (
            type(value) is not list
            or len(value) > count
            or not all(_is_figure(figure, most) for figure in value)
        ):
            self.add(
                where,
                f"{name} must be a list of at most {count:,} numbers, "
                f"each from 0 to {most:,}",
            )
            return ()
        return tuple(float(figure) for figure in value)

    def place(
        self, ref: object, position: object, where: str, question: str | None
    ) -> tuple[int, int] | tuple[None, None] | None:
        """(round, position) of a free place holding the question, or NO_PLACE."""
        if ref is None and position is None:
            return NO_PLACE
        ref = self.whole(ref, where, "round", 1, MAX_REF)
        position = self.whole(position, where, "position", 1, MAX_ROUND_QUESTIONS)
        if ref is None or position is None:
            return None
        round_entry = self.rounds_by_ref.get(ref)
        if round_entry is None:
            if ref not in self.refs:  # else the round's own problem is reported
                self.add(where, f"round {ref} is not among the file's rounds")
            return None
        if position > len(round_entry.questions):
            self.add(where, f"round {ref} has no position {position}")
            return None
        if (ref, position) in self.taken:
            self.add(where, f"round {ref}, position {position} is answered twice")
            return None
        self.taken.add((ref, position))
        expected = round_entry.questions[position - 1]
        if question is not None and question != expected:
            self.add(
                where,
                f"round {ref}, position {position} holds another question ({expected})",
            )
            return None
        return (ref, position)

    def outlines(self, values: list[Any]) -> list[OutlineEntry]:
        outlines: dict[str, OutlineEntry] = {}
        for number, value in enumerate(values, start=1):
            where = f"outline {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            question = self.text(
                entry.get("question"), where, "question", MAX_KEY_LENGTH
            )
            text = self.text(entry.get("text"), where, "text", MAX_OUTLINE_LENGTH)
            updated_at = self.moment(entry.get("updated_at"), where, "updated_at")
            if question is not None and question in outlines:
                self.add(where, f"a second outline for {question}")
                continue
            if question is None or text is None or updated_at is None:
                continue
            outlines[question] = OutlineEntry(question, text, updated_at)
        return list(outlines.values())

    # Between interviews: My questions, debriefs and planned interviews.

    def lines(self, value: object, where: str, name: str) -> tuple[str, ...] | None:
        if type(value) is not list or len(value) > MAX_LINES:
            self.add(where, f"{name} must be a list of at most {MAX_LINES} texts")
            return None
        lines = [self.text(line, where, name, MAX_LINE_LENGTH) for line in value]
        return None if None in lines else tuple(lines)  # type: ignore[arg-type]

    def day(self, value: object, where: str, name: str, optional: bool) -> date | None:
        if value is None and optional:
            return None
        try:
            parsed = date.fromisoformat(value) if type(value) is str else None
        except ValueError:
            parsed = None
        if parsed is None or not EARLIEST.date() <= parsed <= date(2100, 1, 1):
            self.add(where, f"{name} {_shown(value)} is not a date from 2000 on")
        return parsed

    def own_questions(self, values: list[Any]) -> list[OwnQuestionEntry]:
        checked: dict[str, OwnQuestionEntry] = {}
        for number, value in enumerate(values, start=1):
            where = f"question {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            count = len(self.problems)
            key = self.text(
                entry.get("id"), where, "id", MAX_KEY_LENGTH, OWN_KEY_PATTERN
            )
            if key is not None and key in checked:
                self.add(where, f"id {key} is used by an earlier question")
            text = self.text(entry.get("text"), where, "text", MAX_QUESTION_LENGTH)
            kind = entry.get("kind")
            if kind not in KINDS:
                self.add(where, f"kind must be one of {', '.join(KINDS)}")
            level = entry.get("level", "experienced")
            if level not in LEVELS:
                self.add(where, f"level must be one of {', '.join(LEVELS)}")
            difficulty = entry.get("difficulty")
            if type(difficulty) is not int or difficulty not in DIFFICULTIES:
                self.add(where, "difficulty must be 1, 2 or 3")
            target = self.whole(
                entry.get("target_seconds"), where, "target_seconds", 10, 3600
            )
            guidance = self.lines(entry.get("guidance", []), where, "guidance")
            follow_ups = self.lines(entry.get("follow_ups", []), where, "follow_ups")
            archived = entry.get("archived_at")
            if archived is not None:
                archived = self.moment(archived, where, "archived_at")
            if len(self.problems) == count and key and text and target:
                checked[key] = OwnQuestionEntry(
                    key,
                    text,
                    kind,
                    difficulty,
                    target,
                    guidance or (),
                    follow_ups or (),
                    archived,
                    level,
                )
        return list(checked.values())

    def debriefs(self, values: list[Any]) -> list[DebriefEntry]:
        checked: dict[int, DebriefEntry] = {}
        for number, value in enumerate(values, start=1):
            where = f"debrief {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            count = len(self.problems)
            ref = self.whole(entry.get("ref"), where, "ref", 1, MAX_REF)
            if ref is not None and ref in checked:
                self.add(where, f"ref {ref} is used by an earlier debrief")
            interview_on = self.day(
                entry.get("interview_on"), where, "interview_on", False
            )
            kind = self.text(entry.get("kind"), where, "kind", 24, DEBRIEF_KIND_PATTERN)
            company = self.text(entry.get("company", ""), where, "company", 120)
            role = self.text(entry.get("role", ""), where, "role", 120)
            texts = {
                name: self.text(entry.get(name, ""), where, name, MAX_TEXT)
                for name in DEBRIEF_TEXTS
            }
            next_on = self.day(
                entry.get("next_interview_on"), where, "next_interview_on", True
            )
            created = self.moment(entry.get("created_at"), where, "created_at")
            finished = entry.get("finished_at")
            if finished is not None:
                finished = self.moment(finished, where, "finished_at")
            stumpers = self.lines(entry.get("stumpers", []), where, "stumpers")
            if stumpers is not None and len(set(stumpers)) != len(stumpers):
                self.add(where, "a stumper is listed twice")
            if len(self.problems) == count:
                checked[ref] = DebriefEntry(
                    ref,
                    interview_on,
                    kind,
                    company,
                    role,
                    texts,
                    next_on,
                    created,
                    finished,
                    stumpers or (),
                )
        return list(checked.values())

    def interviews(self, values: list[Any]) -> list[InterviewEntry]:
        checked: list[InterviewEntry] = []
        for number, value in enumerate(values, start=1):
            where = f"interview {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            count = len(self.problems)
            starts_at = self.moment_any(entry.get("starts_at"), where, "starts_at")
            company = self.text(entry.get("company", ""), where, "company", 120)
            role = self.text(entry.get("role", ""), where, "role", 120)
            fields = self.lines(entry.get("fields", []), where, "fields")
            checklist = self.checklist(entry.get("checklist", []), where)
            debrief = entry.get("debrief")
            if debrief is not None:
                debrief = self.whole(debrief, where, "debrief", 1, MAX_REF)
            created = self.moment(entry.get("created_at"), where, "created_at")
            if len(self.problems) == count:
                checked.append(
                    InterviewEntry(
                        starts_at,
                        company,
                        role,
                        fields or (),
                        checklist or (),
                        debrief,
                        created,
                    )
                )
        return checked

    def moment_any(self, value: object, where: str, name: str) -> datetime | None:
        """A date and time that may lie in the future (up to 2100)."""
        latest, self.latest = self.latest, datetime(2100, 1, 1, tzinfo=UTC)
        try:
            return self.moment(value, where, name)
        finally:
            self.latest = latest

    def checklist(
        self, value: object, where: str
    ) -> tuple[tuple[str, bool], ...] | None:
        if type(value) is not list or len(value) > MAX_LINES:
            self.add(where, f"checklist must be a list of at most {MAX_LINES} items")
            return None
        items = []
        for item in value:
            if type(item) is not dict or type(item.get("done")) is not bool:
                self.add(where, "a checklist item needs a text and done true or false")
                return None
            text = self.text(item.get("text"), where, "checklist text", MAX_LINE_LENGTH)
            if text is None:
                return None
            items.append((text, item["done"]))
        return tuple(items)

    # Mock interviews with a friend, and the questions asked in them.

    def optional_moment(self, value: object, where: str, name: str) -> datetime | None:
        return None if value is None else self.moment(value, where, name)

    def optional_rating(self, value: object, where: str, name: str) -> int | None:
        return None if value is None else self.whole(value, where, name, 1, 4)

    def flag(self, value: object, where: str, name: str) -> bool:
        if type(value) is not bool:
            self.add(where, f"{name} must be true or false")
            return False
        return value

    def indexes(self, value: object, where: str, name: str) -> tuple[int, ...]:
        """Indexes into a question's guidance points or follow-ups."""
        if (
            type(value) is not list
            or len(value) > MAX_LINES
            or any(type(i) is not int or not 0 <= i < MAX_LINES for i in value)
        ):
            self.add(
                where, f"{name} must be a list of numbers from 0 to {MAX_LINES - 1}"
            )
            return ()
        return tuple(sorted(set(value)))

    def mock_interviews(self, values: list[Any]) -> list[MockInterviewEntry]:
        checked: dict[int, MockInterviewEntry] = {}
        for number, value in enumerate(values, start=1):
            where = f"mock interview {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            count = len(self.problems)
            ref = self.whole(entry.get("ref"), where, "ref", 1, MAX_REF)
            if ref is not None and ref in checked:
                self.add(where, f"ref {ref} is used by an earlier mock interview")
            name = self.text(
                entry.get("candidate_name"),
                where,
                "candidate_name",
                MAX_CANDIDATE_NAME,
            )
            show_text = self.flag(entry.get("show_text", True), where, "show_text")
            fields = self.lines(entry.get("fields", []), where, "fields")
            method = entry.get("method")
            if method not in METHODS:
                self.add(where, f"method must be one of {', '.join(METHODS)}")
            level = entry.get("level")
            if level is not None and level not in LEVELS:
                self.add(where, f"level must be one of {', '.join(LEVELS)} or null")
            status = entry.get("status")
            if status not in MOCK_STATUSES:
                self.add(where, f"status must be one of {', '.join(MOCK_STATUSES)}")
            position = self.whole(
                entry.get("position", 0), where, "position", 0, MAX_QUESTIONS
            )
            link_days = entry.get("link_days", 7)
            if link_days not in LINK_LIFETIMES_DAYS or type(link_days) is not int:
                self.add(where, "link_days must be 1, 7 or 30")
            created = self.moment(entry.get("created_at"), where, "created_at")
            started = self.optional_moment(entry.get("started_at"), where, "started_at")
            ended = self.optional_moment(entry.get("ended_at"), where, "ended_at")
            if len(self.problems) == count:
                checked[ref] = MockInterviewEntry(
                    ref,
                    name,
                    show_text,
                    fields or (),
                    method,
                    level,
                    status,
                    position,
                    link_days,
                    created,
                    started,
                    ended,
                )
        self.mock_refs = set(checked)
        return list(checked.values())

    def mock_questions(self, values: list[Any]) -> list[MockQuestionEntry]:
        checked: dict[tuple[int, int], MockQuestionEntry] = {}
        for number, value in enumerate(values, start=1):
            where = f"mock interview question {number}"
            entry = self.object(value, where)
            if entry is None:
                continue
            count = len(self.problems)
            ref = self.whole(entry.get("interview"), where, "interview", 1, MAX_REF)
            if ref is not None and ref not in self.mock_refs:
                self.add(where, f"mock interview {ref} is not among the file's")
            position = self.whole(
                entry.get("position"), where, "position", 1, MAX_QUESTIONS
            )
            if (ref, position) in checked:
                self.add(where, f"mock interview {ref} has position {position} twice")
            question = self.text(
                entry.get("question"), where, "question", MAX_KEY_LENGTH
            )
            elapsed = self.seconds(entry.get("elapsed_seconds", 0), where)
            shown_at = self.optional_moment(entry.get("shown_at"), where, "shown_at")
            revealed = self.flag(entry.get("revealed", False), where, "revealed")
            rating = self.optional_rating(entry.get("rating"), where, "rating")
            rated_at = self.optional_moment(entry.get("rated_at"), where, "rated_at")
            covered = self.indexes(entry.get("covered", []), where, "covered")
            asked = self.indexes(
                entry.get("follow_ups_asked", []), where, "follow_ups_asked"
            )
            feedback = self.text(
                entry.get("feedback", ""), where, "feedback", MAX_NOTE_LENGTH
            )
            self_rating = self.optional_rating(
                entry.get("self_rating"), where, "self_rating"
            )
            if len(self.problems) == count:
                checked[(ref, position)] = MockQuestionEntry(
                    ref,
                    position,
                    question,
                    elapsed,
                    shown_at,
                    revealed,
                    rating,
                    rated_at,
                    covered,
                    asked,
                    feedback,
                    self_rating,
                )
        positions: dict[int, list[int]] = {}
        for ref, position in sorted(checked):
            positions.setdefault(ref, []).append(position)
        for ref, numbers in positions.items():
            if numbers != list(range(1, len(numbers) + 1)):
                self.add(
                    f"mock interview {ref}",
                    "its questions must be numbered 1, 2, 3... without gaps",
                )
        return sorted(checked.values(), key=lambda e: (e.interview, e.position))

    def private_keys_defined(self, document: ExportDocument) -> None:
        """Private question ids used anywhere must be among the file's questions."""
        own = document.own_keys()
        missing = sorted(
            key
            for key in document.question_keys() - own
            if OWN_KEY_PATTERN.fullmatch(key)
        )
        if missing:
            self.add(
                "questions",
                f"private questions used but not included: {', '.join(missing[:10])}",
            )
        refs = {entry.ref for entry in document.debriefs}
        for number, entry in enumerate(document.interviews, start=1):
            if entry.debrief is not None and entry.debrief not in refs:
                self.add(
                    f"interview {number}", f"debrief {entry.debrief} is not in the file"
                )
        self.raise_if_any()
