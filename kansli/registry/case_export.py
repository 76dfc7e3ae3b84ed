"""A case as the registry holds it, turned into the frozen :class:`~kansli.registry.erms.ErmsCase` that
:func:`~kansli.registry.erms.erms_xml` writes and :func:`~kansli.archive.build_case_package` packs.

Every registration of the case becomes a record, voided ones too (with the reason, and no files: a voided
number stands only as the record of an error). Secrecy markings go along with their provisions, lifted ones
with when and by whom; the values stay in the export, since the archive keeps secret information too,
under its restriction. Which files a record names is the caller's: the stored files for an export
(:func:`stored_files`), the files actually packed (a PDF/A rendering beside each upload) when archiving.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from kansli.archive import mimetype
from kansli.models import Case, Document, Registration, User
from kansli.names import display_name, file_name
from kansli.outputs import KINDS
from kansli.registry.erms import (
    ErmsAgent,
    ErmsCase,
    ErmsDispatch,
    ErmsFile,
    ErmsRecord,
    ErmsSecrecy,
    ErmsVoiding,
    file_path,
)
from kansli.registry.record import RECORD_FORMATS
from kansli.registry.secrecy import parts_of
from kansli.registry.terms import DispatchMethod
from kansli.status import CaseStatus, Direction, RegistrationStatus

#: Whoever did something when the user row is gone (users are disabled, not deleted, but the column is nullable).
UNKNOWN = "okänd"


def _name(user: User | None) -> str:
    return user.name if user else UNKNOWN


def _item(session: Session, registration: Registration) -> tuple[str, str | None]:
    """A record's title and kind: an upload by its file name, an output by its kind's Swedish name (and agency).

    The description stays the description, so that a secrecy marking on it covers what it says it covers.
    """
    if registration.document_id is not None and (doc := session.get(Document, registration.document_id)):
        return display_name(doc.filename), doc.kind
    if (output := registration.output) is not None:
        label = KINDS[output.kind].label if output.kind in KINDS else output.kind
        return (f"{label}, {output.agency}" if output.agency else label), output.kind
    return registration.description, None


def stored_files(session: Session, registration: Registration) -> list[tuple[str, str]]:
    """The (name, SHA-256) of the files the store holds for a registration; none once voided or disposed."""
    if registration.status in (RegistrationStatus.VOIDED, RegistrationStatus.DISPOSED):
        return []
    if registration.document_id is not None and (doc := session.get(Document, registration.document_id)):
        return [(file_name(doc.filename), doc.sha256)]
    if registration.output is not None:
        return [(f.name, f.sha256) for f in registration.output.files if f.format in RECORD_FORMATS]
    return []


def _secrecy(registration: Registration) -> tuple[ErmsSecrecy, ...]:
    return tuple(ErmsSecrecy(tuple(part.value for part in parts_of(mark)), mark.provision, mark.marked_at,
                             _name(mark.marker), mark.lifted_at, _name(mark.lifter) if mark.lifted_at else None)
                 for mark in registration.secrecy_marks)


def _record(session: Session, registration: Registration, files: Sequence[tuple[str, str]]) -> ErmsRecord:
    title, kind = _item(session, registration)
    voided = None
    if registration.status == RegistrationStatus.VOIDED:
        voided = ErmsVoiding(registration.void_reason or "", registration.voided_at or registration.created_at,
                             _name(registration.voider))
    dispatches = tuple(ErmsDispatch(ErmsAgent(d.recipient), DispatchMethod(d.method).label.lower(),
                                    datetime.combine(date.fromisoformat(d.sent_on), time()), _name(d.user))
                       for d in registration.dispatches)
    return ErmsRecord(
        number=registration.dnr, running_number=registration.number, title=title,
        direction=Direction(registration.direction).value,
        date=date.fromisoformat(registration.date), registered_at=registration.created_at,
        registered_by=_name(registration.user), description=registration.description or None, kind=kind,
        party=ErmsAgent(registration.party) if registration.party else None, voided=voided,
        secrecy=_secrecy(registration), dispatches=dispatches,
        files=tuple(ErmsFile(file_path(registration.dnr, name), name, sha256, mimetype(name)) for name, sha256 in files))


def erms_case(session: Session, case: Case, organisation: tuple[str, str | None],
              files: Mapping[int, Sequence[tuple[str, str]]]) -> ErmsCase:
    """The case with all its registrations in number order; ``files`` gives each registration's (by id)
    files as (name, SHA-256), and ``organisation`` is the authority's name and organisationsnummer."""
    return ErmsCase(
        number=case.dnr, title=case.title, status=CaseStatus(case.status).value,
        opened=case.opened_at, organisation=organisation[0], organisation_id=organisation[1],
        closed=case.closed_at, municipality=case.municipality,
        handling_officer=case.officer.name if case.officer else None,
        records=tuple(_record(session, r, files.get(r.id, ())) for r in case.documents))


def export(session: Session, case: Case, organisation: tuple[str, str | None]) -> ErmsCase:
    """The case as it stands, naming the files the store holds for each registration."""
    return erms_case(session, case, organisation, {r.id: stored_files(session, r) for r in case.documents})
