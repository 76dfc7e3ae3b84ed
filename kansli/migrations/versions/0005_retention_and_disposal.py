"""retention and disposal

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retain_until', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('legal_hold', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('hold_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('disposal_requested_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('disposal_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('disposed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('disposed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key('fk_registrations_disposal_requested_by', 'users', ['disposal_requested_by'], ['id'])
        batch_op.create_foreign_key('fk_registrations_disposed_by', 'users', ['disposed_by'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('fk_registrations_disposed_by', type_='foreignkey')
        batch_op.drop_constraint('fk_registrations_disposal_requested_by', type_='foreignkey')
        for column in ('disposed_at', 'disposed_by', 'disposal_reason', 'disposal_requested_by', 'hold_reason',
                       'legal_hold', 'retain_until'):
            batch_op.drop_column(column)
