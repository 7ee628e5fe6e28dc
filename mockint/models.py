"""Database models: profiles, fields, questions, rounds and attempts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin

from mockint.banks import WARNING_PREFIXES, guidance_points, strong_points
from mockint.delivery import LONG_PAUSE_SECONDS
from mockint.extensions import db

RATING_LABELS = {1: "Stumped", 2: "Shaky", 3: "Solid", 4: "Nailed it"}
LEVEL_LABELS = {"entry": "Entry", "experienced": "Experienced", "manager": "Manager"}


SHAKY_AT_MOST = 2  # a last rating of Stumped or Shaky means "still shaky"
# Guidance points that describe a weak answer rather than something to cover.


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend, SQLite included."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        """Refuse naive datetimes and store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def result_processor(
        self, dialect: sa.Dialect, coltype: object
    ) -> Callable[[object], datetime | None] | None:
        """On SQLite, parse the stored UTC text straight into an aware datetime.

        The generic path (the dialect's parse, then process_result_value's
        replace) cost a sixth of the review page, which reads two dates for each
        of hundreds of cards; one `fromisoformat` gives the same value.
        """
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = datetime.fromisoformat

        def process(value: object) -> datetime | None:
            if value is None:
                return None
            if isinstance(value, datetime):  # a driver that already parsed it
                return self.process_result_value(value, dialect)
            return parse(f"{value}+00:00")

        return process

    def process_result_value(
        self, value: datetime | None, dialect: sa.Dialect
    ) -> datetime | None:
        """Return aware datetimes in `datetime.UTC`, whatever the driver gave."""
        if value is None:
            return None
        # SQLite gives naive values; psycopg gives ZoneInfo("Etc/UTC"), which
        # fsrs refuses: normalise both here, the one place every read passes.
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class User(UserMixin, db.Model):
    """A profile: a guest (no username) or an account."""

    __tablename__ = "users"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str | None] = so.mapped_column(sa.String(64), unique=True)
    password_hash: so.Mapped[str | None] = so.mapped_column(sa.String(256))
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # An IANA zone name sent by the browser; dates and "due today" use it.
    timezone: so.Mapped[str] = so.mapped_column(
        sa.String(64), default="UTC", server_default="UTC"
    )
    # The level rounds default to (entry, experienced, manager), or None: any.
    level: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    # Whether the question screen records spoken answers: off until turned on.
    records_answers: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )

    @property
    def is_guest(self) -> bool:
        """True while the profile has not been saved as an account."""
        return self.username is None

    # The raw token of the login session this request was authenticated by (set
    # by mockint.identity); cookies carry it, the database only its hash.
    # (Plain attributes, not columns: SQLAlchemy maps only Mapped annotations.)
    session_token = None  # type: str | None
    # That session: a LoginSession, or the login_sessions.FoundSession read per request.
    login_session = None  # type: LoginSession | None

    def get_id(self) -> str | None:
        """Return what Flask-Login stores in cookies: this browser's session token."""
        return self.session_token


class LoginSession(db.Model):
    """One signed-in browser of a profile; deleting the row signs that browser out."""

    __tablename__ = "login_sessions"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # SHA-256 of the random token the cookies carry: a stolen database holds no
    # usable session.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # A short description such as "Firefox on Windows", never the raw header.
    browser: so.Mapped[str] = so.mapped_column(sa.String(80), default="")

    user: so.Mapped[User] = so.relationship()


class Field(db.Model):
    """A field of work with its question bank."""

    __tablename__ = "fields"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    description: so.Mapped[str] = so.mapped_column(sa.Text)
    id_prefix: so.Mapped[str] = so.mapped_column(sa.String(16))
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # The one "My questions" field: each user sees only their own questions in it,
    # and bank syncing leaves it alone.
    personal: so.Mapped[bool] = so.mapped_column(
        default=False, server_default=sa.false()
    )
    # How the home page groups fields ("Technology", "Business", ...).
    group: so.Mapped[str] = so.mapped_column(
        sa.String(40), default="Everyone", server_default="Everyone"
    )

    questions: so.WriteOnlyMapped[Question] = so.relationship(back_populates="field")


