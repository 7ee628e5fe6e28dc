"""Upcoming interviews: storing plans, and reading what each plan is computed from.

The arithmetic lives in `mockint.planning`; this module runs the queries (one
for a user's plans, one for everything a plan's day needs) and hands their
results over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from mockint.localtime import end_of_local_day
from mockint.models import (
    SHAKY_AT_MOST,
    Attempt,
    Debrief,
    DebriefStumper,
    Field,
    Question,
    ReviewCard,
    Round,
    UpcomingInterview,
)
from mockint.planning import (
    Pace,
    Stage,
    TodaysPractice,
    countdown,
    day_by_day,
    pace,
    todays_practice,
)
from mockint.rounds import start_round
from mockint.scheduling import weakness

DEFAULT_CHECKLIST = (
    "Research the company and the role: what they make, for whom, and what the "
    "job asks for.",
    "Prepare 2-3 questions to ask them.",
    "Logistics: the time, the place or the video link, travel, what to bring.",
    "Sleep and eat well the night before.",
)
MAX_CHECKLIST_ITEMS = 30
MAX_ITEM_LENGTH = 300
# After this long an interview nobody debriefed stops asking for it at home.
DEBRIEF_OFFER_DAYS = 30


def default_checklist() -> list[dict]:
    """A fresh copy of the checklist every plan starts with."""
    return [{"text": text, "done": False} for text in DEFAULT_CHECKLIST]


def create_plan(
    session: Session,
    user_id: int,
    starts_at: datetime,
    company: str,
    role: str,
    field_slugs: Sequence[str],
) -> UpcomingInterview:
    """Store a new plan with the default checklist."""
    plan = UpcomingInterview(
        user_id=user_id,
        starts_at=starts_at,
        company=company,
        role=role,
        field_slugs=list(field_slugs),
        checklist=default_checklist(),
    )
    session.add(plan)
    session.flush()
    return plan


def update_plan(
    plan: UpcomingInterview,
    starts_at: datetime,
    company: str,
    role: str,
    field_slugs: Sequence[str],
) -> None:
    """Change a plan's moment, company, role and focus; the checklist stays."""
    plan.starts_at = starts_at
    plan.company = company
    plan.role = role
    plan.field_slugs = list(field_slugs)


def tick_items(plan: UpcomingInterview, done: set[int]) -> None:
    """Mark exactly the items at the given positions as done."""
    # A new list: the JSON column notices assignment, not changes in place.
    plan.checklist = [
        {"text": item["text"], "done": index in done}
        for index, item in enumerate(plan.checklist)
    ]


def edit_items(plan: UpcomingInterview, texts: Sequence[str], added: str) -> None:
    """Replace the items' texts (an empty text removes its item), then add one."""
    kept = [
        {"text": text, "done": bool(item.get("done"))}
        for item, text in zip(plan.checklist, texts, strict=True)
        if text
    ]
    if added:
        kept.append({"text": added, "done": False})
    plan.checklist = kept[:MAX_CHECKLIST_ITEMS]


def user_plans(session: Session, user_id: int | None) -> list[UpcomingInterview]:
    """All of a user's plans, soonest first."""
    if user_id is None:
        return []
    return list(
        session.scalars(
            sa.select(UpcomingInterview)
            .where(UpcomingInterview.user_id == user_id)
            .order_by(UpcomingInterview.starts_at, UpcomingInterview.id)
        )
    )


def get_plan(
    session: Session, user_id: int | None, plan_id: int
) -> UpcomingInterview | None:
    """The user's plan with that id, or None (someone else's is None too)."""
    if user_id is None:
        return None
    return session.scalar(
        sa.select(UpcomingInterview).where(
            UpcomingInterview.id == plan_id, UpcomingInterview.user_id == user_id
        )
    )


def focus_fields(session: Session, slugs: Sequence[str]) -> list[Field]:
    """The active fields among the slugs, in the plan's order."""
    if not slugs:
        return []
    found = {
        field.slug: field
        for field in session.scalars(
            sa.select(Field).where(Field.slug.in_(slugs), Field.archived_at.is_(None))
        )
    }
    return [found[slug] for slug in slugs if slug in found]


@dataclass(frozen=True)
class PlanState:
    """A plan as it stands now: its stage, today's practice, the split and pace."""

    plan: UpcomingInterview
    stage: Stage
    countdown: str
    today: TodaysPractice
    split: list[tuple[date, int]]
    unseen: int
    pace: Pace

    @property
    def covered_by(self) -> date | None:
        """The last day that takes new questions, if any still do."""
        return max((day for day, new in self.split if new), default=None)

    @property
    def title(self) -> str:
        """ "Interview with Acme (Data analyst)", or as much of it as is known."""
        return plan_title(self.plan)


def plan_title(plan: UpcomingInterview) -> str:
    """How a plan is named on pages: company and role when given."""
    name = f"Interview with {plan.company}" if plan.company else "Your interview"
    return f"{name} ({plan.role})" if plan.role else name


