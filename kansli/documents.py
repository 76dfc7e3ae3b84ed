"""Uploaded documents: accepting an upload, and correcting extracted fields with history kept."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kansli import budget, documentlist, pageimages
from kansli.db import insert_for
from kansli.extraction import pdf
from kansli.extraction.pdf import preflight
from kansli.extraction.refusal import Refusal
from kansli.fields import FieldError, validate
from kansli.models import Document, IdempotencyKey, LearnedLabel, Output, Registration, Revision, utcnow
from kansli.names import display_name
from kansli.registry.archiving import archived_registration_of_document
from kansli.status import DocumentStatus, RegistrationStatus
from kansli.storage import Store

log = logging.getLogger(__name__)


class ArchivedError(ValueError):
    """A change to archived material: refused with 409, always."""


class DocumentRefused(ValueError):
    """A retry or removal that cannot be done (409): the message names the document and says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UploadRejected(ValueError):
    """An upload refused at the door; ``status`` is the HTTP status the API answers with."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


#: Counting pages reads only the page tree; a file that needs more than this to show it is suspicious.
COUNT_BUDGET_BYTES, COUNT_BUDGET_SECONDS = 256 * 1024 * 1024, 5


def count_pages(data: bytes) -> int | None:
    """The page count, which decides the queue (:func:`kansli.queues.is_heavy`); None if it cannot be read
    cheaply, which sends the document to the heavy queue. Counted in a budgeted child: PDFium parses the
    file's cross-reference streams to find the page tree, and the web process must not be where a
    hostile one unpacks."""
    try:
        return budget.run(pdf.count_pages, data, budget=budget.Budget(
            COUNT_BUDGET_BYTES, COUNT_BUDGET_SECONDS, time.monotonic() + 2 * COUNT_BUDGET_SECONDS))
    except (Refusal, budget.OverBudget, budget.Crashed) as exc:
        log.info("pages not counted at upload: %r", exc)
        return None


@dataclass(frozen=True)
class Received:
    """An upload checked and kept in the store, ready to become a document (or to be one already)."""

    name: str
    sha256: str
    size: int
    pages: int | None


def receive(store: Store, data: bytes, filename: str | None) -> Received:
    """Check an upload and store its bytes, before any database work: the slow steps (reading the file,
    counting its pages in a budgeted child) must not hold a transaction open."""
    name = display_name(filename)
    try:
        preflight(data)
    except Refusal as refusal:
        raise UploadRejected(415, refusal.code, f"{name}: {refusal.message}") from None
    digest = store.put(data)  # file first: a row never points at a missing file
    return Received(name, digest, len(data), count_pages(data))


def add_document(session: Session, received: Received, user_id: int | None) -> tuple[Document, bool]:
    """The document for received bytes; returns (document, created). The caller commits.

    The same bytes uploaded again give the existing document instead of a second copy; bytes that were
    disposed of are refused, since the registry's record says they are gone.
    """
    if existing := session.scalar(select(Document).where(Document.sha256 == received.sha256)):
        if existing.status == DocumentStatus.DISPOSED:
            raise UploadRejected(409, "disposed", f"{received.name}: samma fil har gallrats som dokument "
                                                  f"{existing.id} och kan inte tas emot igen.")
        return existing, False
    # The same bytes may arrive at the same moment from someone else: the database decides who was first.
    new_id = session.execute(
        insert_for(session, Document)
        .values(filename=received.name, sha256=received.sha256, size=received.size, uploaded_by=user_id,
                status=DocumentStatus.QUEUED, pages=received.pages, progress=0, attempts=0, warnings=[],
                created_at=utcnow(), updated_at=utcnow())
        .on_conflict_do_nothing(index_elements=["sha256"]).returning(Document.id)
    ).scalar()
    if new_id is None:
        return session.scalars(select(Document).where(Document.sha256 == received.sha256)).one(), False
    return session.get_one(Document, new_id), True


def add_upload(session: Session, store: Store, data: bytes, filename: str | None,
               user_id: int | None) -> tuple[Document, bool]:
    """Receive and add in one go, for callers with no transaction to keep short (the CLI, tests)."""
    return add_document(session, receive(store, data, filename), user_id)


def correct(session: Session, doc: Document, changes: Any, user_id: int | None) -> Revision:
    """Apply a drafter's corrections as a new revision; earlier revisions stay untouched."""
    if doc.status != DocumentStatus.EXTRACTED or not doc.revisions:
        raise FieldError("Dokumentet har inga extraherade fält att rätta ännu.")
    if archived := archived_registration_of_document(session, doc.id):
        raise ArchivedError(f"Dokumentet är arkiverat som {archived.dnr} och kan inte ändras.")
    checked = validate(doc.kind or "unknown", changes)
    current = doc.revisions[-1]
    fields = {**current.fields, **checked}
    changed = sorted(k for k, v in checked.items() if current.fields.get(k) != v)
    if not changed:
        return current  # nothing new: no empty revision in the history
    revision = Revision(number=current.number + 1, source="correction", fields=fields, changed=changed,
                        user_id=user_id)
    doc.revisions.append(revision)
    session.flush()
    return revision


def remove(session: Session, doc: Document) -> list[str]:
    """Delete a failed upload that nothing refers to; returns the digests its row held, for the caller to
    remove from the store once committed if no other row needs them (:func:`kansli.registry.retention.
    remove_unreferenced`). A registered or archived document is a record and is never removed; nor is one
    that was read, since drafts, corrections and the registry may build on it.
    """
    if registration := session.scalar(select(Registration).where(Registration.document_id == doc.id).limit(1)):
        archived = " och arkiverat" if registration.status == RegistrationStatus.ARCHIVED else ""
        raise DocumentRefused(f"{doc.filename} kan inte tas bort: dokumentet är registrerat som {registration.dnr}"
                              f"{archived}, och det som har registrerats tas aldrig bort.")
    if doc.status != DocumentStatus.FAILED:
        raise DocumentRefused(f"{doc.filename} kan inte tas bort: bara uppladdningar som inte gick att läsa "
                              f"tas bort, och dokumentet har status {DocumentStatus(doc.status).label.lower()}.")
    for model, what in ((Output, "utkast gjorda från det"), (LearnedLabel, "inlärda etiketter från det")):
        if session.scalar(select(model.id).where(model.document_id == doc.id).limit(1)):
            raise DocumentRefused(f"{doc.filename} har {what} och kan inte tas bort.")
    digests = [doc.sha256, *pageimages.digests(doc.provenance)]
    # A retry of the upload with the same idempotency key is a new upload once the document is gone.
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.resource == "document",
                                                 IdempotencyKey.resource_id == doc.id))
    documentlist.forget(session, doc.id)
    session.delete(doc)
    session.flush()
    return digests
