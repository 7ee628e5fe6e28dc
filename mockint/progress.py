"""What still trips a user up, and how that is trending: the review pages' data.

Every query here reads review cards (one per practised question) or a bounded
time window of daily practice sums (`mockint.practice_days`), never attempts, so
the cost does not grow with the length of the whole attempt history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from mockint.catalogue import QuestionEntry, current_catalogue
from mockint.localtime import end_of_local_day, local_today
from mockint.models import (
    SHAKY_AT_MOST,
    Attempt,
    Field,
    PracticeDayTotal,
    PracticeWeek,
    Question,
    Recording,
    ReviewCard,
    UTCDateTime,
)
from mockint.scheduling import (
    RECALL_WEIGHT,
    category_conditions,
    category_of,
    recall_sql,
)

RATING_WEEKS = 12
CALENDAR_WEEKS = 26
RECOVERED_DAYS = 30
# A heavy user recovers hundreds a month; the newest say enough.
RECOVERED_SHOWN = 20


# The card columns ranking reads: plain values, no ReviewCard objects to hydrate.
_CARD_COLUMNS = (
    ReviewCard.question_id,
    ReviewCard.stability,
    ReviewCard.due,
    ReviewCard.last_review,
    ReviewCard.reps,
    ReviewCard.lapses,
    ReviewCard.last_rating,
    ReviewCard.recent_ratings,
    ReviewCard.total_elapsed_seconds,
)


@dataclass(frozen=True)
class CardRank:
    """How weak one practised question is now, from its card read as a plain row."""

    card: sa.Row[Any]  # the card's _CARD_COLUMNS, not a ReviewCard
    weakness: float
    recall: float
    category: str
    due_by_today_end: bool

    @property
    def average_seconds(self) -> float:
        """Mean time spent answering."""
        card = self.card
        return card.total_elapsed_seconds / card.reps if card.reps else 0.0


@dataclass(frozen=True)
class WeakQuestion(CardRank):
    """One practised question with how weak it is now."""

    question: Question | QuestionEntry


@dataclass(frozen=True)
class CardCounts:
    """How many questions match the filters, and the user's cards on them by
    state."""

    questions: int  # practised or not
    practised: int  # with a card
    shaky: int
    learning: int
    solid: int
    due_today: int


# The parameters the ranking statements share.
USER_ID = sa.bindparam("user_id")
NOW = sa.bindparam("now", type_=UTCDateTime())
DAY_END = sa.bindparam("day_end", type_=UTCDateTime())


def _question_filters(
    in_field: bool, by_kind: bool, by_level: bool, recorded: bool = False
) -> list[sa.ColumnElement[bool]]:
    """Active questions the user may see, narrowed by the filters given, with
    parameters (user_id, field_id, kind, level); `recorded` keeps the questions
    the user has a recorded answer to."""
    filters = [Question.archived_at.is_(None), Question.visible_to(USER_ID)]
    if recorded:
        filters.append(
            Question.id.in_(
                sa.select(Attempt.question_id)
                .join(Recording, Recording.attempt_id == Attempt.id)
                .where(Attempt.user_id == USER_ID)
            )
        )
    if in_field:
        filters.append(Question.field_id == sa.bindparam("field_id"))
    if by_kind:
        filters.append(Question.kind == sa.bindparam("kind"))
    if by_level:
        filters.append(Question.level == sa.bindparam("level"))
    return filters


def _matching_cards(filters: list[sa.ColumnElement[bool]]) -> sa.Select:
    return (
        sa.select(ReviewCard)
        .join(Question, Question.id == ReviewCard.question_id)
        .where(ReviewCard.user_id == USER_ID, *filters)
    )


# Statements are built once per combination of filters, with parameters: building
# one and its cache key afresh costs more than SQLite takes to answer it.


@cache
def _counts_statement(
    in_field: bool, by_kind: bool, by_level: bool, recorded: bool
) -> sa.Select:
    """One row: the matching questions, and the user's cards on them by state."""
    filters = _question_filters(in_field, by_kind, by_level, recorded)
    card = _matching_cards(filters).subquery().c
    states = category_conditions(card.last_rating, card.stability)

    def tally(condition: sa.ColumnElement[bool]) -> sa.ColumnElement[int]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    # Two aggregates without GROUP BY: exactly one row each, even with no card.
    questions = sa.select(sa.func.count().label("questions")).where(*filters)
    cards = sa.select(
        sa.func.count().label("practised"),
        *(tally(states[name]).label(name) for name in ("shaky", "learning", "solid")),
        tally(card.due < DAY_END).label("due_today"),
    )
    questions, cards = questions.subquery(), cards.subquery()
    return sa.select(questions, cards).select_from(questions).join(cards, sa.true())


