"""Retention and disposal (gallring): how long a registration's material is kept, and its removal.

Disposal takes two registrars, an expired retention period and no legal hold. It removes the
registered material and its package; the registration stays as the record that it existed.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import Text, cast, or_, select
from sqlalchemy import text as sql
from sqlalchemy.orm import Session

from kansli import documentlist, pageimages
from kansli.models import Document, OutputFile, Registration, Template, utcnow
from kansli.registry.errors import RegistryError
from kansli.registry.record import registered_item
from kansli.status import DocumentStatus, OutputStatus, RegistrationStatus
from kansli.storage import Store


def retain_until(day: date, years: int | None) -> str | None:
    """The ISO date ``years`` after ``day`` from which the item may be disposed of; None: kept for good.

    Kept as a date on the registration, so that a later change of the retention schedule does not
    silently shorten what was decided when it was registered.
    """
    if years is None:
        return None
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28).isoformat()


def set_hold(registration: Registration, hold: bool, reason: str | None) -> None:
    """A legal hold stops disposal whatever the retention period says."""
    if registration.status == RegistrationStatus.DISPOSED:
        raise RegistryError(409, f"{registration.dnr} är redan gallrat.")
    if hold and not (reason or "").strip():
        raise RegistryError(400, "Ange skälet till den rättsliga spärren.")
    registration.legal_hold, registration.hold_reason = hold, (reason or "").strip() or None


def _may_dispose(registration: Registration) -> None:
    """Checked both when disposal is requested and when it is approved: a hold may come in between."""
    if registration.status == RegistrationStatus.DISPOSED:
        raise RegistryError(409, f"{registration.dnr} är redan gallrat.")
    if registration.legal_hold:
        raise RegistryError(409, f"{registration.dnr} har en rättslig spärr ({registration.hold_reason}) och får inte gallras.")
    if registration.retain_until is None:
        raise RegistryError(409, f"{registration.dnr} ska bevaras och får inte gallras.")
    if registration.retain_until > date.today().isoformat():
        raise RegistryError(409, f"{registration.dnr} får gallras tidigast {registration.retain_until}.")


def request_disposal(registration: Registration, user_id: int, reason: str | None) -> None:
    """The first of two registrars asks for disposal, naming the decision it rests on (gallringsbeslut).

    Nothing is removed yet: disposal cannot be undone, so another registrar has to approve it.
    """
    _may_dispose(registration)
    reason = (reason or "").strip()
    if not reason:
        raise RegistryError(400, "Ange gallringsbeslutet eller skälet till gallringen.")
    registration.disposal_requested_by, registration.disposal_reason = user_id, reason


def approve_disposal(session: Session, registration: Registration, user_id: int) -> list[str]:
    """Dispose of the registered material; the registration stays as the record that it existed.

    Returns the stored files the material held. The caller removes those no longer referenced
    (:func:`remove_unreferenced`) once the disposal is committed, so a failed commit loses no bytes.
    """
    _may_dispose(registration)
    if registration.disposal_requested_by is None:
        raise RegistryError(409, f"Ingen har begärt gallring av {registration.dnr} ännu.")
    if registration.disposal_requested_by == user_id:
        raise RegistryError(409, "Gallringen måste godkännas av en annan registrator än den som begärde den.")
    digests = [registration.package_sha256] if registration.package_sha256 else []
    item = registered_item(session, registration)
    if isinstance(item, Document):
        digests += [item.sha256, *pageimages.digests(item.provenance)]  # the page images show its content too
        item.text, item.status, item.revisions, item.provenance = None, DocumentStatus.DISPOSED, [], None
        item.error = f"Gallrat enligt {registration.dnr}."
        documentlist.forget(session, item.id)  # nor is it found on the document list by its text any longer
    else:
        digests += [f.sha256 for f in item.files]
        item.files, item.fields, item.status = [], {}, OutputStatus.DISPOSED
    registration.files = []
    registration.package_sha256 = None
    registration.status, registration.disposed_by, registration.disposed_at = RegistrationStatus.DISPOSED, user_id, utcnow()
    session.execute(sql("DELETE FROM registry_search WHERE registration_id = :id"), {"id": registration.id})
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sql("DELETE FROM registry_fts WHERE rowid = :id"), {"id": registration.id})
    session.flush()
    return digests


def remove_unreferenced(session: Session, store: Store, digests: list[str]) -> list[str]:
    """Remove those of ``digests`` that no row needs any longer; returns the ones removed."""
    removed = [digest for digest in dict.fromkeys(digests) if not referenced(session, digest)]
    for digest in removed:
        store.remove(digest)
    return removed


def referenced(session: Session, digest: str) -> bool:
    """Whether any row still needs the stored file ``digest``, so that disposal leaves it alone.

    The store keeps identical bytes once: an upload, an output's file, a template version and an archive
    package can all be the same file, and two documents can share a page image (a blank page). These four
    columns and the page images' digests in a document's provenance are every reference into the store; an
    ArchivedFile's digest is of a member inside a package, which the store holds only as the whole zip.
    A disposed document's row keeps its digest as a record but no longer needs the bytes.
    """
    holders = (select(Document.id).where(Document.sha256 == digest, Document.status != DocumentStatus.DISPOSED),
               select(Document.id).where(cast(Document.provenance, Text).contains(digest)),
               select(OutputFile.id).where(OutputFile.sha256 == digest),
               select(Template.id).where(Template.sha256 == digest),
               select(Registration.id).where(Registration.package_sha256 == digest))
    return bool(session.scalar(select(or_(*(holder.exists() for holder in holders)))))
