"""What a registration records: the registered item, and the registration written down as JSON."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kansli.models import Document, Output, Registration
from kansli.registry.errors import RegistryError


def registered_item(session: Session, registration: Registration) -> Document | Output:
    """The upload (incoming) or output (outgoing) a registration is of.

    The foreign keys keep it, and neither is ever deleted (disposal empties the row but keeps it); should
    one be missing all the same, the caller answers 404 rather than failing on a None.
    """
    if registration.document_id is not None:
        if doc := session.get(Document, registration.document_id):
            return doc
        raise RegistryError(404, f"{registration.dnr} avser dokument {registration.document_id}, som inte finns.")
    if registration.output_id is not None and (output := session.get(Output, registration.output_id)):
        return output
    raise RegistryError(404, f"{registration.dnr} avser utkast {registration.output_id}, som inte finns.")


def as_dict(registration: Registration) -> dict[str, Any]:
    search_entry = registration.search_entry
    related = []
    if registration.output_id is not None:
        output = registration.output
        related = [{"document_id": i} for i in (output.fields or {}).get("document_ids") or [output.document_id] if i]
    return {
        "id": registration.id, "dnr": registration.dnr, "direction": registration.direction,
        "kind": search_entry.kind if search_entry else None, "related": related,
        "date": registration.date, "party": registration.party, "description": registration.description,
        "document_id": registration.document_id, "output_id": registration.output_id,
        "status": registration.status, "registered_by": registration.user.name if registration.user else None,
        "created_at": registration.created_at.isoformat(),
        "archived_at": registration.archived_at.isoformat() if registration.archived_at else None,
        "package_sha256": registration.package_sha256,
        "retain_until": registration.retain_until, "legal_hold": registration.legal_hold,
        "hold_reason": registration.hold_reason, "disposal_reason": registration.disposal_reason,
        "disposal_requested": registration.disposal_requested_by is not None,
        "disposed_at": registration.disposed_at.isoformat() if registration.disposed_at else None,
    }