@cache
def _ranked_statement(
    in_field: bool,
    by_kind: bool,
    by_level: bool,
    recorded: bool,
    limited: bool,
    drill_first: bool,
) -> sa.Select:
    """The user's cards on the matching questions, weakest first (due and shaky
    ones before the rest when `drill_first`), the first `shown` when `limited`:
    the database ranks, so Python reads only the rows shown."""
    filters = _question_filters(in_field, by_kind, by_level, recorded)
    card = _matching_cards(filters).subquery().c
    # Recall once per card in a subquery of its own: the ranking and the order
    # both read it, and parsing the stored dates is most of its cost.
    with_recall = sa.select(
        *(card[column.key] for column in _CARD_COLUMNS),
        card.rating_weakness,
        recall_sql(NOW, card.stability, card.last_review).label("recall"),
    ).subquery()
    card = with_recall.c
    weakness = (RECALL_WEIGHT * (1 - card.recall) + card.rating_weakness).label(
        "weakness"
    )
    order = [weakness.desc(), card.due, card.question_id]
    if drill_first:
        due_or_shaky = (card.due < DAY_END) | (card.last_rating <= SHAKY_AT_MOST)
        order.insert(0, sa.case((due_or_shaky, 0), else_=1))
    ranked = sa.select(
        *(card[column.key] for column in _CARD_COLUMNS), card.recall, weakness
    ).order_by(*order)
    return ranked.limit(sa.bindparam("shown")) if limited else ranked


def _parameters(
    user_id: int,
    now: datetime,
    day_end: datetime,
    field_id: int | None,
    kind: str | None,
    level: str | None,
    shown: int | None = None,
) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "now": now,
        "day_end": day_end,
        "field_id": field_id,
        "kind": kind,
        "level": level,
        "shown": shown,
    }


def _card_counts(
    session: Session,
    user_id: int,
    day_end: datetime,
    field_id: int | None = None,
    kind: str | None = None,
    level: str | None = None,
    recorded: bool = False,
) -> CardCounts:
    """How many questions match, and the user's cards on them by state."""
    statement = _counts_statement(
        field_id is not None, bool(kind), bool(level), recorded
    )
    parameters = _parameters(user_id, day_end, day_end, field_id, kind, level)
    row = session.connection().execute(statement, parameters).one()
    return CardCounts(*row)


def _ranked_cards(
    session: Session,
    user_id: int,
    now: datetime,
    day_end: datetime,
    shown: int | None,
    field_id: int | None = None,
    kind: str | None = None,
    level: str | None = None,
    drill_first: bool = False,
    recorded: bool = False,
) -> list[CardRank]:
    """The user's cards on the matching questions, the first `shown` (all if
    None) weakest first."""
    statement = _ranked_statement(
        field_id is not None,
        bool(kind),
        bool(level),
        recorded,
        shown is not None,
        drill_first,
    )
    parameters = _parameters(user_id, now, day_end, field_id, kind, level, shown)
    # Core on the session's connection: these are plain rows, and the ORM's
    # handling of a result costs more per row than the row itself.
    return [
        CardRank(
            card=row,
            weakness=row.weakness,
            recall=row.recall,
            category=category_of(row.last_rating, row.stability),
            due_by_today_end=row.due < day_end,
        )
        for row in session.connection().execute(statement, parameters)
    ]


def _loaded_questions(session: Session, ids: list[int]) -> dict[int, Question]:
    """Questions (with their fields) by id, in one statement."""
    if not ids:
        return {}
    return {
        question.id: question
        for question in session.scalars(
            sa.select(Question)
            .where(Question.id.in_(ids))
            .options(joinedload(Question.field))
        )
    }


def _paired(
    ranked: Sequence[CardRank], questions: Mapping[int, Question | QuestionEntry]
) -> list[WeakQuestion]:
    """Each ranked card with its question, skipping any not found."""
    return [
        WeakQuestion(
            card=item.card,
            weakness=item.weakness,
            recall=item.recall,
            category=item.category,
            due_by_today_end=item.due_by_today_end,
            question=questions[item.card.question_id],
        )
        for item in ranked
        # Archived between the two statements (PostgreSQL reads committed rows).
        if item.card.question_id in questions
    ]


def _with_questions(session: Session, ranked: Sequence[CardRank]) -> list[WeakQuestion]:
    """The ranked cards with their questions as objects (rounds need them)."""
    ids = [item.card.question_id for item in ranked]
    return _paired(ranked, _loaded_questions(session, ids))