def plan_state(
    session: Session, plan: UpcomingInterview, now: datetime, zone: ZoneInfo
) -> PlanState:
    """Compute the plan's day from one query over its questions and cards."""
    user_id = plan.user_id
    in_focus = sa.and_(
        Field.slug.in_(plan.field_slugs or [""]), Field.archived_at.is_(None)
    )
    is_stumper = Question.id.in_(
        sa.select(DebriefStumper.question_id)
        .join(Debrief, Debrief.id == DebriefStumper.debrief_id)
        .where(Debrief.user_id == user_id)
    )
    # Looked up only for practised questions (the CASE), and through the (user,
    # question) index: on a bare answered_at SQLite's planner picks the (user,
    # date) index and walks the whole history for every question (1.3 s at
    # 100,000 answers); wrapped in coalesce, that index no longer applies.
    seen_before_plan = sa.case(
        (ReviewCard.id.is_(None), sa.false()),
        else_=sa.exists().where(
            Attempt.user_id == user_id,
            Attempt.question_id == Question.id,
            sa.func.coalesce(Attempt.answered_at, sa.null()) < plan.created_at,
        ),
    )
    rows = session.execute(
        sa.select(
            Question.id,
            Field.slug,
            in_focus.label("in_focus"),
            is_stumper.label("stumper"),
            seen_before_plan.label("seen_before"),
            ReviewCard,
        )
        .join(Field, Field.id == Question.field_id)
        .outerjoin(
            ReviewCard,
            sa.and_(
                ReviewCard.question_id == Question.id, ReviewCard.user_id == user_id
            ),
        )
        .where(
            Question.archived_at.is_(None),
            Question.visible_to(user_id),
            sa.or_(in_focus, is_stumper),
        )
        .order_by(Question.position, Question.id)
    ).all()
    day_end = end_of_local_day(now, zone)
    focus_order = {slug: index for index, slug in enumerate(plan.field_slugs)}
    # Unseen questions take turns by field, so each day mixes the focus fields:
    # (place within its field, the field's place in the focus, question id).
    unseen: list[tuple[int, int, int]] = []
    per_field: dict[str, int] = {}
    due, shaky, stumpers = set(), set(), set()
    weak: dict[int, float] = {}
    seen_since = 0
    for question_id, slug, focus, stumper, seen_before, card in rows:
        if card is not None:
            weak[question_id] = weakness(card, now)
        is_shaky = card is not None and card.last_rating <= SHAKY_AT_MOST
        is_due = card is not None and card.due < day_end
        if stumper and (card is None or is_shaky or is_due):
            stumpers.add(question_id)
        if not focus:
            continue
        if card is None:
            place = per_field[slug] = per_field.get(slug, -1) + 1
            unseen.append((place, focus_order.get(slug, 0), question_id))
        elif not seen_before:
            seen_since += 1
        if is_shaky:
            shaky.add(question_id)
        if is_due:
            due.add(question_id)
    unseen_ids = [question_id for *_order, question_id in sorted(unseen)]
    today = todays_practice(
        now,
        zone,
        plan.starts_at,
        plan.created_at,
        unseen=unseen_ids,
        due=due,
        shaky=shaky,
        stumpers=stumpers,
        weakness=weak,
    )
    fresh = len([qid for qid in unseen_ids if qid not in stumpers])
    return PlanState(
        plan=plan,
        stage=today.stage,
        countdown=countdown(now, zone, plan.starts_at),
        today=today,
        split=day_by_day(now, zone, plan.starts_at, plan.created_at, fresh),
        unseen=fresh,
        pace=pace(now, zone, plan.starts_at, plan.created_at, fresh, seen_since),
    )


def questions_in_order(
    session: Session, user_id: int, ids: Sequence[int]
) -> list[Question]:
    """The questions with these ids that the user may see, in the given order."""
    if not ids:
        return []
    found = {
        question.id: question
        for question in session.scalars(
            sa.select(Question)
            .where(
                Question.id.in_(ids),
                Question.visible_to(user_id),
                Question.archived_at.is_(None),
            )
            .options(joinedload(Question.field))
        )
    }
    return [found[qid] for qid in ids if qid in found]


def start_todays_round(
    session: Session, plan: UpcomingInterview, now: datetime, zone: ZoneInfo
) -> Round | None:
    """Start a round of exactly today's practice; None when there is nothing."""
    state = plan_state(session, plan, now, zone)
    questions = questions_in_order(session, plan.user_id, state.today.questions)
    if not questions:
        return None
    return start_round(session, plan.user_id, None, questions)


@dataclass(frozen=True)
class HomePlans:
    """What the home page shows about a user's interviews."""

    leading: PlanState | None
    later: list[UpcomingInterview]
    to_debrief: list[UpcomingInterview]


# The home page asks on every visit: built once, with parameters.
_RECENT_PLANS = (
    sa.select(UpcomingInterview)
    .where(
        UpcomingInterview.user_id == sa.bindparam("user_id"),
        UpcomingInterview.starts_at > sa.bindparam("since"),
    )
    .order_by(UpcomingInterview.starts_at, UpcomingInterview.id)
)


def home_plans(
    session: Session, user_id: int | None, now: datetime, zone: ZoneInfo
) -> HomePlans:
    """The nearest upcoming interview's state, the later ones, and any to debrief."""
    if user_id is None:
        return HomePlans(None, [], [])
    since = now - timedelta(days=DEBRIEF_OFFER_DAYS)
    plans = session.scalars(_RECENT_PLANS, {"user_id": user_id, "since": since}).all()
    upcoming = [plan for plan in plans if plan.starts_at > now]
    to_debrief = [
        plan for plan in plans if plan.starts_at <= now and plan.debrief_id is None
    ]
    to_debrief.reverse()  # the most recent first
    leading = plan_state(session, upcoming[0], now, zone) if upcoming else None
    return HomePlans(leading, upcoming[1:], to_debrief)
