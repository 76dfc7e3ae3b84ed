"""The Alembic migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from kansli import db
from kansli.models import Base

#: The registry's full-text index is made by hand in a migration and not described by the models: in SQLite
#: an FTS5 virtual table (with its shadow tables), in PostgreSQL a GIN index on a tsvector expression.
FULL_TEXT = ("registry_fts", "ix_registry_search_fts")


def _described(_obj: Any, name: str | None, _type: str, _reflected: bool, _compare_to: Any) -> bool:
    return not (name or "").startswith(FULL_TEXT)


def test_models_and_migrations_agree(database_url: str) -> None:
    with db.engine_for(database_url).connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _described})
        assert compare_metadata(context, Base.metadata) == []