def _with_listed_questions(
    session: Session, ranked: Sequence[CardRank]
) -> list[WeakQuestion]:
    """The ranked cards with their questions as lists show them: bank questions
    from the catalogue, the user's own from the database (one statement, if any)."""
    catalogue = current_catalogue(session).questions
    listed: dict[int, Question | QuestionEntry] = {}
    own = []
    for item in ranked:
        question_id = item.card.question_id
        if question_id in catalogue:
            listed[question_id] = catalogue[question_id]
        else:
            own.append(question_id)
    listed.update(_loaded_questions(session, own))
    return _paired(ranked, listed)


def ranked_questions(
    session: Session,
    user_id: int,
    now: datetime,
    zone: ZoneInfo,
    field_id: int | None = None,
    kind: str | None = None,
    level: str | None = None,
) -> list[WeakQuestion]:
    """The user's practised questions, weakest first."""
    day_end = end_of_local_day(now, zone)
    ranked = _ranked_cards(session, user_id, now, day_end, None, field_id, kind, level)
    return _with_questions(session, ranked)


def drill_questions(
    session: Session,
    user_id: int,
    now: datetime,
    zone: ZoneInfo,
    count: int,
    field_id: int | None = None,
    kind: str | None = None,
    level: str | None = None,
    recorded: bool = False,
) -> list[Question]:
    """The N questions to drill: due or shaky ones first, weakest leading."""
    day_end = end_of_local_day(now, zone)
    ranked = _ranked_cards(
        session,
        user_id,
        now,
        day_end,
        count,
        field_id,
        kind,
        level,
        drill_first=True,
        recorded=recorded,
    )
    return [item.question for item in _with_questions(session, ranked)]


@dataclass(frozen=True)
class StateCounts:
    """How many questions are in each state, and how many are due today."""

    new: int
    learning: int
    shaky: int
    solid: int
    due_today: int


@dataclass(frozen=True)
class ReviewOverview:
    """The review page's list and counts, from one read of the cards."""

    counts: StateCounts
    weakest: list[WeakQuestion]
    ranked_total: int


def review_overview(
    session: Session,
    user_id: int,
    now: datetime,
    zone: ZoneInfo,
    shown: int | None,
    field_id: int | None = None,
    kind: str | None = None,
    level: str | None = None,
    recorded: bool = False,
) -> ReviewOverview:
    """Counts by state and the `shown` weakest questions (all if None): the cards
    as rows, their questions from the catalogue; `recorded` keeps the questions
    with a recorded answer."""
    day_end = end_of_local_day(now, zone)
    found = _card_counts(session, user_id, day_end, field_id, kind, level, recorded)
    ranked = _ranked_cards(
        session,
        user_id,
        now,
        day_end,
        shown,
        field_id,
        kind,
        level,
        recorded=recorded,
    )
    counts = StateCounts(
        new=found.questions - found.practised,
        learning=found.learning,
        shaky=found.shaky,
        solid=found.solid,
        due_today=found.due_today,
    )
    return ReviewOverview(
        counts=counts,
        weakest=_with_listed_questions(session, ranked),
        ranked_total=found.practised,
    )


@dataclass(frozen=True)
class RecoveredQuestion:
    """A question that went from shaky to solid, and since when."""

    key: str
    text: str
    recovered_at: datetime


@dataclass(frozen=True)
class Recovered:
    """The most recently recovered questions, and how many there are in all."""

    shown: list[RecoveredQuestion]
    total: int


@cache
def _recovered_statement(shown: int) -> sa.Select:
    """The newest recoveries with the count of all; parameters user_id, since.

    Only the rows shown are joined to their questions; the count is a subquery of
    its own (both read the user's recoveries through their index).
    """
    recovered = (
        ReviewCard.user_id == sa.bindparam("user_id"),
        ReviewCard.recovered_at >= sa.bindparam("since"),
        ReviewCard.last_rating > SHAKY_AT_MOST,
    )
    newest = (
        sa.select(ReviewCard.question_id, ReviewCard.recovered_at)
        .where(*recovered)
        .order_by(ReviewCard.recovered_at.desc(), ReviewCard.question_id)
        .limit(shown)
        .subquery()
    )
    total = sa.select(sa.func.count()).where(*recovered).scalar_subquery()
    return (
        sa.select(
            Question.key, Question.text, newest.c.recovered_at, total.label("total")
        )
        .join_from(newest, Question, Question.id == newest.c.question_id)
        .order_by(newest.c.recovered_at.desc(), newest.c.question_id)
    )