class Question(db.Model):
    """One interview question, keyed by its stable bank id (or a private one's)."""

    __tablename__ = "questions"
    __table_args__ = (
        # Counting the questions a user may see, by field, kind and level, from
        # the index alone: a question's row carries its text and guidance.
        sa.Index(
            "ix_questions_visible",
            "owner_id",
            "archived_at",
            "field_id",
            "kind",
            "level",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    key: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    field_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fields.id", ondelete="RESTRICT"), index=True
    )
    position: so.Mapped[int] = so.mapped_column(default=0)
    text: so.Mapped[str] = so.mapped_column(sa.Text)
    kind: so.Mapped[str] = so.mapped_column(sa.String(16))
    # entry, experienced or manager: the career stage it is asked at.
    level: so.Mapped[str] = so.mapped_column(
        sa.String(12), default="experienced", server_default="experienced"
    )
    difficulty: so.Mapped[int]
    target_seconds: so.Mapped[int]
    guidance: so.Mapped[str] = so.mapped_column(sa.Text)
    follow_ups: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    # Former ids of a bank question that moved between fields.
    aliases: so.Mapped[list[str]] = so.mapped_column(
        sa.JSON, default=list, server_default="[]"
    )
    archived_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Set for a user's private question; None for bank questions. Indexed with
    # the listing's filters (ix_questions_visible) rather than on its own.
    owner_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )

    field: so.Mapped[Field] = so.relationship(back_populates="questions")

    @classmethod
    def visible_to(cls, user_id: int | None) -> sa.ColumnElement[bool]:
        """SQL condition: bank questions, and the user's own private ones."""
        if user_id is None:
            return cls.owner_id.is_(None)
        return sa.or_(cls.owner_id.is_(None), cls.owner_id == user_id)

    @property
    def guidance_points(self) -> list[str]:
        """The guidance split into its bullet points."""
        return guidance_points(self.guidance)

    @property
    def strong_points(self) -> list[tuple[int, str]]:
        """What a strong answer covers (`banks.strong_points`)."""
        return strong_points(self.guidance_points)

    @property
    def warnings(self) -> list[str]:
        """The guidance's red flags and common mistakes: to watch for, not to tick."""
        return [p for p in self.guidance_points if p.startswith(WARNING_PREFIXES)]


class Round(db.Model):
    """A practice round: an ordered set of questions answered in one sitting."""

    __tablename__ = "rounds"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    # None for rounds that mix fields (drills of weak questions).
    field_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("fields.id", ondelete="RESTRICT")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)

    field: so.Mapped[Field | None] = so.relationship()
    items: so.Mapped[list[RoundItem]] = so.relationship(
        back_populates="round",
        order_by="RoundItem.position",
        cascade="all, delete-orphan",
    )


class RoundItem(db.Model):
    """A question's place in a round."""

    __tablename__ = "round_items"
    __table_args__ = (sa.UniqueConstraint("round_id", "position"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    round_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("rounds.id", ondelete="CASCADE")
    )
    position: so.Mapped[int]
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )

    round: so.Mapped[Round] = so.relationship(back_populates="items")
    question: so.Mapped[Question] = so.relationship()
    attempt: so.Mapped[Attempt | None] = so.relationship(
        back_populates="round_item", uselist=False
    )


class Attempt(db.Model):
    """One timed, self-rated answer to a question."""

    __tablename__ = "attempts"
    __table_args__ = (
        sa.Index("ix_attempts_user_question", "user_id", "question_id", "id"),
        sa.Index("ix_attempts_user_answered", "user_id", "answered_at"),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="rating_range"),
        sa.CheckConstraint("elapsed_seconds >= 0", name="elapsed_positive"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="RESTRICT")
    )
    round_item_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("round_items.id", ondelete="SET NULL"), unique=True
    )
    rating: so.Mapped[int]
    elapsed_seconds: so.Mapped[float]
    # "browser" when the page's timer measured it, "server" from the timestamps.
    timed_by: so.Mapped[str] = so.mapped_column(sa.String(8), default="browser")
    # "self" for the user's own rating, "interviewer" for a friend's in a mock
    # interview (shown as such in history and exports).
    rated_by: so.Mapped[str] = so.mapped_column(
        sa.String(12), default="self", server_default="self"
    )
    shown_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    answered_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    note: so.Mapped[str] = so.mapped_column(sa.Text, default="")

    question: so.Mapped[Question] = so.relationship()
    round_item: so.Mapped[RoundItem | None] = so.relationship(back_populates="attempt")
    recording: so.Mapped[Recording | None] = so.relationship(
        back_populates="attempt", uselist=False, passive_deletes=True
    )

    @property
    def rating_label(self) -> str:
        """The rating's word, e.g. "Shaky"."""
        return RATING_LABELS[self.rating]

    @property
    def over_target(self) -> bool:
        """True when the answer took longer than the question's target."""
        return self.elapsed_seconds > self.question.target_seconds


