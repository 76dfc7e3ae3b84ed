"""indicator matches: a drafter's choice of plan indicator for a follow-up report's name

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'indicator_matches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality', sa.String(length=100), nullable=False),
        sa.Column('reported_name', sa.String(length=1000), nullable=False),
        sa.Column('indicator', sa.String(length=1000), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('municipality', 'reported_name'),
    )


def downgrade() -> None:
    op.drop_table('indicator_matches')
