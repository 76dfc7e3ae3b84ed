"""How a registration is written down as JSON."""
from __future__ import annotations

from typing import Any

from kansli.models import Registration


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