class Recording(db.Model):
    """The audio of one spoken answer, with the delivery figures read from it.

    It belongs to its attempt (whose owner is the recording's): moving or deleting
    the attempt moves or deletes the recording.
    """

    __tablename__ = "recordings"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("attempts.id", ondelete="CASCADE"), unique=True
    )
    mime_type: so.Mapped[str] = so.mapped_column(sa.String(40))
    size: so.Mapped[int]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Loaded only when the audio is served or exported.
    data: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    # The delivery figures (mockint.delivery), in seconds unless named otherwise.
    duration: so.Mapped[float]
    first_word: so.Mapped[float | None]
    speaking: so.Mapped[float]
    silence_share: so.Mapped[float]
    pauses: so.Mapped[list[float]] = so.mapped_column(sa.JSON, default=list)
    words_per_minute: so.Mapped[float]
    # Loudness in equal slices, 0 to 1: the player's waveform.
    outline: so.Mapped[list[float]] = so.mapped_column(sa.JSON, default=list)

    attempt: so.Mapped[Attempt] = so.relationship(back_populates="recording")

    @property
    def long_pauses(self) -> list[float]:
        """The pauses over two seconds."""
        return [pause for pause in self.pauses if pause > LONG_PAUSE_SECONDS]


class ReviewCard(db.Model):
    """A user's spaced-repetition state for one question, derived from attempts."""

    __tablename__ = "review_cards"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "question_id"),
        sa.Index("ix_review_cards_user_due", "user_id", "due"),
        # The progress page's "turned around in the last 30 days".
        sa.Index("ix_review_cards_user_recovered_at", "user_id", "recovered_at"),
        # Every column the state counts and the weakness ranking read, so that
        # they scan the user's part of this index and never the table.
        sa.Index(
            "ix_review_cards_user_ranking",
            "user_id",
            "question_id",
            "last_rating",
            "stability",
            "due",
            "last_review",
            "rating_weakness",
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    # FSRS memory state (fsrs.Card): state 1 learning, 2 review, 3 relearning.
    state: so.Mapped[int]
    step: so.Mapped[int | None]
    stability: so.Mapped[float]
    difficulty: so.Mapped[float]
    due: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    last_review: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    # Summaries of the attempt log, kept here so pages never scan attempts.
    reps: so.Mapped[int] = so.mapped_column(default=0)
    lapses: so.Mapped[int] = so.mapped_column(default=0)
    last_rating: so.Mapped[int]
    recent_ratings: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    total_elapsed_seconds: so.Mapped[float] = so.mapped_column(default=0.0)
    # The part of the weakness score that only ratings and lapses move (see
    # scheduling.rating_weakness): kept so that SQL can rank cards by weakness.
    rating_weakness: so.Mapped[float] = so.mapped_column(default=0.0)
    # When the question last went from a shaky rating to a solid one.
    recovered_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    question: so.Mapped[Question] = so.relationship()

    @property
    def average_seconds(self) -> float:
        """Mean time spent answering."""
        return self.total_elapsed_seconds / self.reps if self.reps else 0.0


class AnswerOutline(db.Model):
    """A user's talking points for their best answer to a question."""

    __tablename__ = "answer_outlines"
    __table_args__ = (sa.UniqueConstraint("user_id", "question_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="RESTRICT")
    )
    text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )


class FailedLogin(db.Model):
    """A refused login, kept briefly to slow down password guessing."""

    __tablename__ = "failed_logins"
    __table_args__ = (
        sa.Index("ix_failed_logins_username_address_at", "username", "address", "at"),
        sa.Index("ix_failed_logins_address_at", "address", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(64))
    address: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class RateEvent(db.Model):
    """An action counted per address (sign-ups, imports), kept briefly."""

    __tablename__ = "rate_events"
    __table_args__ = (
        sa.Index("ix_rate_events_action_address_at", "action", "address", "at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    action: so.Mapped[str] = so.mapped_column(sa.String(32))
    address: so.Mapped[str] = so.mapped_column(sa.String(64))
    at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


DEBRIEF_KINDS = {
    "phone-screen": "Phone screen",
    "behavioral": "Behavioral",
    "technical": "Technical",
    "case": "Case",
    "panel": "Panel",
    "take-home": "Take-home review",
    "final": "Final round",
    "other": "Other",
}


class Debrief(db.Model):
    """A user's notes on a real interview, kept as a draft until finished."""

    __tablename__ = "debriefs"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    company: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    role: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    interview_on: so.Mapped[date]
    kind: so.Mapped[str] = so.mapped_column(sa.String(24), default="other")
    what_happened: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The stumpers as typed, one per line: kept verbatim so a draft loses nothing.
    stumpers_text: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    learned: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    feedback: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    went_well: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    next_interview_on: so.Mapped[date | None]
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    updated_at: so.Mapped[datetime] = so.mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )
    finished_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    stumpers: so.Mapped[list[DebriefStumper]] = so.relationship(
        back_populates="debrief",
        order_by="DebriefStumper.position",
        cascade="all, delete-orphan",
    )

    @property
    def kind_label(self) -> str:
        """The kind of interview in words."""
        return DEBRIEF_KINDS.get(self.kind, "Other")


class DebriefStumper(db.Model):
    """A question that stumped the user in a debriefed interview."""

    __tablename__ = "debrief_stumpers"
    __table_args__ = (sa.UniqueConstraint("debrief_id", "question_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    debrief_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("debriefs.id", ondelete="CASCADE")
    )
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    position: so.Mapped[int]

    debrief: so.Mapped[Debrief] = so.relationship(back_populates="stumpers")
    question: so.Mapped[Question] = so.relationship()


class UpcomingInterview(db.Model):
    """An interview the user is preparing for, with its focus and checklist."""

    __tablename__ = "upcoming_interviews"
    __table_args__ = (
        sa.Index("ix_upcoming_interviews_user_at", "user_id", "starts_at"),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    starts_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    company: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    role: so.Mapped[str] = so.mapped_column(sa.String(120), default="")
    # Slugs of the fields to focus on (bank slugs are stable across servers).
    field_slugs: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    # [{"text": str, "done": bool}, ...], editable by the user.
    checklist: so.Mapped[list[dict]] = so.mapped_column(sa.JSON, default=list)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    # Set once the user has debriefed this interview.
    debrief_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("debriefs.id", ondelete="SET NULL")
    )


INTERVIEW_STATUSES = ("ready", "live", "ended")


class Interview(db.Model):
    """A mock interview a friend runs for the candidate through a shared link."""

    __tablename__ = "interviews"
    __table_args__ = (sa.Index("ix_interviews_user_created", "user_id", "created_at"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    # In token-free addresses (/interviews/<public_id>/...): unguessable, but
    # only a grant or ownership opens anything.
    public_id: so.Mapped[str] = so.mapped_column(sa.String(24), unique=True)
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE")
    )
    candidate_name: so.Mapped[str] = so.mapped_column(sa.String(60))
    # Off: the question is spoken only, until the interviewer reveals it.
    show_text: so.Mapped[bool] = so.mapped_column(default=True)
    field_slugs: so.Mapped[list[str]] = so.mapped_column(sa.JSON, default=list)
    method: so.Mapped[str] = so.mapped_column(sa.String(16))
    level: so.Mapped[str | None] = so.mapped_column(sa.String(12))
    link_days: so.Mapped[int] = so.mapped_column(default=7)
    # ready (not begun), live, ended.
    status: so.Mapped[str] = so.mapped_column(sa.String(8), default="ready")
    # The question on screen (1-based); 0 before the interview begins.
    position: so.Mapped[int] = so.mapped_column(default=0)
    question_count: so.Mapped[int] = so.mapped_column(default=0)
    # Every change increments it: screens poll it, and changes compare-and-set it.
    version: so.Mapped[int] = so.mapped_column(default=1)
    # Set while the clock runs for the current question.
    timer_started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    started_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    ended_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    items: so.Mapped[list[InterviewItem]] = so.relationship(
        back_populates="interview",
        order_by="InterviewItem.position",
        cascade="all, delete-orphan",
    )
    links: so.Mapped[list[InterviewLink]] = so.relationship(
        back_populates="interview",
        order_by="InterviewLink.created_at",
        cascade="all, delete-orphan",
    )


class InterviewItem(db.Model):
    """One question of a mock interview with the interviewer's scoring."""

    __tablename__ = "interview_items"
    __table_args__ = (
        sa.UniqueConstraint("interview_id", "position"),
        sa.CheckConstraint("rating BETWEEN 1 AND 4", name="interview_rating_range"),
        sa.CheckConstraint(
            "self_rating BETWEEN 1 AND 4", name="interview_self_rating_range"
        ),
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    interview_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE")
    )
    position: so.Mapped[int]
    question_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("questions.id", ondelete="RESTRICT"), index=True
    )
    # Time on the clock for this question, excluding a run in progress.
    elapsed_seconds: so.Mapped[float] = so.mapped_column(default=0.0)
    shown_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    revealed: so.Mapped[bool] = so.mapped_column(default=False)
    rating: so.Mapped[int | None]
    rated_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)
    # Indexes into the question's guidance points and follow-ups.
    covered: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    follow_ups_asked: so.Mapped[list[int]] = so.mapped_column(sa.JSON, default=list)
    feedback: so.Mapped[str] = so.mapped_column(sa.Text, default="")
    # The candidate's own rating, added after the interview, for calibration.
    self_rating: so.Mapped[int | None]
    # The attempt the interviewer's rating became when the interview ended.
    attempt_id: so.Mapped[int | None] = so.mapped_column(
        sa.ForeignKey("attempts.id", ondelete="SET NULL"), unique=True
    )

    interview: so.Mapped[Interview] = so.relationship(back_populates="items")
    question: so.Mapped[Question] = so.relationship()
    attempt: so.Mapped[Attempt | None] = so.relationship()


class InterviewLink(db.Model):
    """A revocable, expiring link that lets a friend run one interview."""

    __tablename__ = "interview_links"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    interview_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("interviews.id", ondelete="CASCADE"), index=True
    )
    # SHA-256 of the random token in the link; the token itself is never stored.
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)
    expires_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime)
    revoked_at: so.Mapped[datetime | None] = so.mapped_column(UTCDateTime)

    interview: so.Mapped[Interview] = so.relationship(back_populates="links")
    grants: so.WriteOnlyMapped[InterviewGrant] = so.relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    def usable_at(self, moment: datetime) -> bool:
        """True while the link is neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > moment


class InterviewGrant(db.Model):
    """A browser session's right, gained by opening a link, to run its interview."""

    __tablename__ = "interview_grants"
    __table_args__ = (sa.UniqueConstraint("session_id", "link_id"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    link_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("interview_links.id", ondelete="CASCADE"), index=True
    )
    # The friend's server-side session: signing out or revoking ends the grant.
    session_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("login_sessions.id", ondelete="CASCADE")
    )
    created_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow)


