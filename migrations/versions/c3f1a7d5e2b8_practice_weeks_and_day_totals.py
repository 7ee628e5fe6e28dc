"""Practice weeks and day totals (the practice days rolled up), and review cards
indexed by recovery: the progress page's reads

Revision ID: c3f1a7d5e2b8
Revises: 9a4d2e6f0c13
Create Date: 2026-11-26 17:55:00.000000

"""

from collections import defaultdict
from datetime import date, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c3f1a7d5e2b8"
down_revision = "9a4d2e6f0c13"
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    weeks = op.create_table(
        "practice_weeks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["fields.id"],
            name=op.f("fk_practice_weeks_field_id_fields"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_practice_weeks_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "user_id", "week", "field_id", name=op.f("pk_practice_weeks")
        ),
    )
    totals = op.create_table(
        "practice_day_totals",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("answers", sa.Integer(), nullable=False),
        sa.Column("rating_sum", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_practice_day_totals_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_practice_day_totals")),
    )
    _roll_up_existing_days(weeks, totals)
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_review_cards_user_recovered_at", ["user_id", "recovered_at"], unique=False
        )


def _roll_up_existing_days(weeks, totals):
    """Fill both tables from practice_days, a user at a time (as
    mockint.practice_days keeps them: weeks start on Monday)."""
    bind = op.get_bind()
    days = sa.table(
        "practice_days",
        sa.column("user_id"),
        sa.column("day", sa.Date()),
        sa.column("field_id"),
        sa.column("answers"),
        sa.column("rating_sum"),
    )
    users = bind.execute(sa.select(days.c.user_id).distinct()).scalars().all()
    for user_id in users:
        by_week = defaultdict(lambda: [0, 0])
        by_day = defaultdict(lambda: [0, 0])
        rows = bind.execute(
            sa.select(
                days.c.day, days.c.field_id, days.c.answers, days.c.rating_sum
            ).where(days.c.user_id == user_id)
        )
        for day, field_id, answers, rating_sum in rows:
            if isinstance(day, str):  # SQLite without the column's type
                day = date.fromisoformat(day)
            for total in (
                by_week[(day - timedelta(days=day.weekday()), field_id)],
                by_day[day],
            ):
                total[0] += answers
                total[1] += rating_sum
        week_rows = [
            {
                "user_id": user_id,
                "week": week,
                "field_id": field_id,
                "answers": answers,
                "rating_sum": rating_sum,
            }
            for (week, field_id), (answers, rating_sum) in by_week.items()
        ]
        day_rows = [
            {
                "user_id": user_id,
                "day": day,
                "answers": answers,
                "rating_sum": rating_sum,
            }
            for day, (answers, rating_sum) in by_day.items()
        ]
        for table, values in ((weeks, week_rows), (totals, day_rows)):
            for start in range(0, len(values), BATCH):
                bind.execute(sa.insert(table), values[start : start + BATCH])


def downgrade():
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.drop_index("ix_review_cards_user_recovered_at")
    op.drop_table("practice_day_totals")
    op.drop_table("practice_weeks")
