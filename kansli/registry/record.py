"""What a registration records: the registered item, and the record of it that goes into its archive package."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from kansli.models import Document, Output, Registration
from kansli.registry.errors import RegistryError

#: The formats of an output's files that are its record (the preview images are not), archived and exported.
RECORD_FORMATS = ("docx", "pdf", "zip")


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


def source_documents(output: Output) -> list[int]:
    """The documents an output was made from: a batch names them in its fields, other outputs have one."""
    return [i for i in (output.fields or {}).get("document_ids") or [output.document_id] if i]


def archived_record(registration: Registration, item: Document | Output, software: dict[str, str]
                    ) -> dict[str, Any]:
    """The registration as the package's ``metadata/descriptive/registration.json``.

    An archive format has to stay readable for decades, so it is built here with its own fixed keys and
    changes only when this function does, never with the API's JSON. It leaves out what only means
    something inside a running Kansli: the row id, the workflow status (always "registered" while the
    package is built), the package's own digest (a package cannot hold it) and disposal. The keys kept
    are named as in the packages made before this function existed.
    """
    if isinstance(item, Document):
        kind, fields, templates, related = item.kind, item.current_fields(), None, []
    else:
        kind, fields, templates = item.kind, item.fields, item.templates
        related = [{"document_id": i} for i in source_documents(item)]
    return {
        "dnr": registration.dnr,
        "direction": registration.direction,
        "kind": kind,
        "date": registration.date,
        "party": registration.party,
        "description": registration.description,
        "registered_by": registration.user.name if registration.user else None,
        "created_at": registration.created_at.isoformat(),
        "retain_until": registration.retain_until,
        "legal_hold": registration.legal_hold,
        "hold_reason": registration.hold_reason,
        "document_id": registration.document_id,
        "output_id": registration.output_id,
        "related": related,
        "fields": fields,
        "templates": templates,
        "software": software,
    }
