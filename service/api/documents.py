"""Uploading documents, reading their extraction, correcting fields."""
from __future__ import annotations

import logging
from typing import Any

from flask import jsonify, request, send_file
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from kansli import audit, queues
from kansli.documents import ArchivedError, UploadRejected, add_upload, correct, safe_download_name
from kansli.fields import FieldError
from kansli.models import Document, Revision
from kansli.users import CLERK_PLUS, DRAFTER_PLUS
from service.api import bp, role
from service.api.representation import document_json
from service.database import get_or_404, get_session, get_store, settings
from service.errors import api_error

log = logging.getLogger("kansli.web")


def apply_correction(doc: Document, changes: Any) -> Revision:
    """A drafter's corrections as a new revision, logged and audited; shared by the API and the page."""
    before = doc.revisions[-1].number if doc.revisions else 0
    revision = correct(get_session(), doc, changes, current_user.id)
    if revision.number != before:
        log.info("document %s: revision %d by %s changed %s", doc.id, revision.number, current_user.name,
                 ", ".join(revision.changed))
        audit.record(settings().database_url, current_user.name, "correct", f"document {doc.id}",
                     revision=revision.number, changed=revision.changed)
    return revision


def enqueue_extraction(doc_id: int) -> None:
    """Queue the extraction; if Redis is away, the row stays queued and recovery queues it later."""
    try:
        queues.enqueue_extraction(settings(), doc_id)
    except RedisError:
        log.exception("document %s: could not reach Redis; recovery will queue it", doc_id)


def receive_upload(file: Any) -> tuple[Document, bool]:
    """Store one uploaded file and queue it; shared by the API and the upload page."""
    doc, created = add_upload(get_session(), get_store(), file.read(), file.filename, current_user.id)
    if created:
        log.info("document %s: uploaded %r (%d bytes) by %s", doc.id, doc.filename, doc.size, current_user.name)
        audit.record(settings().database_url, current_user.name, "upload", f"document {doc.id}",
                     filename=doc.filename, sha256=doc.sha256)
        enqueue_extraction(doc.id)
    else:
        log.info("document %s: %r uploaded again by %s; same bytes, kept once", doc.id, file.filename,
                 current_user.name)
    return doc, created


@bp.post("/documents")
@role(*CLERK_PLUS)
def upload_document() -> Any:
    file = request.files.get("file")
    if file is None:
        return api_error(400, "Bifoga PDF-filen i fältet \"file\".")
    try:
        doc, created = receive_upload(file)
    except UploadRejected as exc:
        return api_error(exc.status, exc.message, exc.code)
    body = {"id": doc.id, "status": doc.status, "filename": doc.filename, "duplicate": not created}
    return jsonify(body), 202 if created else 200, {"Location": f"/api/documents/{doc.id}"}


@bp.get("/documents")
@role()
def list_documents() -> Any:
    query = select(Document).options(selectinload(Document.revisions)).order_by(Document.id.desc()).limit(200)
    if ids := request.args.get("ids"):
        try:
            wanted = [int(i) for i in ids.split(",") if i]
        except ValueError:
            return api_error(400, "ids ska vara kommaseparerade heltal.")
        query = query.where(Document.id.in_(wanted))
    return jsonify({"documents": [document_json(d) for d in get_session().scalars(query)]})


@bp.get("/documents/<int:doc_id>")
@role()
def get_document(doc_id: int) -> Any:
    return jsonify(document_json(get_or_404(Document, doc_id)))


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
        apply_correction(doc, request.get_json(silent=True))
    except ArchivedError as exc:
        return api_error(409, str(exc), "archived")
    except FieldError as exc:
        status = 409 if doc.status != "extracted" else 422
        return api_error(status, str(exc), "invalid_fields" if status == 422 else "not_ready")
    return jsonify(document_json(doc))


@bp.get("/documents/<int:doc_id>/file")
@role()
def document_file(doc_id: int) -> Any:
    doc = get_or_404(Document, doc_id)
    audit.record(settings().database_url, current_user.name, "download", f"document {doc.id}", what=doc.filename)
    return send_file(get_store().path(doc.sha256), mimetype="application/pdf",
                     download_name=safe_download_name(doc.filename), as_attachment=False)
