"""The plan up to an interview: the day-by-day split, stages, today's practice, pace."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from mockint.planning import (
    LAST_DRILL_SIZE,
    DayRange,
    Stage,
    countdown,
    day_by_day,
    grouped,
    pace,
    split_over,
    stage,
    todays_practice,
)

UTC_ZONE = ZoneInfo("UTC")
TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday morning
MONDAY = date(2026, 3, 2)


def at(days: int, hour: int = 9) -> datetime:
    """A moment `days` after NOW's day, at the hour (UTC)."""
    return datetime(2026, 3, 2, hour, 0, tzinfo=UTC) + timedelta(days=days)


def test_interview_tomorrow_puts_everything_new_into_today() -> None:
    assert day_by_day(NOW, UTC_ZONE, at(1), NOW, 17) == [(MONDAY, 17)]


def test_interview_in_three_days_keeps_the_day_before_for_a_last_drill() -> None:
    split = day_by_day(NOW, UTC_ZONE, at(3), NOW, 11)
    assert split == [
        (MONDAY, 6),
        (date(2026, 3, 3), 5),
        (date(2026, 3, 4), 0),  # the day before Thursday's interview
    ]


def test_interview_a_month_away_spreads_evenly_and_finishes_early() -> None:
    split = day_by_day(NOW, UTC_ZONE, at(30), NOW, 45)
    days = [day for day, _ in split]
    assert days[0] == MONDAY
    assert days[-1] == date(2026, 3, 31)  # the day before 1 April
    assert len(days) == 30 and days == sorted(days)
    counts = [count for _, count in split]
    assert sum(counts) == 45
    assert counts[-1] == 0
    assert set(counts[:-1]) == {1, 2}
    assert counts[:-1] == sorted(counts[:-1], reverse=True)  # front-loaded


def test_few_questions_a_month_away_are_done_in_the_first_days() -> None:
    counts = [count for _, count in day_by_day(NOW, UTC_ZONE, at(30), NOW, 4)]
    assert counts[:5] == [1, 1, 1, 1, 0]
    assert sum(counts) == 4


def test_nothing_unseen_gives_zero_days() -> None:
    assert split_over(0, [MONDAY, MONDAY + timedelta(1)]) == [
        (MONDAY, 0),
        (MONDAY + timedelta(1), 0),
    ]


def test_the_day_before_of_an_earlier_plan_is_a_last_drill() -> None:
    planned_last_week = NOW - timedelta(days=6)
    assert stage(NOW, UTC_ZONE, at(1), planned_last_week) is Stage.LAST_DRILL
    assert day_by_day(NOW, UTC_ZONE, at(1), planned_last_week, 8) == [(MONDAY, 0)]


def test_interview_today_and_past_take_nothing_new() -> None:
    assert stage(NOW, UTC_ZONE, at(0, hour=15), NOW) is Stage.INTERVIEW_DAY
    assert day_by_day(NOW, UTC_ZONE, at(0, hour=15), NOW, 10) == []
    assert stage(NOW, UTC_ZONE, at(0, hour=7), NOW) is Stage.PAST  # started at 07:00
    assert stage(NOW, UTC_ZONE, at(-2), NOW - timedelta(days=9)) is Stage.PAST
    assert day_by_day(NOW, UTC_ZONE, at(-2), NOW, 10) == []


def test_the_users_zone_decides_which_day_the_interview_is() -> None:
    # 09:00 in Tokyo on Thursday 5 March is 00:00 UTC that day; at 20:00 UTC on
    # Tuesday it is already 05:00 on Wednesday in Tokyo.
    starts_at = datetime(2026, 3, 5, 9, 0, tzinfo=TOKYO)
    now = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    assert day_by_day(now, TOKYO, starts_at, now, 9) == [(date(2026, 3, 4), 9)]
    assert day_by_day(now, UTC_ZONE, starts_at, now, 9) == [
        (date(2026, 3, 3), 9),
        (date(2026, 3, 4), 0),
    ]
    assert countdown(now, TOKYO, starts_at) == "tomorrow, Thursday 09:00"
    assert countdown(now, UTC_ZONE, starts_at) == "in 2 days, Thursday 00:00"


def test_near_midnight_in_tokyo_the_day_before_starts_at_local_midnight() -> None:
    starts_at = datetime(2026, 3, 5, 9, 0, tzinfo=TOKYO)
    planned = datetime(2026, 3, 1, 12, 0, tzinfo=TOKYO)
    before_midnight = datetime(2026, 3, 3, 23, 59, tzinfo=TOKYO)
    after_midnight = before_midnight + timedelta(minutes=2)
    assert stage(before_midnight, TOKYO, starts_at, planned) is Stage.PREPARE
    assert stage(after_midnight, TOKYO, starts_at, planned) is Stage.LAST_DRILL
    # The same instants are still Tuesday afternoon in UTC: new questions due.
    assert stage(after_midnight, UTC_ZONE, starts_at, planned) is Stage.PREPARE


