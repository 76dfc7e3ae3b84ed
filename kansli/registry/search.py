"""Finding registrations: the search index of each registration and the search over it.

A registration is found by its number, its case's number and title, party and description, and by the full text of its fields and
its document. SQLite indexes that text with FTS5 (table ``registry_fts``), PostgreSQL with a Swedish
tsvector over ``registry_search``.
"""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from kansli import fulltext
from kansli.models import Case, Document, Registration, SearchEntry
from kansli.names import municipality_key
from kansli.registry.record import registered_item


def index(session: Session, registration: Registration) -> None:
    """Make a registration findable by its fields and its document's text (idempotent)."""
    item = registered_item(session, registration)
    fields: dict[str, Any]
    if isinstance(item, Document):
        kind, fields, body = item.kind, item.current_fields() or {}, item.text or ""
    else:
        kind, fields, body = item.kind, item.fields or {}, ""
    parts = [registration.dnr, registration.case.dnr, registration.case.title, registration.party or "",
             registration.description,
             json.dumps(fields, ensure_ascii=False), body]
    named = fields.get("municipality")
    entry = SearchEntry(registration_id=registration.id, body="\n".join(parts), kind=kind,
                        municipality=municipality_key(named) if isinstance(named, str) and named.strip() else None)
    session.merge(entry)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sql("DELETE FROM registry_fts WHERE rowid = :id"), {"id": registration.id})
        session.execute(sql("INSERT INTO registry_fts (rowid, body) VALUES (:id, :body)"),
                        {"id": registration.id, "body": entry.body})


def search(session: Session, text: str | None = None, *, kind: str | None = None, municipality: str | None = None,
           year: int | None = None, status: str | None = None, limit: int = 200) -> list[Registration]:
    """Registrations matching ``text`` (full text of fields and documents) and the filters, newest first.

    The text also finds every registration of a case by the case's number or title, matched on the case
    itself: registrations made before cases existed were indexed without them.
    """
    query = select(Registration).join(Case).outerjoin(SearchEntry).order_by(Registration.id.desc()).limit(limit)
    if text and text.strip():
        like = f"%{text.strip().lower()}%"
        words = fulltext.matches(session.get_bind().dialect.name, text.strip(), "registry_fts", Registration.id,
                                 SearchEntry.registration_id, SearchEntry.body)
        query = query.where(or_(words, func.lower(Registration.dnr).like(like),
                                func.lower(Case.dnr).like(like), func.lower(Case.title).like(like),
                                func.lower(Registration.party).like(like),
                                func.lower(Registration.description).like(like)))
    if kind:
        query = query.where(SearchEntry.kind == kind)
    if municipality:
        query = query.where(SearchEntry.municipality == municipality_key(municipality))
    if year:
        query = query.where(Registration.year == year)
    if status:
        query = query.where(Registration.status == status)
    return list(session.scalars(query))
