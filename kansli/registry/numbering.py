"""Case numbers, running numbers within a case, and registering an upload or an output in a case.

A case is numbered ``PREFIX YEAR/N``, gap-free within a year: the year's counter is bumped by an atomic
upsert in the same transaction that opens the case. A registration is numbered within its case,
``PREFIX YEAR/N-M``, gap-free within the case: the case's counter is bumped by one ``UPDATE … RETURNING``
in the same transaction that inserts the registration. Either bump comes first in its transaction, so
concurrent registrations queue on the counter row and a failed one rolls its number back. Numbers are
never reused: a voided registration keeps its number (:mod:`.voiding`).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kansli.db import insert_for
from kansli.fields import KIND_LABELS
from kansli.models import Case, Document, Output, Registration, RegistryCounter
from kansli.outputs import KINDS
from kansli.registry.errors import RegistryError
from kansli.registry.retention import retain_until
from kansli.registry.search import index
from kansli.status import CaseStatus, Direction, OutputStatus, RegistrationStatus


def next_number(session: Session, year: int) -> int:
    """Take the year's next case number, inside the caller's transaction."""
    stmt = insert_for(session, RegistryCounter).values(year=year, last=1)
    stmt = stmt.on_conflict_do_update(index_elements=["year"], set_={"last": RegistryCounter.last + 1})
    return session.execute(stmt.returning(RegistryCounter.last)).scalar_one()


def open_case(session: Session, prefix: str, title: str, *, municipality: str | None = None,
              officer_id: int | None = None) -> Case:
    """Open a case under the year's next number."""
    year = date.today().year
    number = next_number(session, year)  # first: the transaction writes before it reads
    case = Case(dnr=f"{prefix} {year}/{number}", year=year, number=number, title=title, municipality=municipality,
                officer_id=officer_id, status=CaseStatus.OPEN, last_document=0)
    session.add(case)
    session.flush()
    return case


def _next_in_case(session: Session, dnr: str) -> tuple[Case, int]:
    """Take the case's next running number: finding the case and bumping its counter is one statement."""
    row = session.execute(update(Case).where(Case.dnr == dnr).values(last_document=Case.last_document + 1)
                          .returning(Case.id, Case.last_document, Case.status)
                          .execution_options(synchronize_session=False)).first()
    if row is None:
        raise RegistryError(404, f"Ärendet {dnr} finns inte; kontrollera diarienumret.")
    if row.status == CaseStatus.CLOSED:
        raise RegistryError(409, f"Ärendet {dnr} är avslutat; öppna det igen för att registrera i det.")
    case = session.get_one(Case, row.id)
    case.last_document = row.last_document  # what the database holds, without reading it again
    return case, row.last_document


def _describe_document(doc: Document) -> tuple[str | None, str]:
    """The party and description guessed from the extracted fields; the registrar may give their own."""
    fields = doc.current_fields() or {}
    party = fields.get("municipality") or fields.get("agency") or fields.get("department")
    subject = fields.get("title") or (f"{fields['municipality']}, {', '.join(fields.get('districts') or [])}"
                                      if fields.get("municipality") else None)
    kind = KIND_LABELS[doc.kind] if doc.kind in KIND_LABELS and doc.kind != "unknown" else "Dokument"
    return party, f"{kind}: {subject or doc.filename}"


def register(session: Session, prefix: str, *, document_id: int | None = None, output_id: int | None = None,
             case: str | None = None, direction: str | None = None, user_id: int | None = None,
             party: str | None = None, description: str | None = None,
             retention: dict[str, int | None] | None = None) -> Registration:
    """File an uploaded document or a ready output in ``case`` (a dnr) under its next running number.

    Without ``case`` a new case is opened, titled from the item's description, with the item as its
    document 1. ``direction`` defaults to incoming for an upload and outgoing (drawn up) for an output.
    """
    if (document_id is None) == (output_id is None):
        raise RegistryError(400, "Ange antingen document_id eller output_id.")
    if case is not None:  # first: the transaction writes (takes the number) before it reads
        filed, running = _next_in_case(session, case)
    else:
        filed, running = open_case(session, prefix, ""), 1
    if earlier := session.scalar(select(Registration).where(
            Registration.document_id == document_id if document_id is not None else Registration.output_id == output_id,
            Registration.status != RegistrationStatus.VOIDED)):
        raise RegistryError(409, f"Det är redan registrerat som {earlier.dnr}.")
    if document_id is not None:
        doc = session.get(Document, document_id)
        if doc is None:
            raise RegistryError(404, f"Dokument {document_id} finns inte.")
        guess_party, guess_description = _describe_document(doc)
        default, when, kind, fields = Direction.INCOMING, doc.created_at, f"document:{doc.kind or 'unknown'}", \
            doc.current_fields()
    else:
        output = session.get(Output, output_id)
        if output is None:
            raise RegistryError(404, f"Utkast {output_id} finns inte.")
        if output.status != OutputStatus.READY:
            raise RegistryError(409, "Utkastet är inte klart ännu; registrera det när filerna finns.")
        guess_party, guess_description = KINDS[output.kind].describe(output)
        default, when, kind, fields = Direction.OUTGOING, output.created_at, f"output:{output.kind}", output.fields
    if case is None:
        municipality = (fields or {}).get("municipality")
        filed.title = description or guess_description
        filed.municipality = municipality if isinstance(municipality, str) and len(municipality) <= 100 else None
        filed.last_document = 1
    registration = Registration(
        dnr=f"{filed.dnr}-{running}", case_id=filed.id, year=filed.year, number=running,
        direction=direction or default, document_id=document_id, output_id=output_id, date=when.date().isoformat(),
        party=(party or guess_party or None), description=description or guess_description,
        registered_by=user_id, status=RegistrationStatus.REGISTERED,
        retain_until=retain_until(when.date(), (retention or {}).get(kind)),  # kind as config.RETENTION keys it
    )
    session.add(registration)
    session.flush()
    index(session, registration)
    return registration