def test_todays_practice_is_review_weakest_first_then_todays_share() -> None:
    today = todays_practice(
        NOW,
        UTC_ZONE,
        at(3),
        NOW,
        unseen=[11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 30],
        due=[3, 4],
        shaky=[1, 3],
        stumpers=[30, 2],  # 30 was never practised
        weakness={1: 0.5, 2: 0.9, 3: 0.7, 4: 0.2},
    )
    assert today.stage is Stage.PREPARE
    assert today.review == (30, 2, 3, 1, 4)
    # 10 unseen (the stumper 30 is in review) over 2 days: 5 today.
    assert today.new == (11, 12, 13, 14, 15)
    assert today.questions == (30, 2, 3, 1, 4, 11, 12, 13, 14, 15)


@pytest.mark.parametrize(
    ("starts_at", "planned", "expected_stage"),
    [
        (at(1), NOW - timedelta(days=5), Stage.LAST_DRILL),
        (at(0, hour=17), NOW - timedelta(days=5), Stage.INTERVIEW_DAY),
    ],
)
def test_the_last_drill_and_the_day_itself_hold_only_the_shakiest(
    starts_at: datetime, planned: datetime, expected_stage: Stage
) -> None:
    shaky = list(range(1, 9))
    today = todays_practice(
        NOW,
        UTC_ZONE,
        starts_at,
        planned,
        unseen=[20, 21, 22],
        due=[9, 10],
        shaky=shaky,
        stumpers=[12],
        weakness={qid: qid / 100 for qid in [*shaky, 9, 10, 12]},
    )
    assert today.stage is expected_stage
    assert today.new == ()
    assert today.review == (12, 8, 7, 6, 5)
    assert len(today.review) == LAST_DRILL_SIZE


def test_after_the_start_there_is_nothing_to_practise() -> None:
    today = todays_practice(
        NOW,
        UTC_ZONE,
        at(0, hour=7),
        NOW - timedelta(days=3),
        unseen=[1],
        due=[2],
        shaky=[3],
        stumpers=[4],
        weakness={},
    )
    assert (today.stage, today.questions) == (Stage.PAST, ())


def test_pace_on_track_and_behind() -> None:
    planned = NOW - timedelta(days=2)  # Saturday; the interview is Saturday next
    starts_at = at(5)
    # 18 new questions at the start over the 6 days Sat-Thu: 3 a day. By
    # Monday morning Saturday's and Sunday's (6) were due: 12 may remain.
    on_track = pace(NOW, UTC_ZONE, starts_at, planned, unseen=12, seen_since_planned=6)
    assert on_track.on_track and on_track.expected == 12 and on_track.behind_by == 0
    behind = pace(NOW, UTC_ZONE, starts_at, planned, unseen=15, seen_since_planned=3)
    assert not behind.on_track and behind.behind_by == 3
    ahead = pace(NOW, UTC_ZONE, starts_at, planned, unseen=0, seen_since_planned=18)
    assert ahead.on_track


def test_the_first_day_of_a_plan_is_never_behind() -> None:
    result = pace(NOW, UTC_ZONE, at(3), NOW, unseen=40, seen_since_planned=0)
    assert result.on_track


def test_on_the_day_before_anything_unseen_is_behind() -> None:
    planned = NOW - timedelta(days=4)
    result = pace(NOW, UTC_ZONE, at(1), planned, unseen=2, seen_since_planned=10)
    assert (result.on_track, result.behind_by) == (False, 2)


def test_pace_follows_the_users_zone() -> None:
    planned = datetime(2026, 3, 1, 10, 0, tzinfo=TOKYO)  # Sunday in Tokyo
    starts_at = datetime(2026, 3, 5, 9, 0, tzinfo=TOKYO)  # Thursday
    # 6 new on Sun, Mon, Tue: 2 a day. At 23:30 UTC Monday it is Tuesday in
    # Tokyo: Sunday and Monday (4) are done by then.
    now = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    tokyo = pace(now, TOKYO, starts_at, planned, unseen=3, seen_since_planned=3)
    assert not tokyo.on_track and tokyo.expected == 2
    utc = pace(now, UTC_ZONE, starts_at, planned, unseen=3, seen_since_planned=3)
    assert utc.on_track  # in UTC it is still Monday


def test_countdown_words() -> None:
    assert countdown(NOW, UTC_ZONE, at(3)) == "in 3 days, Thursday 09:00"
    assert countdown(NOW, UTC_ZONE, at(0, hour=15)) == "today at 15:00"
    assert countdown(NOW, UTC_ZONE, at(9)) == "in 9 days, Wednesday 11 March, 09:00"
    assert countdown(NOW, UTC_ZONE, at(-1)) == "on Sunday 1 March at 09:00"


def test_grouped_joins_days_with_the_same_count() -> None:
    split = day_by_day(NOW, UTC_ZONE, at(6), NOW, 7)  # Sunday's interview
    assert grouped(split) == [
        DayRange(MONDAY, MONDAY + timedelta(1), 2),
        DayRange(MONDAY + timedelta(2), MONDAY + timedelta(4), 1),
        DayRange(MONDAY + timedelta(5), MONDAY + timedelta(5), 0),
    ]


def test_grouped_keeps_the_day_before_apart_from_days_without_new() -> None:
    split = day_by_day(NOW, UTC_ZONE, at(10), NOW, 2)
    assert grouped(split) == [
        DayRange(MONDAY, MONDAY + timedelta(1), 1),
        DayRange(MONDAY + timedelta(2), MONDAY + timedelta(8), 0),
        DayRange(MONDAY + timedelta(9), MONDAY + timedelta(9), 0),  # the last drill
    ]
