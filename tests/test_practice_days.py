"""Daily practice sums: equal to the attempt log after every way answers arrive."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from test_concurrency import _all_at_once as all_at_once
from test_concurrency import _answer_form as answer_form
from test_concurrency import _twin as twin
from test_debriefing import fill as fill_debrief
from test_debriefing import start as start_debrief
from test_migrations import OLD_ROWS, table_then, then
from test_portability import upload

from mockint.extensions import db
from mockint.localtime import local_day_expression, local_today, zone_named
from mockint.models import (
    Attempt,
    Field,
    PracticeDay,
    PracticeDayTotal,
    PracticeWeek,
    Question,
    User,
)
from mockint.practice_days import rebuild_practice_days
from mockint.progress import (
    CALENDAR_WEEKS,
    RATING_WEEKS,
    FieldTrend,
    PracticeCalendar,
    _current_streak,
    _longest_streak,
    practice_calendar,
    weekly_ratings,
)
from mockint.scheduling import rebuild_cards, record_review

from support import (
    Auth,
    Interviewer,
    Interviews,
    Practice,
    counted_statements,
    csrf_token,
    make_user,
    post,
    valid_export,
)

Sums = dict[tuple[int, date, int], tuple[int, int]]
PRACTICE_DAYS_REVISION = "717e3e4ba354"  # creates practice_days from the attempts


def stored(app: Flask) -> Sums:
    """Every practice-day row: (user, day, field) -> (answers, rating sum)."""
    with app.app_context():
        return {
            (row.user_id, row.day, row.field_id): (row.answers, row.rating_sum)
            for row in db.session.scalars(sa.select(PracticeDay))
        }


def recomputed(app: Flask) -> Sums:
    """The same sums computed here from the attempts, in each user's zone now."""
    sums: dict[tuple[int, date, int], list[int]] = defaultdict(lambda: [0, 0])
    with app.app_context():
        rows = db.session.execute(
            sa.select(User.id, User.timezone, Attempt.answered_at, Question.field_id)
            .add_columns(Attempt.rating)
            .join(Attempt, Attempt.user_id == User.id)
            .join(Question, Question.id == Attempt.question_id)
        )
        for user_id, zone, answered_at, field_id, rating in rows:
            day = answered_at.astimezone(zone_named(zone)).date()
            sums[(user_id, day, field_id)][0] += 1
            sums[(user_id, day, field_id)][1] += rating
    return {key: (answers, total) for key, (answers, total) in sums.items()}


def rolled_up(app: Flask) -> tuple[dict, dict]:
    """The week and day-total rows: (user, week, field) and (user, day) sums."""
    with app.app_context():
        weeks = {
            (row.user_id, row.week, row.field_id): (row.answers, row.rating_sum)
            for row in db.session.scalars(sa.select(PracticeWeek))
        }
        totals = {
            (row.user_id, row.day): (row.answers, row.rating_sum)
            for row in db.session.scalars(sa.select(PracticeDayTotal))
        }
    return weeks, totals


def rolled_up_from(sums: Sums) -> tuple[dict, dict]:
    """The same rollups computed here from the day sums (weeks from Monday)."""
    weeks: dict = defaultdict(lambda: [0, 0])
    totals: dict = defaultdict(lambda: [0, 0])
    for (user_id, day, field_id), (answers, rating_sum) in sums.items():
        monday = day - timedelta(days=day.weekday())
        for total in (weeks[(user_id, monday, field_id)], totals[(user_id, day)]):
            total[0] += answers
            total[1] += rating_sum
    return (
        {key: tuple(value) for key, value in weeks.items()},
        {key: tuple(value) for key, value in totals.items()},
    )


def assert_in_step(app: Flask) -> Sums:
    """The stored sums, and their rollups by week and by day, equal a
    recomputation; return the day sums."""
    sums = stored(app)
    assert sums == recomputed(app)
    assert rolled_up(app) == rolled_up_from(sums)
    return sums


def set_zone(client: FlaskClient, zone: str) -> None:
    """Change the profile's zone as the browser's script does."""
    response = client.post(
        "/account/timezone",
        data={"timezone": zone},
        headers={"X-CSRFToken": csrf_token(client), "Accept": "application/json"},
    )
    assert response.json == {"ok": True, "timezone": zone}


