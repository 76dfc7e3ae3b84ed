"""Full-text matching in the database's own engine, for the two indexes that have one (the diarium's
registrations and the uploaded documents): SQLite's FTS5 table beside the index rows, PostgreSQL's Swedish
tsvector over the index's body."""
from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, String, column, func, literal_column, select
from sqlalchemy import text as sql


def matches(dialect: str, text: str, fts_table: str, row_id: Any, index_id: Any, index_body: Any) -> ColumnElement[bool]:
    """The condition "the row's indexed text holds every word of ``text``" (on SQLite also as a prefix).

    ``fts_table`` is the FTS5 table named in a migration, never user input; ``row_id`` the searched rows' id,
    ``index_id`` and ``index_body`` the index rows' id of that row and text.
    """
    if dialect == "sqlite":
        terms = " ".join('"' + t.replace('"', '""') + '"*' for t in text.split())  # quotes are words, not syntax
        ids = sql(f"SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH :q").bindparams(q=terms)
        return row_id.in_(ids.columns(column("rowid", Integer)))
    swedish = literal_column("'swedish'", String)
    found = func.to_tsvector(swedish, index_body).op("@@")(func.plainto_tsquery(swedish, text))
    return row_id.in_(select(index_id).where(found))
