"""Server-side login sessions replace users.login_id; rate events; pair index

Every existing user gets one session whose token is their old login_id, so the
cookies already in browsers keep working (a guest's profile is not lost) until
that browser logs out.

Revision ID: b7e3c1d2a9f4
Revises: 6331de014d42
Create Date: 2026-11-26 08:20:00

"""
import hashlib
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c1d2a9f4'
down_revision = '6331de014d42'
branch_labels = None
depends_on = None


def upgrade():
    login_sessions = op.create_table('login_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('browser', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_login_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_sessions')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_sessions_token_hash'))
    )
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_sessions_user_id'), ['user_id'], unique=False)

    connection = op.get_bind()
    now = datetime.now(timezone.utc)
    if connection.dialect.name == 'sqlite':
        now = now.replace(tzinfo=None)
    rows = connection.execute(sa.text('SELECT id, login_id FROM users')).all()
    if rows:
        op.bulk_insert(login_sessions, [
            {
                'token_hash': hashlib.sha256(login_id.encode()).hexdigest(),
                'user_id': user_id,
                'created_at': now,
                'last_seen_at': now,
                'browser': 'a browser signed in before this upgrade',
            }
            for user_id, login_id in rows
        ])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('uq_users_login_id', type_='unique')
        batch_op.drop_column('login_id')

    op.create_table('rate_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_events'))
    )
    with op.batch_alter_table('rate_events', schema=None) as batch_op:
        batch_op.create_index('ix_rate_events_action_address_at', ['action', 'address', 'at'], unique=False)

    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_logins_username_at')
        batch_op.create_index('ix_failed_logins_username_address_at', ['username', 'address', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('failed_logins', schema=None) as batch_op:
        batch_op.drop_index('ix_failed_logins_username_address_at')
        batch_op.create_index('ix_failed_logins_username_at', ['username', 'at'], unique=False)
    op.drop_table('rate_events')
    # Sessions cannot be turned back into login ids: everyone signs in again.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_id', sa.String(length=64), nullable=True))
    connection = op.get_bind()
    for (user_id,) in connection.execute(sa.text('SELECT id FROM users')).all():
        connection.execute(
            sa.text('UPDATE users SET login_id = :login_id WHERE id = :id'),
            {'login_id': secrets.token_urlsafe(24), 'id': user_id},
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('login_id', nullable=False)
        batch_op.create_unique_constraint('uq_users_login_id', ['login_id'])
    op.drop_table('login_sessions')
