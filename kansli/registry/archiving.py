"""Archiving: freezing a registration, or a whole case, into an archive package; its material is read-only after.

An upload is archived as the original and a PDF/A-2b rendering made with Ghostscript; an output as its
Word and PDF files. :func:`kansli.archive.build_package` lays out a registration's package,
:func:`kansli.archive.build_case_package` a case's, described by :func:`kansli.registry.case_export.erms_case`.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kansli.archive import build_case_package, build_package
from kansli.convert import ConversionError, pdf_to_pdfa
from kansli.models import ArchivedFile, Case, Document, Output, Registration, utcnow
from kansli.names import file_name
from kansli.registry.case_export import erms_case
from kansli.registry.erms import DATA_DIR as ERMS_DATA_DIR
from kansli.registry.erms import record_folder
from kansli.registry.errors import RegistryError
from kansli.registry.record import RECORD_FORMATS, archived_record, registered_item
from kansli.registry.voiding import refuse_if_voided
from kansli.status import CaseStatus, RegistrationStatus
from kansli.storage import Store

#: Where a case package holds the case as ERMS; only a case package has it.
CASE_DESCRIPTION = "metadata/descriptive/erms.xml"


def archived_registration_of_document(session: Session, document_id: int) -> Registration | None:
    """The registration that archived this document, if any: archived material must not change."""
    return session.scalar(select(Registration).where(Registration.document_id == document_id,
                                                     Registration.status == RegistrationStatus.ARCHIVED).limit(1))


def registration_in_force(session: Session, item: Document | Output) -> Registration | None:
    """The registration a document or draft is filed under (registered or archived; a voided one is history),
    so that its page can show the number and whether it is locked."""
    filed = Registration.document_id == item.id if isinstance(item, Document) else Registration.output_id == item.id
    return session.scalar(select(Registration).where(filed, Registration.status != RegistrationStatus.VOIDED)
                          .order_by(Registration.id.desc()).limit(1))


def drafts_in_force(session: Session, outputs: Sequence[Output]) -> dict[int, Registration]:
    """:func:`registration_in_force` of many drafts at once, by draft id (a list of drafts asks once)."""
    found: dict[int, Registration] = {}
    if outputs:
        rows = session.scalars(select(Registration).where(
            Registration.output_id.in_([o.id for o in outputs]), Registration.status != RegistrationStatus.VOIDED)
            .order_by(Registration.id))
        found = {r.output_id: r for r in rows if r.output_id is not None}  # the latest of each wins
    return found


def _software() -> dict[str, str]:
    """The versions of what read or made the files, for the package's provenance."""
    from importlib.metadata import version

    return {name: version(name) for name in ("kansli", "docxtpl", "python-docx", "pdfplumber", "pypdfium2")}


def _material(store: Store, item: Document | Output) -> tuple[list[tuple[str, bytes]], list[dict[str, str]]]:
    """The files an item is archived as, and the events that made them: an upload as its original and a
    PDF/A-2b rendering (without one if Ghostscript fails, saying so), an output as its Word, PDF and zip files."""
    events: list[dict[str, str]] = []
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
        data_files = [(f.name, store.get(f.sha256)) for f in item.files if f.format in RECORD_FORMATS]
        events.append({"type": "creation", "at": item.created_at.isoformat(),
                       "detail": f"Skapad av Kansli ur mall {json.dumps(item.templates or {}, ensure_ascii=False)}"})
    return data_files, events


def _refuse_if_final(registration: Registration) -> None:
    if registration.status == RegistrationStatus.ARCHIVED:
        raise RegistryError(409, f"{registration.dnr} är redan arkiverat och kan inte ändras.")
    if registration.status == RegistrationStatus.DISPOSED:
        raise RegistryError(409, f"{registration.dnr} är gallrat; det finns inget kvar att arkivera.")


def _freeze(registration: Registration, package_sha256: str, listing: list[tuple[str, str, int]],
            at: datetime) -> None:
    """Mark a registration archived in a package, with the package's files that ``kansli fixity`` checks."""
    registration.package_sha256 = package_sha256
    registration.status, registration.archived_at = RegistrationStatus.ARCHIVED, at
    registration.files = [ArchivedFile(path=path, sha256=sha, size=size) for path, sha, size in listing]


