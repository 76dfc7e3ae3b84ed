"""document search: the document list finds uploads by their text, fields and municipality

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-26

Only registered documents were searchable (``registry_search``); a working day's uploads are found through
``document_search``, indexed the same way: FTS5 in SQLite, a Swedish tsvector in PostgreSQL. Documents
already read are indexed here, with ``kansli.names.municipality_key`` copied (a migration must not change
when the code does).
"""
import json
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None
#: Documents indexed at a time: their text (a plan of hundreds of pages each) is held in memory meanwhile.
BATCH = 100


def _key(name: str) -> str:
    base = re.sub(r"\s+kommun$", "", " ".join(name.split()), flags=re.IGNORECASE).casefold()
    return (base[:-1] if base.endswith("s") and len(base) > 4 else base)[:100]


def upgrade() -> None:
    op.create_table('document_search',
    sa.Column('document_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('municipality', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('document_id')
    )
    with op.batch_alter_table('document_search', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_search_municipality'), ['municipality'], unique=False)
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    if sqlite:
        op.execute("CREATE VIRTUAL TABLE document_fts USING fts5(body, tokenize='unicode61')")
    else:
        op.execute("CREATE INDEX ix_document_search_fts ON document_search "
                   "USING gin (to_tsvector('swedish', body))")

    documents = sa.table('documents', sa.column('id', sa.Integer), sa.column('filename', sa.String),
                         sa.column('text', sa.Text))
    revisions = sa.table('revisions', sa.column('document_id', sa.Integer), sa.column('number', sa.Integer),
                         sa.column('fields', sa.JSON))
    search = sa.table('document_search', sa.column('document_id', sa.Integer), sa.column('body', sa.Text),
                      sa.column('municipality', sa.String))
    latest = sa.select(revisions.c.document_id, sa.func.max(revisions.c.number).label('number')) \
        .group_by(revisions.c.document_id).subquery()
    read = sa.select(documents.c.id, documents.c.filename, documents.c.text, revisions.c.fields) \
        .join(latest, latest.c.document_id == documents.c.id) \
        .join(revisions, sa.and_(revisions.c.document_id == latest.c.document_id,
                                 revisions.c.number == latest.c.number)) \
        .order_by(documents.c.id).limit(BATCH)
    last = 0
    while rows := bind.execute(read.where(documents.c.id > last)).all():  # a batch's text in memory, not all
        last = rows[-1][0]
        _index(bind, search, sqlite, rows)


def _index(bind: sa.engine.Connection, search: sa.TableClause, sqlite: bool, rows: Sequence[Any]) -> None:
    for doc_id, filename, body, fields in rows:
        fields = fields if isinstance(fields, dict) else json.loads(fields or "{}")
        named = fields.get("municipality")
        text = "\n".join([filename, json.dumps(fields, ensure_ascii=False), body or ""])
        bind.execute(search.insert().values(document_id=doc_id, body=text,
                                            municipality=_key(named) if isinstance(named, str) and named.strip()
                                            else None))
        if sqlite:
            bind.execute(sa.text("INSERT INTO document_fts (rowid, body) VALUES (:id, :body)"),
                         {"id": doc_id, "body": text})


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE document_fts")
    else:
        op.execute("DROP INDEX ix_document_search_fts")
    with op.batch_alter_table('document_search', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_search_municipality'))
    op.drop_table('document_search')