def answer_round(practice: Practice, ratings: list[int], slug: str = "alpha-field"):  # noqa: ANN201
    """Start a round of three in the field and rate the first questions."""
    round_id = practice.start_round(slug, size=3)
    for position, rating in enumerate(ratings, start=1):
        assert practice.answer(round_id, position, rating).status_code == 302


def test_solo_answers_are_summed_by_local_day_and_field(
    app: Flask, practice: Practice
) -> None:
    answer_round(practice, [1, 3])
    set_zone(practice.client, "Pacific/Kiritimati")  # UTC+14: often tomorrow
    answer_round(practice, [4, 2, 3])
    answer_round(practice, [2], slug="beta-field")
    by_field: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for (_user, _day, field_id), (answers, total) in assert_in_step(app).items():
        by_field[field_id][0] += answers
        by_field[field_id][1] += total
    with app.app_context():
        slugs = dict(db.session.execute(sa.select(Field.id, Field.slug)).all())
    assert {slugs[field]: tuple(sums) for field, sums in by_field.items()} == {
        "alpha-field": (5, 13),
        "beta-field": (1, 2),
    }


def test_a_zone_change_moves_the_days(app: Flask, practice: Practice) -> None:
    answer_round(practice, [3, 3])
    with app.app_context():
        # Answered at 20:00 UTC yesterday: today in Kiritimati, yesterday in UTC.
        moment = datetime.now(UTC).replace(hour=20, minute=0) - timedelta(days=1)
        db.session.execute(sa.update(Attempt).values(answered_at=moment))
        user_id = db.session.scalar(sa.select(User.id))
        rebuild_practice_days(db.session, user_id)
        db.session.commit()
    assert {day for _user, day, _field in assert_in_step(app)} == {moment.date()}
    set_zone(practice.client, "Pacific/Kiritimati")
    assert {day for _user, day, _field in assert_in_step(app)} == {
        moment.date() + timedelta(days=1)
    }


def test_a_debrief_counts_its_stumpers_and_deleting_it_takes_them_out(
    app: Flask, practice: Practice
) -> None:
    client = practice.client
    answer_round(practice, [3])
    path = start_debrief(client)
    fill_debrief(
        client,
        path,
        stumpers_text="Design a rate limiter\nWhat is idempotency?",
        action="finish",
    )
    debrief = int(path.split("/")[2])
    assert post(client, f"/debriefs/{debrief}/finish").status_code == 302
    sums = assert_in_step(app)
    assert sum(answers for answers, _ in sums.values()) == 3
    assert post(client, f"/debriefs/{debrief}/delete").status_code == 302
    sums = assert_in_step(app)
    assert list(sums.values()) == [(1, 3)]  # the stumpers' day row is gone


def test_a_mock_interview_counts_its_rated_questions(
    app: Flask, client: FlaskClient
) -> None:
    _public_id, link = Interviews(client).create(count="3")
    friend = Interviewer(app, link)
    friend.act("begin")
    for position, rating in enumerate([3, None, 1], start=1):
        friend.score(position, rating, then="end" if position == 3 else "next")
    sums = assert_in_step(app)
    assert list(sums.values()) == [(2, 4)]


def test_an_import_is_summed_in_the_files_zone(app: Flask) -> None:
    visitor = app.test_client()
    assert upload(visitor, valid_export()).status_code == 302
    sums = assert_in_step(app)
    # 2025-03-03T18:00-05:00 is just after midnight on the 4th in Berlin.
    assert sorted({day for _user, day, _field in sums}) == [
        date(2025, 3, 1),
        date(2025, 3, 2),
        date(2025, 3, 4),
    ]