class PracticeDay(db.Model):
    """A user's answers in one field on one local day, summed from attempts.

    Derived from the attempt log (like review cards) so the progress page reads a
    row per day and field, not every answer; `mockint.practice_days` keeps it.
    """

    __tablename__ = "practice_days"

    # The key leads with (user, day): the page reads one user's recent days.
    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: so.Mapped[date] = so.mapped_column(primary_key=True)
    field_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True
    )
    answers: so.Mapped[int]
    rating_sum: so.Mapped[int]


class PracticeWeek(db.Model):
    """A user's answers in one field in one local week (from its Monday): the
    practice days rolled up, so the weekly chart reads a row per field and week."""

    __tablename__ = "practice_weeks"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    week: so.Mapped[date] = so.mapped_column(primary_key=True)
    field_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("fields.id", ondelete="CASCADE"), primary_key=True
    )
    answers: so.Mapped[int]
    rating_sum: so.Mapped[int]


class PracticeDayTotal(db.Model):
    """A user's answers on one local day over every field: the practice days
    rolled up, so the calendar reads a row per day."""

    __tablename__ = "practice_day_totals"

    user_id: so.Mapped[int] = so.mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    day: so.Mapped[date] = so.mapped_column(primary_key=True)
    answers: so.Mapped[int]
    rating_sum: so.Mapped[int]


class BankVersion(db.Model):
    """One row counting changes to the banks' fields and questions.

    Processes keep the banks in memory (`mockint.catalogue`) and read this number
    on each request to know whether theirs is still current. A single row updated
    in place orders the changes as their transactions commit, which a sequence
    would not.
    """

    __tablename__ = "bank_version"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    version: so.Mapped[int] = so.mapped_column(default=0)