def recovered_questions(
    session: Session, user_id: int, now: datetime, shown: int = RECOVERED_SHOWN
) -> Recovered:
    """Questions that went from shaky to solid ratings in the last 30 days, the
    most recent first: at most `shown` of them, and the count of all."""
    since = now - timedelta(days=RECOVERED_DAYS)
    rows = (
        session.connection()
        .execute(_recovered_statement(shown), {"user_id": user_id, "since": since})
        .all()
    )
    return Recovered(
        shown=[RecoveredQuestion(row.key, row.text, row.recovered_at) for row in rows],
        total=rows[0].total if rows else 0,
    )


def _window_start(today: date, weeks: int) -> date:
    """The Monday that starts a window of whole weeks ending with this week."""
    return today - timedelta(days=today.weekday() + 7 * (weeks - 1))


@dataclass(frozen=True)
class FieldTrend:
    """A field's average rating per week."""

    field_name: str
    weeks: list[tuple[date, float | None, int]]  # week start, mean rating, answers


# The weekly sums of the window's weeks, a row per field and week (at most 12 per
# field), with the field's name; parameters (user_id, first_week, last_week).
_WEEKLY = (
    sa.select(
        PracticeWeek.field_id,
        Field.name,
        PracticeWeek.week,
        PracticeWeek.rating_sum,
        PracticeWeek.answers,
    )
    .join(Field, Field.id == PracticeWeek.field_id)
    .where(
        PracticeWeek.user_id == sa.bindparam("user_id"),
        PracticeWeek.week >= sa.bindparam("first_week"),
        PracticeWeek.week <= sa.bindparam("last_week"),
    )
)


def weekly_ratings(
    session: Session, user_id: int, now: datetime, zone: ZoneInfo
) -> tuple[list[date], list[FieldTrend]]:
    """Average rating per field per week over the last 12 weeks, from daily sums."""
    first_week = _window_start(local_today(now, zone), RATING_WEEKS)
    weeks = [first_week + timedelta(weeks=i) for i in range(RATING_WEEKS)]
    rows = session.connection().execute(
        _WEEKLY,
        {"user_id": user_id, "first_week": first_week, "last_week": weeks[-1]},
    )
    names: dict[int, str] = {}
    sums: dict[int, dict[date, list[int]]] = defaultdict(
        lambda: {week: [0, 0] for week in weeks}
    )
    for field_id, name, week, rating_sum, answers in rows:
        names[field_id] = name
        sums[field_id][week] = [rating_sum, answers]
    trends = [
        FieldTrend(
            field_name=names[field_id],
            weeks=[
                (week, round(total / count, 2) if count else None, count)
                for week, (total, count) in by_week.items()
            ],
        )
        for field_id, by_week in sums.items()
    ]
    trends.sort(key=lambda trend: trend.field_name)
    return weeks, trends


@dataclass(frozen=True)
class PracticeCalendar:
    """Answers per local day over the last 26 weeks, and the streaks."""

    first_day: date
    today: date
    answers_by_day: dict[date, int]
    current_streak: int
    longest_streak: int

    @property
    def practice_days(self) -> int:
        """Days with at least one answer."""
        return len(self.answers_by_day)


_PRACTISED_DAYS = sa.select(PracticeDayTotal.day, PracticeDayTotal.answers).where(
    PracticeDayTotal.user_id == sa.bindparam("user_id"),
    PracticeDayTotal.day >= sa.bindparam("first_day"),
)


def practice_calendar(
    session: Session, user_id: int, now: datetime, zone: ZoneInfo
) -> PracticeCalendar:
    """Which local days had practice, for the calendar and the streak."""
    today = local_today(now, zone)
    first_day = _window_start(today, CALENDAR_WEEKS)
    # One row per practised day: at most 182.
    rows = session.connection().execute(
        _PRACTISED_DAYS, {"user_id": user_id, "first_day": first_day}
    )
    by_day = {day: answers for day, answers in rows}
    return PracticeCalendar(
        first_day=first_day,
        today=today,
        answers_by_day=by_day,
        current_streak=_current_streak(by_day, today),
        longest_streak=_longest_streak(by_day),
    )


def _current_streak(days: dict[date, int], today: date) -> int:
    # A streak still counts today if yesterday was practised. Days as ordinals:
    # date arithmetic per day cost more than the rest of the calendar.
    practised = {day.toordinal() for day in days}
    day = today.toordinal()
    if day not in practised:
        day -= 1
    streak = 0
    while day - streak in practised:
        streak += 1
    return streak


def _longest_streak(days: dict[date, int]) -> int:
    practised = {day.toordinal() for day in days}
    longest = 0
    for day in practised:
        if day - 1 in practised:
            continue
        length = 1
        while day + length in practised:
            length += 1
        longest = max(longest, length)
    return longest
