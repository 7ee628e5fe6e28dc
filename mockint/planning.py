"""A plan up to the day of an interview: what to practise each day until then.

Pure functions, no Flask and no database: callers pass the moment, the user's
zone, the interview's start and the question ids in each state, and get back
today's practice, the day-by-day split of the unseen questions and a verdict on
the pace.

The rules:
- new (unseen) questions of the focus fields are spread over the days from
  today to the day before the day before, ceil(left / days left) a day, so all
  are covered before the last day;
- the day before is a last drill of the shakiest questions, nothing new; a plan
  made on that very day (an interview tomorrow) has no other day, so everything
  new goes into it;
- on the day itself, until the start, a short warm-up of the shakiest; after
  the start, nothing (the next step is the debrief).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

LAST_DRILL_SIZE = 5
# A question with no review card yet (a stumper never practised) ranks as weak
# as can be.
UNPRACTISED_WEAKNESS = 1.0


class Stage(StrEnum):
    """Where a plan stands today."""

    PREPARE = "prepare"  # review plus today's share of new questions
    LAST_DRILL = "last-drill"  # the day before: the shakiest only
    INTERVIEW_DAY = "interview-day"  # the day itself, before the start
    PAST = "past"  # the interview has started or is over


def local_date(moment: datetime, zone: ZoneInfo) -> date:
    """The calendar date of a moment in the zone."""
    return moment.astimezone(zone).date()


def days_until(now: datetime, zone: ZoneInfo, starts_at: datetime) -> int:
    """Calendar days from today to the interview's day, in the user's zone."""
    return (local_date(starts_at, zone) - local_date(now, zone)).days


def new_question_days(today: date, interview_on: date, planned_on: date) -> list[date]:
    """The days from today that take new questions (see the module's rules)."""
    if interview_on <= today:
        return []
    last = interview_on - timedelta(days=2)
    if last < today:  # today is the day before
        return [today] if planned_on >= today else []
    return [today + timedelta(days=n) for n in range((last - today).days + 1)]


def split_over(count: int, days: Sequence[date]) -> list[tuple[date, int]]:
    """Spread `count` questions over the days: ceil(left / days left) each day."""
    split = []
    left = count
    for index, day in enumerate(days):
        today_share = math.ceil(left / (len(days) - index)) if left > 0 else 0
        split.append((day, today_share))
        left -= today_share
    return split


def day_by_day(
    now: datetime,
    zone: ZoneInfo,
    starts_at: datetime,
    created_at: datetime,
    unseen: int,
) -> list[tuple[date, int]]:
    """(local date, new questions that day) from today through the day before."""
    today = local_date(now, zone)
    interview_on = local_date(starts_at, zone)
    if now >= starts_at or interview_on <= today:
        return []
    days = new_question_days(today, interview_on, local_date(created_at, zone))
    split = split_over(unseen, days)
    day_before = interview_on - timedelta(days=1)
    if not days or days[-1] < day_before:
        split.append((day_before, 0))  # the last drill
    return split


@dataclass(frozen=True)
class DayRange:
    """Consecutive days that take the same number of new questions."""

    first: date
    last: date
    new: int


def grouped(split: Sequence[tuple[date, int]]) -> list[DayRange]:
    """Join consecutive days with the same count, for a short list on a page.

    The last day of a `day_by_day` split, the day before, stays on its own.
    """
    ranges: list[DayRange] = []
    for index, (day, new) in enumerate(split):
        joins = (
            ranges
            and index < len(split) - 1
            and ranges[-1].new == new
            and ranges[-1].last == day - timedelta(1)
        )
        if joins:
            ranges[-1] = DayRange(ranges[-1].first, day, new)
        else:
            ranges.append(DayRange(day, day, new))
    return ranges


def stage(
    now: datetime, zone: ZoneInfo, starts_at: datetime, created_at: datetime
) -> Stage:
    """Which part of the plan today is."""
    if now >= starts_at:
        return Stage.PAST
    today = local_date(now, zone)
    interview_on = local_date(starts_at, zone)
    if interview_on <= today:
        return Stage.INTERVIEW_DAY
    if new_question_days(today, interview_on, local_date(created_at, zone)):
        return Stage.PREPARE
    return Stage.LAST_DRILL


@dataclass(frozen=True)
class TodaysPractice:
    """The questions to practise today, review first, then the new ones."""

    stage: Stage
    review: tuple[int, ...]
    new: tuple[int, ...]

    @property
    def questions(self) -> tuple[int, ...]:
        """Every question id of today's practice, in the order to practise."""
        return self.review + self.new


def _weakest_first(ids: Iterable[int], weakness: Mapping[int, float]) -> list[int]:
    return sorted(
        set(ids), key=lambda qid: (-weakness.get(qid, UNPRACTISED_WEAKNESS), qid)
    )


def todays_practice(
    now: datetime,
    zone: ZoneInfo,
    starts_at: datetime,
    created_at: datetime,
    *,
    unseen: Sequence[int],
    due: Iterable[int],
    shaky: Iterable[int],
    stumpers: Iterable[int],
    weakness: Mapping[int, float],
) -> TodaysPractice:
    """Today's practice: due, shaky and stumpers, and today's share of the unseen.

    `unseen` are the focus fields' questions never practised, in the order to
    take them; `due` and `shaky` the focus fields' practised ones due by the end
    of today or last rated Stumped or Shaky; `stumpers` the debriefs' stumpers
    still worth practising; `weakness` maps practised ids to their weakness.
    """
    today_stage = stage(now, zone, starts_at, created_at)
    stumpers = set(stumpers)
    shaky = set(shaky)
    if today_stage is Stage.PAST:
        return TodaysPractice(today_stage, (), ())
    if today_stage is not Stage.PREPARE:
        shakiest = _weakest_first(shaky | stumpers, weakness)[:LAST_DRILL_SIZE]
        return TodaysPractice(today_stage, tuple(shakiest), ())
    review = _weakest_first(stumpers | shaky | set(due), weakness)
    in_review = set(review)
    fresh = [qid for qid in unseen if qid not in in_review]
    split = day_by_day(now, zone, starts_at, created_at, len(fresh))
    share = split[0][1] if split else 0
    return TodaysPractice(today_stage, tuple(review), tuple(fresh[:share]))


@dataclass(frozen=True)
class Pace:
    """How the unseen focus questions are getting covered."""

    unseen: int  # still never practised
    expected: int  # how many the plan made on its first day left unseen by now
    seen_since_planned: int  # first practised since the plan was made

    @property
    def on_track(self) -> bool:
        """True while no more are unseen than the original split allowed."""
        return self.unseen <= self.expected

    @property
    def behind_by(self) -> int:
        """How many new questions the original split had covered by now."""
        return max(0, self.unseen - self.expected)


def pace(
    now: datetime,
    zone: ZoneInfo,
    starts_at: datetime,
    created_at: datetime,
    unseen: int,
    seen_since_planned: int,
) -> Pace:
    """Compare what is still unseen with the split made on the plan's first day.

    The plan started with `unseen + seen_since_planned` new questions; its
    split expected all days before today to be done. Today itself is still in
    progress, so it never makes anyone behind.
    """
    planned_on = local_date(created_at, zone)
    today = local_date(now, zone)
    interview_on = local_date(starts_at, zone)
    total = unseen + seen_since_planned
    first_days = new_question_days(planned_on, interview_on, planned_on)
    original = split_over(total, first_days)
    covered = sum(new for day, new in original if day < today)
    return Pace(unseen, total - covered, seen_since_planned)


def _weekday_and_date(local: datetime) -> str:
    return f"{local.strftime('%A')} {local.day} {local.strftime('%B')}"


def countdown(now: datetime, zone: ZoneInfo, starts_at: datetime) -> str:
    """When the interview is, in words: "in 3 days, Thursday 09:00"."""
    local = starts_at.astimezone(zone)
    clock = local.strftime("%H:%M")
    days = days_until(now, zone, starts_at)
    if now >= starts_at:
        return f"on {_weekday_and_date(local)} at {clock}"
    if days == 0:
        return f"today at {clock}"
    if days == 1:
        return f"tomorrow, {local.strftime('%A')} {clock}"
    if days < 7:
        return f"in {days} days, {local.strftime('%A')} {clock}"
    return f"in {days} days, {_weekday_and_date(local)}, {clock}"