def test_merging_a_guest_sums_both_histories(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    make_user(app)
    other = app.test_client()
    assert Auth(other).login().status_code == 302
    answer_round(Practice(other), [4, 4])
    answer_round(practice, [1, 2])  # as a guest on the default client
    assert Auth(client).login().headers["Location"].endswith("/account/merge")
    post(client, "/account/merge", {"choice": "merge"})
    sums = assert_in_step(app)
    with app.app_context():
        account = db.session.scalar(sa.select(User.id).where(User.username == "ada"))
    assert {user for user, _day, _field in sums} == {account}
    assert sum(answers for answers, _ in sums.values()) == 4


def test_review_rebuild_recomputes_the_sums(
    app: Flask, practice: Practice, runner: FlaskCliRunner
) -> None:
    answer_round(practice, [2, 3])
    seed_attempts(app, 30)  # bulk inserted: nothing counted them
    assert stored(app) != recomputed(app)
    result = runner.invoke(args=["review", "rebuild"])
    assert result.exit_code == 0, result.output
    assert sum(answers for answers, _ in assert_in_step(app).values()) == 32


def test_the_migration_sums_the_attempts_made_before_it(empty_app: Flask) -> None:
    migrations = ScriptDirectory(empty_app.extensions["migrate"].directory)
    upgrade(revision=migrations.get_base())
    with db.engine.begin() as conn:
        for name, rows in OLD_ROWS.items():
            conn.execute(sa.insert(table_then(name)), [then(name, row) for row in rows])
    practice_days = migrations.get_revision(PRACTICE_DAYS_REVISION)
    upgrade(revision=practice_days.down_revision)  # the revision before the table
    with db.engine.begin() as conn:
        conn.execute(sa.text("UPDATE users SET timezone = 'Pacific/Kiritimati'"))
    upgrade()
    sums = assert_in_step(empty_app)
    # Ada answered on 3, 5 and 9 January at 09:03 UTC: 23:03 the same day in
    # Kiritimati (UTC+14); the guest on the 4th, in the archived field.
    assert sums == {
        (1, date(2026, 1, 3), 1): (2, 4),
        (1, date(2026, 1, 5), 1): (1, 2),
        (1, date(2026, 1, 9), 1): (1, 4),
        (2, date(2026, 1, 4), 2): (1, 2),
    }


# The page's numbers: the same as when it grouped the attempts at read time -----


def old_per_local_day(
    user_id: int,
    now: datetime,
    zone: ZoneInfo,
    since: datetime,
    keys: list[sa.ColumnElement],
    aggregates: list[sa.ColumnElement],
) -> list[sa.Row]:
    """The progress page's grouping before practice days (reference only)."""
    day = local_day_expression(
        Attempt.answered_at, zone, db.session.get_bind().dialect.name, now
    ).label("day")
    return db.session.execute(
        sa.select(day, *keys, *aggregates)
        .select_from(Attempt)
        .join(Question, Question.id == Attempt.question_id)
        .where(Attempt.user_id == user_id, Attempt.answered_at >= since)
        .group_by(day, *keys)
    ).all()


def old_weekly_ratings(
    user_id: int, now: datetime, zone: ZoneInfo
) -> tuple[list[date], list[FieldTrend]]:
    """weekly_ratings as it was, reading attempts."""
    today = local_today(now, zone)
    first_week = today - timedelta(days=today.weekday() + 7 * (RATING_WEEKS - 1))
    since = datetime.combine(first_week, datetime.min.time(), tzinfo=zone)
    rows = old_per_local_day(
        user_id,
        now,
        zone,
        since,
        keys=[Question.field_id],
        aggregates=[sa.func.sum(Attempt.rating), sa.func.count(Attempt.id)],
    )
    weeks = [first_week + timedelta(weeks=i) for i in range(RATING_WEEKS)]
    sums: dict[int, dict[date, list[int]]] = defaultdict(
        lambda: {week: [0, 0] for week in weeks}
    )
    for day_text, field_id, rating_sum, answers in rows:
        day = date.fromisoformat(str(day_text))
        week = day - timedelta(days=day.weekday())
        if week in sums[field_id]:
            sums[field_id][week][0] += int(rating_sum)
            sums[field_id][week][1] += int(answers)
    names = dict(
        db.session.execute(
            sa.select(Field.id, Field.name).where(Field.id.in_(sums))
        ).all()
    )
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


def old_practice_calendar(
    user_id: int, now: datetime, zone: ZoneInfo
) -> PracticeCalendar:
    """practice_calendar as it was, reading attempts."""
    today = local_today(now, zone)
    first_day = today - timedelta(days=today.weekday() + 7 * (CALENDAR_WEEKS - 1))
    since = datetime.combine(first_day, datetime.min.time(), tzinfo=zone)
    rows = old_per_local_day(
        user_id, now, zone, since, keys=[], aggregates=[sa.func.count()]
    )
    by_day = {date.fromisoformat(str(day)): int(count) for day, count in rows}
    return PracticeCalendar(
        first_day=first_day,
        today=today,
        answers_by_day=by_day,
        current_streak=_current_streak(by_day, today),
        longest_streak=_longest_streak(by_day),
    )


def seed_attempts(app: Flask, count: int, every: timedelta = timedelta(hours=7)):  # noqa: ANN201
    """Bulk-insert attempts (no record_review) for the only user, newest now."""
    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).order_by(User.id).limit(1))
        questions = list(db.session.scalars(sa.select(Question.id)))
        now = datetime.now(UTC)
        rows = [
            {
                "user_id": user_id,
                "question_id": questions[(i * 5) % len(questions)],
                "rating": 1 + (i * 7) % 4,
                "elapsed_seconds": 30.0 + i % 90,
                "shown_at": now - every * (count - i) - timedelta(minutes=2),
                "answered_at": now - every * (count - i),
                "note": "",
            }
            for i in range(count)
        ]
        db.session.execute(sa.insert(Attempt), rows)
        db.session.commit()


