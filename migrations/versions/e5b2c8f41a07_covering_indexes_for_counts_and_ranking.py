"""Covering indexes for the state counts and the weakness ranking: review cards by
user with the ranked columns, questions by owner with the listing's filters

Revision ID: e5b2c8f41a07
Revises: c3f1a7d5e2b8
Create Date: 2026-11-26 19:30:00.000000

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "e5b2c8f41a07"
down_revision = "c3f1a7d5e2b8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_review_cards_user_ranking",
        "review_cards",
        [
            "user_id",
            "question_id",
            "last_rating",
            "stability",
            "due",
            "last_review",
            "rating_weakness",
        ],
    )
    op.create_index(
        "ix_questions_visible",
        "questions",
        ["owner_id", "archived_at", "field_id", "kind", "level"],
    )
    op.drop_index("ix_questions_owner_id", table_name="questions")


def downgrade():
    op.create_index("ix_questions_owner_id", "questions", ["owner_id"])
    op.drop_index("ix_questions_visible", table_name="questions")
    op.drop_index("ix_review_cards_user_ranking", table_name="review_cards")
