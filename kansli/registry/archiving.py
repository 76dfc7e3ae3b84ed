"""Archiving: freezing a registration into an archive package, after which its material is read-only.

An upload is archived as the original and a PDF/A-2b rendering made with Ghostscript; an output as its
Word and PDF files. :func:`kansli.archive.build_package` lays out the package.
"""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.archive import build_package
from kansli.convert import ConversionError, pdf_to_pdfa
from kansli.models import ArchivedFile, Document, Registration, utcnow
from kansli.names import file_name
from kansli.registry.errors import RegistryError
from kansli.registry.record import archived_record, registered_item
from kansli.registry.voiding import refuse_if_voided
from kansli.status import RegistrationStatus
from kansli.storage import Store


def archived_registration_of_document(session: Session, document_id: int) -> Registration | None:
    """The registration that archived this document, if any: archived material must not change."""
    return session.scalar(select(Registration).where(Registration.document_id == document_id,
                                                     Registration.status == RegistrationStatus.ARCHIVED).limit(1))


def _software() -> dict[str, str]:
    """The versions of what read or made the files, for the package's provenance."""
    from importlib.metadata import version

    return {name: version(name) for name in ("kansli", "docxtpl", "python-docx", "pdfplumber", "pypdfium2")}


def archive(session: Session, store: Store, registration: Registration, submitter: tuple[str, str | None]
            ) -> Registration:
    """Freeze a registration into an archive package; archived material is read-only from then on.

    ``submitter`` (name, organisationsnummer or None) is who the package says hands it to the archive.
    """
    if registration.status == RegistrationStatus.ARCHIVED:
        raise RegistryError(409, f"{registration.dnr} är redan arkiverat och kan inte ändras.")
    if registration.status == RegistrationStatus.DISPOSED:
        raise RegistryError(409, f"{registration.dnr} är gallrat; det finns inget kvar att arkivera.")
    refuse_if_voided(registration, "arkiveras")
    events: list[dict[str, str]] = []
    item = registered_item(session, registration)
    if isinstance(item, Document):
        original = store.get(item.sha256)
        data_files = [(file_name(item.filename), original)]
        events.append({"type": "ingestion", "at": item.created_at.isoformat(), "detail": f"Uppladdad: {item.filename}"})
        try:
            data_files.append((Path(data_files[0][0]).stem + "-pdfa.pdf", pdf_to_pdfa(original)))
            events.append({"type": "migration", "at": utcnow().isoformat(),
                           "detail": "PDF/A-2b framställd ur originalet med Ghostscript"})
        except ConversionError as exc:  # the original is archived regardless; the package says what is missing
            events.append({"type": "migration", "at": utcnow().isoformat(), "detail": f"Ingen PDF/A: {exc}"})
    else:
        data_files = [(f.name, store.get(f.sha256)) for f in item.files if f.format in ("docx", "pdf", "zip")]
        events.append({"type": "creation", "at": item.created_at.isoformat(),
                       "detail": f"Skapad av Kansli ur mall {json.dumps(item.templates or {}, ensure_ascii=False)}"})
    now = utcnow()
    events += [{"type": "registration", "at": registration.created_at.isoformat(),
                "detail": f"Registrerad som {registration.dnr}"},
               {"type": "transfer", "at": now.isoformat(), "detail": "Arkiverad i paket enligt FGS Paketstruktur 2.0"}]
    package, listing = build_package(archived_record(registration, item, _software()), data_files, events, submitter)
    registration.package_sha256 = store.put(package)
    registration.status, registration.archived_at = RegistrationStatus.ARCHIVED, now
    registration.files = [ArchivedFile(path=path, sha256=sha, size=size) for path, sha, size in listing]
    session.flush()
    return registration
