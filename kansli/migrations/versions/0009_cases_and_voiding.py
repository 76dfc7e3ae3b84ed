"""cases (ärenden): registrations are filed in cases and numbered within them; voiding (makulering)

Every existing registration becomes document 1 of a case of its own. The case takes the registration's
year and number, so ``KAN 2026/00017`` is filed in case ``KAN 2026/17``, and the year's counter goes on
giving case numbers from where it stood: no number is given twice.

The registration **keeps its dnr as it was** (``KAN 2026/00017``, not ``KAN 2026/17-1``). A diarienummer,
once given, has been written on letters, cited in decisions and stored in places this database cannot
change: the hash-chained audit log (whose entries name it and cannot be rewritten without breaking the
chain), archive packages (``registration.json``, the package id ``kansli-kan-2026-00017``), and copies
sent out. Renumbering would leave all of those pointing at a number that no longer exists; keeping it, the
old number still finds the registration and its case's number is the same digits without the padding.

``registrations.number`` is from now on the running number within the case (1 for the migrated ones); the
unique (year, number) becomes unique (case_id, number).

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
        'cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dnr', sa.String(length=40), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('municipality', sa.String(length=100), nullable=True),
        sa.Column('officer_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_document', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['officer_id'], ['users.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('dnr'),
        sa.UniqueConstraint('year', 'number', name='uq_cases_year_number'),
    )
    op.create_index('ix_cases_municipality', 'cases', ['municipality'])

    bind = op.get_bind()
    old = bind.execute(sa.text(
        "SELECT r.id, r.dnr, r.year, r.number, r.description, r.created_at, s.municipality "
        "FROM registrations r LEFT JOIN registry_search s ON s.registration_id = r.id ORDER BY r.id")).all()
    cases = sa.table('cases', *(sa.column(c) for c in ('id', 'dnr', 'year', 'number', 'title', 'municipality',
                                                       'status', 'opened_at', 'last_document')))
    if old:
        # The case gets the registration's id, so each registration finds its case without a lookup.
        op.bulk_insert(cases, [{'id': r.id, 'dnr': f"{r.dnr.rsplit(' ', 1)[0]} {r.year}/{r.number}", 'year': r.year,
                                'number': r.number, 'title': r.description, 'municipality': r.municipality,
                                'status': 'open', 'opened_at': r.created_at, 'last_document': 1} for r in old])
        if bind.dialect.name == 'postgresql':
            bind.execute(sa.text("SELECT setval(pg_get_serial_sequence('cases', 'id'), MAX(id)) FROM cases"))

    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE registrations SET case_id = id")
    # SQLite's copy of the table names the unnamed unique (year, number) by this convention, so it can be dropped.
    with op.batch_alter_table('registrations', schema=None,
                              naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'}) as batch_op:
        batch_op.drop_constraint('registrations_year_number_key' if bind.dialect.name == 'postgresql'
                                 else 'uq_registrations_year', type_='unique')
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
    op.execute("UPDATE registrations SET number = 1")  # the running number within its case
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_registrations_case_number', ['case_id', 'number'])
        batch_op.create_foreign_key('fk_registrations_case_id', 'cases', ['case_id'], ['id'])
        batch_op.create_foreign_key('fk_registrations_voided_by', 'users', ['voided_by'], ['id'])
        batch_op.create_index('ix_registrations_case_id', ['case_id'])


def downgrade() -> None:
    """Possible only while every case holds one registration: numbers within cases have no older form."""
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM registrations GROUP BY case_id HAVING COUNT(*) > 1")).first():
        raise RuntimeError("Ärenden med mer än en handling kan inte föras tillbaka till numreringen före 0009.")
    op.execute("UPDATE registrations SET number = (SELECT number FROM cases WHERE cases.id = registrations.case_id)")
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_index('ix_registrations_case_id')
        batch_op.drop_constraint('fk_registrations_voided_by', type_='foreignkey')
        batch_op.drop_constraint('fk_registrations_case_id', type_='foreignkey')
        batch_op.drop_constraint('uq_registrations_case_number', type_='unique')
        batch_op.create_unique_constraint('registrations_year_number_key', ['year', 'number'])
        for column in ('voided_at', 'voided_by', 'void_reason', 'case_id'):
            batch_op.drop_column(column)
    op.drop_index('ix_cases_municipality', table_name='cases')
    op.drop_table('cases')