def archive(session: Session, store: Store, registration: Registration, submitter: tuple[str, str | None]
            ) -> Registration:
    """Freeze a registration into an archive package; archived material is read-only from then on.

    ``submitter`` (name, organisationsnummer or None) is who the package says hands it to the archive.
    """
    _refuse_if_final(registration)
    refuse_if_voided(registration, "arkiveras")
    item = registered_item(session, registration)
    data_files, events = _material(store, item)
    now = utcnow()
    events += [{"type": "registration", "at": registration.created_at.isoformat(),
                "detail": f"Registrerad som {registration.dnr}"},
               {"type": "transfer", "at": now.isoformat(), "detail": "Arkiverad i paket enligt FGS Paketstruktur 2.0"}]
    package, listing = build_package(archived_record(registration, item, _software()), data_files, events, submitter)
    _freeze(registration, store.put(package), listing, now)
    session.flush()
    return registration


def case_package(case: Case) -> str | None:
    """The digest of the package the case was archived in as a whole, if it was: its registrations hold it,
    and their files include the case's ERMS file, which no registration's own package has."""
    for registration in case.documents:
        if registration.status == RegistrationStatus.ARCHIVED and any(f.path == CASE_DESCRIPTION
                                                                       for f in registration.files):
            return registration.package_sha256
    return None


def _refuse_case(case: Case) -> list[Registration]:
    """Why a case cannot be archived as a whole, if it cannot; else the registrations whose files go in."""
    if case_package(case):
        raise RegistryError(409, f"Ärendet {case.dnr} är redan arkiverat.")
    if case.status != CaseStatus.CLOSED:
        raise RegistryError(409, f"Ärendet {case.dnr} är öppet; avsluta det först, så att inga fler handlingar "
                                 "kan komma till efter arkiveringen.")
    kept = [r for r in case.documents if r.status != RegistrationStatus.VOIDED]
    if not kept:
        raise RegistryError(409, f"Ärendet {case.dnr} har inga handlingar att arkivera, bara makulerade.")
    for registration in kept:
        if registration.status == RegistrationStatus.ARCHIVED:
            raise RegistryError(409, f"{registration.dnr} är redan arkiverad i ett eget paket, så ärendet "
                                     f"{case.dnr} kan inte arkiveras i ett paket.")
        _refuse_if_final(registration)  # disposed; an output is ready once registered, until disposed
    return kept


def archive_case(session: Session, store: Store, case: Case, organisation: tuple[str, str | None]
                 ) -> list[Registration]:
    """Archive a closed case as one package: every document with its files, voided ones described without.

    Each registration archived is frozen as :func:`archive` freezes one, holding the case package's digest
    and the package files that carry it (its own data and the files every record shares). Returns those
    registrations. A package :func:`~kansli.archive.build_case_package` refuses (an ERMS file that fails its
    schema or Schematron, which should not happen) is a 409: nothing is archived then.
    """
    kept = _refuse_case(case)
    contents: dict[str, bytes] = {}
    files: dict[int, list[tuple[str, str]]] = {}
    events: list[dict[str, str]] = []
    for registration in kept:
        data_files, made = _material(store, registered_item(session, registration))
        contents |= {hashlib.sha256(data).hexdigest(): data for _, data in data_files}
        files[registration.id] = [(name, hashlib.sha256(data).hexdigest()) for name, data in data_files]
        events += [{**event, "detail": f"{registration.dnr}: {event['detail']}"} for event in made]
        events.append({"type": "registration", "at": registration.created_at.isoformat(),
                       "detail": f"Registrerad som {registration.dnr}"})
    now = utcnow()
    events.append({"type": "transfer", "at": now.isoformat(),
                   "detail": f"Ärendet {case.dnr} arkiverat i ett paket enligt FGS Paketstruktur 2.0"})
    try:
        package, listing = build_case_package(erms_case(session, case, organisation, files), contents, events,
                                              organisation, _software())
    except ValueError as exc:
        raise RegistryError(409, f"Ärendet {case.dnr} kunde inte arkiveras: {exc}") from exc
    digest = store.put(package)
    for registration in kept:
        own = f"{ERMS_DATA_DIR}/{record_folder(registration.dnr)}/"
        _freeze(registration, digest, [entry for entry in listing if entry[0].startswith(own)
                                       or not entry[0].startswith(f"{ERMS_DATA_DIR}/")], now)
    session.flush()
    return kept
