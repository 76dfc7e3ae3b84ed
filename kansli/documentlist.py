"""The document list of a working day: which uploads a query finds, in which order, one page at a time.

Uploads are found by their name, and once read by their fields and text through their own full-text index
(``document_search``), built as the registry's (:mod:`kansli.registry.search`): FTS5 in SQLite, a Swedish
tsvector in PostgreSQL. The page ``/`` and ``GET /api/documents`` both ask :func:`listing`.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, selectinload

from kansli import fulltext
from kansli.models import Document, DocumentSearch, User
from kansli.names import municipality_key
from kansli.validation import DocumentQuery, DocumentSort

#: Days in the date filters are Swedish days: an upload at 00:30 on the 3rd belongs to the 3rd.
ZONE = ZoneInfo("Europe/Stockholm")


def index(session: Session, doc_id: int, filename: str, fields: dict[str, Any], text: str | None) -> None:
    """Make a read document findable by its name, fields and text (idempotent; again after a correction)."""
    named = fields.get("municipality")
    body = "\n".join([filename, json.dumps(fields, ensure_ascii=False), text or ""])
    session.merge(DocumentSearch(document_id=doc_id, body=body,
                                 municipality=municipality_key(named) if isinstance(named, str) and named.strip()
                                 else None))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sql("DELETE FROM document_fts WHERE rowid = :id"), {"id": doc_id})
        session.execute(sql("INSERT INTO document_fts (rowid, body) VALUES (:id, :body)"), {"id": doc_id, "body": body})


def forget(session: Session, doc_id: int) -> None:
    """Remove a document's index entry, before its row goes."""
    session.execute(delete(DocumentSearch).where(DocumentSearch.document_id == doc_id))
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sql("DELETE FROM document_fts WHERE rowid = :id"), {"id": doc_id})


def _start_of(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(), ZONE).astimezone(UTC)


_ORDER = {
    DocumentSort.NEWEST: (Document.id.desc(),),
    DocumentSort.OLDEST: (Document.id.asc(),),
    DocumentSort.NAME: (func.lower(Document.filename).asc(), Document.id.asc()),
    DocumentSort.STATUS: (Document.status.asc(), Document.id.desc()),
}


def query(dialect: str, q: DocumentQuery) -> Select[Document]:
    """The documents ``q`` asks for, in its order, without paging; ``dialect`` picks the full text."""
    found = select(Document)
    if q.ids:
        found = found.where(Document.id.in_(q.ids))
    if q.q and q.q.strip():
        found = found.where(or_(fulltext.matches(dialect, q.q.strip(), "document_fts", Document.id, DocumentSearch.document_id,
                                                 DocumentSearch.body),
                                func.lower(Document.filename).contains(q.q.strip().lower(), autoescape=True)))
    if q.kind:
        found = found.where(Document.kind == q.kind)
    if q.status:
        found = found.where(Document.status == q.status)
    if q.municipality and q.municipality.strip():
        found = found.where(Document.id.in_(select(DocumentSearch.document_id).where(
            DocumentSearch.municipality == municipality_key(q.municipality))))
    if q.uploader and q.uploader.strip():
        found = found.where(Document.uploaded_by.in_(select(User.id).where(User.name == q.uploader.strip())))
    if q.since:
        found = found.where(Document.created_at >= _start_of(q.since))
    if q.until:
        found = found.where(Document.created_at < _start_of(q.until) + timedelta(days=1))
    return found.order_by(*_ORDER[q.sort])


@dataclass(frozen=True)
class Listing:
    """One page of the list: its documents, how many the query found in all, and where the page stands."""

    documents: list[Document]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first(self) -> int:
        """The number of the page's first document in the whole list (1-based; 0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.documents else 0

    @property
    def last(self) -> int:
        return self.first + len(self.documents) - 1 if self.documents else 0


def listing(session: Session, q: DocumentQuery, per_page: int) -> Listing:
    """The page ``q.page`` of what ``q`` finds, ``q.per_page`` (or ``per_page``) documents to a page."""
    size = q.per_page or per_page
    found = query(session.get_bind().dialect.name, q)
    total = session.scalar(select(func.count()).select_from(found.order_by(None).subquery())) or 0
    rows = session.scalars(found.options(selectinload(Document.revisions))
                           .offset((q.page - 1) * size).limit(size)).all()
    return Listing(list(rows), total, q.page, size)


def uploaders(session: Session) -> list[str]:
    """The names of those who uploaded anything, for the list's filter."""
    return list(session.scalars(select(User.name).where(User.id.in_(select(Document.uploaded_by)))
                                .order_by(User.name)))


def summary(listing: Listing) -> str:
    """"Visar 26–50 av 120 dokument", for the list's heading and screen readers."""
    if not listing.total:
        return "Inga dokument matchar."
    if listing.total == 1:
        return "Visar 1 dokument"  # the same word for one and many: "dokument"
    if not listing.documents:
        return f"Sidan {listing.page} är tom; listan har {listing.total} dokument"
    return f"Visar {listing.first}–{listing.last} av {listing.total} dokument"
