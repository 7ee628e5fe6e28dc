"""Review cards keep rating_weakness, so that SQL can rank them by weakness

Revision ID: 9a4d2e6f0c13
Revises: 4e0c7d1a9b52
Create Date: 2026-11-26 17:10:00.000000

"""

import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9a4d2e6f0c13"
down_revision = "4e0c7d1a9b52"
branch_labels = None
depends_on = None


def _rating_weakness(recent_ratings, last_rating, lapses):
    # scheduling.rating_weakness as of this revision: a migration keeps its own copy.
    recent = recent_ratings[-3:] or [last_rating]
    rating_gap = (4 - sum(recent) / len(recent)) / 3
    return 0.45 * rating_gap + 0.1 * min(lapses, 4) / 4


def upgrade():
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rating_weakness", sa.Double(), nullable=False, server_default="0")
        )
    connection = op.get_bind()
    cards = connection.execute(
        sa.text("SELECT id, recent_ratings, last_rating, lapses FROM review_cards")
    ).all()
    values = [
        {
            "card_id": card_id,
            "weakness": _rating_weakness(
                recent if isinstance(recent, list) else json.loads(recent),
                last_rating,
                lapses,
            ),
        }
        for card_id, recent, last_rating, lapses in cards
    ]
    if values:
        connection.execute(
            sa.text(
                "UPDATE review_cards SET rating_weakness = :weakness WHERE id = :card_id"
            ),
            values,
        )


def downgrade():
    with op.batch_alter_table("review_cards", schema=None) as batch_op:
        batch_op.drop_column("rating_weakness")
