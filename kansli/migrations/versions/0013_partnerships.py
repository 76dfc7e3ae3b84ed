"""the partnership register: one case per municipality's local partnership; signed copies of agreements

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""
import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'partnerships',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('municipality_key', sa.String(length=100), nullable=False),
        sa.Column('municipality', sa.String(length=100), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('municipality_key'),
        sa.UniqueConstraint('case_id'),
    )
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signed_copy_of_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_registrations_signed_copy_of_id', 'registrations',
                                    ['signed_copy_of_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_constraint('fk_registrations_signed_copy_of_id', type_='foreignkey')
        batch_op.drop_column('signed_copy_of_id')
    op.drop_table('partnerships')
