"""password set at: when a user's password was set, so that a temporary one can expire

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26
"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.add_column(sa.Column('password_set_at', sa.DateTime(timezone=True), nullable=True))
    # Unknown for existing passwords: taken as set now, so a temporary one still pending gets its full time.
    users = sa.table('users', sa.column('password_set_at', sa.DateTime(timezone=True)))
    op.execute(users.update().values(password_set_at=datetime.now(UTC)))
    with op.batch_alter_table('users') as batch_op:
        batch_op.alter_column('password_set_at', existing_type=sa.DateTime(timezone=True), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('users') as batch_op:
        batch_op.drop_column('password_set_at')
