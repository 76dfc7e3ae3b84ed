"""Generating drafts from extracted fields, and downloading them."""
from __future__ import annotations

import logging
from typing import Any

from flask import abort, jsonify, request, send_file
from flask_login import current_user
from redis.exceptions import RedisError
from sqlalchemy import select

from kansli import audit, queues
from kansli.models import Output
from kansli.outputs import OutputRejected, request_output
from kansli.users import DRAFTER_PLUS
from service.api import bp, role
from service.api.representation import output_json
from service.database import get_or_404, get_session, get_store, settings
from service.errors import api_error

log = logging.getLogger("kansli.web")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MIMETYPES = {"docx": DOCX, "pdf": "application/pdf", "png": "image/png", "zip": "application/zip"}


def start_output(body: Any) -> Output:
    """Create and queue an output; shared by the API and the document page."""
    output = request_output(get_session(), body, current_user.id)
    log.info("output %s: %s for document %s (%s) requested by %s", output.id, output.kind,
             output.document_id, output.agency, current_user.name)
    audit.record(settings().database_url, current_user.name, "generate", f"output {output.id}", kind=output.kind,
                 document_id=output.document_id, agency=output.agency)
    try:
        queues.enqueue_render(settings(), output.id)
    except RedisError:
        log.exception("output %s: could not reach Redis; recovery will queue it", output.id)
    return output


@bp.post("/outputs")
@role(*DRAFTER_PLUS)
def create_output() -> Any:
    try:
        output = start_output(request.get_json(silent=True))
    except OutputRejected as exc:
        return api_error(exc.status, exc.message, exc.code)
    return jsonify({"id": output.id, "status": output.status}), 202, {"Location": f"/api/outputs/{output.id}"}


@bp.get("/outputs")
@role()
def list_outputs() -> Any:
    query = select(Output).order_by(Output.id.desc()).limit(200)
    if doc_id := request.args.get("document_id", type=int):
        query = query.where(Output.document_id == doc_id)
    return jsonify({"outputs": [output_json(o) for o in get_session().scalars(query)]})


@bp.get("/outputs/<int:output_id>")
@role()
def get_output(output_id: int) -> Any:
    return jsonify(output_json(get_or_404(Output, output_id)))


@bp.get("/outputs/<int:output_id>/files/<name>")
@role()
def output_file(output_id: int, name: str) -> Any:
    output = get_or_404(Output, output_id)
    file = next((f for f in output.files if f.name == name), None)
    if file is None:
        abort(404)
    log.info("output %s: %s downloaded by %s", output.id, file.name, current_user.name)
    audit.record(settings().database_url, current_user.name, "download", f"output {output.id}", what=file.name)
    return send_file(get_store().path(file.sha256), mimetype=MIMETYPES.get(file.format, "application/octet-stream"),
                     download_name=file.name, as_attachment=file.format != "png")
