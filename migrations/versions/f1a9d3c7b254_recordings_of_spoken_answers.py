"""Recordings of spoken answers, with their delivery figures, and whether a profile
records its answers

Revision ID: f1a9d3c7b254
Revises: e5b2c8f41a07
Create Date: 2026-11-26 21:30:00.000000

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "f1a9d3c7b254"
down_revision = "e5b2c8f41a07"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "records_answers",
                sa.Boolean(),
                server_default=sa.false(),
                nullable=False,
            )
        )
    op.create_table(
        "recordings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("mime_type", sa.String(length=40), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("duration", sa.Double(), nullable=False),
        sa.Column("first_word", sa.Double(), nullable=True),
        sa.Column("speaking", sa.Double(), nullable=False),
        sa.Column("silence_share", sa.Double(), nullable=False),
        sa.Column("pauses", sa.JSON(), nullable=False),
        sa.Column("words_per_minute", sa.Double(), nullable=False),
        sa.Column("outline", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_recordings_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recordings")),
        sa.UniqueConstraint("attempt_id", name=op.f("uq_recordings_attempt_id")),
    )


def downgrade():
    op.drop_table("recordings")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("records_answers")
