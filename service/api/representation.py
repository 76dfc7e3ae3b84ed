"""How documents, outputs and registrations look in JSON: one place, used by the API and by the pages' scripts."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import url_for
from sqlalchemy.orm import Session, object_session

from kansli import pageimages
from kansli.fields import KIND_LABELS
from kansli.models import Case, Dispatch, Document, Output, Registration, SecrecyMark, Template
from kansli.outputs import KINDS, LOCKED, THUMBNAIL_SUFFIX, page_previews
from kansli.registry.archiving import case_package, drafts_in_force, registration_in_force
from kansli.registry.record import source_documents
from kansli.registry.secrecy import parts_of
from kansli.registry.terms import DispatchMethod
from kansli.status import CaseStatus, Direction, DocumentStatus, OutputStatus, RegistrationStatus
from kansli.templates import made_with

KIND_NAMES = {None: "–", **KIND_LABELS}


def confidence(doc: Document) -> dict[str, float]:
    """The extraction's confidence per field; a field a drafter has corrected since is certain (1)."""
    fields, extracted = doc.current_fields() or {}, doc.revisions[0].fields if doc.revisions else {}
    return {name: 1.0 if fields.get(name) != extracted.get(name) else (doc.confidence or {}).get(name, 0.0)
            for name in fields}


def document_json(doc: Document) -> dict[str, Any]:
    extraction = None
    if doc.status == DocumentStatus.EXTRACTED and doc.revisions:
        extraction = {"kind": doc.kind, "pages": doc.pages, "fields": doc.current_fields(),
                      "confidence": confidence(doc), "warnings": doc.warnings or []}
    return {
        "id": doc.id,
        "filename": doc.filename,
        "sha256": doc.sha256,
        "size": doc.size,
        "status": doc.status,
        "status_text": DocumentStatus(doc.status).label,
        "progress": doc.progress,
        "kind": doc.kind,
        "extraction": extraction,
        "revision": doc.revisions[-1].number if doc.revisions else None,
        # Where the extracted values stand (page, bbox in PDF points from the top left), shaped like the
        # extraction's fields; kept beside the contract's object rather than inside it.
        "provenance": pageimages.boxes(doc.provenance) if extraction else None,
        "error": doc.error,
        "error_code": doc.error_code,
        "attempts": doc.attempts,
        "created_at": doc.created_at.isoformat(),
        "url": url_for("api.document_file", doc_id=doc.id),
        "page": url_for("documents.show", doc_id=doc.id),
    }


@dataclass
class Drafts:
    """What a list of drafts shares, read once for the list: their registrations and the templates' versions."""

    registrations: dict[int, Registration]
    history: dict[str, list[Template]] = field(default_factory=dict)


def outputs_json(session: Session, outputs: Sequence[Output]) -> list[dict[str, Any]]:
    """:func:`output_json` of a list of drafts in a few queries, not a few for each draft."""
    shared = Drafts(drafts_in_force(session, outputs))
    return [output_json(o, shared) for o in outputs]


def output_json(output: Output, shared: Drafts | None = None) -> dict[str, Any]:
    """A draft with what it was made from: each template's version and each document's field version,
    its page previews (``pages``: the PDF's page count, which may exceed the previews), its registration.
    ``shared``: what :func:`outputs_json` read for the whole list."""
    session = object_session(output)
    assert session is not None  # rows reach here from the request's session
    previews = dict(page_previews([f.name for f in output.files]))
    shown = set(previews.values()) - {f.name for f in output.files if f.name.endswith(THUMBNAIL_SUFFIX)}
    registration = shared.registrations.get(output.id) if shared else registration_in_force(session, output)
    return {
        "id": output.id,
        "kind": output.kind,
        "kind_text": KINDS[output.kind].label,
        "document_id": output.document_id,
        "agency": output.agency,
        "status": output.status,
        "status_text": OutputStatus(output.status).label,
        "progress": output.progress,
        "error": output.error,
        "error_code": output.error_code,
        "created_at": output.created_at.isoformat(),
        "templates": output.templates or {},
        "template_versions": [
            {"template": m.name, "sha256": m.sha256, "version": m.number, "builtin": m.version is None,
             "created_at": m.version.created_at.isoformat() if m.version else None}
            for m in made_with(session, output.templates or {}, output.updated_at,
                                shared.history if shared else None)
        ],
        "revisions": [{"document_id": int(doc_id), "revision": number,
                       "history": url_for("documents.history", doc_id=int(doc_id))}
                      for doc_id, number in (output.revisions or {}).items()],
        "files": [
            {"name": f.name, "format": f.format, "sha256": f.sha256, "size": f.size,
             "url": url_for("api.output_file", output_id=output.id, name=f.name)}
            for f in output.files if f.name not in shown
        ],
        "pages": output.pages,
        "previews": [{"page": page, "name": name, "url": url_for("api.output_file", output_id=output.id, name=name)}
                     for page, name in previews.items()],
        "registration": registration and {"dnr": registration.dnr, "status": registration.status,
                                          "status_text": RegistrationStatus(registration.status).label,
                                          "locked": registration.status in LOCKED},
        "page": url_for("outputs.show", output_id=output.id),
    }


