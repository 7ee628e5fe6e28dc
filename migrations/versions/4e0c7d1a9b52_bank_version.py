"""Bank version: a counter of bank changes, so processes can cache the banks

Revision ID: 4e0c7d1a9b52
Revises: 717e3e4ba354
Create Date: 2026-11-26 14:25:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4e0c7d1a9b52'
down_revision = '717e3e4ba354'
branch_labels = None
depends_on = None


def upgrade():
    bank_version = op.create_table(
        'bank_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_bank_version')),
    )
    op.bulk_insert(bank_version, [{'id': 1, 'version': 1}])


def downgrade():
    op.drop_table('bank_version')