@pytest.mark.parametrize("zone_name", ["UTC", "Asia/Kolkata", "Pacific/Kiritimati"])
def test_the_page_shows_what_reading_the_attempts_showed(
    app: Flask, practice: Practice, zone_name: str
) -> None:
    answer_round(practice, [3])
    set_zone(practice.client, zone_name)
    # Six months, every 7 hours (gaps make streaks), answered days and weeks
    # across more fields than one, summed by rebuild then by record_review.
    seed_attempts(app, 600, every=timedelta(hours=7, minutes=13))
    with app.app_context():
        user = db.session.scalar(sa.select(User))
        rebuild_cards(db.session, user.id)
        questions = list(db.session.scalars(sa.select(Question).order_by(Question.id)))
        later = datetime.now(UTC) - timedelta(hours=30)
        for i in range(40):  # answers arriving one by one, some out of order
            attempt = Attempt(
                user_id=user.id,
                question_id=questions[i % len(questions)].id,
                rating=1 + i % 4,
                elapsed_seconds=50.0,
                shown_at=later,
                answered_at=later + timedelta(minutes=47 * (i % 7) - 90),
                note="",
            )
            db.session.add(attempt)
            db.session.flush()
            record_review(db.session, attempt)
        db.session.commit()
        zone = ZoneInfo(zone_name)
        now = datetime.now(UTC)
        weeks, trends = weekly_ratings(db.session, user.id, now, zone)
        assert len(trends) >= 2 and sum(n for t in trends for *_x, n in t.weeks)
        assert (weeks, trends) == old_weekly_ratings(user.id, now, zone)
        calendar = practice_calendar(db.session, user.id, now, zone)
        assert calendar.longest_streak >= 2
        assert calendar == old_practice_calendar(user.id, now, zone)
    page = practice.client.get("/review/progress").get_data(as_text=True)
    assert re.search(rf"\b{calendar.practice_days}\b", page)
    assert_in_step(app)


def test_the_page_reads_no_attempts_and_as_many_statements_at_any_size(
    app: Flask, practice: Practice
) -> None:
    answer_round(practice, [2])
    counts = []
    for size in (50, 500):
        with app.app_context():
            db.session.execute(sa.delete(Attempt))
            db.session.commit()
        seed_attempts(app, size, every=timedelta(hours=3))
        with app.app_context():
            rebuild_cards(db.session)
            db.session.commit()
        with counted_statements(app) as statements:
            assert practice.client.get("/review/progress").status_code == 200
        assert not [s for s in statements if re.search(r"\battempts\b", s)]
        counts.append(len(statements))
    assert counts[0] == counts[1]


def test_answers_sent_at_once_all_count_in_their_shared_day(
    app: Flask, client: FlaskClient, practice: Practice
) -> None:
    practice.start_round()  # the profile the tabs share
    with app.app_context():
        keys = list(
            db.session.scalars(
                sa.select(Question.key)
                .join(Field)
                .where(Field.slug == "alpha-field")
                .order_by(Question.id)
            )
        )
    tabs = [twin(app, client) for _ in keys]
    forms = []
    for i, (tab, key) in enumerate(zip(tabs, keys, strict=True)):
        started = post(tab, f"/questions/{key}/practice")
        round_id = int(started.headers["Location"].split("/")[2])
        forms.append((tab, round_id, answer_form(tab, round_id, rating=1 + i % 4)))
    statuses = all_at_once(
        [
            (lambda t=tab, r=round_id, f=form: t.post(f"/rounds/{r}/1", data=f))
            for tab, round_id, form in forms
        ]
    )
    assert statuses == [302] * len(keys)
    sums = assert_in_step(app)
    assert sum(answers for answers, _ in sums.values()) == len(keys)
