"""secrecy markings of registrations (OSL 5 kap.) and dispatches (expediering) of outgoing ones

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-25
"""
import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'secrecy_marks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('party', sa.Boolean(), nullable=False),
        sa.Column('description', sa.Boolean(), nullable=False),
        sa.Column('document', sa.Boolean(), nullable=False),
        sa.Column('provision', sa.String(length=200), nullable=False),
        sa.Column('marked_by', sa.Integer(), nullable=True),
        sa.Column('marked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('lifted_by', sa.Integer(), nullable=True),
        sa.Column('lifted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('lift_reason', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id']),
        sa.ForeignKeyConstraint(['marked_by'], ['users.id']),
        sa.ForeignKeyConstraint(['lifted_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_secrecy_marks_registration_id', 'secrecy_marks', ['registration_id'])
    op.create_table(
        'dispatches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=255), nullable=False),
        sa.Column('address', sa.Text(), nullable=True),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('sent_on', sa.String(length=10), nullable=False),
        sa.Column('dispatched_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id']),
        sa.ForeignKeyConstraint(['dispatched_by'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_dispatches_registration_id', 'dispatches', ['registration_id'])


def downgrade() -> None:
    op.drop_index('ix_dispatches_registration_id', table_name='dispatches')
    op.drop_table('dispatches')
    op.drop_index('ix_secrecy_marks_registration_id', table_name='secrecy_marks')
    op.drop_table('secrecy_marks')
