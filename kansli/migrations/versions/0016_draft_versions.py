"""draft versions: which field version each draft is made from, and how many pages its PDF has

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outputs') as batch_op:
        batch_op.add_column(sa.Column('revisions', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('pages', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('outputs') as batch_op:
        batch_op.drop_column('pages')
        batch_op.drop_column('revisions')
