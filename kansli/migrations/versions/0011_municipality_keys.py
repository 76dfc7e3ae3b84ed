"""search by municipality key: "Uppsala" finds what "Uppsala kommun" registered

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26

The registry search kept the municipality as written and compared it whole, so the filter "Uppsala" found
nothing registered for "Uppsala kommun". The index now keeps the municipality's key, as
``kansli.names.municipality_key`` makes it (copied here: a migration must not change when the code does).
"""
import re

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    base = re.sub(r"\s+kommun$", "", " ".join(name.split()), flags=re.IGNORECASE).casefold()
    return base[:-1] if base.endswith("s") and len(base) > 4 else base


def upgrade() -> None:
    search = sa.table('registry_search', sa.column('registration_id', sa.Integer),
                      sa.column('municipality', sa.String))
    bind = op.get_bind()
    rows = bind.execute(sa.select(search.c.registration_id, search.c.municipality)
                        .where(search.c.municipality.is_not(None))).all()
    for registration_id, name in rows:
        bind.execute(search.update().where(search.c.registration_id == registration_id)
                     .values(municipality=_key(name)))


def downgrade() -> None:
    """The names as written cannot be recovered from their keys; the next index of each row writes the key."""
