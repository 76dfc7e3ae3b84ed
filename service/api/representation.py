"""How documents and outputs look in JSON: one place, used by the API and by the pages' scripts."""
from __future__ import annotations

from typing import Any

from flask import url_for

from kansli.models import Document, Output, Template
from kansli.outputs import KINDS
from kansli.status import DocumentStatus, OutputStatus

KIND_NAMES = {"district_plan": "Strategisk stadsdelsplan", "report": "Myndighetsrapport",
              "decision": "Regeringsbeslut", "unknown": "Okänd dokumenttyp", None: "–"}


def document_json(doc: Document) -> dict[str, Any]:
    extraction = None
    if doc.status == DocumentStatus.EXTRACTED and doc.revisions:
        extraction = {"kind": doc.kind, "pages": doc.pages, "fields": doc.current_fields(),
                      "warnings": doc.warnings or []}
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
        "provenance": doc.provenance if extraction else None,
        "error": doc.error,
        "error_code": doc.error_code,
        "attempts": doc.attempts,
        "created_at": doc.created_at.isoformat(),
        "url": url_for("api.document_file", doc_id=doc.id),
        "page": url_for("documents.show", doc_id=doc.id),
    }


def output_json(output: Output) -> dict[str, Any]:
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
        "files": [
            {"name": f.name, "format": f.format, "sha256": f.sha256, "size": f.size,
             "url": url_for("api.output_file", output_id=output.id, name=f.name)}
            for f in output.files
        ],
    }


def template_json(template: Template) -> dict[str, Any]:
    return {"id": template.id, "name": template.name, "sha256": template.sha256, "size": template.size,
            "filename": template.filename, "uploaded_by": template.user.name if template.user else None,
            "created_at": template.created_at.isoformat()}
