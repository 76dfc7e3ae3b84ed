"""Registration numbers and registering: an upload (incoming) or an output (outgoing) gets its number.

Numbers are ``PREFIX YEAR/NNNNN``, gap-free within a year and never reused: the year's counter is
bumped by an atomic upsert in the same transaction that inserts the registration, so a failed
registration rolls its number back and concurrent ones queue on the counter row.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.db import insert_for
from kansli.fields import KIND_LABELS
from kansli.models import Document, Output, Registration, RegistryCounter
from kansli.outputs import KINDS
from kansli.registry.errors import RegistryError
from kansli.registry.retention import retain_until
from kansli.registry.search import index
from kansli.status import OutputStatus, RegistrationStatus


def next_number(session: Session, year: int) -> int:
    """Take the year's next number, inside the caller's transaction."""
    stmt = insert_for(session, RegistryCounter).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["year"], set_={"last": RegistryCounter.last + 1})
    return session.execute(stmt.returning(RegistryCounter.last)).scalar_one()


def _describe_document(doc: Document) -> tuple[str | None, str]:
    """The party and description guessed from the extracted fields; the registrar may give their own."""
    fields = doc.current_fields() or {}
    party = fields.get("municipality") or fields.get("agency") or fields.get("department")
    subject = fields.get("title") or (f"{fields['municipality']}, {', '.join(fields.get('districts') or [])}"
                                      if fields.get("municipality") else None)
    kind = KIND_LABELS[doc.kind] if doc.kind in KIND_LABELS and doc.kind != "unknown" else "Dokument"
    return party, f"{kind}: {subject or doc.filename}"


def register(session: Session, prefix: str, *, document_id: int | None = None, output_id: int | None = None,
             user_id: int | None = None, party: str | None = None, description: str | None = None,
             retention: dict[str, int | None] | None = None) -> Registration:
    """Register an uploaded document (incoming) or a ready output (outgoing) under a new number."""
    if (document_id is None) == (output_id is None):
        raise RegistryError(400, "Ange antingen document_id eller output_id.")
    year = date.today().year
    number = next_number(session, year)  # first: the transaction writes before it reads
    if earlier := session.scalar(select(Registration).where(
            Registration.document_id == document_id if document_id is not None else Registration.output_id == output_id)):
        raise RegistryError(409, f"Det är redan registrerat som {earlier.dnr}.")
    if document_id is not None:
        doc = session.get(Document, document_id)
        if doc is None:
            raise RegistryError(404, f"Dokument {document_id} finns inte.")
        guess_party, guess_description = _describe_document(doc)
        direction, when, kind = "incoming", doc.created_at, doc.kind or "unknown"
    else:
        output = session.get(Output, output_id)
        if output is None:
            raise RegistryError(404, f"Utkast {output_id} finns inte.")
        if output.status != OutputStatus.READY:
            raise RegistryError(409, "Utkastet är inte klart ännu; registrera det när filerna finns.")
        guess_party, guess_description = KINDS[output.kind].describe(output)
        direction, when, kind = "outgoing", output.created_at, output.kind
    registration = Registration(
        dnr=f"{prefix} {year}/{number:05d}", year=year, number=number, direction=direction,
        document_id=document_id, output_id=output_id, date=when.date().isoformat(),
        party=(party or guess_party or None), description=description or guess_description,
        registered_by=user_id, status=RegistrationStatus.REGISTERED,
        retain_until=retain_until(when.date(), (retention or {}).get(kind)),
    )
    session.add(registration)
    session.flush()
    index(session, registration)
    return registration
