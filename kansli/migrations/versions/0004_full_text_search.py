"""full-text search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registry_search',
    sa.Column('registration_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=True),
    sa.Column('municipality', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ),
    sa.PrimaryKeyConstraint('registration_id')
    )
    with op.batch_alter_table('registry_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_search_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_registry_search_municipality'), ['municipality'], unique=False)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.Text(), nullable=True))

    # The full-text index itself is each database's own.
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE registry_fts USING fts5(body, tokenize='unicode61')")
    else:
        op.execute("CREATE INDEX ix_registry_search_fts ON registry_search "
                   "USING gin (to_tsvector('swedish', body))")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE registry_fts")
    else:
        op.execute("DROP INDEX ix_registry_search_fts")
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('text')

    with op.batch_alter_table('registry_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_search_municipality'))
        batch_op.drop_index(batch_op.f('ix_registry_search_kind'))

    op.drop_table('registry_search')
