"""Uploading documents, reading their extraction, correcting fields."""
from __future__ import annotations

from typing import Any

from flask import jsonify, request, send_file

from kansli import documentlist
from kansli.documents import ArchivedError, DocumentGone, DocumentRefused, UploadRejected
from kansli.fields import FieldError
from kansli.idempotency import KeyRejected
from kansli.models import Document
from kansli.names import file_name
from kansli.status import DocumentStatus
from kansli.users import CLERK_PLUS, DRAFTER_PLUS
from kansli.validation import API_PAGE_SIZE, DocumentQuery
from service.actions import apply_correction, receive_upload, record_download, remove_document, retry_document
from service.api import bp, json_body, query_as, role
from service.api.representation import document_json
from service.database import get_or_404, get_session, get_store
from service.errors import api_error


@bp.post("/documents")
@role(*CLERK_PLUS)
def upload_document() -> Any:
    file = request.files.get("file")
    if file is None:
        return api_error(400, "Bifoga PDF-filen i fältet \"file\".")
    try:
        doc, created, replayed = receive_upload(file, request.headers.get("Idempotency-Key"))
    except UploadRejected as exc:
        return api_error(exc.status, exc.message, exc.code)
    except KeyRejected as exc:
        return api_error(422, str(exc), "idempotency_key")
    body = {"id": doc.id, "status": doc.status, "filename": doc.filename, "duplicate": not created}
    headers = {"Location": f"/api/documents/{doc.id}", **({"Idempotent-Replayed": "true"} if replayed else {})}
    return jsonify(body), 202 if created else 200, headers


@bp.get("/documents")
@role()
def list_documents() -> Any:
    found = documentlist.listing(get_session(), query_as(DocumentQuery), API_PAGE_SIZE)
    return jsonify({"documents": [document_json(d) for d in found.documents], "total": found.total,
                    "page": found.page, "pages": found.pages, "per_page": found.per_page})


@bp.get("/documents/<int:doc_id>")
@role()
def get_document(doc_id: int) -> Any:
    return jsonify(document_json(get_or_404(Document, doc_id)))


@bp.post("/documents/<int:doc_id>/retry")
@role(*CLERK_PLUS)
def retry(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    try:
        retry_document(doc)
    except DocumentRefused as exc:
        return api_error(409, exc.message, "not_failed")
    return jsonify(document_json(doc)), 202


@bp.delete("/documents/<int:doc_id>")
@role(*CLERK_PLUS)
def remove(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    try:
        remove_document(doc)
    except DocumentGone as exc:
        return api_error(404, exc.message)
    except DocumentRefused as exc:
        return api_error(409, exc.message, "in_use")
    return "", 204


@bp.get("/documents/<int:doc_id>/history")
@role()
def document_history(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    return jsonify({"revisions": [
        {"number": r.number, "source": r.source, "fields": r.fields, "changed": r.changed,
         "user": r.user.name if r.user else None, "created_at": r.created_at.isoformat()}
        for r in doc.revisions
    ]})


@bp.patch("/documents/<int:doc_id>/fields")
@role(*DRAFTER_PLUS)
def correct_fields(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    try:
        apply_correction(doc, json_body())
    except ArchivedError as exc:
        return api_error(409, str(exc), "archived")
    except FieldError as exc:
        status = 409 if doc.status != DocumentStatus.EXTRACTED else 422
        return api_error(status, str(exc), "invalid_fields" if status == 422 else "not_ready")
    return jsonify(document_json(doc))


@bp.get("/documents/<int:doc_id>/file")
@role()
def document_file(doc_id: int) -> Any:
    """The uploaded PDF, shown inline on purpose: the document page's "Öppna PDF-filen" links open it in
    the browser's PDF viewer at the page a value was read from (``#page=N``), which a download cannot do.

    It is safe to show because the upload was checked to be a PDF, the type is fixed to application/pdf
    with ``nosniff`` (never taken for HTML), and the ``sandbox`` policy of :mod:`service.security` keeps
    anything in it from running in this site's origin.
    """
    doc = get_or_404(Document, doc_id)
    record_download(f"document {doc.id}", doc.filename)
    return send_file(get_store().path(doc.sha256), mimetype="application/pdf",
                     download_name=file_name(doc.filename), as_attachment=False)