def template_json(template: Template) -> dict[str, Any]:
    return {"id": template.id, "name": template.name, "sha256": template.sha256, "size": template.size,
            "filename": template.filename, "uploaded_by": template.user.name if template.user else None,
            "created_at": template.created_at.isoformat()}


def registration_json(registration: Registration) -> dict[str, Any]:
    """A registration as the API shows it, with its workflow state; archive packages have their own
    record (:func:`kansli.registry.record.archived_record`), so this may change with the API."""
    search_entry = registration.search_entry
    output = registration.output if registration.output_id is not None else None
    return {
        "id": registration.id, "dnr": registration.dnr, "case": registration.case.dnr, "number": registration.number,
        "direction": registration.direction, "direction_text": Direction(registration.direction).label,
        "kind": search_entry.kind if search_entry else None,
        "related": [{"document_id": i} for i in source_documents(output)] if output else [],
        "date": registration.date, "party": registration.party, "description": registration.description,
        "document_id": registration.document_id, "output_id": registration.output_id,
        "status": registration.status, "status_text": RegistrationStatus(registration.status).label,
        "registered_by": registration.user.name if registration.user else None,
        "created_at": registration.created_at.isoformat(),
        "archived_at": registration.archived_at.isoformat() if registration.archived_at else None,
        "package_sha256": registration.package_sha256,
        "retain_until": registration.retain_until, "legal_hold": registration.legal_hold,
        "hold_reason": registration.hold_reason, "disposal_reason": registration.disposal_reason,
        "disposal_requested": registration.disposal_requested_by is not None,
        "disposed_at": registration.disposed_at.isoformat() if registration.disposed_at else None,
        "secrecy": [secrecy_json(m) for m in registration.secrecy_marks],
        "dispatches": [dispatch_json(d) for d in registration.dispatches],
        "void_reason": registration.void_reason,
        "voided_by": registration.voider.name if registration.voider else None,
        "voided_at": registration.voided_at.isoformat() if registration.voided_at else None,
        "signed_copy_of": registration.signed_copy_of.dnr if registration.signed_copy_of else None,
    }


def secrecy_json(mark: SecrecyMark) -> dict[str, Any]:
    """A secrecy marking, in force or lifted: the registration keeps its whole history."""
    return {"id": mark.id, "parts": [str(p) for p in parts_of(mark)], "provision": mark.provision,
            "in_force": mark.lifted_at is None,
            "marked_by": mark.marker.name if mark.marker else None, "marked_at": mark.marked_at.isoformat(),
            "lifted_by": mark.lifter.name if mark.lifter else None,
            "lifted_at": mark.lifted_at.isoformat() if mark.lifted_at else None, "lift_reason": mark.lift_reason}


def dispatch_json(dispatch: Dispatch) -> dict[str, Any]:
    return {"id": dispatch.id, "recipient": dispatch.recipient, "address": dispatch.address,
            "method": dispatch.method, "method_text": DispatchMethod(dispatch.method).label, "date": dispatch.sent_on,
            "dispatched_by": dispatch.user.name if dispatch.user else None,
            "created_at": dispatch.created_at.isoformat()}


def case_json(case: Case, documents: bool = False) -> dict[str, Any]:
    """A case; with ``documents``, its registrations in number order (voided ones too, shown as such) and the
    digest of the package it was archived in as a whole, if it was."""
    result = {
        "id": case.id, "dnr": case.dnr, "year": case.year, "number": case.number, "title": case.title,
        "municipality": case.municipality, "officer": case.officer.name if case.officer else None,
        "status": case.status, "status_text": CaseStatus(case.status).label,
        "opened_at": case.opened_at.isoformat(), "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        # running numbers are gap-free and registrations never deleted: the last number is the count
        "document_count": case.last_document,
        "page": url_for("registry.case_page", dnr=case.dnr),
    }
    if documents:
        result["documents"] = [registration_json(r) for r in case.documents]
        result["package_sha256"] = case_package(case)
    return result
